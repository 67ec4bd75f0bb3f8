"""Fixtures shared by every test of MotCua."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Tests read messages in English unless they switch language themselves."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate-limit counters (sign-in, lookups, text messages per
    address) and cached pages of one test must not reach the next one in the same process."""
    from django.core.cache import cache

    cache.clear()
