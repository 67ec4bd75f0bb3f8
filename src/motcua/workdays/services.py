"""Writes and reads of working calendars; the only way code obtains a calendar snapshot."""

from __future__ import annotations

import threading
from datetime import date

import holidays
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.workdays.constants import OFF_KINDS, DayKind
from motcua.workdays.domain import SATURDAY, SUNDAY, WorkCalendarSnapshot, WorkingHours
from motcua.workdays.models import CalendarDay, CalendarYear, WorkCalendar

NATIONAL_SOURCE = f"holidays {holidays.__version__} (Vietnam)"


def national_days(year: int) -> tuple[dict[date, tuple[str, str]], dict[date, str]]:
    """The national calendar of one year from the `holidays` package.

    Returns ({date: (kind, name)} for days off, {date: name} for make-up working Saturdays).
    """
    vietnam = holidays.country_holidays("VN", years=year, language="vi")
    days_off: dict[date, tuple[str, str]] = {}
    for day, name in vietnam.items():
        lowered = name.lower()
        if "nghỉ bù" in lowered:
            kind = DayKind.COMPENSATORY
        elif "thay cho" in lowered:
            kind = DayKind.EXTRA_DAY_OFF
        else:
            kind = DayKind.HOLIDAY
        days_off[day] = (kind, name)
    working = {
        day: f"Ngày làm bù ({day:%d/%m/%Y})"
        for day in sorted(getattr(vietnam, "weekend_workdays", set()))
        if day.year == year
    }
    return days_off, working


@transaction.atomic
def calendar_seed_year(*, calendar: WorkCalendar, year: int, skip_dates: set[date] | None = None) -> CalendarYear:
    """Copy the national calendar of `year` into `calendar`, unless that year is already kept."""
    existing = CalendarYear.objects.filter(calendar=calendar, year=year).first()
    if existing:
        return existing
    skip = skip_dates or set()
    days_off, working = national_days(year)
    rows = [
        CalendarDay(calendar=calendar, date=day, kind=kind, name=name)
        for day, (kind, name) in days_off.items()
        if day not in skip
    ]
    rows += [
        CalendarDay(calendar=calendar, date=day, kind=DayKind.MAKEUP_WORKING_DAY, name=name)
        for day, name in working.items()
        if day not in skip
    ]
    CalendarDay.objects.bulk_create(rows)
    return CalendarYear.objects.create(calendar=calendar, year=year, source=NATIONAL_SOURCE)


def default_calendar() -> WorkCalendar:
    calendar = WorkCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        calendar, _ = WorkCalendar.objects.get_or_create(
            code="vn-national", defaults={"name": "Lịch làm việc cơ quan nhà nước (toàn quốc)", "is_default": True}
        )
    return calendar


def calendar_years() -> tuple[int, int]:
    return settings.MOTCUA_CALENDAR_FIRST_YEAR, timezone.localdate().year + settings.MOTCUA_CALENDAR_YEARS_AHEAD


_cache_lock = threading.Lock()
_snapshots: dict[tuple[int, object, int, int], WorkCalendarSnapshot] = {}
_national_cache: dict[int, tuple[dict[date, tuple[str, str]], dict[date, str]]] = {}


def _national(year: int) -> tuple[dict[date, tuple[str, str]], dict[date, str]]:
    if year not in _national_cache:
        _national_cache[year] = national_days(year)
    return _national_cache[year]


def build_snapshot(calendar: WorkCalendar) -> WorkCalendarSnapshot:
    """Build the immutable snapshot of `calendar`: its kept years from the database, the others national."""
    first_year, last_year = calendar_years()
    kept_years = set(CalendarYear.objects.filter(calendar=calendar).values_list("year", flat=True))
    days_off: dict[date, str] = {}
    extra_working: dict[date, str] = {}
    for year in range(first_year, last_year + 1):
        if year in kept_years:
            continue
        national_off, national_working = _national(year)
        days_off.update({day: name for day, (_kind, name) in national_off.items()})
        extra_working.update(national_working)
    for row in CalendarDay.objects.filter(calendar=calendar, date__year__gte=first_year, date__year__lte=last_year):
        if row.kind in OFF_KINDS:
            days_off[row.date] = row.name
        else:
            extra_working[row.date] = row.name
    weekend = (SUNDAY,) if calendar.saturday_is_working else (SATURDAY, SUNDAY)
    hours = WorkingHours(
        morning_start=calendar.morning_start,
        morning_end=calendar.morning_end,
        afternoon_start=calendar.afternoon_start,
        afternoon_end=calendar.afternoon_end,
        cutoff=calendar.cutoff,
    )
    return WorkCalendarSnapshot(
        first_day=date(first_year, 1, 1),
        last_day=date(last_year, 12, 31),
        days_off=days_off,
        extra_working_days=extra_working,
        weekend=weekend,
        hours=hours,
    )


def calendar_snapshot(calendar: WorkCalendar | None = None) -> WorkCalendarSnapshot:
    """The snapshot of `calendar` (the default calendar when None), cached per version."""
    calendar = calendar or default_calendar()
    first_year, last_year = calendar_years()
    key = (calendar.pk, calendar.version, first_year, last_year)
    snapshot = _snapshots.get(key)
    if snapshot is None:
        snapshot = build_snapshot(calendar)
        with _cache_lock:
            for stale in [k for k in _snapshots if k[0] == calendar.pk]:
                del _snapshots[stale]
            _snapshots[key] = snapshot
    return snapshot
