"""On-time and online rates month by month over the last 12 months, and their chart.

The figures of each month are the period report's for that month: counted with the report's own
conditions (`reports.period.Conditions`) over the same months (`reports.periods.split`), as
`period_report(..., group_by="month")` counts them, but only the columns the trend shows — the
report's "pending" columns look up the pauses of every dossier for every month, which the trend
does not need (one query of 12 × 6 conditional counts). The month in progress runs to today.
On-time rate = resolved early or on time / resolved; online rate = newly received online / newly
received (CONTRACT.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from motcua.core.db import reporting_reads
from motcua.dashboards.access import DashboardScope
from motcua.dossiers.models import Dossier
from motcua.reports.period import Conditions
from motcua.reports.periods import Period, period_label, split

MONTHS = 12
TREND_COLUMNS = (
    "received.new",
    "received.online",
    "resolved.total",
    "resolved.early",
    "resolved.on_time",
    "resolved.late",
)


@dataclass(frozen=True)
class MonthRow:
    label: str  # 03/2026
    period: Period
    received_new: int
    received_online: int
    resolved: int
    resolved_in_time: int  # early + on time
    resolved_late: int
    on_time_rate: float | None
    online_rate: float | None


def last_months(today: date, months: int = MONTHS) -> Period:
    """From the first day of the month `months - 1` months before today's, to today."""
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), today)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None  # as reports.period._rate


@reporting_reads
def monthly_trend(scope: DashboardScope, *, today: date | None = None) -> list[MonthRow]:
    """The last 12 months of the period report for `scope`, one row a month (oldest first)."""
    today = today or timezone.localdate()
    months = list(split(last_months(today), "month"))
    counts: dict[str, Count] = {}
    for i, month in enumerate(months):
        conditions = Conditions(*month.bounds)
        for column in TREND_COLUMNS:
            counts[f"m{i}__{column.replace('.', '__')}"] = Count("pk", filter=conditions.q[column])
    # Every column counts dossiers received, or ended, within the 12 months: only those are read.
    start, end = last_months(today).bounds
    ended = Coalesce("processed_at", "returned_at", "ended_at")
    within = Q(received_at__gte=start, received_at__lt=end) | (
        Q(received_at__isnull=False) & Q(GreaterThanOrEqual(ended, start)) & Q(LessThan(ended, end))
    )
    dossiers = Dossier.objects.filter(scope.report_scope.condition()).filter(within).order_by()
    values = dossiers.aggregate(**counts)
    rows = []
    for i, month in enumerate(months):
        n = {column: int(values.get(f"m{i}__{column.replace('.', '__')}") or 0) for column in TREND_COLUMNS}
        in_time = n["resolved.early"] + n["resolved.on_time"]
        rows.append(
            MonthRow(
                label=period_label(month, "month"),
                period=month,
                received_new=n["received.new"],
                received_online=n["received.online"],
                resolved=n["resolved.total"],
                resolved_in_time=in_time,
                resolved_late=n["resolved.late"],
                on_time_rate=_rate(in_time, n["resolved.total"]),
                online_rate=_rate(n["received.online"], n["received.new"]),
            )
        )
    return rows


def trend_chart(rows: list[MonthRow], *, width: int = 480, height: int = 240) -> dict[str, Any]:
    """Two lines on a 0–100 % scale, the on-time rate and the online rate, one point a month; a month
    without a rate (nothing resolved, nothing received) breaks its line. Coordinates only: the
    template draws them, no script."""
    left, right, top, bottom = 44, 14, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(rows) - 1, 1)

    def x_of(i: int) -> float:
        return round(left + i * step, 1)

    def y_of(rate: float) -> float:
        return round(top + plot_h - rate * plot_h, 1)

    def line(values: list[float | None]) -> dict[str, Any]:
        segments: list[list[tuple[float, float]]] = [[]]
        dots = []
        for i, value in enumerate(values):
            if value is None:
                segments.append([])
                continue
            point = (x_of(i), y_of(value))
            segments[-1].append(point)
            dots.append(point)
        return {
            "lines": [" ".join(f"{x},{y}" for x, y in part) for part in segments if len(part) > 1],
            "dots": dots,
        }

    return {
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "base_y": top + plot_h,
        "ticks": [{"y": y_of(p / 100), "label": f"{p}%"} for p in (0, 25, 50, 75, 100)],
        "months": [{"x": x_of(i), "label": row.label[:2], "year": row.label[3:]} for i, row in enumerate(rows)],
        "on_time": line([row.on_time_rate for row in rows]),
        "online": line([row.online_rate for row in rows]),
    }
