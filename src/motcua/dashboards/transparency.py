"""The public transparency figures of an agency: counts and rates only, never a person.

This year and this month (to today): dossiers newly received, resolved, the on-time rate and the
online rate (the period report's numbers, `reports.period.period_report`), and the Decision 766 index
total (`reports.index766.index766`); the online rate per year (`reports.yearly.online_rate_by_year`).
Nothing is stored: the counts are computed at most once per CACHE_SECONDS, the index total (much
slower to compute) once per INDEX_CACHE_SECONDS, and kept in the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from motcua.accounts.models import Agency
from motcua.core.db import reporting_reads
from motcua.core.errors import NotFoundError
from motcua.reports.index766 import index766
from motcua.reports.period import Scope, period_report
from motcua.reports.periods import Period
from motcua.reports.yearly import online_rate_by_year

CACHE_SECONDS = 300
# The figures of one stretch of CACHE_SECONDS are computed once (whatever the cache backend's clock).
CACHE_KEY = "transparency:v1:{code}:{day}:{stretch}"
INDEX_CACHE_SECONDS = 3600
INDEX_CACHE_KEY = "transparency:v1:index:{code}:{start}:{end}:{stretch}"
YEARS_SHOWN = 6


@dataclass(frozen=True)
class PublicPeriod:
    period: Period
    received: int  # newly received in the period
    resolved: int
    on_time_rate: float | None
    online_rate: float | None
    index_points: float | None
    index_max: float | None
    index_computed_max: float | None


@dataclass(frozen=True)
class PublicYear:
    year: int
    received: int
    online: int
    online_rate: float | None


@dataclass(frozen=True)
class PublicFigures:
    code: str
    name: str
    computed_at: datetime
    year: PublicPeriod
    month: PublicPeriod
    years: tuple[PublicYear, ...]


def public_agencies() -> list[Agency]:
    return list(Agency.objects.filter(is_active=True).order_by("name").only("code", "name", "short_name"))


def _stretch(seconds: int) -> int:
    return int(timezone.now().timestamp()) // seconds


def _index_total(agency: Agency, period: Period) -> dict[str, Any]:
    """The Decision 766 total (`index766`), kept an hour: the index is a slow, yearly assessment."""
    key = INDEX_CACHE_KEY.format(
        code=agency.code, start=period.start, end=period.end, stretch=_stretch(INDEX_CACHE_SECONDS)
    )
    total: Any = cache.get(key)
    if not isinstance(total, dict):
        total = index766(Scope(agency), period.start, period.end, with_forecast=False)["total"]
        cache.set(key, total, INDEX_CACHE_SECONDS)
    return total


def _period_figures(agency: Agency, period: Period) -> PublicPeriod:
    scope = Scope(agency)
    total = period_report(scope, period.start, period.end)["total"]
    index = _index_total(agency, period)
    return PublicPeriod(
        period=period,
        received=total["received"]["new"],
        resolved=total["resolved"]["total"],
        on_time_rate=total["on_time_rate"],
        online_rate=total["online_rate"],
        index_points=index["points"],
        index_max=index["max"],
        index_computed_max=index["computed_max"],
    )


def _from_first_figure(years: list[PublicYear]) -> tuple[PublicYear, ...]:
    """The years from the first one with a dossier (the last year always shown)."""
    while len(years) > 1 and years[0].received == 0:
        years = years[1:]
    return tuple(years)


@reporting_reads
def transparency_figures(code: str, *, today: date | None = None) -> PublicFigures:
    """The figures of the active agency `code` (NotFoundError for another code), cached."""
    today = today or timezone.localdate()
    key = CACHE_KEY.format(code=code, day=today.isoformat(), stretch=_stretch(CACHE_SECONDS))
    found: Any = cache.get(key)
    if isinstance(found, PublicFigures):
        return found
    agency = Agency.objects.filter(code=code, is_active=True).first()
    if agency is None:
        raise NotFoundError("No such agency.", code="agency-not-found")
    yearly = online_rate_by_year(agency, first=today.year - YEARS_SHOWN + 1, last=today.year)
    figures = PublicFigures(
        code=agency.code,
        name=agency.name,
        computed_at=timezone.now(),
        year=_period_figures(agency, Period(date(today.year, 1, 1), today)),
        month=_period_figures(agency, Period(date(today.year, today.month, 1), today)),
        years=_from_first_figure([PublicYear(r.year, r.received, r.online, r.rate) for r in yearly["rows"]]),
    )
    cache.set(key, figures, CACHE_SECONDS)
    return figures
