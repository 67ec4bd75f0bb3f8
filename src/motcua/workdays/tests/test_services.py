"""Calendars as data: seeded from the national calendar, edited by year, read as snapshots."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from motcua.workdays.constants import DayKind
from motcua.workdays.domain import VIETNAM
from motcua.workdays.models import CalendarDay, CalendarYear, WorkCalendar
from motcua.workdays.services import calendar_seed_year, calendar_snapshot, default_calendar

pytestmark = pytest.mark.django_db


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


def test_seeding_a_year_copies_holidays_compensatory_and_make_up_days():
    calendar = default_calendar()
    calendar_seed_year(calendar=calendar, year=2026)
    days = {d.date: d.kind for d in CalendarDay.objects.filter(calendar=calendar)}
    assert days[date(2026, 2, 17)] == DayKind.HOLIDAY  # Tết
    assert days[date(2026, 4, 27)] == DayKind.COMPENSATORY
    assert days[date(2026, 8, 31)] == DayKind.EXTRA_DAY_OFF
    assert days[date(2026, 8, 22)] == DayKind.MAKEUP_WORKING_DAY
    assert days[date(2026, 11, 24)] == DayKind.HOLIDAY
    # Seeding again changes nothing.
    calendar_seed_year(calendar=calendar, year=2026)
    assert CalendarDay.objects.filter(calendar=calendar).count() == len(days)


def test_an_extra_day_off_moves_the_due_date_immediately():
    calendar = default_calendar()
    before = calendar_snapshot(calendar).due_after_working_days(vn(2026, 12, 1, 9, 0), 1)
    assert before == vn(2026, 12, 2, 17, 0)
    CalendarDay.objects.create(calendar=calendar, date=date(2026, 12, 2), kind=DayKind.EXTRA_DAY_OFF, name="Nghỉ thêm")
    calendar.refresh_from_db()
    assert calendar_snapshot(calendar).due_after_working_days(vn(2026, 12, 1, 9, 0), 1) == vn(2026, 12, 3, 17, 0)


def test_the_first_edit_of_a_year_keeps_its_national_holidays():
    calendar = default_calendar()
    CalendarDay.objects.create(
        calendar=calendar, date=date(2027, 3, 8), kind=DayKind.EXTRA_DAY_OFF, name="Ngày nghỉ thêm"
    )
    assert CalendarYear.objects.filter(calendar=calendar, year=2027).exists()
    calendar.refresh_from_db()
    snapshot = calendar_snapshot(calendar)
    assert not snapshot.is_working_day(date(2027, 1, 1))  # still the national New Year holiday
    assert not snapshot.is_working_day(date(2027, 3, 8))


def test_removing_a_seeded_holiday_makes_the_day_a_working_day():
    calendar = default_calendar()
    calendar_seed_year(calendar=calendar, year=2026)
    CalendarDay.objects.get(calendar=calendar, date=date(2026, 8, 31)).delete()
    calendar.refresh_from_db()
    assert calendar_snapshot(calendar).is_working_day(date(2026, 8, 31))


def test_agencies_have_their_own_calendar():
    national = default_calendar()
    local = WorkCalendar.objects.create(code="can-tho", name="Cần Thơ")
    CalendarDay.objects.create(
        calendar=local, date=date(2026, 12, 4), kind=DayKind.EXTRA_DAY_OFF, name="Lễ hội địa phương"
    )
    local.refresh_from_db()
    assert calendar_snapshot(national).is_working_day(date(2026, 12, 4))
    assert not calendar_snapshot(local).is_working_day(date(2026, 12, 4))


def test_office_hours_and_cutoff_come_from_the_calendar():
    calendar = default_calendar()
    calendar.cutoff = datetime(2026, 1, 1, 16, 30).time()
    calendar.save()
    snapshot = calendar_snapshot(calendar)
    assert snapshot.due_after_working_days(vn(2026, 11, 26, 16, 0), 1) == vn(2026, 11, 27, 17, 0)


def test_calendar_validation_messages():
    calendar = WorkCalendar(code="bad", name="Bad", morning_start=datetime(2026, 1, 1, 12).time())
    with pytest.raises(ValidationError):
        calendar.full_clean()
    weekday = CalendarDay(
        calendar=default_calendar(), date=date(2026, 12, 2), kind=DayKind.MAKEUP_WORKING_DAY, name="x"
    )
    with pytest.raises(ValidationError, match="Saturday or a Sunday"):
        weekday.full_clean()


def test_dropping_a_kept_year_returns_it_to_the_national_calendar():
    calendar = default_calendar()
    CalendarDay.objects.create(calendar=calendar, date=date(2027, 3, 8), kind=DayKind.EXTRA_DAY_OFF, name="Nghỉ thêm")
    CalendarYear.objects.filter(calendar=calendar, year=2027).delete()  # as the admin's bulk delete does
    assert not CalendarDay.objects.filter(calendar=calendar, date__year=2027).exists()
    calendar.refresh_from_db()
    snapshot = calendar_snapshot(calendar)
    assert snapshot.is_working_day(date(2027, 3, 8))
    assert not snapshot.is_working_day(date(2027, 1, 1))
