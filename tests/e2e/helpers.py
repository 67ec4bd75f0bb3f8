"""What the browser tests share: the Vietnamese text of a msgid, signing in, and looking at a page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from motcua.demo.seed import DEMO_PASSWORD


def vi(text: Any) -> str:
    """What the Vietnamese interface shows for the English msgid (or lazy label) `text`."""
    with translation.override("vi"):
        return gettext(text) if isinstance(text, str) else str(text)


def sign_in(
    page: Any, base_url: str, username: str, password: str = DEMO_PASSWORD, *, lands: str = "/mot-cua/"
) -> None:
    """Sign in through the sign-in page; an official lands on the work lists (`lands`: a path, or "" to not check)."""
    page.goto(base_url + "/dang-nhap/")
    page.get_by_label(vi("Phone, e-mail or username")).fill(username)
    page.get_by_label(vi("Password"), exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name=vi("Sign in"), exact=True).click()
    if lands:
        expect(page).to_have_url(re.compile(re.escape(lands) + "$"))


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def look(page: Any, axe: Any, name: str) -> None:
    """Screenshot to var/screenshots/<name>.png (to look at), accessibility scan, no sideways scrolling."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    axe(page)
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{name}: {width[0]}px wide on a {width[1]}px screen"
