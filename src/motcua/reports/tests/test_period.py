"""The period report's numbers on a hand-computed month (conftest.LEDGER), and their dossiers."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.errors import DomainError
from motcua.reports.period import COLUMNS, Scope, flat_numbers, period_dossiers, period_report
from motcua.reports.periods import Period, official_period, parse_period, split
from motcua.reports.tests.conftest import EXPECTED_MARCH, MARCH, at, make_dossier

pytestmark = pytest.mark.django_db

# Which dossiers each number of March counts (the drill-down), by hand from conftest.LEDGER.
MARCH_DOSSIERS = {
    "received.total": {"CO1", "CO2", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N10", "N11", "N12"},
    "received.carried_over": {"CO1", "CO2"},
    "received.new": {"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N10", "N11", "N12"},
    "received.in_person": {"N1", "N6", "N8", "N10", "N11"},
    "received.postal": {"N2", "N12"},
    "received.online": {"N3", "N4", "N5", "N7"},
    "received.online_partial": {"N3", "N7"},
    "received.online_full": {"N4", "N5"},
    "resolved.total": {"CO1", "N1", "N2", "N3", "N6", "N11", "N12"},
    "resolved.early": {"CO1", "N3", "N11", "N12"},
    "resolved.on_time": {"N1"},
    "resolved.late": {"N2", "N6"},
    "withdrawn": {"N7"},
    "pending.total": {"CO2", "N4", "N5", "N8", "N10"},
    "pending.within_deadline": {"N4", "N5", "N8"},
    "pending.overdue": {"CO2", "N10"},
}


def strip(numbers: dict) -> dict:
    return {key: numbers[key] for key in EXPECTED_MARCH}


def test_every_column_of_a_hand_computed_month(ledger):
    report = period_report(Scope(ledger.agency), *MARCH)
    assert strip(report["total"]) == EXPECTED_MARCH
    assert report["breaches"] == []
    assert report["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert report["scope"]["agency"] == {"code": "000.00.21.H13", "name": "Sở Văn hóa, Thể thao và Du lịch"}


@pytest.mark.parametrize("column", COLUMNS)
def test_each_number_lists_exactly_its_dossiers(ledger, column):
    codes = set(period_dossiers(Scope(ledger.agency), *MARCH, column).values_list("code", flat=True))
    assert codes == MARCH_DOSSIERS[column]
    report = period_report(Scope(ledger.agency), *MARCH)
    assert flat_numbers(report["total"])[column] == len(codes)


def test_the_new_date_of_an_apology_counts_only_when_asked(ledger):
    report = period_report(Scope(ledger.agency), *MARCH, judge_by_extended_date=True)
    assert report["total"]["resolved"] == {"total": 7, "early": 5, "on_time": 1, "late": 1}
    assert report["total"]["on_time_rate"] == 0.8571


def counting(queries) -> list[str]:
    """The queries that read the dossiers (not the rollup's reach, nor PostgreSQL's SET LOCAL)."""
    return [q["sql"] for q in queries.captured_queries if "dossiers_dossier" in q["sql"]]


def test_the_report_is_one_query(ledger):
    with CaptureQueriesContext(connection) as queries:
        period_report(Scope(ledger.agency), *MARCH)
    assert len(counting(queries)) == 1


def test_grouped_by_month_carries_february_over_into_march(ledger):
    report = period_report(Scope(ledger.agency), date(2026, 2, 1), date(2026, 3, 31), "month")
    february, march = report["rows"]
    assert february["group"]["name"] == "02/2026" and march["group"]["name"] == "03/2026"
    assert february["received"]["carried_over"] == 0
    assert february["received"]["new"] == 3  # OLD, CO1, CO2
    assert february["resolved"] == {"total": 1, "early": 1, "on_time": 0, "late": 0}
    assert february["pending"]["total"] == 2
    assert strip(march) == EXPECTED_MARCH
    assert report["total"]["received"]["new"] == 14
    assert report["total"]["pending"]["total"] == 5
    assert report["breaches"] == []


def test_grouped_by_month_is_one_query(ledger):
    with CaptureQueriesContext(connection) as queries:
        period_report(Scope(ledger.agency), date(2026, 1, 1), date(2026, 12, 31), "month")
    assert len(counting(queries)) == 1


def test_grouped_by_division_adds_up(ledger):
    report = period_report(Scope(ledger.agency), *MARCH, "division")
    names = [row["group"]["name"] for row in report["rows"]]
    assert names == ["Phòng Quản lý du lịch", "Phòng Quản lý văn hóa", "Not yet with a division"]
    _d1, d2, none = report["rows"]
    assert d2["received"]["new"] == 2 and d2["resolved"]["late"] == 1 and d2["resolved"]["early"] == 1
    assert none["received"]["total"] == 2  # CO2, N8
    assert report["breaches"] == []


def test_grouped_by_field_and_procedure(ledger):
    by_field = period_report(Scope(ledger.agency), *MARCH, "field")
    assert [row["group"]["name"] for row in by_field["rows"]] == ["Du lịch"]
    assert strip(by_field["rows"][0]) == EXPECTED_MARCH
    by_procedure = period_report(Scope(ledger.agency), *MARCH, "procedure")
    assert by_procedure["rows"][0]["group"]["code"] == "2.001628"


def test_scopes_division_field_procedure(ledger):
    division = period_report(Scope(ledger.agency, division=ledger.d2), *MARCH)
    assert division["total"]["received"]["total"] == 2
    field = period_report(Scope(ledger.agency, field=ledger.version.field), *MARCH)
    assert strip(field["total"]) == EXPECTED_MARCH
    procedure = period_report(Scope(procedure=ledger.version.procedure), *MARCH)
    assert procedure["total"]["received"]["total"] == 14  # every agency: X1 of the other one too


def test_a_city_counts_the_agencies_under_it(ledger):
    city = ledger.other_agency.__class__.objects.create(code="H13", name="UBND tỉnh", kind="provincial_committee")
    ledger.agency.parent = city
    ledger.agency.save()
    ledger.other_agency.parent = city
    ledger.other_agency.save()
    alone = period_report(Scope(city), *MARCH)
    assert alone["total"]["received"]["total"] == 0
    whole = period_report(Scope(city, subordinates=True), *MARCH)
    assert whole["total"]["received"]["total"] == 14
    assert whole["total"]["received"]["new"] == 12


def test_a_breach_of_an_identity_is_reported(ledger):
    # An online dossier without its level: online ≠ partial + full.
    make_dossier("BAD", ledger, channel="online", level="", received=at(3, 20), due=at(3, 27, 17))
    report = period_report(Scope(ledger.agency), *MARCH)
    assert report["breaches"] == [
        {
            "row": "total",
            "identity": "received.online = received.online_partial + received.online_full",
            "left": 5,
            "right": 4,
        }
    ]


def test_empty_period_has_no_rates(office):
    report = period_report(Scope(office.agency), *MARCH)
    assert report["total"]["online_rate"] is None and report["total"]["on_time_rate"] is None


def test_bad_parameters():
    with pytest.raises(DomainError):
        Period(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(DomainError):
        period_report(Scope(), *MARCH, "week")
    with pytest.raises(DomainError):
        parse_period("2026-X1")
    with pytest.raises(DomainError):
        official_period("quarter", 2026, 5)


def test_official_periods_with_and_without_the_cut_off():
    assert official_period("month", 2026, 3) == Period(date(2026, 2, 15), date(2026, 3, 14))
    assert official_period("month", 2026, 1) == Period(date(2025, 12, 15), date(2026, 1, 14))
    assert official_period("quarter", 2026, 2) == Period(date(2026, 3, 15), date(2026, 6, 14))
    assert official_period("half", 2026, 1) == Period(date(2025, 12, 15), date(2026, 6, 14))
    assert official_period("year", 2026) == Period(date(2025, 12, 15), date(2026, 12, 14))
    assert official_period("quarter", 2026, 1, cut_off=False) == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert parse_period("2026-M03", cut_off=False) == Period(date(2026, 3, 1), date(2026, 3, 31))
    assert parse_period("2026-h2", cut_off=False) == Period(date(2026, 7, 1), date(2026, 12, 31))


def test_split_into_official_months():
    pieces = list(split(Period(date(2026, 1, 1), date(2026, 3, 31)), "month", cut_off=True))
    assert [(p.start, p.end) for p in pieces] == [
        (date(2026, 1, 1), date(2026, 1, 14)),
        (date(2026, 1, 15), date(2026, 2, 14)),
        (date(2026, 2, 15), date(2026, 3, 14)),
        (date(2026, 3, 15), date(2026, 3, 31)),
    ]
    years = list(split(Period(date(2025, 12, 1), date(2026, 12, 31)), "year", cut_off=True))
    assert [(p.start, p.end) for p in years] == [
        (date(2025, 12, 1), date(2025, 12, 14)),
        (date(2025, 12, 15), date(2026, 12, 14)),
        (date(2026, 12, 15), date(2026, 12, 31)),
    ]
