from __future__ import annotations

import pytest
from django.core.cache import cache

PHONE_BROWSER = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The portal agency and the visit figures are cached: each test starts without them."""
    cache.clear()
    yield
    cache.clear()
