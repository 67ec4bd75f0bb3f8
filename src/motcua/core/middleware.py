"""Security headers Django does not set by itself."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

CONTENT_SECURITY_POLICY = [
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]


def content_security_policy() -> str:
    """The strict policy; forms may also lead to the payment gateway (its page is where one pays)."""
    gateway = urlsplit(settings.MOTCUA_PAYMENT_GATEWAY_URL)
    origin = f"{gateway.scheme}://{gateway.netloc}" if gateway.scheme in ("https", "http") and gateway.netloc else ""
    directives = [f"{d} {origin}" if d.startswith("form-action") and origin else d for d in CONTENT_SECURITY_POLICY]
    return "; ".join(directives)


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak Vietnamese unless the visitor chose another language (the language cookie).

    A browser set to English does not switch a Vietnamese public portal by itself; the header's
    language form does. API clients still negotiate with Accept-Language, for error messages.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The admin ships inline scripts and styles; every other page runs under a strict policy.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
