"""The signing port: a PDF in, the same PDF with a digital signature (PAdES, incremental update) out."""

from __future__ import annotations

from typing import Protocol


class SigningError(Exception):
    """The document could not be signed (not a readable PDF, or the certificate is unusable)."""


class PdfSigner(Protocol):
    @property
    def signer_name(self) -> str:
        """Who signs: the certificate's subject, shown next to the result."""
        ...

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes: ...
