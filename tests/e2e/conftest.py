"""Fixtures of the browser tests: headless Chromium driven by Playwright against `live_server`.

The demo agency (`seed_demo`, ~4 s) is seeded once per module inside a transaction that is rolled
back, after its rows have been serialized; each test then reloads that snapshot (~1 s) into the
database that `live_server`'s transactional tests flush after every test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import SCREENSHOTS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "var" / "test-tools" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
# The apps whose rows the demo seed writes (auth permissions and content types are left to migrate).
SEEDED_APPS = ("accounts", "workdays", "catalog")

# Playwright's sync API runs an event loop in the main thread; Django refuses ORM calls from a
# thread with a running loop unless told otherwise. The live server thread has no loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="module")
def demo_snapshot(django_db_setup: None, django_db_blocker: Any) -> str:
    """The demo agency's rows as JSON; the database is left as it was found."""
    from django.apps import apps
    from django.core import serializers
    from django.db import transaction

    from motcua.demo.seed import seed_demo

    models = [model for label in SEEDED_APPS for model in apps.get_app_config(label).get_models()]
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        snapshot = serializers.serialize(
            "json", (obj for model in models for obj in model._default_manager.order_by("pk").iterator())
        )
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture
def demo_data(transactional_db: None, demo_snapshot: str) -> None:
    """The demo agency and its catalog, in the database the live server reads."""
    from django.db import connection

    connection.creation.deserialize_db_from_string(demo_snapshot)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists() or not AXE_JS.exists():
        pytest.skip(f"browser tests need {CHROMIUM} and {AXE_JS.relative_to(ROOT)} (scripts/install-test-deps.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _new_page(browser: Any, **options: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: _console_problem(message, problems))
    page.on("response", lambda response: _response_problem(response, problems))
    page.on("requestfailed", lambda request: _request_problem(request, problems))
    yield page
    context.close()
    # A stylesheet or script that is missing or blocked (CSP), or a script error, is a broken page.
    assert problems == [], problems


def _console_problem(message: Any, problems: list[str]) -> None:
    # "Failed to load resource" carries no address; `_response_problem` reports those.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(f"console error: {message.text}")


def _request_problem(request: Any, problems: list[str]) -> None:
    # Going on to the next page at once (a form submitted, a redirect) aborts what the page was still
    # fetching: its icon after the load event, or a stylesheet still in flight. A missing file still
    # shows as a 404, and a blocked one as another failure.
    if request.failure == "net::ERR_ABORTED" and "/static/" in request.url:
        return
    problems.append(f"failed {request.url}: {request.failure}")


def _response_problem(response: Any, problems: list[str]) -> None:
    # Chromium asks for /favicon.ico by itself; the site declares no icon.
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        problems.append(f"{response.status} {response.request.method} {response.url}")


@pytest.fixture
def page(browser: Any, demo_data: None) -> Iterator[Any]:
    """A desktop page in a fresh context (no cookies), Vietnamese browser locale."""
    yield from _new_page(browser, viewport=DESKTOP)


@pytest.fixture
def mobile_page(browser: Any, demo_data: None) -> Iterator[Any]:
    """A phone-sized page (390×844, touch)."""
    yield from _new_page(browser, viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


AXE_URL_PATH = "/__e2e__/axe.min.js"


@pytest.fixture
def axe(live_server: Any) -> Callable[[Any], None]:
    """`axe(page)`: scan the page with axe-core and fail on any violation, listing them."""

    def scan(page: Any) -> None:
        # Served from the site's own origin, so the page's strict CSP (script-src 'self') stays on.
        page.route(f"**{AXE_URL_PATH}", lambda route: route.fulfill(path=AXE_JS, content_type="text/javascript"))
        page.add_script_tag(url=live_server.url + AXE_URL_PATH)
        results = page.evaluate("async () => await axe.run()")
        assert results["passes"], "axe-core checked nothing"
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [{"target": n["target"], "html": n["html"][:160]} for n in v["nodes"][:5]],
            }
            for v in results["violations"]
        ]
        assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)

    return scan
