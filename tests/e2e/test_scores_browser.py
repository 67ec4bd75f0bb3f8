"""The Decision 766 index per division and the TT 01/2018 scores in a real browser, in Vietnamese: the demo
leader opens the index for March 2026, reads the division table and opens one division's index; then the
TT 01 scores of the first quarter, per unit and per official, and the dossiers behind an official's scores.
On a desk screen and on a phone; every page passes axe-core and does not scroll sideways."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from motcua.demo.seed import DEPARTMENT_CODE
from tests.e2e.helpers import look, sign_in, vi

pytestmark = pytest.mark.browser


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=timezone.get_default_timezone())


def make_dossiers() -> None:
    """March 2026 at the demo department: SC-001 (Phòng Quản lý Du lịch) resolved early, its appraisal
    handed over early by specialist1; SC-002 (Phòng Quản lý Văn hóa và Gia đình) resolved late."""
    from motcua.accounts.models import Agency, Unit, User
    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers.models import Dossier, DossierStep

    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    version = ProcedureVersion.objects.filter(agency=agency).order_by("pk").first()
    assert version is not None
    common = {
        "procedure_version": version,
        "competent_agency": agency,
        "receiving_agency": agency,
        "applicant_kind": "person",
        "channel": "in_person",
        "status": "processed",
        "outcome": "approved",
    }
    early = Dossier.objects.create(
        code="SC-001", applicant_name="Trần Văn An", processing_unit=Unit.objects.get(agency=agency, code="QLDL"),
        received_at=at(2), due_at=at(9, 17), processed_at=at(5), **common,
    )  # fmt: skip
    Dossier.objects.create(
        code="SC-002", applicant_name="Lê Thị Bình", processing_unit=Unit.objects.get(agency=agency, code="QLVH"),
        received_at=at(3), due_at=at(10, 17), processed_at=at(12), **common,
    )  # fmt: skip
    DossierStep.objects.create(
        dossier=early, plan_index=1, name="Thẩm định", actor="division", agency=agency, unit=early.processing_unit,
        started_at=at(2, 10), due_at=at(6, 17), ended_at=at(4), ended_by=User.objects.get(username="specialist1"),
        result="early",
    )  # fmt: skip


def open_reports_tab(page: Any, name: str) -> None:
    page.get_by_role("navigation", name=vi("Desk")).get_by_role("link", name=vi("Reports")).click()
    page.get_by_role("navigation", name=vi("Reports")).get_by_role("link", name=vi(name)).click()


def test_leader_reads_the_index_by_division_and_the_tt01_scores(page: Any, live_server: Any, axe: Any) -> None:
    make_dossiers()
    sign_in(page, live_server.url, "leader1")
    open_reports_tab(page, "Decision 766 index")
    page.get_by_label(vi("Or an official period")).fill("2026-M03")
    page.get_by_role("button", name=vi("Show")).click()
    divisions = page.get_by_role("region", name=vi("By division"))
    expect(divisions).to_be_visible()
    look(page, axe, "scores-index-divisions-desktop")
    divisions.get_by_role("link", name="Phòng Quản lý Văn hóa và Gia đình", exact=True).click()
    expect(page.locator("#index-title")).to_contain_text("Phòng Quản lý Văn hóa và Gia đình")
    # SC-002, the division's only dossier of March, was resolved late: 2.1 counts 0 of 1.
    row = page.locator("#indicator-2\\.1")
    expect(row.get_by_role("link", name=f"{vi('Numerator')} 2.1: 0")).to_be_visible()
    row.get_by_role("link", name=f"{vi('Denominator')} 2.1: 1").click()
    expect(page.get_by_role("link", name="SC-002")).to_be_visible()
    look(page, axe, "scores-index-division-dossiers-desktop")

    open_reports_tab(page, "TT 01/2018 scores")
    page.get_by_label(vi("Quarter or year")).fill("2026-Q1")
    page.get_by_role("button", name=vi("Show")).click()
    officials = page.get_by_role("region", name=vi("Officials (maximum 10)"))
    expect(officials).to_contain_text("Võ Thanh Dung")
    look(page, axe, "scores-tt01-desktop")
    officials.get_by_role("link", name=f"{vi('Scored dossiers')} Võ Thanh Dung: 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Võ Thanh Dung")
    expect(page.get_by_role("link", name="SC-001")).to_be_visible()
    look(page, axe, "scores-tt01-dossiers-desktop")


def test_the_scores_fit_a_phone_and_stay_with_the_leaders(mobile_page: Any, live_server: Any, axe: Any) -> None:
    make_dossiers()
    page = mobile_page
    sign_in(page, live_server.url, "leader1")
    page.goto(live_server.url + "/mot-cua/bao-cao/diem-tt01/?period=2026-Q1")
    expect(page.get_by_role("region", name=vi("Units (maximum 18)"))).to_contain_text("Phòng Quản lý Du lịch")
    look(page, axe, "scores-tt01-phone")
    page.goto(live_server.url + "/mot-cua/bao-cao/chi-so-766/?period=2026-M03&division=QLDL")
    expect(page.locator("#index-title")).to_contain_text("Phòng Quản lý Du lịch")
    look(page, axe, "scores-index-division-phone")
