"""Readiness of the server: database reachable, background worker alive."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from motcua.core.models import WorkerHeartbeat


def health_status() -> tuple[bool, dict[str, str]]:
    """Return (healthy, body) for GET /healthz, per CONTRACT.md §1."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return False, {"status": "error", "database": "error", "worker": "unknown"}
    cutoff = timezone.now() - timedelta(seconds=settings.MOTCUA_WORKER_STALE_SECONDS)
    worker_alive = WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).exists()
    return True, {"status": "ok", "database": "ok", "worker": "ok" if worker_alive else "stale"}
