"""Time spent at each step of the internal process (ADR 0005: `DossierStep`), and where dossiers wait.

- *Steps handed over*: the steps of the scope's dossiers handed over within the period (`ended_at` in
  it), grouped by who holds the step (its kind, and its unit or the other agency). For each group:
  how many, the median and the 90th percentile of the time the step took, and how many were handed
  over late against the step's own limit.
- *Waiting now*: the steps open now of the scope's open dossiers, with the time they have waited so
  far, and how many are past the step's limit (a dossier waiting for the applicant has no step open
  and is not counted here).

Times are in **working hours**: office hours of working days on the calendar of the agency that held
the step (nights, weekends, holidays and the lunch break do not count; 8 hours make a working day,
ADR 0005). Percentiles interpolate linearly between the two nearest values (PostgreSQL's
`percentile_cont`): the median of 1, 2, 3, 4 hours is 2.5 hours.

The rows are read once (the few columns needed, times as Unix seconds: integers are read far faster
than timestamps) and each duration is two array look-ups on the calendar
(`WorkCalendarSnapshot.working_seconds_before_timestamp`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import BigIntegerField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency, Unit
from motcua.catalog.constants import StepActor
from motcua.core.db import reporting_reads
from motcua.core.errors import DomainError
from motcua.dashboards.access import DashboardScope
from motcua.dashboards.workload import OPEN
from motcua.dossiers.constants import Timeliness
from motcua.dossiers.models import Dossier, DossierStep
from motcua.reports.periods import Period
from motcua.workdays.domain import CalendarRangeError, WorkCalendarSnapshot
from motcua.workdays.selectors import agency_calendar

ACTOR_ORDER = [
    StepActor.ONE_STOP_DESK,
    StepActor.DIVISION,
    StepActor.DIVISION_HEAD,
    StepActor.LEADER,
    StepActor.OTHER_AGENCY,
]
STEP_KINDS = ("done", "open")
STEP_KIND_LABELS: dict[str, Any] = {"done": _("Steps handed over"), "open": _("Steps open now")}


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` percentile of `values` (sorted), interpolated linearly; None when empty."""
    if not values:
        return None
    position = (len(values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


@dataclass
class StepRow:
    """One holder of steps: the kind of step and its unit (or the other agency)."""

    actor: str
    unit_id: int | None
    agency_id: int | None  # only for another agency's steps
    name: str = ""
    detail: str = ""
    hours: list[float] = field(default_factory=list)
    late: int = 0
    unmeasured: int = 0  # outside the working calendar's years

    @property
    def count(self) -> int:
        return len(self.hours) + self.unmeasured

    @property
    def median(self) -> float | None:
        value = percentile(self.hours, 0.5)
        return None if value is None else round(value, 1)

    @property
    def p90(self) -> float | None:
        value = percentile(self.hours, 0.9)
        return None if value is None else round(value, 1)

    @property
    def params(self) -> dict[str, str]:
        params = {"actor": self.actor}
        if self.unit_id is not None:
            params["step_unit"] = str(self.unit_id)
        elif self.agency_id is not None:
            params["step_agency"] = str(self.agency_id)
        return params


@dataclass
class StepReport:
    period: Period
    now: datetime
    done: list[StepRow]
    waiting: list[StepRow]
    hours_per_day: float


def _steps(scope: DashboardScope) -> QuerySet[DossierStep]:
    return DossierStep.objects.filter(scope.condition("dossier__")).order_by()


def _done_condition(period: Period) -> Q:
    start, end = period.bounds
    return Q(ended_at__gte=start, ended_at__lt=end)


def _open_condition() -> Q:
    return Q(ended_at__isnull=True, dossier__status__in=OPEN, dossier__received_at__isnull=False)


def _key(actor: str, unit_id: int | None, agency_id: int) -> Key:
    return (actor, unit_id, agency_id if actor == StepActor.OTHER_AGENCY and unit_id is None else None)


class _Calendars:
    """The working calendar of each agency that held a step, looked up once."""

    def __init__(self) -> None:
        self._by_agency: dict[int, WorkCalendarSnapshot] = {}
        self._agencies: dict[int, Agency] = {}

    def of(self, agency_id: int) -> WorkCalendarSnapshot:
        if agency_id not in self._by_agency:
            agency = Agency.objects.select_related("calendar").filter(pk=agency_id).first()
            self._by_agency[agency_id] = agency_calendar(agency)
        return self._by_agency[agency_id]


Key = tuple[str, int | None, int | None]


def _collect(rows: Any, calendars: _Calendars, until: int | None) -> dict[Key, StepRow]:
    """Group the step rows (COLUMNS; times in Unix seconds) and measure each in working hours;
    a step still open is measured until `until`."""
    groups: dict[Key, StepRow] = {}
    measures: dict[int, Any] = {}  # agency id → its calendar's working_seconds_before_timestamp
    for actor, unit_id, agency_id, started, ended, due, result in rows:
        key = _key(actor, unit_id, agency_id)
        row = groups.get(key)
        if row is None:
            row = groups[key] = StepRow(*key)
        before = measures.get(agency_id)
        if before is None:
            before = measures[agency_id] = calendars.of(agency_id).working_seconds_before_timestamp
        end = ended if ended is not None else until
        if end is None or started is None:
            row.unmeasured += 1
            continue
        try:
            seconds = before(end) - before(started)
        except CalendarRangeError:
            row.unmeasured += 1
        else:
            row.hours.append(max(seconds, 0) / 3600)
        # Late: handed over after the step's limit; for a step still open, its limit has passed.
        if result == Timeliness.LATE or (until is not None and due is not None and due < until):
            row.late += 1
    return groups


def _finish(groups: dict[Key, StepRow]) -> list[StepRow]:
    units = Unit.objects.in_bulk([row.unit_id for row in groups.values() if row.unit_id])
    agencies = Agency.objects.in_bulk([row.agency_id for row in groups.values() if row.agency_id])
    labels = dict(StepActor.choices)
    rows = []
    for row in groups.values():
        row.hours.sort()
        row.name = str(labels.get(row.actor, row.actor))
        unit = units.get(row.unit_id)
        agency = agencies.get(row.agency_id)
        row.detail = unit.name if unit else (agency.name if agency else "")
        rows.append(row)
    order: dict[str, int] = {str(actor): i for i, actor in enumerate(ACTOR_ORDER)}
    rows.sort(key=lambda r: (order.get(r.actor, 99), r.detail))
    return rows


class UnixTime(Func):
    """A timestamp column as whole seconds since 1970 UTC (NULL stays NULL)."""

    output_field = BigIntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS bigint)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # julianday() of the stored UTC text; 2440587.5 is 1970-01-01 00:00 UTC.
        template = "CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400.0) AS integer)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def _rows(steps: QuerySet[DossierStep]) -> Any:
    return (
        steps.annotate(_start=UnixTime("started_at"), _end=UnixTime("ended_at"), _due=UnixTime("due_at"))
        .values_list("actor", "unit_id", "agency_id", "_start", "_end", "_due", "result")
        .iterator(chunk_size=5000)
    )


def _open_rows(scope: DashboardScope) -> Any:
    """The open step of each open dossier of the scope, through `Dossier.current_step` (the dossiers
    are found by their agency and status, an index; each step by its key)."""
    step = "current_step__"
    rows = (
        Dossier.objects.filter(
            scope.condition(), status__in=OPEN, received_at__isnull=False, current_step__isnull=False
        )
        .filter(**{f"{step}ended_at__isnull": True})
        .order_by()
        .annotate(_start=UnixTime(f"{step}started_at"), _due=UnixTime(f"{step}due_at"))
        .values_list(f"{step}actor", f"{step}unit_id", f"{step}agency_id", "_start", "_due", f"{step}result")
        .iterator(chunk_size=5000)
    )
    return ((actor, unit, agency, start, None, due, result) for actor, unit, agency, start, due, result in rows)


@reporting_reads
def step_report(scope: DashboardScope, period: Period, *, now: datetime | None = None) -> StepReport:
    """The time of the steps handed over in `period`, and of the steps open now (two queries)."""
    now = now or timezone.now()
    calendars = _Calendars()
    done = _collect(_rows(_steps(scope).filter(_done_condition(period))), calendars, None)
    waiting = _collect(_open_rows(scope), calendars, int(now.timestamp()))
    return StepReport(
        period=period,
        now=now,
        done=_finish(done),
        waiting=_finish(waiting),
        hours_per_day=calendars.of(scope.agency.pk).hours_per_day,
    )


def step_rows(scope: DashboardScope, kind: str, params: dict[str, Any], period: Period) -> QuerySet[DossierStep]:
    """The steps behind one row of the step tables (`kind`: "done" in `period`, or "open" now), as
    counted there: `actor`, and `step_unit` or `step_agency` (ids)."""

    def number(name: str) -> int | None:
        text = str(params.get(name) or "")
        if not text:
            return None
        if not text.isdecimal() or len(text) > 12:
            raise DomainError(_("Some values are not valid: see the fields."), code="invalid", fields={name: []})
        return int(text)

    actor = str(params.get("actor") or "")
    if kind not in STEP_KINDS or actor not in StepActor.values:
        raise DomainError(_("Unknown step."), code="invalid", fields={"actor": []})
    qs = _steps(scope).filter(_done_condition(period) if kind == "done" else _open_condition()).filter(actor=actor)
    unit_id, agency_id = number("step_unit"), number("step_agency")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    else:
        qs = qs.filter(unit__isnull=True)
        if actor == StepActor.OTHER_AGENCY and agency_id is not None:
            qs = qs.filter(agency_id=agency_id)
    return qs
