"""The public transparency page: no sign-in, the report's figures, no personal data, cached."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client

from motcua.dashboards.tests.conftest import at, make_dossier
from motcua.dashboards.transparency import transparency_figures
from motcua.reports.index766 import index766
from motcua.reports.period import Scope

pytestmark = pytest.mark.django_db

TODAY = at(4, 10, 12)  # Friday 10 April 2026


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_this_year_and_this_month_are_the_report_figures(ledger, city):
    figures = transparency_figures(ledger.agency.code)
    # April to the 10th: N9 received (in person); N10 resolved late.
    month = figures.month
    assert (month.received, month.resolved, month.on_time_rate, month.online_rate) == (1, 1, 0.0, 0.0)
    # 2026 to date: 3 received in February, 11 in March, 1 in April; 4 of them online (N3, N4, N5, N7).
    # Resolved 9: early OLD, CO1, N3, N11, N12; on time N1; late N2, N6, N10.
    year = figures.year
    assert (year.received, year.resolved, year.on_time_rate, year.online_rate) == (15, 9, 0.6667, 0.2667)
    expected = index766(Scope(ledger.agency), date(2026, 1, 1), date(2026, 4, 10))["total"]
    assert (year.index_points, year.index_computed_max) == (expected["points"], expected["computed_max"])
    assert [(y.year, y.received, y.online) for y in figures.years] == [(2026, 15, 4)]


def test_anyone_reads_it_without_personal_data(ledger, city):
    phone = make_dossier("PHONE", ledger, received=at(4, 2), due=at(4, 20, 17))
    phone.applicant_phone, phone.applicant_id_number = "0903123456", "092085001234"
    phone.save(update_fields=["applicant_phone", "applicant_id_number"])
    page = Client().get(f"/minh-bach/{ledger.agency.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert ledger.agency.name in html and 'id="year-received">16<' in html
    private_data = ("Người nộp", "PHONE", "N10", "0903123456", "092085001234", ledger.specialist.full_name)
    for private in private_data:
        assert private not in html, private
    listing = Client().get("/minh-bach/")
    assert f"/minh-bach/{ledger.agency.code}/" in listing.content.decode()


def test_an_unknown_or_closed_agency_is_not_found(ledger, city):
    assert Client().get("/minh-bach/999.99.99.H99/").status_code == 404
    ledger.other_agency.is_active = False
    ledger.other_agency.save(update_fields=["is_active"])
    assert Client().get(f"/minh-bach/{ledger.other_agency.code}/").status_code == 404


def test_the_figures_are_cached_for_a_few_minutes(ledger, city, django_assert_max_num_queries):
    first = transparency_figures(ledger.agency.code)
    make_dossier("LATE", ledger, received=at(4, 9), due=at(4, 20, 17))
    with django_assert_max_num_queries(0):
        assert transparency_figures(ledger.agency.code) == first
    with time_machine.travel(at(4, 10, 12, 6), tick=False):  # six minutes later: computed again
        assert transparency_figures(ledger.agency.code).month.received == 2
