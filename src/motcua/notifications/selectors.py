"""Reads of the outbox."""

from __future__ import annotations

from typing import Any

from django.db.models import Min, Q
from django.utils import timezone

from motcua.notifications.constants import DeliveryReport, MessageStatus
from motcua.notifications.models import OutboxMessage


def outbox_backlog() -> dict[str, Any]:
    """For /healthz: messages waiting (pending or being sent), how old the oldest is, and how many failed."""
    waiting = OutboxMessage.objects.filter(status__in=(MessageStatus.PENDING, MessageStatus.SENDING))
    summary = waiting.aggregate(oldest=Min("created_at"))
    oldest = summary["oldest"]
    return {
        "pending": waiting.count(),
        "oldest_seconds": round((timezone.now() - oldest).total_seconds()) if oldest else 0,
    }


def undelivered_for_dossier(dossier_code: str) -> list[OutboxMessage]:
    """Messages about one dossier that could not be delivered (given up, or reported undeliverable)."""
    return list(
        OutboxMessage.objects.filter(dossier_code=dossier_code)
        .filter(Q(status=MessageStatus.FAILED) | Q(delivery_report=DeliveryReport.UNDELIVERED))
        .order_by("-created_at")[:20]
    )
