"""Security headers Django does not set by itself."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control

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


PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()"
)


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


def admin_content_security_policy() -> str:
    """The admin's policy: Django's admin ships inline scripts and styles; nothing else is loosened."""
    return (
        content_security_policy()
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    )


def is_personal(request: HttpRequest) -> bool:
    """A response that may hold one person's data: never kept by a browser's or a proxy's cache.

    Anything answered to someone signed in (a session, or an API token), and the public lookup by a
    receipt's code and secret. Public pages to anonymous visitors (the catalog, news) stay cacheable.
    """
    user = getattr(request, "user", None)
    return bool(
        (user is not None and user.is_authenticated)
        or "HTTP_AUTHORIZATION" in request.META
        or "secret" in request.GET  # answers to POST are not cached without being told to
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = admin_content_security_policy() if request.path.startswith("/admin/") else content_security_policy()
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # A response its view marked public (the same for everyone: provinces, a published attachment) stays so.
        if is_personal(request) and "public" not in response.headers.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response
