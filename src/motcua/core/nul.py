"""A NUL character in a request's address names nothing: 404 before any view reads the address.

PostgreSQL stores no NUL character: a view that looked a path segment up in the database (a
dossier's or a procedure's code) failed with a DataError (500). Forms and API serializers refuse
NUL already (Django's and DRF's CharField); `refuse_nul` below is for services that store
structures (JSON) they did not get through one of those.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            from motcua.core.views import page_not_found  # the views' module is not needed by the services

            return page_not_found(request)
        return self.get_response(request)


def contains_nul(value: object) -> bool:
    """True if `value`, or a key or item inside it (dicts, lists), is text with a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def refuse_nul(**values: object) -> None:
    """ValidationError naming each of `values` that holds a NUL character (PostgreSQL stores none)."""
    found = [name for name, value in values.items() if contains_nul(value)]
    if found:
        raise ValidationError({name: [_("The value contains a NUL character.")] for name in found})
