"""City-wide totals: one line per agency a user may read, with the totals of all of them.

Now: open, overdue, due soon and waiting dossiers (`workload.Workload`). This month (from the 1st to
today): newly received, received online, resolved, resolved in time, with the two rates, counted with
the period report's own conditions (`reports.period.Conditions`), so that each line is the period
report of that agency. Two queries whatever the number of agencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from motcua.accounts.models import Agency
from motcua.core.db import reporting_reads
from motcua.dashboards.workload import FIGURES, Workload
from motcua.dossiers.models import Dossier
from motcua.reports.period import Conditions
from motcua.reports.periods import Period

MONTH_COLUMNS = ("received.new", "received.online", "resolved.total", "resolved.early", "resolved.on_time")


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


@dataclass
class AgencyLine:
    agency: Agency | None  # None: the total
    now: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))
    month: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MONTH_COLUMNS, 0))

    @property
    def in_time(self) -> int:
        return self.month["resolved.early"] + self.month["resolved.on_time"]

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.in_time, self.month["resolved.total"])

    @property
    def online_rate(self) -> float | None:
        return _rate(self.month["received.online"], self.month["received.new"])


@dataclass
class AgencyTable:
    month: Period
    lines: list[AgencyLine]
    total: AgencyLine


def _key(column: str) -> str:
    return "m_" + column.replace(".", "__")


@reporting_reads
def agency_table(agencies: list[Agency] | tuple[Agency, ...], *, now: datetime | None = None) -> AgencyTable:
    """The lines of `agencies` (in their order) and their total."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    month = Period(date(today.year, today.month, 1), today)
    ids = [agency.pk for agency in agencies]
    lines = {agency.pk: AgencyLine(agency) for agency in agencies}
    dossiers = Dossier.objects.filter(competent_agency_id__in=ids).order_by()

    workload = Workload.at(now, ids)
    now_values: list[dict[str, Any]] = list(
        dossiers.filter(workload.q["open"]).values("competent_agency_id").annotate(**workload.counts())  # type: ignore[arg-type]
    )
    for value in now_values:
        lines[value["competent_agency_id"]].now = {name: value[name] for name in FIGURES}

    conditions = Conditions(*month.bounds)
    counts: dict[str, Any] = {_key(c): Count("pk", filter=conditions.q[c]) for c in MONTH_COLUMNS}
    month_values: list[dict[str, Any]] = list(
        dossiers.filter(conditions.relevant).values("competent_agency_id").annotate(**counts)  # type: ignore[arg-type]
    )
    for value in month_values:
        lines[value["competent_agency_id"]].month = {c: value[_key(c)] for c in MONTH_COLUMNS}

    total = AgencyLine(None)
    for line in lines.values():
        for name in FIGURES:
            total.now[name] += line.now[name]
        for column in MONTH_COLUMNS:
            total.month[column] += line.month[column]
    return AgencyTable(month, [lines[pk] for pk in ids], total)
