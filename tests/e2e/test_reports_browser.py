"""The period report in a real browser: the demo leader opens it for March 2026, reads the table laid
out like Biểu 06, clicks a number and sees the dossiers it counts. The pages pass axe-core."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from motcua.demo.seed import DEPARTMENT_CODE
from tests.e2e.helpers import sign_in, vi

pytestmark = pytest.mark.browser


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=timezone.get_default_timezone())


def make_dossiers() -> None:
    """Three March dossiers of the demo department: resolved early, resolved late, pending overdue."""
    from motcua.accounts.models import Agency
    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers.models import Dossier

    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    version = ProcedureVersion.objects.filter(agency=agency).order_by("pk").first()
    assert version is not None
    common = {
        "procedure_version": version,
        "competent_agency": agency,
        "receiving_agency": agency,
        "applicant_kind": "person",
    }
    Dossier.objects.create(
        code="BC-001", applicant_name="Trần Văn An", channel="in_person", status="processed", outcome="approved",
        received_at=at(2), due_at=at(9, 17), processed_at=at(5), **common,
    )  # fmt: skip
    Dossier.objects.create(
        code="BC-002", applicant_name="Lê Thị Bình", channel="online", online_level="full", status="processed",
        outcome="approved", received_at=at(3), due_at=at(10, 17), processed_at=at(12), **common,
    )  # fmt: skip
    Dossier.objects.create(
        code="BC-003", applicant_name="Phạm Minh Châu", channel="postal", status="in_processing",
        received_at=at(4), due_at=at(11, 17), **common,
    )  # fmt: skip


def test_leader_reads_the_report_and_opens_the_dossiers_of_a_number(
    page: Any, live_server: Any, axe: Any, screenshot_dir: Path
) -> None:
    make_dossiers()
    sign_in(page, live_server.url, "leader1")
    page.get_by_role("navigation", name=vi("Desk")).get_by_role("link", name=vi("Reports")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Period report"))
    page.get_by_label(vi("From"), exact=True).fill("2026-03-01")
    page.get_by_label(vi("To"), exact=True).fill("2026-03-31")
    page.get_by_role("button", name=vi("Show")).click()
    total = page.locator("#report-total")
    expect(total).to_be_visible()
    # Columns 3–13 of Biểu 06: received 3 (online 1, in person and post 2, carried over 0),
    # resolved 2 (early 1, on time 0, late 1), pending 1 (within 0, overdue 1).
    cells = total.locator("td.nowrap")
    expect(cells.nth(0)).to_have_text("3")
    expect(cells.nth(4)).to_have_text("2")
    expect(cells.nth(7)).to_have_text("1")
    expect(cells.nth(10)).to_have_text("1")
    axe(page)
    page.screenshot(path=screenshot_dir / "reports-period-desktop.png", full_page=True)

    cells.nth(7).get_by_role("link").click()  # resolved late
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Resolved late"))
    rows = page.get_by_role("region").get_by_role("row")
    expect(rows).to_have_count(2)  # the heading and BC-002
    expect(page.get_by_role("link", name="BC-002")).to_be_visible()
    axe(page)
    page.screenshot(path=screenshot_dir / "reports-dossiers-desktop.png", full_page=True)

    page.get_by_role("link", name=re.compile(vi("Back to the report"))).click()
    page.locator("#report-total td.nowrap").nth(10).get_by_role("link").click()  # pending overdue
    expect(page.get_by_role("link", name="BC-003")).to_be_visible()


def test_leader_reads_the_online_rate_chart_and_the_766_index(
    page: Any, live_server: Any, axe: Any, screenshot_dir: Path
) -> None:
    from decimal import Decimal

    from motcua.accounts.models import Agency
    from motcua.reports.models import HistoricalTotals

    make_dossiers()
    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    # The agency's own 2015–2019 table; 2017's stated rate is not its ratio (25 %, stated 30 %).
    for year, received, partial, full, stated in (
        (2015, 1200, 60, 0, "5.00"),
        (2016, 1350, 180, 20, "14.81"),
        (2017, 1500, 300, 75, "30.00"),
        (2018, 1620, 560, 180, "45.68"),
        (2019, 1700, 720, 330, "61.76"),
    ):
        HistoricalTotals.objects.create(
            agency=agency, year=year, received=received, online_partial=partial, online_full=full,
            stated_rate=Decimal(stated), source="Báo cáo tổng kết",
        )  # fmt: skip
    sign_in(page, live_server.url, "leader1")
    page.get_by_role("navigation", name=vi("Desk")).get_by_role("link", name=vi("Reports")).click()
    page.get_by_role("navigation", name=vi("Reports")).get_by_role("link", name=vi("Online rate by year")).click()
    page.get_by_label(vi("From year")).fill("2015")
    page.get_by_label(vi("To year")).fill("2026")
    page.get_by_role("button", name=vi("Show")).click()
    expect(page.locator("#online-chart")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("30.00%")
    row_2019 = page.locator("#online-rate-table tbody tr").nth(4)
    expect(row_2019).to_contain_text("1700")
    expect(row_2019).to_contain_text("61,76 %")
    axe(page)
    page.screenshot(path=screenshot_dir / "reports-online-rate-desktop.png", full_page=True)

    page.get_by_role("navigation", name=vi("Reports")).get_by_role("link", name=vi("Decision 766 index")).click()
    page.get_by_label(vi("From"), exact=True).fill("2026-03-01")
    page.get_by_label(vi("To"), exact=True).fill("2026-03-31")
    page.get_by_role("button", name=vi("Show")).click()
    on_time = page.locator("#indicator-2\\.1")
    expect(on_time.locator("td").nth(0)).to_have_text("1")  # BC-001 resolved early; BC-002 late, BC-003 overdue
    expect(on_time.locator("td").nth(1)).to_have_text("3")
    axe(page)
    page.screenshot(path=screenshot_dir / "reports-index766-desktop.png", full_page=True)
    on_time.locator("td").nth(0).get_by_role("link").click()
    expect(page.get_by_role("link", name="BC-001")).to_be_visible()
