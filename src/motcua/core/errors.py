"""Domain errors with stable, kebab-case codes that the API and the pages translate for users."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the request. `code` is stable; `message` is translated."""

    code = "domain-error"
    status = 400

    def __init__(self, message: Any, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class NotFoundError(DomainError):
    code = "not-found"
    status = 404
