"""The national portal sync page in a real browser: the demo leader reads the sync rate and the
dossiers whose data differs from what the portal acknowledged, on a desktop and on a phone."""

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
    """Three March dossiers: two pushed to the (fake) portal, one of them changed since; one never pushed."""
    from motcua.accounts.models import Agency
    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers.models import Dossier
    from motcua.integrations.national_portal.fake import FakeNationalPortal
    from motcua.national_sync.services import national_sync_run

    FakeNationalPortal.reset()
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
        code="DB-001", applicant_name="Trần Văn An", channel="in_person", status="in_processing",
        received_at=at(2), submitted_at=at(2), due_at=at(9, 17), **common,
    )  # fmt: skip
    changed = Dossier.objects.create(
        code="DB-002", applicant_name="Lê Thị Bình", channel="online", online_level="full", status="in_processing",
        received_at=at(3), submitted_at=at(3), due_at=at(10, 17), **common,
    )  # fmt: skip
    national_sync_run()
    changed.status, changed.processed_at = "processed", at(12)
    changed.save()
    Dossier.objects.create(
        code="DB-003", applicant_name="Phạm Minh Châu", channel="postal", status="received",
        received_at=at(4), submitted_at=at(4), due_at=at(11, 17), **common,
    )  # fmt: skip
    FakeNationalPortal.reset()


def read_the_page(page: Any, live_server: Any) -> None:
    make_dossiers()
    sign_in(page, live_server.url, "leader1")
    page.get_by_role("navigation", name=vi("Desk")).get_by_role("link", name=vi("National portal sync")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("National portal sync"))
    page.get_by_label(vi("From"), exact=True).fill("2026-03-01")
    page.get_by_label(vi("To"), exact=True).fill("2026-03-31")
    page.get_by_role("button", name=vi("Show")).click()
    expect(page.locator("#sync-rate")).to_contain_text("2 trên 3")
    changed = page.get_by_role("region", name=re.compile("^DB-002"))
    expect(changed.get_by_role("row", name=re.compile(re.escape(vi("Status (1–10)"))))).to_contain_text(
        "9 · " + vi("Processed, result ready")
    )
    expect(changed.get_by_role("row", name=re.compile(re.escape(vi("Processed at"))))).to_contain_text(
        "12/03/2026 09:00"
    )
    expect(page.get_by_role("region", name=re.compile("^DB-003"))).to_contain_text(vi("Never pushed"))
    expect(page.get_by_role("region", name=re.compile("^DB-001"))).to_have_count(0)


def test_leader_reads_the_sync_rate_and_the_differences(
    page: Any, live_server: Any, axe: Any, screenshot_dir: Path
) -> None:
    read_the_page(page, live_server)
    axe(page)
    page.screenshot(path=screenshot_dir / "national-sync-desktop.png", full_page=True)


def test_the_page_fits_a_phone(mobile_page: Any, live_server: Any, axe: Any, screenshot_dir: Path) -> None:
    read_the_page(mobile_page, live_server)
    axe(mobile_page)
    mobile_page.screenshot(path=screenshot_dir / "national-sync-mobile.png", full_page=True)
    width = mobile_page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{width[0]}px wide on a {width[1]}px screen"
