"""Overdue, due soon and waiting now, by division and by official, on a hand-made agency."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from motcua.dashboards.access import DashboardScope
from motcua.dashboards.tests.conftest import NOW, at
from motcua.dashboards.workload import FIGURES, due_soon_horizon, workload_dossiers, workload_report

pytestmark = pytest.mark.django_db


def test_due_soon_runs_to_the_close_of_the_next_working_day():
    zone = timezone.get_default_timezone()
    assert due_soon_horizon(None, NOW) == datetime(2026, 3, 19, 17, tzinfo=zone)
    # Friday: the next working day is Monday; on a Saturday, Monday and Tuesday.
    assert due_soon_horizon(None, at(3, 20, 10)) == datetime(2026, 3, 23, 17, tzinfo=zone)
    assert due_soon_horizon(None, at(3, 21, 10)) == datetime(2026, 3, 24, 17, tzinfo=zone)


def test_totals_now(desk_floor):
    report = workload_report(DashboardScope(desk_floor.office.agency), now=NOW)
    assert report.total == {"open": 6, "overdue": 2, "due_soon": 1, "within": 2, "waiting": 1}


def test_by_division(desk_floor):
    report = workload_report(DashboardScope(desk_floor.office.agency), now=NOW)
    rows = {row.key: row.figures for row in report.by_division}
    assert rows == {
        "QLDL": {"open": 3, "overdue": 1, "due_soon": 1, "within": 0, "waiting": 1},  # A, B, D
        "QLVH": {"open": 2, "overdue": 0, "due_soon": 0, "within": 2, "waiting": 0},  # C, F
        "none": {"open": 1, "overdue": 1, "due_soon": 0, "within": 0, "waiting": 0},  # E
    }


def test_by_official_holding_the_dossier(desk_floor):
    o = desk_floor.office
    report = workload_report(DashboardScope(o.agency), now=NOW)
    rows = {(row.name, row.detail): row.figures for row in report.by_holder}
    assert rows == {
        (o.specialist.full_name, "Phòng Quản lý du lịch"): {
            "open": 2, "overdue": 1, "due_soon": 1, "within": 0, "waiting": 0,
        },
        ("Division, no specialist assigned yet", "Phòng Quản lý văn hóa"): {
            "open": 1, "overdue": 0, "due_soon": 0, "within": 1, "waiting": 0,
        },
        ("Division head's step", "Phòng Quản lý văn hóa"): {
            "open": 1, "overdue": 0, "due_soon": 0, "within": 1, "waiting": 0,
        },
        ("One-stop desk", desk_floor.desk_unit.name): {
            "open": 1, "overdue": 1, "due_soon": 0, "within": 0, "waiting": 0,
        },
        ("No step open (waiting for the applicant)", ""): {
            "open": 1, "overdue": 0, "due_soon": 0, "within": 0, "waiting": 1,
        },
    }  # fmt: skip
    assert report.by_holder[0].name == o.specialist.full_name  # named officials first


def test_a_division_head_sees_only_his_division(desk_floor):
    report = workload_report(DashboardScope(desk_floor.office.agency, desk_floor.office.d1), now=NOW)
    assert report.total == {"open": 3, "overdue": 1, "due_soon": 1, "within": 0, "waiting": 1}
    assert [row.key for row in report.by_division] == ["QLDL"]


def test_every_number_lists_exactly_its_dossiers(desk_floor):
    agency = desk_floor.office.agency
    scope = DashboardScope(agency)
    report = workload_report(scope, now=NOW)

    def listed(row_scope: DashboardScope, figure: str, params: dict) -> set[str]:
        return set(workload_dossiers(row_scope, figure, params, now=NOW).values_list("code", flat=True))

    for figure in FIGURES:
        assert len(listed(scope, figure, {})) == report.total[figure]
        for row in report.by_holder:
            assert len(listed(scope, figure, row.params)) == row.figures[figure], (row.name, figure)
        for row in report.by_division:
            division = agency.units.filter(code=row.params["division"]).first()  # None for "none"
            assert len(listed(DashboardScope(agency, division), figure, row.params)) == row.figures[figure]
    assert listed(scope, "overdue", {}) == {"A", "E"}
    assert listed(scope, "waiting", {}) == {"D"}
    assert listed(scope, "due_soon", {}) == {"B"}
    assert listed(scope, "within", {}) == {"C", "F"}


def test_the_report_is_a_fixed_number_of_queries(desk_floor, django_assert_num_queries):
    scope = DashboardScope(desk_floor.office.agency)
    workload_report(scope, now=NOW)  # the working calendar, read once per process
    # the agencies and their calendar (2), three counts, the divisions, and the officials, units and
    # agencies holding steps: however many dossiers
    with django_assert_num_queries(9):
        workload_report(scope, now=NOW)
