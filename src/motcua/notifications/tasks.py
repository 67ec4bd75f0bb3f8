"""Celery tasks (MOTCUA_TASKS=celery): thin, they call the delivery service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from celery import shared_task


@shared_task(name="motcua.notifications.deliver_due", ignore_result=False)
def deliver_due(now: str | None = None) -> dict[str, Any]:
    """Drain the due part of the outbox. `now` (ISO 8601) fixes the clock: for tests and replays only."""
    from motcua.notifications.services.delivery import outbox_deliver_due

    stats = outbox_deliver_due(now=datetime.fromisoformat(now) if now else None)
    return stats.as_dict()
