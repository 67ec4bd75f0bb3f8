"""Domain errors with stable, kebab-case codes that the API and the pages translate for users."""

from __future__ import annotations

from typing import Any

from django.db import InterfaceError, OperationalError


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


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (a restart, a fail-over, a network
    cut): the request's open transaction is lost, and the same request a moment later may well succeed.

    Schema errors that SQLite also reports as OperationalError ("no such table") are bugs, not outages.
    """
    if isinstance(exc, OperationalError) and str(exc).startswith(("no such table", "no such column")):
        return False
    return isinstance(exc, OperationalError | InterfaceError)
