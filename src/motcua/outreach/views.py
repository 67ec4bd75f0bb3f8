"""The outreach page of the officials' workspace: printable material per procedure or field."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.outreach.printables import (
    FORMATS,
    field_subject,
    printable_filename,
    printable_pdf,
    procedure_subject,
)
from motcua.outreach.selectors import outreach_agency_ids, outreach_choices


def _agency_ids(request: HttpRequest) -> list[int]:
    user = request.user
    assert isinstance(user, User)
    agency_ids = outreach_agency_ids(user)
    if not agency_ids:
        raise PermissionDenied
    return agency_ids


def _context(agency_ids: list[int], params: Any) -> dict[str, Any]:
    procedures, fields = outreach_choices(agency_ids)
    return {
        "procedures": procedures,
        "fields": fields,
        "formats": [(key, fmt.label) for key, fmt in FORMATS.items()],
        "params": params,
    }


@login_required
def outreach_page(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/home.html", _context(_agency_ids(request), request.GET))


@login_required
def printable(request: HttpRequest) -> HttpResponse:
    """The PDF of one format for a procedure (`procedure=`) or a field (`field=`)."""
    agency_ids = _agency_ids(request)
    code = request.GET.get("procedure", "")[:16]
    field_code = request.GET.get("field", "")[:80]
    format_key = request.GET.get("format", "")
    try:
        if code:
            subject = procedure_subject(code=code, agency_ids=agency_ids)
        elif field_code:
            subject = field_subject(code=field_code, agency_ids=agency_ids)
        else:
            raise DomainError(_("Choose a procedure or a field."), code="invalid")
        pdf = printable_pdf(subject, format_key)
    except DomainError as exc:
        context = {**_context(agency_ids, request.GET), "error": exc}
        return render(request, "outreach/home.html", context, status=exc.status)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{printable_filename(subject, format_key)}"'
    return response
