"""The network address a request comes from, for rate limits and sign-in lockouts.

Behind MOTCUA_PROXY_COUNT reverse proxies, each of which appends the address it received the
request from to X-Forwarded-For, the client is the entry that many places from the right; what a
client writes into the header itself sits further left and is ignored. Without proxies the header
is ignored altogether: anyone can send it, and trusting it would let a guesser pose as a new
address on every try. Django REST framework's throttles use the same rule (NUM_PROXIES).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "MOTCUA_PROXY_COUNT", 0))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))][:64] or remote
