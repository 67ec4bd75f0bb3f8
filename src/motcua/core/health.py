"""Readiness of the server: database reachable, background worker alive (and what apps add)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from motcua.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Extra keys of the /healthz body (e.g. "outbox": its backlog), registered by apps in ready().
_DETAILS: dict[str, Callable[[], Any]] = {}


def register_health_detail(key: str, read: Callable[[], Any]) -> None:
    if key in {"status", "database", "worker"}:
        raise ValueError(f"{key!r} is a contract key of /healthz")
    _DETAILS[key] = read


def health_status() -> tuple[bool, dict[str, Any]]:
    """Return (healthy, body) for GET /healthz, per CONTRACT.md §1 (plus the registered details)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return False, {"status": "error", "database": "error", "worker": "unknown"}
    cutoff = timezone.now() - timedelta(seconds=settings.MOTCUA_WORKER_STALE_SECONDS)
    worker_alive = WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).exists()
    body: dict[str, Any] = {"status": "ok", "database": "ok", "worker": "ok" if worker_alive else "stale"}
    for key, read in _DETAILS.items():
        try:
            body[key] = read()
        except Exception:  # a detail never makes the server unready
            logger.exception("health detail %s failed", key)
            body[key] = "error"
    return True, body
