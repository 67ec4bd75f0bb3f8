"""The period report page of the officials' workspace, its exports, and the dossiers behind a number."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import UnitKind
from motcua.accounts.models import Unit, User
from motcua.core.errors import DomainError
from motcua.dossiers.permissions import dossiers_visible_to
from motcua.reports.access import (
    SCORE_ROLES,
    ReportForbidden,
    ReportRequest,
    report_agencies,
    report_agency,
    report_list_base,
    report_request,
    report_years,
    scope_params,
)
from motcua.reports.coverage import catalog_coverage
from motcua.reports.dossier_export import dossier_csv
from motcua.reports.exports import CONTENT_TYPES, EXPORTS, FORM_COLUMNS, FORM_GROUPS, form_lines
from motcua.reports.index766 import BY_CODE, index766, index766_by_division, index_csv, index_dossiers, index_json
from motcua.reports.period import COLUMN_LABELS, period_dossiers, period_report
from motcua.reports.score_exports import index_xlsx, tt01_xlsx
from motcua.reports.tt01 import DOSSIER_INDICES, INDEX_NAMES, tt01_dossiers, tt01_scores
from motcua.reports.yearly import SOURCE_LABELS, chart, online_rate_by_year

GROUP_CHOICES = [
    ("", _("No grouping")),
    ("year", _("By year")),
    ("month", _("By month")),
    ("field", _("By field")),
    ("procedure", _("By procedure")),
    ("division", _("By division")),
]
# The page's headings for the columns of exports.FORM_COLUMNS and FORM_GROUPS, in the same order.
COLUMN_HEADINGS = [
    _("Total"),
    _("Online"),
    _("In person and by post"),
    _("Carried over"),
    _("Total"),
    _("Early"),
    _("On time"),
    _("Late"),
    _("Total"),
    _("Within the deadline"),
    _("Overdue"),
    _("Total"),
    _("In person"),
    _("By post"),
    _("Online, partial"),
    _("Online, full"),
    _("Withdrawn"),
    _("Online rate"),
    _("On-time rate"),
]
GROUP_HEADINGS = [
    _("Received for processing"),
    _("Resolved"),
    _("Pending"),
    _("Newly received, of which"),
    _("Withdrawn"),
    _("Rates"),
]
assert len(COLUMN_HEADINGS) == len(FORM_COLUMNS) and len(GROUP_HEADINGS) == len(FORM_GROUPS)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _reader(request: HttpRequest) -> list[Any]:
    agencies = report_agencies(_user(request))
    if not agencies:
        raise PermissionDenied
    return agencies


def _row_params(req: ReportRequest, line: Any) -> dict[str, str]:
    """The parameters that name one line's scope and period (for its links)."""
    group = line.group
    if group is None:
        return scope_params(req)
    kind = group["kind"]
    if kind in ("year", "month"):
        return scope_params(req, **{"from": line.period["from"], "to": line.period["to"]})
    if kind == "division":
        return scope_params(req, division=group["code"] or "none")
    return scope_params(req, **{kind: group["code"]})


def _error_page(request: HttpRequest, template: str, context: dict[str, Any], exc: DomainError) -> HttpResponse:
    context["error"] = exc
    return render(request, template, context, status=exc.status)


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    agencies = _reader(request)
    context: dict[str, Any] = {
        "agencies": agencies,
        "groups": GROUP_CHOICES,
        "params": request.GET,
        "headings": list(zip(COLUMN_HEADINGS, FORM_COLUMNS, strict=True)),
        "tab": "period",
        "group_headings": [
            (h, end - first + 1) for h, (_g, first, end) in zip(GROUP_HEADINGS, FORM_GROUPS, strict=True)
        ],
    }
    if not request.GET.get("from") and not request.GET.get("period"):
        return render(request, "reports/period.html", context)
    try:
        req = report_request(_user(request), request.GET)
        report = period_report(req.scope, req.period.start, req.period.end, req.group_by, cut_off=req.cut_off)
    except DomainError as exc:
        return _error_page(request, "reports/period.html", context, exc)
    export = request.GET.get("format", "")
    if export in EXPORTS:
        response = HttpResponse(EXPORTS[export](report), content_type=CONTENT_TYPES[export])
        name = f"bao-cao-{req.period.start:%Y%m%d}-{req.period.end:%Y%m%d}.{export}"
        disposition = "inline" if export == "pdf" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
    lines = []
    dossiers_url = reverse("reports:dossiers")
    for line in form_lines(report):
        params = _row_params(req, line)
        cells = [
            (cell, f"{dossiers_url}?{urlencode({**params, 'column': cell.column})}" if cell.column else "")
            for cell in line.cells
        ]
        lines.append((line, cells))
    query = urlencode({**scope_params(req), "group_by": req.group_by or ""})
    context.update({"req": req, "report": report, "lines": lines, "query": query})
    return render(request, "reports/period.html", context)


@login_required
def report_dossiers(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The dossiers behind one number of the report, of those the user may see."""
    _reader(request)
    context: dict[str, Any] = {}
    try:
        req = report_request(_user(request), request.GET)
        if not req.column:
            raise DomainError(_("Choose the number whose dossiers to list."), code="invalid", fields={"column": []})
    except ReportForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        return _error_page(request, "reports/dossiers.html", context, exc)
    dossiers = (
        period_dossiers(req.scope, req.period.start, req.period.end, req.column, base=report_list_base(_user(request)))
        .select_related("procedure_version", "current_step", "processing_unit")
        .order_by("received_at", "id")
    )
    if request.GET.get("format") == "csv":  # every dossier of the list, streamed (a city's year: a million)
        response = StreamingHttpResponse(dossier_csv(dossiers), content_type="text/csv; charset=utf-8")
        name = (
            f"ho-so-{req.column.replace('.', '-').replace('+', '-')}-{req.period.start:%Y%m%d}-{req.period.end:%Y%m%d}"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
    page = Paginator(dossiers, 25).get_page(request.GET.get("page"))
    params = {**scope_params(req), "column": req.column}
    context.update(
        {
            "req": req,
            "page": page,
            "column_label": " + ".join(str(COLUMN_LABELS[part]) for part in req.column.split("+")),
            "query": urlencode(params),
            "back": f"{reverse('reports:period')}?{urlencode(scope_params(req))}",
        }
    )
    return render(request, "reports/dossiers.html", context)


# --- Online rate per year, catalog coverage, the Decision 766 index ---------------------------------


def _agency_context(request: HttpRequest) -> dict[str, Any]:
    return {"agencies": _reader(request), "params": request.GET}


def _agency_query(agency: Any, subordinates: bool, **more: Any) -> dict[str, str]:
    params = {"agency": agency.code, "subordinates": "1" if subordinates else "", **more}
    return {key: str(value) for key, value in params.items() if value not in ("", None)}


@login_required
def online_rate_page(request: HttpRequest) -> HttpResponse:
    """Dossiers received per year, online partial and full, and the online rate, with a chart."""
    context = _agency_context(request)
    try:
        agency = report_agency(_user(request), request.GET)
        first, last = report_years(request.GET)
        subordinates = request.GET.get("subordinates") == "1"
        assert agency is not None
        table = online_rate_by_year(agency, subordinates=subordinates, first=first, last=last)
    except ReportForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        return _error_page(request, "reports/online_rate.html", context, exc)
    dossiers_url = reverse("reports:dossiers")
    rows = []
    for row in table["rows"]:
        links: dict[str, str] = {}
        if row.only_system:
            params = _agency_query(agency, subordinates, **{"from": f"{row.year}-01-01", "to": f"{row.year}-12-31"})
            for key, column in (
                ("received", "received.new"),
                ("online_partial", "received.online_partial"),
                ("online_full", "received.online_full"),
            ):
                links[key] = f"{dossiers_url}?{urlencode({**params, 'column': column})}"
        rows.append((row, links, ", ".join(str(SOURCE_LABELS[s]) for s in sorted(row.sources))))
    context.update({"table": table, "rows": rows, "chart": chart(table["rows"]), "tab": "online", "agency": agency})
    return render(request, "reports/online_rate.html", context)


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    """Procedures published, partly and fully online, per year and per agency."""
    context = _agency_context(request)
    try:
        agency = report_agency(_user(request), request.GET)
        first, last = report_years(request.GET)
        assert agency is not None
        this_year = timezone.localdate().year
        last = last or this_year
        first = first or last - 4
        if last < first or last - first >= 50:
            raise DomainError(
                _("Choose at most 50 years, the first before the last."),
                code="invalid",
                fields={"to_year": [str(_("Not a valid range of years."))]},
            )
        coverage = catalog_coverage(agency, subordinates=request.GET.get("subordinates") == "1", first=first, last=last)
    except ReportForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        return _error_page(request, "reports/coverage.html", context, exc)
    context.update({"coverage": coverage, "tab": "coverage", "agency": agency})
    return render(request, "reports/coverage.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _divisions_of(request: HttpRequest, agencies: list[Any]) -> list[Unit]:
    """The divisions of the agency chosen in the form (by default the first), for the division filter."""
    code = request.GET.get("agency") or (agencies[0].code if agencies else "")
    agency = next((a for a in agencies if a.code == code), None)
    if agency is None:
        return []
    return list(Unit.objects.filter(agency=agency, kind=UnitKind.DIVISION, is_active=True).order_by("code"))


def _index_links(index: dict[str, Any], params: dict[str, str]) -> None:
    """Each listable number's link to its dossiers (the index drill-down)."""
    base = reverse("reports:index_dossiers")
    for group in index["groups"]:
        for indicator in group["indicators"]:
            if indicator["dossiers"] and indicator["reason"] is None:
                for part in ("numerator", "denominator"):
                    query = urlencode({**params, "indicator": indicator["code"], "part": part})
                    indicator[f"{part}_url"] = f"{base}?{query}"


def _division_rows(req: ReportRequest, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The per-division table: each division's index page, and each points cell's numerator dossiers."""
    index_url, base = reverse("reports:index"), reverse("reports:index_dossiers")
    lines = []
    for row in rows:
        params = scope_params(req, division=row["division"]["code"])
        cells = []
        for code, indicator in row["indicators"].items():
            if not indicator["max"]:
                continue
            query = urlencode({**params, "indicator": code, "part": "numerator"})
            cells.append((indicator, f"{base}?{query}" if indicator["reason"] is None else ""))
        lines.append({"row": row, "url": f"{index_url}?{urlencode(params)}", "cells": cells})
    return lines


@login_required
def index_page(request: HttpRequest) -> HttpResponse:
    """The Decision 766 index of an agency or one division: each group and indicator, with its
    numerator, denominator and dossiers; the per-division table; the forecast of a period not over."""
    context = _agency_context(request)
    context["tab"] = "index"
    context["divisions"] = _divisions_of(request, context["agencies"])
    if not request.GET.get("from") and not request.GET.get("period"):
        return render(request, "reports/index766.html", context)
    try:
        req = report_request(_user(request), request.GET)
        index = index766(req.scope, req.period.start, req.period.end)
        narrowed = req.scope.division is not None or req.scope.no_division
        divisions = [] if narrowed else index766_by_division(req.scope, req.period.start, req.period.end)
    except ReportForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        return _error_page(request, "reports/index766.html", context, exc)
    name = f"chi-so-766-{req.period.start:%Y%m%d}-{req.period.end:%Y%m%d}"
    export = request.GET.get("format", "")
    if export == "xlsx":
        return _download(index_xlsx(index, divisions), XLSX, f"{name}.xlsx")
    if export == "csv":
        return _download(index_csv(index), "text/csv; charset=utf-8", f"{name}.csv")
    if export == "json":
        return _download(index_json(index), "application/json", f"{name}.json")
    params = scope_params(req)
    _index_links(index, params)
    base = reverse("reports:index_dossiers")
    extra = index["extra"]["5.4"]
    late_url = f"{base}?{urlencode({**params, 'indicator': 'late', 'part': 'numerator'})}"
    unhappy_url = f"{base}?{urlencode({**params, 'indicator': 'unhappy', 'part': 'numerator'})}"
    page_url = reverse("reports:index")
    context.update(
        {"req": req, "index": index, "extra": extra, "late_url": late_url, "unhappy_url": unhappy_url,
         "json_url": f"{reverse('api-report-index766')}?{urlencode(params)}",
         "xlsx_url": f"{page_url}?{urlencode({**params, 'format': 'xlsx'})}",
         "csv_url": f"{page_url}?{urlencode({**params, 'format': 'csv'})}",
         "agency_url": f"{page_url}?{urlencode(scope_params(req, division=''))}",
         "division_rows": _division_rows(req, divisions),
         "division_codes": [c for c, i in divisions[0]["indicators"].items() if i["max"]] if divisions else []}
    )  # fmt: skip
    return render(request, "reports/index766.html", context)


INDEX_PART_LABELS = {"numerator": _("numerator"), "denominator": _("denominator")}


@login_required
def index_dossiers_page(request: HttpRequest) -> HttpResponse:
    """The dossiers behind the numerator or the denominator of an indicator, of those the user may see."""
    _reader(request)
    context: dict[str, Any] = {"tab": "index"}
    try:
        req = report_request(_user(request), request.GET)
        code, part = request.GET.get("indicator", ""), request.GET.get("part", "")
        dossiers = index_dossiers(
            req.scope, req.period.start, req.period.end, code, part, base=report_list_base(_user(request))
        )
    except ReportForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        return _error_page(request, "reports/index_dossiers.html", context, exc)
    dossiers = dossiers.select_related("procedure_version", "processing_unit").order_by("received_at", "id")
    page = Paginator(dossiers, 25).get_page(request.GET.get("page"))
    if code in BY_CODE:
        title = f"{code} {BY_CODE[code].name}: {INDEX_PART_LABELS[part]}"
    else:
        title = str(_("Overdue dossiers") if code == "late" else _("Dossiers rated dissatisfied"))
    context.update(
        {
            "req": req,
            "page": page,
            "title": title,
            "query": urlencode({**scope_params(req), "indicator": code, "part": part}),
            "back": f"{reverse('reports:index')}?{urlencode(scope_params(req))}",
        }
    )
    return render(request, "reports/index_dossiers.html", context)


# --- TT 01/2018 scores ---------------------------------------------------------------------------------


def _score_reader(request: HttpRequest) -> list[Any]:
    agencies = report_agencies(_user(request), SCORE_ROLES)
    if not agencies:
        raise PermissionDenied
    return agencies


@login_required
def tt01_page(request: HttpRequest) -> HttpResponse:
    """TT 01/2018 scores of a quarter or a year: each unit (max 18) and official (max 10), classified."""
    context: dict[str, Any] = {"agencies": _score_reader(request), "params": request.GET, "tab": "tt01"}
    if not request.GET.get("from") and not request.GET.get("period"):
        return render(request, "reports/tt01.html", context)
    try:
        req = report_request(_user(request), request.GET, roles=SCORE_ROLES)
        scores = tt01_scores(req.scope, req.period.start, req.period.end)
    except ReportForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        return _error_page(request, "reports/tt01.html", context, exc)
    if request.GET.get("format") == "xlsx":
        return _download(tt01_xlsx(scores), XLSX, f"diem-tt01-{req.period.start:%Y%m%d}-{req.period.end:%Y%m%d}.xlsx")
    params = scope_params(req, division="")
    base = reverse("reports:tt01_dossiers")
    for line in scores["units"]:
        unit = {"unit": line["unit"]["code"]} if line["unit"]["kind"] == "division" else {}
        line["url"] = f"{base}?{urlencode({**params, **unit})}"
    for line in scores["officials"]:
        line["url"] = f"{base}?{urlencode({**params, 'official': line['official']['id']})}"
    page_url = reverse("reports:tt01")
    context.update(
        {
            "req": req,
            "scores": scores,
            "codes": [i["code"] for i in scores["indices"]],
            "official_codes": list(DOSSIER_INDICES),
            "xlsx_url": f"{page_url}?{urlencode({**params, 'format': 'xlsx'})}",
            "json_url": f"{reverse('api-report-tt01')}?{urlencode(params)}",
        }
    )
    return render(request, "reports/tt01.html", context)


@login_required
def tt01_dossiers_page(request: HttpRequest) -> HttpResponse:
    """The scored dossiers behind a unit's or an official's scores, each with its points per index."""
    _score_reader(request)
    context: dict[str, Any] = {"tab": "tt01"}
    try:
        req = report_request(_user(request), request.GET, roles=SCORE_ROLES)
        official_text = request.GET.get("official", "")
        if official_text and not (official_text.isdecimal() and len(official_text) < 12):
            raise DomainError(_("Unknown official."), code="invalid", fields={"official": [str(_("Unknown."))]})
        official = int(official_text) if official_text else None
        unit = request.GET.get("unit", "")
        items = tt01_dossiers(req.scope, req.period.start, req.period.end, official=official, unit=unit)
    except ReportForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        return _error_page(request, "reports/tt01_dossiers.html", context, exc)
    ids = [d.id for d in items]
    readable = set(dossiers_visible_to(_user(request)).filter(pk__in=ids).values_list("pk", flat=True))
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    title = ""
    if official is not None:
        user = User.objects.filter(pk=official).only("full_name", "username").first()
        title = (user.full_name or user.username) if user else ""
    elif unit:
        title = next((u.name for u in Unit.objects.filter(code=unit, agency=req.scope.agency)), unit)
    params = {**scope_params(req), "official": official_text, "unit": unit}
    context.update(
        {
            "req": req,
            "page": page,
            "title": title or req.scope.agency.name if req.scope.agency else title,
            "columns": [(code, INDEX_NAMES[code]) for code in ("1", "2", "3", "4", "6", "7")],
            "readable": readable,  # every scored dossier is listed; those the user may open are links
            "query": urlencode({k: v for k, v in params.items() if v}),
            "back": f"{reverse('reports:tt01')}?{urlencode(scope_params(req))}",
        }
    )
    return render(request, "reports/tt01_dossiers.html", context)
