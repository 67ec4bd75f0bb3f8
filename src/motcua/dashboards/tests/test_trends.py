"""The monthly trend and the city-wide table are the period report's own numbers."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.dashboards.access import DashboardScope
from motcua.dashboards.agencies import agency_table
from motcua.dashboards.tests.conftest import at, make_dossier
from motcua.dashboards.trends import last_months, monthly_trend, trend_chart
from motcua.reports.period import Scope, period_report

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 10)


def test_the_last_twelve_months_end_today():
    period = last_months(TODAY)
    assert (period.start, period.end) == (date(2025, 5, 1), date(2026, 4, 10))
    assert last_months(date(2026, 12, 31)).start == date(2026, 1, 1)


def test_each_month_is_the_period_report_of_that_month(ledger, city):
    rows = monthly_trend(DashboardScope(ledger.agency), today=TODAY)
    assert rows[0].label == "05/2025" and len(rows) == 12
    march = rows[-2]
    # The hand-computed March of reports/tests/conftest.py (EXPECTED_MARCH).
    assert (march.label, march.received_new, march.received_online) == ("03/2026", 11, 4)
    assert (march.resolved, march.resolved_in_time, march.resolved_late) == (7, 5, 2)
    assert (march.online_rate, march.on_time_rate) == (0.3636, 0.7143)
    for row in rows:
        total = period_report(Scope(ledger.agency), row.period.start, row.period.end)["total"]
        assert (row.received_new, row.received_online) == (total["received"]["new"], total["received"]["online"])
        resolved = total["resolved"]
        assert (row.resolved, row.resolved_late) == (resolved["total"], resolved["late"])
        assert row.resolved_in_time == resolved["early"] + resolved["on_time"]
        assert row.on_time_rate == total["on_time_rate"] and row.online_rate == total["online_rate"]
    assert rows[-1].period.end == TODAY  # the month in progress runs to today


def test_the_chart_draws_the_rates_of_the_months_that_have_one(ledger, city):
    chart = trend_chart(monthly_trend(DashboardScope(ledger.agency), today=TODAY))
    # Plot 188 px high from y = 12: February 100 % (OLD early), March 71.43 %, April 0 % (N10 late).
    assert [y for _x, y in chart["on_time"]["dots"]] == [12.0, 65.7, 200.0]
    assert len(chart["on_time"]["lines"]) == 1  # May 2025 – January 2026 resolved nothing: no point
    assert chart["months"][0]["label"] == "05" and chart["months"][-1]["label"] == "04"


def test_a_month_without_a_rate_breaks_the_line():
    from motcua.dashboards.trends import MonthRow
    from motcua.reports.periods import Period

    def month(rate):
        return MonthRow("01/2026", Period(date(2026, 1, 1), date(2026, 1, 31)), 0, 0, 0, 0, 0, rate, None)

    chart = trend_chart([month(0.5), month(None), month(1.0), month(0.0)])
    assert len(chart["on_time"]["dots"]) == 3
    # x = 44 + i × 422 / 3: the lone first point has no line; the third and fourth make one.
    assert chart["on_time"]["lines"] == ["325.3,12.0 466.0,200.0"]
    assert chart["online"] == {"lines": [], "dots": []}


def test_the_city_table_is_the_period_report_of_each_agency(ledger, city):
    o = ledger
    make_dossier("X2", o, agency=o.other_agency, received=at(4, 2), due=at(4, 3, 17), processed=at(4, 3, 10))
    table = agency_table([city.city, o.agency, o.other_agency], now=at(4, 10, 12))
    assert (table.month.start, table.month.end) == (date(2026, 4, 1), date(2026, 4, 10))
    for line in table.lines:
        total = period_report(Scope(line.agency), table.month.start, table.month.end)["total"]
        assert line.month["received.new"] == total["received"]["new"]
        assert line.month["resolved.total"] == total["resolved"]["total"]
        assert line.on_time_rate == total["on_time_rate"] and line.online_rate == total["online_rate"]
    ours = table.lines[1]
    # April to the 10th: N9 received (in person); N10 resolved late; open now: CO2, N4, N5, N8, N9.
    assert (ours.month["received.new"], ours.month["resolved.total"], ours.on_time_rate) == (1, 1, 0.0)
    assert ours.now["open"] == 5 and ours.now["waiting"] == 1  # N5 waits for a supplement
    assert table.lines[2].month["received.new"] == 1 and table.lines[2].on_time_rate == 1.0
    assert table.total.month["received.new"] == 2 and table.total.month["resolved.total"] == 2
    assert table.total.on_time_rate == 0.5
