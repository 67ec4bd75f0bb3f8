"""The daily rollup of receptions (rollup.py) gives the live count's numbers, wherever it stops."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from motcua.accounts.tests.factories import AgencyFactory
from motcua.dossiers.models import Dossier
from motcua.reports.models import DailyCounts, RollupMark
from motcua.reports.period import Scope, agency_tree, period_report
from motcua.reports.rollup import ROLLUP, count_by_year, receipts_by_year, refresh_daily_counts, rollup_through
from motcua.reports.tests.conftest import EXPECTED_MARCH, MARCH, make_dossier
from motcua.reports.tests.test_period import strip
from motcua.reports.yearly import online_rate_by_year

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=timezone.get_default_timezone())


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def receptions(office):
    """Dossiers around the edges: a year's last minutes and the next year's first, a day the rollup
    may stop at, today, and a dossier of an agency under the office's agency."""
    child = AgencyFactory(parent=office.agency)
    specs = [
        ("Y1", local(2024, 12, 31, 23, 59), "in_person", "", None),  # 2024 in local time (16:59 UTC)
        ("Y2", local(2025, 1, 1, 0, 1), "online", "partial", None),  # 2025 in local time, 2024 in UTC
        ("Y3", local(2025, 6, 30, 9), "online", "full", None),
        ("Y4", local(2025, 6, 30, 16), "postal", "", None),
        ("Y5", local(2026, 3, 8, 10), "online", "full", None),  # two days ago
        ("Y6", local(2026, 3, 9, 23, 59), "online", "partial", None),  # yesterday's last minute
        ("Y7", local(2026, 3, 10, 0, 0), "in_person", "", None),  # today's first minute
        ("Y8", local(2026, 3, 10, 9), "online", "full", child),  # today, the agency under it
    ]
    for code, received, channel, level, agency in specs:
        make_dossier(code, office, agency=agency, received=received, channel=channel, level=level)
    make_dossier("NOT-RECEIVED", office, received=None)  # refused at the desk: counted nowhere
    return office


def table(office) -> list[dict]:
    report = online_rate_by_year(office.agency, subordinates=True, first=2024, last=2026)
    return [row.as_dict() for row in report["rows"]] + [report["total"]]


HAND_COUNTED = {  # by hand from `receptions`: (received, partial, full) per year
    2024: (1, 0, 0),
    2025: (3, 1, 1),
    2026: (4, 1, 2),
}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "until",
    [
        date(2024, 1, 1),  # before every dossier
        date(2025, 1, 1),  # at a year's boundary
        date(2025, 6, 30),  # in the middle of a day's dossiers' days
        date(2026, 3, 9),  # yesterday
        date(2026, 3, 10),  # today: the default
        date(2026, 3, 12),  # after today (a clock set wrong): the days after are counted live
    ],
)
def test_the_rollup_gives_the_live_numbers_wherever_it_stops(receptions, until):
    live = table(receptions)
    assert [tuple(row[k] for k in ("received", "online_partial", "online_full")) for row in live[:3]] == list(
        HAND_COUNTED.values()
    )
    refresh_daily_counts(until=until)
    assert rollup_through() == until
    assert table(receptions) == live
    # The rollup alone holds the days before `until`, not one after.
    assert not DailyCounts.objects.filter(day__gte=until).exists()


@time_machine.travel(NOW, tick=False)
def test_a_refresh_again_or_a_rebuild_changes_nothing(receptions):
    live = table(receptions)
    refresh_daily_counts()
    first = sorted(DailyCounts.objects.values_list("agency_id", "day", "received", "online_partial", "online_full"))
    assert sum(row[2] for row in first) == 6  # Y1–Y6: the days before today
    refresh_daily_counts()
    refresh_daily_counts(rebuild=True)
    again = sorted(DailyCounts.objects.values_list("agency_id", "day", "received", "online_partial", "online_full"))
    assert again == first
    assert table(receptions) == live


@time_machine.travel(NOW, tick=False)
def test_a_late_correction_within_a_week_is_picked_up_and_a_rebuild_takes_the_rest(receptions):
    refresh_daily_counts()
    make_dossier("LATE", receptions, received=local(2026, 3, 5, 10))  # loaded after its day was rolled up
    make_dossier("OLD", receptions, received=local(2025, 6, 30, 11))

    def received() -> list[int]:
        return [row["received"] for row in table(receptions)[:3]]

    assert received() == [1, 3, 4]  # the rollup's days as they were rolled up
    refresh_daily_counts()  # the last REFRESH_AGAIN_DAYS days again: LATE, not OLD
    assert DailyCounts.objects.filter(day=date(2026, 3, 5)).get().received == 1
    assert received() == [1, 3, 5]
    out = StringIO()
    call_command("refresh_report_rollups", "--rebuild", stdout=out)
    assert "rolled up" in out.getvalue()
    assert received() == [1, 4, 5]  # as counted from the dossiers


@time_machine.travel(NOW, tick=False)
def test_receipts_by_year_counts_each_agency(receptions):
    ids = agency_tree(receptions.agency)
    live = count_by_year(Dossier.objects.filter(received_at__isnull=False))
    refresh_daily_counts(until=date(2026, 3, 9))
    assert RollupMark.objects.get(name=ROLLUP).through == date(2026, 3, 9)
    assert receipts_by_year(ids, 2024, 2026) == {key: value for key, value in live.items() if key[0] >= 2024}


# --- The period report: from the rollup and the dossiers after it, the live report's numbers ---------

UNTIL = [
    date(2026, 1, 1),  # before every dossier of the ledger
    date(2026, 2, 20),  # in February: CO1 received that day, later days live
    date(2026, 3, 1),  # at March's start
    date(2026, 3, 5),  # in the middle of March's receptions and ends
    date(2026, 3, 10),  # the day N2 ends late, N3 early
    date(2026, 4, 1),  # at March's end
    date(2026, 4, 12),  # after N4's due date
    date(2027, 1, 1),  # after everything
]


@pytest.mark.parametrize("until", UNTIL)
@pytest.mark.parametrize("group_by", [None, "month"])
def test_the_period_report_from_the_rollup_is_the_live_report(ledger, until, group_by):
    scopes = [Scope(ledger.agency), Scope(ledger.agency, subordinates=True)]
    periods = [MARCH, (date(2026, 2, 1), date(2026, 4, 30)), (date(2026, 3, 5), date(2026, 3, 9))]
    live = [period_report(scope, *period, group_by) for scope in scopes for period in periods]
    assert rollup_through() is None
    refresh_daily_counts(until=until)
    assert [period_report(scope, *period, group_by) for scope in scopes for period in periods] == live
    assert strip(period_report(Scope(ledger.agency), *MARCH)["total"]) == EXPECTED_MARCH


def test_the_rollup_holds_the_hand_counted_days(ledger):
    refresh_daily_counts(until=date(2026, 4, 1))
    march = DailyCounts.objects.filter(agency=ledger.agency, day__gte=date(2026, 3, 1), day__lt=date(2026, 4, 1))
    sums = {name: sum(getattr(row, name) for row in march) for name in ("received", "ended", "withdrawn", "late")}
    # EXPECTED_MARCH: 11 new; 7 resolved + 1 withdrawn ended in March; 2 late (N2, N6)
    assert sums == {"received": 11, "ended": 8, "withdrawn": 1, "late": 2}


def test_narrowed_scopes_and_the_new_date_are_counted_from_the_dossiers(ledger):
    refresh_daily_counts(until=date(2026, 4, 1))
    DailyCounts.objects.update(received=999)  # a rollup these reports must not read
    division = Scope(ledger.agency, division=ledger.d2)
    assert period_report(division, *MARCH)["total"]["received"]["new"] == 2
    extended = period_report(Scope(ledger.agency), *MARCH, judge_by_extended_date=True)
    assert extended["total"]["resolved"] == {"total": 7, "early": 5, "on_time": 1, "late": 1}
    assert extended["total"]["received"]["new"] == 11
    # (the whole agency's report reads it: 999 for each rolled-up day with a dossier received)
    assert period_report(Scope(ledger.agency), *MARCH)["total"]["received"]["new"] > 11
