"""Deadline arithmetic on the Vietnamese calendar (DOMAIN.md §8), checked by hand and by properties."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.errors import DomainError
from motcua.workdays.domain import VIETNAM, CalendarRangeError, NaiveDatetimeError, WorkCalendarSnapshot
from motcua.workdays.services import national_days


def national_calendar(first_year: int = 2024, last_year: int = 2028) -> WorkCalendarSnapshot:
    days_off: dict[date, str] = {}
    working: dict[date, str] = {}
    for year in range(first_year, last_year + 1):
        off, extra = national_days(year)
        days_off.update({d: name for d, (_kind, name) in off.items()})
        working.update(extra)
    return WorkCalendarSnapshot(
        first_day=date(first_year, 1, 1),
        last_day=date(last_year, 12, 31),
        days_off=days_off,
        extra_working_days=working,
    )


CAL = national_calendar()


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


def test_counting_starts_the_working_day_after_reception():
    # Thursday 19/11/2026 10:20; Tue 24/11 is Vietnamese Culture Day (a holiday from 2026).
    due = CAL.due_after_working_days(vn(2026, 11, 19, 10, 20), 5)
    assert due == vn(2026, 11, 27, 17, 0)


def test_tet_2026_is_not_counted():
    # Received Friday 13/02/2026; Tết holidays Mon 16 – Fri 20/02, weekends around them.
    due = CAL.due_after_working_days(vn(2026, 2, 13, 9, 0), 1)
    assert due == vn(2026, 2, 23, 17, 0)


def test_after_the_cutoff_the_dossier_counts_as_received_the_next_working_day():
    before = CAL.due_after_working_days(vn(2026, 11, 26, 15, 0), 1)
    after = CAL.due_after_working_days(vn(2026, 11, 26, 15, 1), 1)
    assert before == vn(2026, 11, 27, 17, 0)
    assert after == vn(2026, 11, 30, 17, 0)


def test_received_on_a_sunday_counts_as_received_on_monday():
    assert CAL.reception_day(vn(2026, 11, 29, 11, 0)) == date(2026, 11, 30)
    assert CAL.due_after_working_days(vn(2026, 11, 29, 11, 0), 1) == vn(2026, 12, 1, 17, 0)


def test_compensatory_day_off_for_a_holiday_on_sunday():
    # Giỗ Tổ Hùng Vương fell on Sunday 26/04/2026: Monday 27/04 is off; 30/04 and 01/05 too.
    assert not CAL.is_working_day(date(2026, 4, 27))
    assert CAL.due_after_working_days(vn(2026, 4, 24, 9, 0), 2) == vn(2026, 4, 29, 17, 0)
    assert CAL.due_after_working_days(vn(2026, 4, 24, 9, 0), 3) == vn(2026, 5, 4, 17, 0)


def test_make_up_saturday_is_a_working_day():
    # Saturday 22/08/2026 is worked in exchange for Monday 31/08/2026.
    assert CAL.is_working_day(date(2026, 8, 22))
    assert not CAL.is_working_day(date(2026, 8, 31))
    assert CAL.due_after_working_days(vn(2026, 8, 21, 9, 0), 1) == vn(2026, 8, 22, 17, 0)


def test_zero_working_days_means_within_the_day():
    assert CAL.due_after_working_days(vn(2026, 11, 26, 9, 0), 0) == vn(2026, 11, 26, 17, 0)
    assert CAL.due_after_working_days(vn(2026, 11, 26, 16, 0), 0) == vn(2026, 11, 27, 17, 0)


def test_utc_input_is_placed_on_the_vietnamese_calendar():
    from datetime import UTC

    # 02:00 UTC = 09:00 in Vietnam, same working day.
    due = CAL.due_after_working_days(datetime(2026, 11, 26, 2, 0, tzinfo=UTC), 1)
    assert due == vn(2026, 11, 27, 17, 0)
    # 08:30 UTC = 15:30 in Vietnam: after the cut-off.
    late = CAL.due_after_working_days(datetime(2026, 11, 26, 8, 30, tzinfo=UTC), 1)
    assert late == vn(2026, 11, 30, 17, 0)


def test_working_hours_skip_lunch_nights_and_weekends():
    # 4 working hours from Friday 10:00: 10:00–11:30 (1.5 h), 13:00–15:30 (2.5 h).
    assert CAL.due_after_working_hours(vn(2026, 11, 27, 10, 0), 4) == vn(2026, 11, 27, 15, 30)
    # 8 hours from Friday 16:00: 1 h Friday, then Monday 7:30–11:30 (4 h) and 13:00–16:00 (3 h).
    assert CAL.due_after_working_hours(vn(2026, 11, 27, 16, 0), 8) == vn(2026, 11, 30, 16, 0)
    # Received during lunch: counting starts at 13:00.
    assert CAL.due_after_working_hours(vn(2026, 11, 26, 12, 0), 1) == vn(2026, 11, 26, 14, 0)


def test_calendar_days_end_moves_off_a_day_off():
    # 30 days from reception Thu 05/11/2026: day 30 is Sat 05/12 → Monday 07/12.
    assert CAL.due_after_calendar_days(vn(2026, 11, 5, 9, 0), 30) == vn(2026, 12, 7, 17, 0)
    # 30 days from Fri 06/11/2026: Sunday 06/12 → Monday 07/12; from Mon 02/11: Wednesday 02/12.
    assert CAL.due_after_calendar_days(vn(2026, 11, 2, 9, 0), 30) == vn(2026, 12, 2, 17, 0)


def test_explanation_names_the_days_not_counted():
    explanation = CAL.explain(vn(2026, 11, 19, 10, 20), 5)
    assert explanation.counting_starts == date(2026, 11, 20)
    assert [(s.day, s.reason) for s in explanation.skipped] == [
        (date(2026, 11, 21), "weekend"),
        (date(2026, 11, 22), "weekend"),
        (date(2026, 11, 24), "Ngày Văn hóa Việt Nam"),
    ]
    assert explanation.due_at == vn(2026, 11, 27, 17, 0)


def test_explanation_of_a_make_up_day():
    explanation = CAL.explain(vn(2026, 8, 20, 9, 0), 3)
    assert explanation.extra_working_days == (date(2026, 8, 22),)


def test_naive_time_is_refused():
    with pytest.raises(NaiveDatetimeError):
        CAL.due_after_working_days(datetime(2026, 11, 26, 9, 0), 1)


def test_dates_outside_the_calendar_are_refused_with_a_clear_error():
    with pytest.raises(CalendarRangeError, match="outside the working calendar"):
        CAL.due_after_working_days(vn(2030, 1, 2, 9, 0), 1)
    with pytest.raises(CalendarRangeError, match="end of the working calendar"):
        CAL.due_after_working_days(vn(2028, 12, 28, 9, 0), 10)


def test_negative_periods_are_refused():
    with pytest.raises(DomainError):
        CAL.due_after_working_days(vn(2026, 11, 26, 9, 0), -1)


def test_saturday_working_calendar():
    cal = WorkCalendarSnapshot(first_day=date(2026, 11, 1), last_day=date(2026, 12, 31), days_off={}, weekend=(6,))
    assert cal.due_after_working_days(vn(2026, 11, 27, 9, 0), 1) == vn(2026, 11, 28, 17, 0)


moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(VIETNAM))


@settings(max_examples=300, deadline=None)
@given(received=moments, n=st.integers(min_value=0, max_value=60))
def test_the_due_date_is_a_working_day_at_close_of_business(received, n):
    due = CAL.due_after_working_days(received, n)
    assert CAL.is_working_day(due.date())
    assert due.timetz() == time(17, 0, tzinfo=VIETNAM)
    assert due > received


@settings(max_examples=300, deadline=None)
@given(received=moments, n=st.integers(min_value=0, max_value=59))
def test_the_due_date_grows_with_the_period(received, n):
    assert CAL.due_after_working_days(received, n + 1) > CAL.due_after_working_days(received, n)


@settings(max_examples=300, deadline=None)
@given(received=moments, n=st.integers(min_value=0, max_value=60))
def test_counting_back_gives_the_period(received, n):
    due = CAL.due_after_working_days(received, n)
    assert CAL.working_days_until(received, due.date()) == n


@settings(max_examples=200, deadline=None)
@given(received=moments, n=st.integers(min_value=1, max_value=60))
def test_exactly_n_working_days_lie_after_reception(received, n):
    due = CAL.due_after_working_days(received, n)
    reception = CAL.reception_day(received)
    assert CAL.working_days_in(reception + timedelta(days=1), due.date()) == n


@settings(max_examples=200, deadline=None)
@given(received=moments, hours=st.floats(min_value=0.25, max_value=40))
def test_working_hours_land_inside_office_hours(received, hours):
    due = CAL.due_after_working_hours(received, hours)
    assert CAL.is_working_day(due.date())
    local = due.time()
    assert time(7, 30) < local <= time(11, 30) or time(13, 0) < local <= time(17, 0)
