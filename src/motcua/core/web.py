"""Helpers of the web edges (desk, portal, API): a service call's refusal as a message, a private file."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError, NotFoundError

T = TypeVar("T")


def report_errors(request: HttpRequest, call: Callable[[], T], done: str) -> T | None:
    """Run a service call for a form; its refusal becomes a message that says what to fix.

    Returns what the call returned, or None when it was refused (then nothing was changed).
    """
    try:
        result = call()
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Your role does not allow this action on this dossier."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if done:
            messages.success(request, done)
        return result
    return None


def private_file_response(file: FieldFile, *, name: str, content_type: str, attachment: bool = False) -> FileResponse:
    """A stored file for the one person allowed to read it: its type as checked, never cached."""
    response = FileResponse(file.open("rb"), as_attachment=attachment, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
