"""What a citizen does in the public catalog, in a real browser: search, read a procedure, switch
language, on a desktop and on a phone, with no accessibility violation axe-core can find."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TRAVEL_LICENCE = "Thủ tục cấp giấy phép kinh doanh dịch vụ lữ hành nội địa"
TRAVEL_CODE = "2.001628"
PAGES = {
    "home": "/",
    "results": "/thu-tuc/?q=du+lich",
    "procedure": f"/thu-tuc/{TRAVEL_CODE}/",
    "calendar": "/lich-lam-viec/?start=2026-11-19T10%3A20&working_days=5&year=2026",
}


def search(page: Any, text: str) -> None:
    """Type `text` in the page's search box and submit it, as a citizen does."""
    form = page.get_by_role("search")
    form.get_by_role("searchbox").fill(text)
    form.get_by_role("button").click()
    page.wait_for_load_state()


def result_titles(page: Any) -> list[str]:
    return page.locator(".results .result-title").all_inner_texts()


def count_shown(page: Any) -> int:
    status = page.get_by_role("status")
    expect(status).to_be_visible()
    found = re.search(r"\d+", status.inner_text())
    assert found, status.inner_text()
    return int(found.group())


def test_search_without_diacritics_finds_and_highlights(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    # The stylesheet is served (WhiteNoise / static handler) and applied.
    header_colour = page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert header_colour == "rgb(163, 22, 26)"

    search(page, "du lich")
    assert "q=du+lich" in page.url
    titles = result_titles(page)
    assert titles, "no result for 'du lich'"
    assert count_shown(page) >= len(titles)
    # The best matches are the procedures named after tourism, diacritics restored.
    assert "du lịch" in titles[0].lower()
    assert sum("du lịch" in title.lower() for title in titles[:10]) == 10
    first = page.locator(".results .result-title").first
    assert first.locator("mark").all_inner_texts() == ["du", "lịch"]

    # Case and diacritics do not change the answer.
    search(page, "DU LỊCH")
    expect(page.get_by_role("search").get_by_role("searchbox")).to_have_value("DU LỊCH")
    assert result_titles(page) == titles
    assert page.locator(".results .result-title").first.locator("mark").all_inner_texts() == ["du", "lịch"]


def test_procedure_page_gives_time_fee_documents_and_due_date(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    search(page, "lữ hành nội địa")
    assert count_shown(page) >= 1
    page.get_by_role("link", name=TRAVEL_LICENCE, exact=True).click()

    expect(page).to_have_url(re.compile(rf"/thu-tuc/{re.escape(TRAVEL_CODE)}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TRAVEL_LICENCE)
    expect(page.locator(".meta .code")).to_contain_text(TRAVEL_CODE)

    facts = page.locator("dl.facts dd")
    processing, fees = facts.nth(1).inner_text(), facts.nth(2).inner_text()
    assert re.match(r"5 (ngày làm việc|working days)\b", processing), processing
    assert "1.000.000 đ" in fees, fees

    documents = page.locator("ol.documents > li")
    expect(documents).to_have_count(6)
    expect(documents.first).to_contain_text("Đơn đề nghị cấp Giấy phép")

    # "When will I get the result?": a working-day due date a little after today, explained.
    due = page.locator("section.due")
    expect(due).to_be_visible()
    expect(due.get_by_role("heading", level=2)).to_be_visible()
    found = re.search(r"(\d{2})/(\d{2})/(\d{4}) \d{2}:\d{2}", due.locator("strong").inner_text())
    assert found, due.inner_text()
    day, month, year = (int(part) for part in found.groups())
    due_on = date(year, month, day)
    today = timezone.localdate()
    assert today + timedelta(days=5) <= due_on <= today + timedelta(days=30), (today, due_on)
    assert due_on.weekday() != 6, "due on a Sunday"
    due.locator("summary").click()
    expect(due.locator("details li").first).to_be_visible()


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_have_no_axe_violations(page: Any, live_server: Any, screenshot_dir: Any, axe: Any, name: str) -> None:
    page.goto(live_server.url + PAGES[name])
    page.screenshot(path=screenshot_dir / f"{name}-desktop.png", full_page=True)
    axe(page)


def test_language_switch_to_english_and_back(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + PAGES["results"])
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "vi")

    header = page.get_by_role("banner")
    header.get_by_role("combobox").select_option("en")
    header.get_by_role("button").click()

    # Back on the same page, now in English, and the choice sticks on the next page.
    expect(html).to_have_attribute("lang", "en")
    assert "q=du+lich" in page.url
    expect(page.get_by_role("search").get_by_label("Find a procedure")).to_have_value("du lich")
    expect(page.get_by_role("status")).to_contain_text("procedures found")
    page.goto(live_server.url + "/")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administrative procedures, in one place")

    header.get_by_role("combobox").select_option("vi")
    header.get_by_role("button").click()
    expect(html).to_have_attribute("lang", "vi")


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_has_no_horizontal_scroll(mobile_page: Any, live_server: Any, screenshot_dir: Any, name: str) -> None:
    page = mobile_page
    page.goto(live_server.url + PAGES[name])
    page.screenshot(path=screenshot_dir / f"{name}-mobile.png", full_page=True)
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[1] == 390
    assert width[0] <= width[1], f"{name}: page is {width[0]}px wide on a {width[1]}px screen"
    # The search box stays usable on a phone.
    if name in {"home", "results"}:
        box = page.get_by_role("search").get_by_role("searchbox").bounding_box()
        assert box is not None and box["width"] >= 150


def test_due_date_calculator(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/lich-lam-viec/?year=2026")
    main = page.get_by_role("main")
    main.locator("input[type=datetime-local]").fill("2026-11-19T10:20")
    main.get_by_role("spinbutton").fill("5")
    main.get_by_role("button").click()
    result = main.get_by_role("status")
    expect(result).to_contain_text("27/11/2026 17:00")
    expect(result).to_contain_text("24/11/2026")  # Culture Day, not counted
