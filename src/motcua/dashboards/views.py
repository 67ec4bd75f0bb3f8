"""The leaders' dashboard, the lists behind its numbers, and the public transparency pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError, NotFoundError
from motcua.dashboards.access import DashboardScope, dashboard_reach, dashboard_scope, step_period
from motcua.dashboards.agencies import agency_table
from motcua.dashboards.steps import STEP_KIND_LABELS, step_report, step_rows
from motcua.dashboards.transparency import public_agencies, transparency_figures
from motcua.dashboards.trends import monthly_trend, trend_chart
from motcua.dashboards.workload import FIGURE_LABELS, FIGURES, workload_dossiers, workload_report
from motcua.dossiers.permissions import dossiers_visible_to
from motcua.reports.access import ReportForbidden
from motcua.reports.period import COLUMN_LABELS, COLUMNS, period_dossiers
from motcua.reports.periods import Period

LISTS = ("now", "report", "steps")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _list_url(**params: Any) -> str:
    clean = {key: str(value) for key, value in params.items() if value not in ("", None)}
    return f"{reverse('dashboards:dossiers')}?{urlencode(clean)}"


def _period_params(period: Period) -> dict[str, str]:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def _now_cells(params: dict[str, str], figures: dict[str, int]) -> list[tuple[str, int, str, Any]]:
    """(figure, count, the link to its dossiers, label) for each figure of a line."""
    return [
        (name, figures[name], _list_url(list="now", figure=name, **params), FIGURE_LABELS[name]) for name in FIGURES
    ]


TREND_COLUMNS = {
    "received.new": "received.new",
    "received.online": "received.online",
    "resolved": "resolved.total",
    "in_time": "resolved.early+resolved.on_time",
    "late": "resolved.late",
}


def _month_links(base: dict[str, str], period: Period) -> dict[str, str]:
    """The list behind each number of a month of the trend: the period report's drill-down."""
    return {
        key: _list_url(list="report", column=column, **base, **_period_params(period))
        for key, column in TREND_COLUMNS.items()
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Overdue and due soon now, step times, monthly trends and, for several agencies, their totals."""
    reach = dashboard_reach(_user(request))
    if reach.empty:
        raise PermissionDenied
    context: dict[str, Any] = {"reach": reach, "params": request.GET, "figure_labels": FIGURE_LABELS}
    try:
        scope = dashboard_scope(_user(request), request.GET, reach)
        period = step_period(request.GET)
    except ReportForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        context["error"] = exc
        return render(request, "dashboards/dashboard.html", context, status=exc.status)
    base = scope.params()
    work = workload_report(scope)
    steps = step_report(scope, period)
    trend = monthly_trend(scope)
    context.update(
        {
            "scope": scope,
            "period": period,
            "work": work,
            "total_cells": _now_cells(base, work.total),
            "divisions": [(row, _now_cells({**base, **row.params}, row.figures)) for row in work.by_division],
            "holders": [(row, _now_cells({**base, **row.params}, row.figures)) for row in work.by_holder],
            "steps": steps,
            "done_rows": [
                (row, _list_url(list="steps", kind="done", **base, **row.params, **_period_params(period)))
                for row in steps.done
            ],
            "open_rows": [(row, _list_url(list="steps", kind="open", **base, **row.params)) for row in steps.waiting],
            "trend": [(month, _month_links(base, month.period)) for month in trend],
            "chart": trend_chart(trend),
            "divisions_of_agency": scope.agency.units.filter(kind="division", is_active=True).order_by("name")
            if not scope.locked_division
            else [],
        }
    )
    if len(reach.agencies) > 1 and not scope.locked_division:
        table = agency_table(reach.agencies)
        month = _period_params(table.month)
        context["agency_table"] = table
        context["agency_lines"] = [
            (
                line,
                _now_cells({"agency": line.agency.code}, line.now) if line.agency else [],
                {
                    column: _list_url(list="report", column=column, agency=line.agency.code, **month)
                    for column in ("received.new", "received.online", "resolved.total")
                }
                if line.agency
                else {},
            )
            for line in [*table.lines]
        ]
    return render(request, "dashboards/dashboard.html", context)


def _list_title(kind: str, params: Any) -> str:
    if kind == "now":
        return str(FIGURE_LABELS.get(params.get("figure", ""), ""))
    if kind == "report":
        parts = str(params.get("column") or "").split("+")
        if parts == ["resolved.early", "resolved.on_time"]:
            return str(_("Resolved early or on time"))
        return " + ".join(str(COLUMN_LABELS[p]) for p in parts if p in COLUMNS)
    return str(STEP_KIND_LABELS.get(params.get("kind", ""), ""))


@login_required
def dashboard_dossiers(request: HttpRequest) -> HttpResponse:
    """The dossiers (or, for a step time, the steps) behind one number of the dashboard: the same
    condition as the number, within the dashboard's scope."""
    user = _user(request)
    reach = dashboard_reach(user)
    if reach.empty:
        raise PermissionDenied
    kind = request.GET.get("list", "")
    context: dict[str, Any] = {"kind": kind, "back": reverse("dashboards:home")}
    try:
        scope: DashboardScope = dashboard_scope(user, request.GET, reach)
        context["back"] = f"{reverse('dashboards:home')}?{urlencode(scope.params())}"
        if kind == "now":
            rows: Any = workload_dossiers(scope, request.GET.get("figure", ""), dict(request.GET.items()))
            rows = rows.select_related(
                "procedure_version", "processing_unit", "current_step__holder", "assignee"
            ).order_by("due_at", "id")
        elif kind == "report":
            period = step_period(request.GET)
            column = request.GET.get("column", "")
            rows = period_dossiers(scope.report_scope, period.start, period.end, column)
            rows = rows.select_related("procedure_version", "processing_unit", "current_step__holder", "assignee")
            rows = rows.order_by("received_at", "id")
            context["period"] = period
        elif kind == "steps":
            period = step_period(request.GET)
            rows = step_rows(scope, request.GET.get("kind", ""), dict(request.GET.items()), period)
            rows = rows.select_related("dossier", "unit", "agency", "holder").order_by("started_at", "id")
            context["period"] = period if request.GET.get("kind") == "done" else None
        else:
            raise DomainError(_("Choose the number whose dossiers to list."), code="invalid", fields={"list": []})
    except ReportForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        context["error"] = exc
        return render(request, "dashboards/dossiers.html", context, status=exc.status)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    ids = [row.dossier_id if kind == "steps" else row.pk for row in page]
    visible = set(dossiers_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    query = {key: value for key, value in request.GET.items() if key != "page"}
    context.update(
        {
            "scope": scope,
            "page": page,
            "visible": visible,
            "title": _list_title(kind, request.GET),
            "query": urlencode(query),
        }
    )
    return render(request, "dashboards/dossiers.html", context)


# --- public ---------------------------------------------------------------------------------------


def transparency_index(request: HttpRequest) -> HttpResponse:
    """Every active agency, each a link to its figures."""
    return render(request, "dashboards/transparency_index.html", {"agencies": public_agencies()})


def transparency_page(request: HttpRequest, code: str) -> HttpResponse:
    """An agency's public figures: no sign-in, no personal data, computed at most every few minutes."""
    try:
        figures = transparency_figures(code)
    except NotFoundError as exc:
        raise Http404 from exc
    return render(request, "dashboards/transparency.html", {"figures": figures})
