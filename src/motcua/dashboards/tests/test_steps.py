"""Time per process step in working hours: medians and 90th percentiles of known durations."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.catalog.constants import StepActor
from motcua.dashboards.access import DashboardScope
from motcua.dashboards.steps import percentile, step_report, step_rows
from motcua.dashboards.tests.conftest import at, make_dossier, put_at_step
from motcua.dossiers.constants import Status, Timeliness
from motcua.dossiers.models import DossierStep
from motcua.reports.periods import Period
from motcua.workdays.selectors import agency_calendar

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
NOW = at(3, 18, 9, 30)  # Wednesday


def test_percentiles_interpolate_between_the_nearest_values():
    assert percentile([1.5, 2, 3, 16], 0.5) == 2.5
    assert percentile([1.5, 2, 3, 16], 0.9) == pytest.approx(12.1)  # 3 + 0.7 × (16 − 3)
    assert percentile([4], 0.9) == 4
    assert percentile([], 0.5) is None


def test_working_hours_leave_out_nights_lunch_weekends_and_holidays(db):
    calendar = agency_calendar(None)
    assert calendar.working_hours_between(at(3, 2, 8, 30), at(3, 2, 10, 30)) == 2  # Monday morning
    assert calendar.working_hours_between(at(3, 2, 11), at(3, 2, 14)) == 1.5  # over the lunch break
    assert calendar.working_hours_between(at(3, 6, 16), at(3, 9, 9, 30)) == 3  # Friday 1 h + Monday 2 h
    assert calendar.working_hours_between(at(3, 3, 7, 30), at(3, 4, 17)) == 16  # two whole days
    # Wednesday 29/04 16:00 to Monday 04/05 08:30: 30/04 and 01/05 are holidays, then the weekend.
    assert calendar.working_hours_between(at(4, 29, 16), at(5, 4, 8, 30)) == 2
    assert calendar.working_hours_between(at(3, 2, 10), at(3, 2, 9)) == 0


def _done(dossier, actor, unit, start, end, result=Timeliness.ON_TIME):
    step = DossierStep.objects.create(
        dossier=dossier, plan_index=0, name=f"Bước {actor}", actor=actor, agency=dossier.competent_agency,
        unit=unit, started_at=start, ended_at=end, result=result,
    )  # fmt: skip
    return step


@pytest.fixture
def handed_over(city):
    """Division QLDL: 2 h, 1.5 h, 3 h and 16 h (late); the leaders: 4 h; one step of February
    (outside March); the desk holds one step open since Monday 16/03 07:30, due Tuesday 17:00."""
    o = city.office
    one = make_dossier("S1", o, received=at(2, 27), due=at(3, 20, 17))
    two = make_dossier("S2", o, received=at(2, 27), due=at(3, 20, 17))
    _done(one, StepActor.DIVISION, o.d1, at(3, 2, 8, 30), at(3, 2, 10, 30))
    _done(one, StepActor.DIVISION, o.d1, at(3, 2, 11), at(3, 2, 14))
    _done(two, StepActor.DIVISION, o.d1, at(3, 6, 16), at(3, 9, 9, 30))
    _done(two, StepActor.DIVISION, o.d1, at(3, 3, 7, 30), at(3, 4, 17), result=Timeliness.LATE)
    _done(two, StepActor.LEADER, city.leadership, at(3, 5, 13), at(3, 5, 17))
    _done(one, StepActor.DIVISION, o.d1, at(2, 27, 8), at(2, 27, 9))
    three = make_dossier("S3", o, received=at(3, 16, 7, 30), due=at(3, 27, 17), status=Status.RECEIVED, division=None)
    put_at_step(three, StepActor.ONE_STOP_DESK, unit=city.desk_unit, started=at(3, 16, 7, 30), due=at(3, 17, 17))
    # Another agency's step: never counted.
    other = make_dossier("S4", o, agency=o.other_agency, received=at(3, 2), due=at(3, 20, 17), division=None)
    _done(other, StepActor.DIVISION, None, at(3, 2, 8), at(3, 2, 12))
    return city


def test_medians_and_p90_of_the_steps_handed_over(handed_over):
    o = handed_over.office
    report = step_report(DashboardScope(o.agency), MARCH, now=NOW)
    rows = {(row.actor, row.detail): (row.count, row.median, row.p90, row.late) for row in report.done}
    assert rows == {
        (StepActor.DIVISION, "Phòng Quản lý du lịch"): (4, 2.5, 12.1, 1),
        (StepActor.LEADER, "Ban lãnh đạo"): (1, 4.0, 4.0, 0),
    }
    assert report.hours_per_day == 8


def test_where_dossiers_wait_now(handed_over):
    report = step_report(DashboardScope(handed_over.office.agency), MARCH, now=NOW)
    # Monday 8 h + Tuesday 8 h + Wednesday 07:30–09:30 2 h = 18 h, past the step's limit (Tuesday 17:00).
    assert [(row.actor, row.count, row.median, row.p90, row.late) for row in report.waiting] == [
        (StepActor.ONE_STOP_DESK, 1, 18.0, 18.0, 1)
    ]


def test_each_step_row_lists_its_steps(handed_over):
    scope = DashboardScope(handed_over.office.agency)
    report = step_report(scope, MARCH, now=NOW)
    for row in report.done:
        assert step_rows(scope, "done", row.params, MARCH).count() == row.count
    for row in report.waiting:
        assert step_rows(scope, "open", row.params, MARCH).count() == row.count


def test_a_division_head_sees_the_steps_of_his_divisions_dossiers(handed_over):
    o = handed_over.office
    report = step_report(DashboardScope(o.agency, o.d1), MARCH, now=NOW)
    assert [(row.actor, row.count) for row in report.done] == [(StepActor.DIVISION, 4), (StepActor.LEADER, 1)]
    assert report.waiting == []  # S3 is not with a division yet
