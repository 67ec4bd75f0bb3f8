"""The portal's visit counter, which stores no personal data.

It lives here, beside the table it writes and the footer that reads it, not in `core`: the shared
kernel depends on no app, and the count is a feature of the public portal, not of every request.

A *visit* is the first page of the public portal a browser sees on a day (Asia/Ho_Chi_Minh). The
browser is recognised by a cookie that holds nothing but that day's date — no identifier — so no
address, user, session or fingerprint is read or kept: the table has a day and a number. A browser
that refuses cookies counts on every page; bots that say so in their User-Agent are not counted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from motcua.news.services import visit_record

logger = logging.getLogger(__name__)

VISIT_COOKIE = "motcua_visit"
# Staff pages, machine interfaces and files are not visits of the public portal.
NOT_COUNTED_PREFIXES = ("/mot-cua/", "/api/", "/admin/", "/static/", "/media/", "/healthz", "/i18n/", "/__")
BOT = re.compile(
    r"(?<!cu)bot\b|crawl|spider|slurp|scrap|headless|lighthouse|pagespeed|preview|monitor|uptime|"
    r"facebookexternalhit|curl|wget|python-|httpx|aiohttp|go-http-client|java/|okhttp|libwww|node-fetch|axios|"
    r"^$",
    re.IGNORECASE,
)


def is_counted(request: HttpRequest, response: HttpResponse) -> bool:
    """A GET of a public portal page, answered 200 with HTML, asked by a person's browser (not a prefetch)."""
    return (
        request.method == "GET"
        and response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and not request.path.startswith(NOT_COUNTED_PREFIXES)
        and "HX-Request" not in request.headers
        and request.headers.get("Sec-Purpose", request.headers.get("Purpose", "")) != "prefetch"
        and not BOT.search(request.headers.get("User-Agent", ""))
    )


class VisitCounterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        today = timezone.localdate()
        if request.COOKIES.get(VISIT_COOKIE) == today.isoformat() or not is_counted(request, response):
            return response
        try:
            visit_record(day=today)
        except DatabaseError:  # a busy database must not cost the visitor the page; the visit is lost
            logger.warning("visit not counted", exc_info=True)
            return response
        midnight = datetime.combine(today + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
        response.set_cookie(
            VISIT_COOKIE,
            today.isoformat(),
            max_age=max(int((midnight - timezone.now()).total_seconds()), 1),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
