"""The outbox's periodic jobs, run by the embedded worker (`run_worker`) every second."""

from __future__ import annotations

from motcua.core.worker import periodic_job
from motcua.notifications.constants import MessageStatus
from motcua.notifications.dispatch import celery_mode, send_nudges
from motcua.notifications.models import OutboxMessage


@periodic_job("notifications.outbox", every_seconds=1)
def deliver_outbox() -> None:
    """Embedded: drain what is due (sweeping dead claims first). Celery: wake the workers if anything is due."""
    from django.conf import settings
    from django.utils import timezone

    from motcua.notifications.services.delivery import outbox_deliver_due, outbox_sweep

    if not celery_mode():
        outbox_deliver_due(time_budget=4.0)
        return
    outbox_sweep()
    due = OutboxMessage.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=timezone.now())
    if due.exists():
        send_nudges(settings.MOTCUA_OUTBOX_PARALLEL)
