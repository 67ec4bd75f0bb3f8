"""Feedback and petitions (PAKN) for the agency's leader and desk: the list with due dates, one PAKN with its
actions, and the figures (Decision 766 indicators 5.1–5.3, TT 01/2018 index 8). Thin views over services."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from motcua.accounts.constants import Role
from motcua.core.errors import NotFoundError
from motcua.core.web import report_errors
from motcua.desk.views import _user, official_required
from motcua.feedback.constants import PAKN_LIMITS, PaknAction, PaknStage
from motcua.feedback.models import Pakn
from motcua.feedback.selectors import (
    pakn_agencies,
    pakn_figures,
    pakn_for_official,
    pakn_of_official,
    pakn_rows,
)
from motcua.feedback.services import pakn_due, pakn_official_roles, pakn_transition
from motcua.feedback.states import allowed

DONE: dict[str, object] = {
    PaknAction.REFUSE: gettext_lazy("Refused: the sender sees the reason."),
    PaknAction.REQUEST_INFO: gettext_lazy("The sender is asked for more information."),
    PaknAction.DRAFT: gettext_lazy("The answer is saved and awaits the leader's approval."),
    PaknAction.RETURN_DRAFT: gettext_lazy("The draft is returned for changes."),
    PaknAction.APPROVE: gettext_lazy("The answer is approved: the sender sees it now."),
    PaknAction.PUBLISH: gettext_lazy("The answer is published on the portal."),
}
FILTERS = [
    ("open", gettext_lazy("To handle")),
    ("overdue", gettext_lazy("Overdue")),
    ("all", gettext_lazy("All")),
]
# What the agency still owes something on: an answer, or the publication it was allowed.
OWED = Q(stage__in=[PaknStage.RECEIVED, PaknStage.DRAFTED]) | Q(stage=PaknStage.ANSWERED, consent_to_publish=True)


@official_required
def pakn_list(request: HttpRequest) -> HttpResponse:
    """The agency's PAKN, oldest first, with what is owed next and when; overdue ones highlighted."""
    user = _user(request)
    if not pakn_agencies(user).exists():
        raise PermissionDenied
    shown = request.GET.get("show", "open")
    if shown not in dict(FILTERS):
        shown = "open"
    q = request.GET.get("q", "").strip()[:64]
    listing = pakn_for_official(user, q=q)
    if shown == "overdue":
        listing = listing.filter(OWED)
    elif shown == "open":
        listing = listing.filter(OWED | Q(stage=PaknStage.INFO_REQUESTED))
    rows = pakn_rows(list(listing))
    if shown == "overdue":
        rows = [row for row in rows if row.overdue]
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/feedback_list.html",
        {
            "page": page,
            "filters": FILTERS,
            "shown": shown,
            "q": q,
            "page_query": urlencode({"show": shown, "q": q}),
            "stages": PaknStage,
        },
    )


def _deadlines(pakn: Pakn) -> list[tuple[str, datetime]]:
    """Each timed step's due time in the current round, for the page (computed, never stored)."""
    steps = [PaknAction.REFUSE, PaknAction.REQUEST_INFO, PaknAction.APPROVE]
    result = [(str(PaknAction(step).label), pakn_due(pakn, step)) for step in steps]
    if pakn.answered_at and pakn.consent_to_publish:
        result.append((str(PaknAction.PUBLISH.label), pakn_due(pakn, PaknAction.PUBLISH)))
    return result


@official_required
def pakn_page(request: HttpRequest, pakn_id: int) -> HttpResponse:
    user = _user(request)
    try:
        pakn = pakn_of_official(user, pakn_id)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    leader = Role.AGENCY_LEADER in pakn_official_roles(user, pakn.agency_id)
    row = pakn_rows([pakn])[0]
    actions = allowed(pakn.stage, leader=leader)
    if PaknAction.PUBLISH in actions and not pakn.consent_to_publish:
        actions.remove(PaknAction.PUBLISH)
    return render(
        request,
        "desk/feedback_detail.html",
        {
            "pakn": pakn,
            "row": row,
            "actions": actions,
            "deadlines": _deadlines(pakn),
            "limits": {action: days for action, (days, _base) in PAKN_LIMITS.items()},
            "A": PaknAction,
            "stages": PaknStage,
            "leader": leader,
        },
    )


@official_required
def pakn_action(request: HttpRequest, pakn_id: int) -> HttpResponse:
    """One action on the PAKN (POST): the service checks the agency, the role and the stage."""
    if request.method != "POST":
        return redirect("desk:feedback-detail", pakn_id=pakn_id)
    user = _user(request)
    try:
        pakn_of_official(user, pakn_id)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    action = request.POST.get("action", "")[:20]
    if action not in DONE:
        raise Http404
    report_errors(
        request,
        lambda: pakn_transition(
            pakn_id=pakn_id,
            action=action,
            actor=user,
            text=request.POST.get("text", ""),
            expected_stage=request.POST.get("stage", "")[:20],
            public_title=request.POST.get("public_title", ""),
            public_question=request.POST.get("public_question", ""),
        ),
        str(DONE[action]),
    )
    return redirect("desk:feedback-detail", pakn_id=pakn_id)


def _date(raw: str, default: date) -> date:
    try:
        return date.fromisoformat(raw[:10]) if raw else default
    except ValueError:
        return default


@official_required
def pakn_figures_page(request: HttpRequest) -> HttpResponse:
    """Decision 766 indicators 5.1–5.3 and TT 01/2018 index 8 for a period, each with its PAKN."""
    user = _user(request)
    agencies = list(pakn_agencies(user).order_by("name"))
    if not agencies:
        raise PermissionDenied
    agency = next((a for a in agencies if a.code == request.GET.get("agency")), agencies[0])
    today = timezone.localdate()
    start = _date(request.GET.get("from", ""), date(today.year, 1, 1))
    end = _date(request.GET.get("to", ""), today)
    if end < start:
        start, end = end, start
    figures = pakn_figures(agency=agency, start=start, end=end)
    return render(
        request,
        "desk/feedback_figures.html",
        {"figures": figures, "agencies": agencies, "agency": agency, "start": start, "end": end},
    )
