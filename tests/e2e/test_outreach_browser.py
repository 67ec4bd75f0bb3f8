"""Outreach in a real browser: the demo desk officer opens "Truyền thông" from the desk menu, chooses a
procedure and the A5 leaflet, and gets the PDF. The page passes axe-core on a desktop and a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in, vi

pytestmark = pytest.mark.browser


def test_desk_officer_prints_a_leaflet_for_a_procedure(
    page: Any, live_server: Any, axe: Any, screenshot_dir: Path
) -> None:
    sign_in(page, live_server.url, "desk1")
    page.get_by_role("navigation", name=vi("Desk")).get_by_role("link", name=vi("Outreach")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Outreach"))
    page.screenshot(path=screenshot_dir / "outreach-desktop.png", full_page=True)
    axe(page)
    section = page.get_by_role("region", name=vi("For a procedure"))
    code = section.get_by_label(vi("Procedure")).input_value()
    section.get_by_label(vi("Format")).select_option("leaflet-a5")
    form_action = section.locator("form").get_attribute("action")
    # The button opens the PDF in the browser's viewer; its address and content are checked directly.
    response = page.request.get(f"{live_server.url}{form_action}?procedure={code}&format=leaflet-a5")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_the_outreach_page_fits_a_phone(mobile_page: Any, live_server: Any, axe: Any, screenshot_dir: Path) -> None:
    sign_in(mobile_page, live_server.url, "leader1")
    mobile_page.goto(live_server.url + "/mot-cua/truyen-thong/")
    mobile_page.screenshot(path=screenshot_dir / "outreach-mobile.png", full_page=True)
    axe(mobile_page)
    width = mobile_page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{width[0]}px wide on a {width[1]}px screen"
