"""The portal's frame on a phone, in Vietnamese then English: the agency's hotline in the header next to a
menu that still fits, the latest news on the home page, an announcement and the list, and the footer
with the agency, the source of the catalog data and the visit counter. Every page passes axe-core and
fits the phone's width."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import SCREENSHOTS, look, vi

pytestmark = pytest.mark.browser

# Headless Chromium says "HeadlessChrome", which the counter takes for a robot: this test is a phone.
PHONE_BROWSER = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def within_screen(locator: Any, screen_width: int = 390) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= screen_width, box


def test_news_hotline_and_visits_on_a_phone(mobile_page: Any, live_server: Any, axe: Any) -> None:
    from django.core.cache import cache

    from motcua.demo.seed import DEMO_ANNOUNCEMENTS, seed_announcements
    from motcua.news.models import DailyVisits

    seed_announcements()
    cache.clear()
    page = mobile_page
    page.context.set_extra_http_headers({"User-Agent": PHONE_BROWSER})
    page.goto(live_server.url + "/")

    # The header: the city's hotline, callable with a tap, and the whole menu still on the screen.
    header = page.get_by_role("banner")
    hotline = header.get_by_role("link", name=re.compile(r"0292 3820 820"))
    expect(hotline).to_have_attribute("href", "tel:02923820820")
    expect(hotline).to_contain_text(vi("Hotline"))
    within_screen(hotline)
    menu = page.get_by_role("navigation", name=vi("Main menu"))
    for link in menu.get_by_role("link").all():
        expect(link).to_be_visible()
        within_screen(link)

    # The latest news, pinned first.
    news = page.get_by_role("region", name=vi("News and announcements"))
    expect(news.get_by_role("listitem")).to_have_count(3)
    pinned = DEMO_ANNOUNCEMENTS[0]
    expect(news.get_by_role("listitem").first).to_contain_text(pinned.title)
    expect(news.get_by_role("listitem").first).to_contain_text(vi("Pinned"))
    look(page, axe, "news-home")

    # An announcement: its text in paragraphs, the attached decision as a PDF.
    news.get_by_role("link", name=pinned.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(pinned.title)
    expect(page.locator(".news-body p")).to_have_count(4)  # the summary and three paragraphs
    pdf = page.get_by_role("link", name=vi("The document (PDF)"))
    assert page.request.get(live_server.url + pdf.get_attribute("href")).headers["content-type"] == "application/pdf"
    look(page, axe, "news-detail")

    # The list of all news.
    page.get_by_role("link", name=vi("All news and announcements")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("News and announcements"))
    expect(page.get_by_role("heading", level=2)).to_have_count(3)
    look(page, axe, "news-list")

    # Three pages seen by one browser: one visit. The footer shows it once its minute of cache is over.
    assert DailyVisits.objects.get().visits == 1
    cache.clear()
    page.reload()
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("Ủy ban nhân dân thành phố Cần Thơ")
    expect(footer.get_by_role("link", name="motcua@demo.motcua.vn")).to_have_attribute(
        "href", "mailto:motcua@demo.motcua.vn"
    )
    expect(footer.locator('a[href="https://dichvucong.gov.vn/"]')).to_have_text("Cổng Dịch vụ công quốc gia")
    expect(footer).to_contain_text(
        vi("Visits: today %(today)s · yesterday %(yesterday)s · this week %(week)s · total %(total)s")
        % {"today": 1, "yesterday": 0, "week": 1, "total": 1}
    )
    expect(footer.get_by_role("link", name=vi("API for integrators"))).to_be_visible()
    footer.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "news-footer.png")
    assert DailyVisits.objects.get().visits == 1

    # In English: the interface changes, the announcements stay as written (marked as Vietnamese).
    page.get_by_label(vi("Language")).select_option("en")
    page.get_by_role("button", name=vi("Change")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("News and announcements")
    expect(page.get_by_role("heading", level=2).first).to_have_attribute("lang", "vi")
    page.goto(live_server.url + "/")
    expect(page.get_by_role("banner").get_by_role("link", name=re.compile(r"Hotline 0292 3820 820"))).to_be_visible()
    look(page, axe, "news-home-en")


def test_the_header_on_a_desktop_shows_the_address(page: Any, live_server: Any, axe: Any) -> None:
    from motcua.demo.seed import seed_announcements

    seed_announcements()
    page.goto(live_server.url + "/")
    expect(page.get_by_role("banner")).to_contain_text("Số 2 Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "news-home-desktop.png", full_page=True)
    axe(page)
