"""The leaders' dashboard and the public transparency page in a real browser: the demo leader opens the
dashboard from the desk menu, reads the overdue dossiers by division and by official and the chart of
the last 12 months, clicks a number to the dossiers it counts; anyone opens the agency's public
figures from the site's footer. Desktop and phone; the pages pass axe-core and do not scroll sideways."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from motcua.demo.seed import DEPARTMENT_CODE
from tests.e2e.helpers import look, sign_in, vi

pytestmark = pytest.mark.browser

OVERDUE_CODE = "DH-QUA-HAN-1"


def make_dossiers() -> None:
    """The demo department: one dossier overdue with specialist1 (division QLDL), one due soon at the
    desk, one waiting for a supplement, and one resolved early each of the last three months."""
    from django.utils import timezone

    from motcua.accounts.models import Agency, Unit, User
    from motcua.catalog.models import ProcedureVersion
    from motcua.dashboards.workload import due_soon_horizon
    from motcua.dossiers.models import Dossier, DossierStep

    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    division = Unit.objects.get(agency=agency, code="QLDL")
    desk = Unit.objects.get(agency=agency, code="MC")
    specialist = User.objects.get(username="specialist1")
    version = ProcedureVersion.objects.filter(agency=agency).order_by("pk").first()
    assert version is not None
    now = timezone.now()
    common = {"procedure_version": version, "competent_agency": agency, "receiving_agency": agency}

    def dossier(code: str, **fields: Any) -> Dossier:
        fields.setdefault("channel", "in_person")
        private = {"applicant_name": "Nguyễn Văn Bí Mật", "applicant_phone": "0912000111"}
        return Dossier.objects.create(code=code, applicant_kind="person", **private, **common, **fields)

    def at_step(d: Dossier, actor: str, unit: Unit, holder: User | None, started: Any) -> None:
        step = DossierStep.objects.create(dossier=d, plan_index=1, name="Thẩm định hồ sơ", actor=actor,
                                          agency=agency, unit=unit, holder=holder, started_at=started)  # fmt: skip
        Dossier.objects.filter(pk=d.pk).update(current_step=step, stage=actor, assignee=holder)

    late = dossier(OVERDUE_CODE, status="in_processing", processing_unit=division,
                   received_at=now - timedelta(days=12), due_at=now - timedelta(days=2))  # fmt: skip
    at_step(late, "division", division, specialist, now - timedelta(days=11))
    soon = dossier("DH-SAP-HAN-1", status="received", received_at=now - timedelta(hours=3),
                   due_at=due_soon_horizon(agency, now) - timedelta(hours=1))  # fmt: skip
    at_step(soon, "one_stop_desk", desk, None, now - timedelta(hours=3))
    dossier("DH-CHO-BS-1", status="supplement_requested", processing_unit=division,
            received_at=now - timedelta(days=9), due_at=now - timedelta(days=1))  # fmt: skip
    for months in (1, 2, 3):
        received = now - timedelta(days=30 * months + 5)
        dossier(f"DH-XONG-{months}", status="returned", outcome="approved", channel="online", online_level="full",
                processing_unit=division, received_at=received, due_at=received + timedelta(days=10),
                processed_at=received + timedelta(days=3), returned_at=received + timedelta(days=4))  # fmt: skip


def open_dashboard(page: Any, base_url: str) -> None:
    sign_in(page, base_url, "leader1")
    page.get_by_role("navigation", name=vi("Desk")).get_by_role("link", name=vi("Leaders' dashboard")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Leaders' dashboard"))


def test_the_leader_reads_the_dashboard_and_opens_the_overdue_dossiers(page: Any, live_server: Any, axe: Any) -> None:
    make_dossiers()
    open_dashboard(page, live_server.url)
    overdue = page.locator("#now-overdue")
    expect(overdue).to_contain_text("1")
    expect(overdue).to_contain_text(vi("Overdue now"))
    # By division and by official: the overdue dossier is QLDL's, held by specialist1.
    expect(page.locator("#by-division tbody tr", has_text="Phòng Quản lý Du lịch")).to_contain_text("1")
    expect(page.locator("#by-holder tbody tr").first).to_contain_text("Võ Thanh Dung")
    # The chart and its table: 12 months, each rate drawn.
    expect(page.locator("#trend-chart")).to_be_visible()
    expect(page.locator("#trend-table tbody tr")).to_have_count(12)
    expect(page.locator("#trend-chart polyline").first).to_be_attached()
    look(page, axe, "dashboard-desktop")

    overdue.click()
    expect(page).to_have_url(re.compile(r"/mot-cua/bao-cao/dieu-hanh/ho-so/\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Overdue now"))
    expect(page.locator("#list-count")).to_contain_text("1")
    expect(page.get_by_role("link", name=OVERDUE_CODE)).to_be_visible()
    look(page, axe, "dashboard-list-desktop")


def test_the_dashboard_on_a_phone(mobile_page: Any, live_server: Any, axe: Any) -> None:
    make_dossiers()
    open_dashboard(mobile_page, live_server.url)
    expect(mobile_page.locator("#trend-chart")).to_be_visible()
    look(mobile_page, axe, "dashboard-phone")
    mobile_page.locator("#trend-table tbody tr").last.get_by_role("link").first.click()
    expect(mobile_page.get_by_role("heading", level=1)).to_have_text(vi("Newly received"))
    look(mobile_page, axe, "dashboard-list-phone")


@pytest.mark.parametrize("device", ["page", "mobile_page"])
def test_anyone_reads_the_transparency_page(device: str, request: Any, live_server: Any, axe: Any) -> None:
    page = request.getfixturevalue(device)
    make_dossiers()
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name=vi("Transparency figures"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Transparency: figures of each agency"))
    page.get_by_role("link", name="Sở Văn hóa, Thể thao và Du lịch thành phố Cần Thơ").click()
    expect(page).to_have_url(re.compile(rf"/minh-bach/{re.escape(DEPARTMENT_CODE)}/$"))
    expect(page.locator("#year-received")).to_have_text(re.compile(r"^\d+$"))
    content = page.content()
    for private in ("Nguyễn Văn Bí Mật", "0912000111", OVERDUE_CODE, "Võ Thanh Dung"):
        assert private not in content
    look(page, axe, f"transparency-{'phone' if device == 'mobile_page' else 'desktop'}")
