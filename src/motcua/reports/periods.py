"""Reporting periods: free date ranges and the official month, quarter, half-year and year.

Decree 09/2019/ND-CP Art. 12 (DOMAIN.md §9, UNCONFIRMED: an option) closes the official periods on
the 14th: the reporting month runs from the 15th of the previous month to the 14th, the year from
15/12 of the previous year to 14/12. Without the cut-off the periods are calendar ones.
Dates are local (Asia/Ho_Chi_Minh); a period [start, end] covers both days entirely.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError

CUT_OFF_DAY = 15  # the official period starts on the 15th and ends on the 14th
KINDS = ("month", "quarter", "half", "year")
MAX_DAYS = 366 * 30


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DomainError(
                _("The end of the period is before its start."), code="bad-period", fields={"to": [_("Too early.")]}
            )
        if (self.end - self.start).days > MAX_DAYS:
            raise DomainError(_("The period is too long."), code="bad-period", fields={"to": [_("Too late.")]})

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[from 00:00, the day after `end` 00:00) in local time, as aware datetimes."""
        zone = timezone.get_default_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _month_start(year: int, month: int, cut_off: bool) -> date:
    """The first day of reporting month `month` of `year` (month may be 0 or 13: it rolls over)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    if not cut_off:
        return date(year, month, 1)
    previous = date(year, month, 1) - timedelta(days=1)
    return previous.replace(day=CUT_OFF_DAY)


def official_period(kind: str, year: int, number: int = 1, *, cut_off: bool = True) -> Period:
    """Month 1–12, quarter 1–4, half 1–2 or the year `year`; with the official cut-off or as calendar periods."""
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}
    if kind not in months:
        raise DomainError(_("Unknown kind of period."), code="bad-period", fields={"period": [_("Unknown.")]})
    length = months[kind]
    if not 1 <= number <= 12 // length or not 1900 <= year <= 2999:
        raise DomainError(_("No such period."), code="bad-period", fields={"period": [_("No such period.")]})
    first = (number - 1) * length + 1
    start = _month_start(year, first, cut_off)
    end = _month_start(year, first + length, cut_off) - timedelta(days=1)
    return Period(start, end)


def parse_period(text: str, *, cut_off: bool = True) -> Period:
    """`2026` (year), `2026-H1`, `2026-Q2`, `2026-M03`: the official period it names."""
    text = text.strip().upper()
    try:
        if len(text) == 4:
            return official_period("year", int(text), cut_off=cut_off)
        year, rest = text.split("-", 1)
        kind = {"H": "half", "Q": "quarter", "M": "month"}[rest[0]]
        return official_period(kind, int(year), int(rest[1:]), cut_off=cut_off)
    except (ValueError, KeyError, IndexError) as exc:
        raise DomainError(
            _("Write the period as 2026, 2026-H1, 2026-Q2 or 2026-M03."),
            code="bad-period",
            fields={"period": [_("Not a period.")]},
        ) from exc


def split(period: Period, unit: str, *, cut_off: bool = False) -> Iterator[Period]:
    """`period` cut at the starts of the years or months within it (official or calendar ones)."""
    if unit not in ("year", "month"):
        raise ValueError(unit)
    start = period.start
    while start <= period.end:
        if unit == "year":
            boundary = official_period("year", start.year + 1, cut_off=cut_off).start
            if cut_off and start >= date(start.year, 12, CUT_OFF_DAY):
                boundary = official_period("year", start.year + 2, cut_off=cut_off).start
        else:
            boundary = _month_start(start.year, start.month + 1, cut_off)
            if cut_off and start.day >= CUT_OFF_DAY:
                boundary = _month_start(start.year, start.month + 2, cut_off)
        end = min(boundary - timedelta(days=1), period.end)
        yield Period(start, end)
        start = end + timedelta(days=1)


def period_label(period: Period, unit: str, *, cut_off: bool = False) -> str:
    """The name of a year or month of a split: `2026`, `03/2026` (official ones are named by the month they end in)."""
    first = period.start
    if unit == "year":
        return str(first.year + 1 if cut_off and first >= date(first.year, 12, CUT_OFF_DAY) else first.year)
    month = _month_start(first.year, first.month + 1, False) if cut_off and first.day >= CUT_OFF_DAY else first
    return f"{month.month:02d}/{month.year}"
