"""Delivery reports: what the gateway says happened after it took a message."""

from __future__ import annotations

import uuid

from django.utils import timezone

from motcua.notifications.constants import DeliveryReport
from motcua.notifications.models import OutboxMessage


def outbox_delivery_reported(*, idempotency_key: str, delivered: bool, error: str = "") -> bool:
    """Record a gateway's delivery report for the message of `idempotency_key`; False if unknown."""
    try:
        key = uuid.UUID(idempotency_key.removeprefix("motcua-"))
    except ValueError:
        return False
    fields: dict[str, object] = {
        "delivery_report": DeliveryReport.DELIVERED if delivered else DeliveryReport.UNDELIVERED,
        "delivery_reported_at": timezone.now(),
    }
    if error:
        fields["last_error"] = error[:500]
    return OutboxMessage.objects.filter(key=key).update(**fields) > 0
