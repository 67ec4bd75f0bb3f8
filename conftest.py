"""Fixtures shared by every test of MotCua."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Tests read messages in English unless they switch language themselves."""
    with translation.override("en"):
        yield
