"""Digital signatures on electronic results (PDF), with the agency's certificate chosen by settings."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from motcua.integrations.signing.base import PdfSigner
from motcua.integrations.signing.pkcs12 import Pkcs12PdfSigner, demo_certificate


@cache
def _signer(path: str, password: str) -> PdfSigner:
    return Pkcs12PdfSigner(Path(path), password.encode())


def pdf_signer() -> PdfSigner | None:
    """The configured signer (MOTCUA_SIGNING_P12); in development a self-signed demo certificate; else None."""
    if settings.MOTCUA_SIGNING_P12:
        return _signer(settings.MOTCUA_SIGNING_P12, settings.MOTCUA_SIGNING_P12_PASSWORD)
    if settings.IS_PRODUCTION:
        return None  # results are returned as they were attached (the system check says so)
    path = Path(settings.DATA_DIR) / "signing" / "demo-agency.p12"
    if not path.exists():
        demo_certificate(path, password=b"motcua-demo")
    return _signer(str(path), "motcua-demo")
