"""Public catalog pages. Thin: parse the request, call a selector, render."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.catalog.constants import ServiceLevel
from motcua.catalog.selectors import (
    CatalogFilters,
    agencies_with_counts,
    catalog_figures,
    fields_with_counts,
    procedure_detail,
    procedure_search,
    query_tokens,
    versions_by_ids,
)
from motcua.core.clients import client_address
from motcua.core.errors import DomainError, NotFoundError
from motcua.dossiers.selectors import dossier_public_lookup
from motcua.dossiers.states import APPLICANT
from motcua.news.selectors import announcements_latest
from motcua.portal.forms import DueDateForm
from motcua.workdays.selectors import agency_calendar

PAGE_SIZE = 20


LOOKUPS_PER_MINUTE = 30


def lookup_allowed(request: HttpRequest) -> bool:
    """At most LOOKUPS_PER_MINUTE lookups a minute from one address: secrets cannot be guessed by brute force."""
    key = f"lookup:{client_address(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=70)
    return cache.incr(key) <= LOOKUPS_PER_MINUTE


def lookup_page(request: HttpRequest) -> HttpResponse:
    """Public status of a dossier from the code and secret on its receipt: no personal data."""
    code = request.GET.get("code", "").strip()[:64]
    secret = request.GET.get("secret", "").strip()[:16]
    dossier = None
    error = ""
    status = 200
    if code or secret:
        if not lookup_allowed(request):
            error, status = _("Too many lookups from your connection; wait a minute and try again."), 429
        else:
            try:
                dossier = dossier_public_lookup(code=code, secret=secret)
            except NotFoundError as exc:
                error = str(exc.message)
    return render(
        request,
        "portal/lookup.html",
        {"code": code, "secret": secret, "dossier": dossier, "error": error},
        status=status,
    )


def calendar_page(request: HttpRequest) -> HttpResponse:
    """A year's days off and make-up days, and a due-date calculator that explains its answer."""
    form = DueDateForm(request.GET or None)
    explanation = None
    error = ""
    agency = None
    if form.is_valid():
        agency = form.cleaned_data["agency"]
        try:
            explanation = agency_calendar(agency).explain(form.cleaned_data["start"], form.cleaned_data["working_days"])
        except DomainError as exc:
            error = str(exc.message)
    try:
        year = int(request.GET.get("year", "") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    calendar = agency_calendar(agency)
    year = min(max(year, calendar.first_day.year), calendar.last_day.year)
    days_off = sorted((d, name) for d, name in calendar.days_off.items() if d.year == year)
    make_up = sorted((d, name) for d, name in calendar.extra_working_days.items() if d.year == year)
    return render(
        request,
        "portal/calendar.html",
        {
            "form": form,
            "explanation": explanation,
            "error": error,
            "year": year,
            "years": range(calendar.first_day.year, calendar.last_day.year + 1),
            "days_off": days_off,
            "make_up_days": make_up,
            "hours": calendar.hours,
        },
    )


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "figures": catalog_figures(),
            "fields": fields_with_counts(),
            "agencies": agencies_with_counts(),
            "levels": ServiceLevel.choices,
            "announcements": announcements_latest(limit=3),
        },
    )


def procedure_list(request: HttpRequest) -> HttpResponse:
    filters = CatalogFilters(
        q=request.GET.get("q", "").strip()[:200],
        level=request.GET.get("level", "") if request.GET.get("level", "") in ServiceLevel.values else "",
        field=request.GET.get("field", "")[:80],
        agency=request.GET.get("agency", "")[:32],
    )
    ids = procedure_search(filters)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/procedure_list.html",
        {
            "filters": filters,
            "tokens": query_tokens(filters.q),
            "page": page,
            "results": versions_by_ids(list(page.object_list)),
            "fields": fields_with_counts(),
            "agencies": agencies_with_counts(),
            "levels": ServiceLevel.choices,
            "query_string": query.urlencode(),
            "figures": catalog_figures(agency_code=filters.agency),
        },
    )


def procedure_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        version = procedure_detail(code)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    return render(
        request,
        "portal/procedure_detail.html",
        {"procedure": version, "calendar": agency_calendar(version.agency), "levels": ServiceLevel},
    )


def signed_in(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: officials to their work lists, applicants to their dossiers."""
    if not request.user.is_authenticated:
        return redirect("login")
    roles = set(request.user.role_assignments.exclude(role__in=APPLICANT).values_list("role", flat=True))
    if roles == {Role.VOLUNTEER_GUIDE}:
        return redirect("desk:guidance")  # a volunteer only helps people apply
    if roles:
        return redirect("desk:queue")
    return redirect("portal:my-dossiers")
