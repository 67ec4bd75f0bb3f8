"""Signing with a certificate and key in a PKCS#12 file, through pyHanko (PAdES baseline, SHA-256).

An agency uses the certificate issued to it by a Vietnamese CA (a file exported from its token or a
remote-signing service); a development machine uses a self-signed demo certificate that
`demo_certificate` makes, which no one else trusts, clearly named as a demo.
"""

from __future__ import annotations

import asyncio
import datetime
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.sign import signers

from motcua.integrations.signing.base import SigningError


class Pkcs12PdfSigner:
    def __init__(self, path: Path, password: bytes) -> None:
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=password)
        if signer is None:
            raise SigningError(f"cannot read the signing certificate {path}")
        self._signer = signer
        certificate = signer.signing_cert
        self._name = certificate.subject.native.get("common_name", "") if certificate else ""

    @property
    def signer_name(self) -> str:
        return str(self._name)

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        # pyHanko's synchronous API runs its own event loop: from a thread that already runs one (an
        # ASGI server, a test driving a browser), sign in a worker thread instead.
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._sign(pdf, reason=reason, location=location)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(self._sign, pdf, reason=reason, location=location).result()

    def _sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        try:
            writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
            metadata = signers.PdfSignatureMetadata(
                field_name="MotCuaResult", reason=reason, location=location, md_algorithm="sha256"
            )
            output = signers.PdfSigner(metadata, signer=self._signer).sign_pdf(writer, output=BytesIO())
        except (PdfReadError, ValueError, KeyError, TypeError) as exc:
            raise SigningError(f"not a PDF that can be signed: {exc}") from exc
        return output.getvalue()


def demo_certificate(
    path: Path, *, password: bytes, name: str = "MotCua demo agency (self-signed, not trusted)"
) -> None:
    """A self-signed certificate and key for development and demos, valid for five years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MotCua demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=5 * 365))
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pkcs12.serialize_key_and_certificates(
        b"motcua-demo", key, certificate, None, serialization.BestAvailableEncryption(password)
    )
    path.write_bytes(data)
    path.chmod(0o600)
