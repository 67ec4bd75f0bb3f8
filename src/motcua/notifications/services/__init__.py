"""Writes to the outbox. A message is a row written in the transaction of the change that causes it;
`transaction.on_commit` only nudges the worker (docs/adr/0008-outbox-and-worker.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.notifications.constants import REQUIRED_EVENTS, MessageChannel
from motcua.notifications.dispatch import nudge_after_commit
from motcua.notifications.models import NotificationPreference, OutboxMessage
from motcua.notifications.rendering import render, template_for


@dataclass(frozen=True)
class DossierNotice:
    """What the dossier service tells the outbox about one change (no dependency on the dossiers app).

    `context` holds the template variables (see the admin's help); lazy strings are translated into
    the applicant's language when rendered.
    """

    event: str
    dossier_code: str
    agency_code: str
    phone: str = ""
    email: str = ""
    user_id: int | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


def _channels(notice: DossierNotice, preference: NotificationPreference | None) -> list[tuple[str, str]]:
    available = [(MessageChannel.SMS.value, notice.phone), (MessageChannel.EMAIL.value, notice.email)]
    available = [(channel, address) for channel, address in available if address]
    if preference is None:
        return available
    chosen = [
        (channel, address)
        for channel, address in available
        if (preference.by_sms if channel == MessageChannel.SMS else preference.by_email)
    ]
    if not chosen and notice.event in REQUIRED_EVENTS:
        return available  # the law requires this notice: it still reaches the applicant somehow
    return chosen


def notify_dossier_event(notice: DossierNotice, *, now: datetime | None = None) -> list[OutboxMessage]:
    """Write the messages of `notice` into the outbox; call it inside the transaction of the change."""
    now = now or timezone.now()
    preference = (
        NotificationPreference.objects.filter(user_id=notice.user_id).first() if notice.user_id is not None else None
    )
    language = (preference.language if preference else "") or settings.LANGUAGE_CODE
    messages: list[OutboxMessage] = []
    for channel, address in _channels(notice, preference):
        template = template_for(notice.event, channel, language)
        if template is None:
            continue
        rendered = render(template, {**notice.context, "code": notice.dossier_code})
        messages.append(
            OutboxMessage(
                channel=channel,
                event=notice.event,
                agency_code=notice.agency_code,
                dossier_code=notice.dossier_code,
                recipient=address,
                language=template.language,
                subject=rendered.subject[:255],
                body=rendered.body,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return outbox_enqueue(messages)


def outbox_enqueue(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Write ready-made rows (in the caller's transaction) and nudge the workers once it commits."""
    if not messages:
        return []
    created = OutboxMessage.objects.bulk_create(messages, batch_size=500)
    transaction.on_commit(nudge_after_commit)  # runs at once outside a transaction
    return created
