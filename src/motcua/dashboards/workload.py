"""The dossiers at work right now: overdue, due soon and waiting for the applicant, by division and by
the official who holds each one (DOMAIN.md §2.6–2.7; ADR 0005 for the steps).

Definitions, at the moment `now` (every figure one conditional count, `WORKLOAD`; the same conditions
select the dossiers behind a figure, `workload_dossiers`):

- *open*: received and not ended: received, in processing, or waiting for the applicant;
- *waiting*: waiting for a supplement or a payment from the applicant (supplement or payment
  requested). Their clock is paused: they are neither overdue nor due soon;
- *overdue*: received or in processing, and the due date has passed. The due date is the new date
  of an apology when there is one, as in the desk's overdue list (the period report judges a
  resolved dossier against the original date, DOMAIN.md §2.6);
- *due soon*: received or in processing, not overdue, and due by the close of business of the
  second working day counted from today (today and the next working day; DUE_SOON_WORKING_DAYS),
  on the competent agency's working calendar;
- *within the deadline*: the other running dossiers (including those without a due date).

Who holds a dossier: the official of its current step (a specialist the head assigned), else the
specialist assigned when the dossier is at the division step; otherwise the step's holder as a
whole (the division head's step, the leadership, the one-stop desk, another agency).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency, Unit, User
from motcua.catalog.constants import StepActor
from motcua.core.db import reporting_reads
from motcua.core.errors import DomainError
from motcua.dashboards.access import DashboardScope
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.workdays.selectors import agency_calendar

DUE_SOON_WORKING_DAYS = 2
RUNNING = (Status.RECEIVED, Status.IN_PROCESSING)
WAITING = (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED)
OPEN = (*RUNNING, *WAITING)
FIGURES = ("open", "overdue", "due_soon", "within", "waiting")
FIGURE_LABELS: dict[str, Any] = {
    "open": _("Open dossiers"),
    "overdue": _("Overdue now"),
    "due_soon": _("Due within 2 working days"),
    "within": _("Within the deadline"),
    "waiting": _("Waiting for the applicant"),
}


def due_soon_horizon(agency: Agency | None, now: datetime) -> datetime:
    """Close of business of the DUE_SOON_WORKING_DAYS-th working day counted from today (today
    counts when it is a working day) on the agency's calendar."""
    calendar = agency_calendar(agency)
    day = timezone.localtime(now, calendar.tz).date()
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    for _n in range(DUE_SOON_WORKING_DAYS - 1):
        day = calendar.next_working_day(day)
    return datetime.combine(day, calendar.hours.close_of_business, tzinfo=calendar.tz)


def _horizons(agency_ids: list[int], now: datetime) -> list[tuple[list[int], datetime]]:
    """The due-soon horizon of each group of agencies that share a working calendar."""
    groups: dict[Any, list[int]] = defaultdict(list)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=agency_ids).select_related("calendar")}
    for pk in agency_ids:
        agency = agencies.get(pk)
        groups[agency.calendar_id if agency else None].append(pk)
    result = []
    for ids in groups.values():
        result.append((ids, due_soon_horizon(agencies.get(ids[0]), now)))
    return result


@dataclass(frozen=True)
class Workload:
    """The condition of each figure at `now`, for the dossiers of some agencies."""

    now: datetime
    q: dict[str, Q]

    @classmethod
    def at(cls, now: datetime, agency_ids: list[int]) -> Workload:
        due = Coalesce("extended_due_at", "due_at")
        running = Q(received_at__isnull=False, status__in=RUNNING)
        overdue = running & Q(due_at__isnull=False) & Q(_lt(due, now))
        soon = Q(pk__in=[])
        for ids, horizon in _horizons(agency_ids, now):
            soon |= Q(competent_agency_id__in=ids) & Q(_between(due, now, horizon))
        due_soon = running & Q(due_at__isnull=False) & soon
        q = {
            "open": Q(received_at__isnull=False, status__in=OPEN),
            "overdue": overdue,
            "due_soon": due_soon,
            "within": running & (Q(due_at__isnull=True) | (~Q(_lt(due, now)) & ~soon)),
            "waiting": Q(received_at__isnull=False, status__in=WAITING),
        }
        return cls(now, q)

    def counts(self, prefix: str = "") -> dict[str, Count]:
        return {f"{prefix}{name}": Count("pk", filter=self.q[name]) for name in FIGURES}


def _lt(expression: Any, value: datetime) -> Any:
    return LessThan(expression, value)


def _between(expression: Any, low: datetime, high: datetime) -> Any:
    return Q(GreaterThanOrEqual(expression, low)) & Q(LessThanOrEqual(expression, high))


# --- who holds a dossier ------------------------------------------------------------------------


def holder_expression() -> Any:
    """The official holding the dossier now: the current step's holder, else the specialist assigned
    while the dossier is at the division step."""
    return Coalesce(
        "current_step__holder_id",
        Case(When(stage=StepActor.DIVISION, then=F("assignee_id")), default=None, output_field=IntegerField()),
    )


@dataclass
class HolderRow:
    """One line of the table by official: a named official, or a step's holder as a whole."""

    key: str  # "u<user id>", or "s<stage>-<unit id>-<agency id>"
    name: str
    detail: str
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class DivisionRow:
    key: str  # a unit code, or "none"
    name: str
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))
    params: dict[str, str] = field(default_factory=dict)  # the scope of the row's lists


@dataclass
class WorkloadReport:
    now: datetime
    total: dict[str, int]
    by_division: list[DivisionRow]
    by_holder: list[HolderRow]


def _scoped(scope: DashboardScope, workload: Workload) -> QuerySet[Dossier]:
    return Dossier.objects.filter(scope.condition()).filter(workload.q["open"]).order_by()


@reporting_reads
def workload_report(scope: DashboardScope, *, now: datetime | None = None) -> WorkloadReport:
    """Overdue, due soon and waiting now, in all and by division and by official (three queries,
    plus the names of the units and officials that appear)."""
    now = now or timezone.now()
    workload = Workload.at(now, scope.agency_ids())
    base = _scoped(scope, workload)
    counts = workload.counts()
    total = {name: int(value or 0) for name, value in base.aggregate(**counts).items()}

    divisions: list[DivisionRow] = []
    division_values: list[dict[str, Any]] = list(base.values("processing_unit_id").annotate(**counts))  # type: ignore[arg-type]
    units = Unit.objects.select_related("agency").in_bulk(
        [v["processing_unit_id"] for v in division_values if v["processing_unit_id"]]
    )
    for value in division_values:
        unit = units.get(value["processing_unit_id"])
        divisions.append(
            DivisionRow(
                key=unit.code if unit else "none",
                name=(unit.name if unit else gettext("Not yet with a division"))
                + (f" ({unit.agency.short_name or unit.agency.name})" if unit and scope.subordinates else ""),
                figures={name: value[name] for name in FIGURES},
                params={"agency": unit.agency.code, "division": unit.code}
                if unit
                else {**scope.params(), "division": "none"},
            )
        )
    divisions.sort(key=lambda r: (r.key == "none", r.name))

    holder_values: list[dict[str, Any]] = list(
        base.annotate(holder=holder_expression())  # type: ignore[arg-type]
        .values("holder", "stage", "current_step__unit_id", "current_step__agency_id")
        .annotate(**counts)
    )
    users = User.objects.in_bulk({v["holder"] for v in holder_values} - {None})
    step_units = Unit.objects.in_bulk({v["current_step__unit_id"] for v in holder_values} - {None})
    agencies = Agency.objects.in_bulk({v["current_step__agency_id"] for v in holder_values} - {None})
    rows: dict[str, HolderRow] = {}
    for value in holder_values:
        row = _holder_row(value, users, step_units, agencies)
        target = rows.setdefault(row.key, row)
        for name in FIGURES:
            target.figures[name] += value[name]
    by_holder = sorted(rows.values(), key=lambda r: (r.key[0] != "u", -r.figures["overdue"], r.name))
    return WorkloadReport(now, total, divisions, by_holder)


STAGE_LABELS: dict[str, Any] = {
    StepActor.ONE_STOP_DESK: _("One-stop desk"),
    StepActor.DIVISION: _("Division, no specialist assigned yet"),
    StepActor.DIVISION_HEAD: _("Division head's step"),
    StepActor.LEADER: _("Agency leaders' step"),
    StepActor.OTHER_AGENCY: _("Another agency (inter-agency step)"),
}


def _holder_row(
    value: dict[str, Any], users: dict[Any, User], units: dict[Any, Unit], agencies: dict[Any, Agency]
) -> HolderRow:
    holder = value["holder"]
    if holder is not None:
        user = users[holder]
        unit = units.get(value["current_step__unit_id"])
        return HolderRow(
            key=f"u{holder}",
            name=user.full_name or user.get_username(),
            detail=unit.name if unit else "",
            params={"holder": str(holder)},
        )
    stage = value["stage"] or ""
    unit_id, agency_id = value["current_step__unit_id"], value["current_step__agency_id"]
    if not stage:
        return HolderRow(key="s-none", name=gettext("No step open (waiting for the applicant)"), detail="",
                         params={"stage": "none"})  # fmt: skip
    unit = units.get(unit_id)
    agency = agencies.get(agency_id)
    detail = unit.name if unit else (agency.name if agency and stage == StepActor.OTHER_AGENCY else "")
    params = {"stage": stage}
    if unit is not None:
        params["step_unit"] = str(unit.pk)
    elif stage == StepActor.OTHER_AGENCY and agency is not None:
        params["step_agency"] = str(agency.pk)
    return HolderRow(
        key=f"s{stage}-{unit_id or ''}-{agency_id if stage == StepActor.OTHER_AGENCY else ''}",
        name=str(STAGE_LABELS.get(stage, stage)),
        detail=detail,
        params=params,
    )


# --- the dossiers behind a figure ---------------------------------------------------------------


def _int(params: dict[str, Any], name: str) -> int:
    text = str(params.get(name) or "")
    if not text.isdecimal() or len(text) > 12:
        raise DomainError(
            gettext("Some values are not valid: see the fields."), code="invalid", fields={name: [gettext("Unknown.")]}
        )
    return int(text)


def workload_dossiers(
    scope: DashboardScope, figure: str, params: dict[str, Any], *, now: datetime | None = None
) -> QuerySet[Dossier]:
    """The dossiers counted by `figure` (FIGURES) of the dashboard for `scope`, narrowed like one row
    of its tables: `division` is in the scope; `holder` (a user id), or `stage` (with `step_unit` or
    `step_agency`, ids), or `stage=none` (no step open)."""
    if figure not in FIGURES:
        raise DomainError(gettext("Unknown figure."), code="bad-figure", fields={"figure": [gettext("Unknown.")]})
    now = now or timezone.now()
    workload = Workload.at(now, scope.agency_ids())
    qs = _scoped(scope, workload).filter(workload.q[figure])
    if params.get("division") == "none":
        qs = qs.filter(processing_unit__isnull=True)
    if params.get("holder"):
        qs = qs.annotate(holder=holder_expression()).filter(holder=_int(params, "holder"))
    elif params.get("stage"):
        stage = str(params["stage"])
        qs = qs.annotate(holder=holder_expression()).filter(holder__isnull=True)
        if stage == "none":
            qs = qs.filter(stage="")
        elif stage in StepActor.values:
            qs = qs.filter(stage=stage)
            if params.get("step_unit"):
                qs = qs.filter(current_step__unit_id=_int(params, "step_unit"))
            elif params.get("step_agency"):
                qs = qs.filter(current_step__agency_id=_int(params, "step_agency"), current_step__unit__isnull=True)
            else:
                qs = qs.filter(current_step__unit__isnull=True)
        else:
            raise DomainError(gettext("Unknown step."), code="invalid", fields={"stage": [gettext("Unknown.")]})
    return qs
