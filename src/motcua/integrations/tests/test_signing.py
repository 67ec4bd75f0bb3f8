"""Electronic results signed with a PKCS#12 certificate (pyHanko): valid, and any change shows."""

from __future__ import annotations

from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from weasyprint import HTML

from motcua.integrations.signing.base import SigningError
from motcua.integrations.signing.pkcs12 import Pkcs12PdfSigner, demo_certificate


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    path = tmp_path_factory.mktemp("signing") / "agency.p12"
    demo_certificate(path, password=b"secret", name="Sở Văn hóa, Thể thao và Du lịch (thử nghiệm)")
    return path


def trusting(path) -> ValidationContext:
    _key, certificate, _chain = pkcs12.load_key_and_certificates(path.read_bytes(), b"secret")
    assert certificate is not None
    return ValidationContext(trust_roots=[asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))])


def test_a_signed_result_validates_and_names_its_signer(certificate):
    signer = Pkcs12PdfSigner(certificate, b"secret")
    pdf = HTML(string="<h1>Giấy phép kinh doanh dịch vụ lữ hành nội địa</h1>").write_pdf()
    signed = signer.sign(pdf, reason="Kết quả giải quyết thủ tục hành chính", location="Cần Thơ")
    assert signed.startswith(pdf)  # an incremental update: the document itself is unchanged
    signature = PdfFileReader(BytesIO(signed)).embedded_signatures[0]
    status = validate_pdf_signature(signature, trusting(certificate))
    assert status.intact and status.valid and status.trusted
    assert signer.signer_name == "Sở Văn hóa, Thể thao và Du lịch (thử nghiệm)"
    assert signature.sig_object["/Reason"] == "Kết quả giải quyết thủ tục hành chính"


def test_a_change_after_signing_breaks_the_signature(certificate):
    signer = Pkcs12PdfSigner(certificate, b"secret")
    signed = bytearray(signer.sign(HTML(string="<p>Số tiền: 1.000.000 đ</p>").write_pdf(), reason="x", location="y"))
    position = signed.index(b"/Type /Page") if b"/Type /Page" in signed else 200
    signed[position + 1 : position + 2] = b"X"  # one byte of the signed content
    signature = PdfFileReader(BytesIO(bytes(signed)), strict=False).embedded_signatures[0]
    assert not validate_pdf_signature(signature, trusting(certificate)).intact


def test_what_is_not_a_pdf_is_refused_with_a_signing_error(certificate):
    with pytest.raises(SigningError):
        Pkcs12PdfSigner(certificate, b"secret").sign(b"\xff\xd8\xff\xe0 a photo", reason="x", location="y")
