"""Delivery of the outbox: claim due rows, send each with its idempotency key, record the outcome.

Claims are exclusive: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (several workers take
disjoint rows), and on SQLite a conditional UPDATE inside a write transaction (SQLite runs one
writer at a time, BEGIN IMMEDIATE). A claimed row carries a token and a lease; only the holder of
the token records its outcome, and a lease that ran out (the worker died) is swept back to pending.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as time_of_day

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from motcua.notifications.channels import ChannelError, Channels
from motcua.notifications.constants import MessageStatus
from motcua.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)


@dataclass
class DeliveryStats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0  # claimed inside the message's quiet hours: put back until their end
    swept: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "claimed": self.claimed,
            "sent": self.sent,
            "retried": self.retried,
            "failed": self.failed,
            "deferred": self.deferred,
            "swept": self.swept,
        }


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter: base·2^(n−1), capped, then a random half to full of it."""
    base = settings.MOTCUA_OUTBOX_RETRY_BASE_SECONDS
    capped = min(settings.MOTCUA_OUTBOX_RETRY_MAX_SECONDS, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=capped * random.uniform(0.5, 1.0))


def _agency_quota(agencies: list[str], now: datetime, batch: int) -> dict[str, int]:
    """Round-robin: an equal share of the batch for each agency with due rows, within its rate limit."""
    share = max(1, batch // max(1, len(agencies)))
    quota = dict.fromkeys(agencies, share)
    rate = settings.MOTCUA_OUTBOX_AGENCY_RATE
    if rate > 0:
        since = now - timedelta(seconds=1)
        for agency in agencies:
            recent = OutboxMessage.objects.filter(agency_code=agency, claimed_at__gt=since).count()
            quota[agency] = max(0, min(share, int(rate) - recent))
    return quota


def outbox_claim(*, now: datetime, batch: int, token: str) -> list[OutboxMessage]:
    """Claim up to `batch` due rows for the holder of `token`, fairly across agencies."""
    lease_until = now + timedelta(seconds=settings.MOTCUA_OUTBOX_LEASE_SECONDS)
    with transaction.atomic():
        due = OutboxMessage.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
        agencies = list(due.order_by("agency_code").values_list("agency_code", flat=True).distinct()[:200])
        ids: list[int] = []
        for agency, quota in _agency_quota(agencies, now, batch).items():
            if quota <= 0:
                continue
            rows = due.filter(agency_code=agency).order_by("next_attempt_at", "id").values_list("id", flat=True)
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True)
            ids.extend(rows[:quota])
        if not ids:
            return []
        OutboxMessage.objects.filter(id__in=ids, status=MessageStatus.PENDING).update(
            status=MessageStatus.SENDING,
            claim_token=token,
            claimed_at=now,
            lease_until=lease_until,
            attempts=F("attempts") + 1,
        )
    return list(OutboxMessage.objects.filter(id__in=ids, claim_token=token, status=MessageStatus.SENDING))


def outbox_sweep(*, now: datetime | None = None) -> int:
    """Put back rows whose claim lease ran out (their worker died mid-batch); fail those retried too often."""
    now = now or timezone.now()
    expired = OutboxMessage.objects.filter(status=MessageStatus.SENDING, lease_until__lt=now)
    given_up = expired.filter(attempts__gte=settings.MOTCUA_OUTBOX_MAX_ATTEMPTS).update(
        status=MessageStatus.FAILED, lease_until=None, last_error="claimed too many times without an outcome"
    )
    swept = expired.update(status=MessageStatus.PENDING, next_attempt_at=now, lease_until=None, claim_token="")
    if swept or given_up:
        logger.info("outbox sweep: %s back to pending, %s given up", swept, given_up)
    return swept + given_up


@contextlib.contextmanager
def _outcomes_without_waiting_for_disk() -> Iterator[None]:
    """On PostgreSQL, the outcome writes of a batch do not wait for the disk flush (synchronous_commit off).

    A database crash may forget the last outcomes (well under a second of them): those messages are
    sent again with the same idempotency key, which the gateway drops. The rows themselves, written
    with the dossier's change, keep the server's durable default.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")


def quiet_hours_end(
    moment: datetime, *, quiet_from: time_of_day | None, quiet_until: time_of_day | None
) -> datetime | None:
    """The end of the quiet hours that local time `moment` falls in (21:00–07:00 wraps midnight), or
    None when it is outside them (equal or missing bounds: no quiet hours)."""
    if quiet_from is None or quiet_until is None or quiet_from == quiet_until:
        return None
    local = timezone.localtime(moment)
    at, day = local.time(), local.date()
    if quiet_from < quiet_until:
        inside = quiet_from <= at < quiet_until
    else:
        inside = at >= quiet_from or at < quiet_until
        if at >= quiet_from:
            day += timedelta(days=1)
    if not inside:
        return None
    return datetime.combine(day, quiet_until, tzinfo=local.tzinfo)


def _record(message: OutboxMessage, token: str, **fields: object) -> None:
    updated = OutboxMessage.objects.filter(pk=message.pk, claim_token=token, status=MessageStatus.SENDING).update(
        lease_until=None, **fields
    )
    if not updated:  # the lease ran out and another worker took the row: its outcome stands
        logger.warning("outbox message %s: outcome not recorded, the claim was lost", message.pk)


def _outside_quiet_hours(message: OutboxMessage, moment: datetime) -> datetime:
    end = quiet_hours_end(moment, quiet_from=message.quiet_from, quiet_until=message.quiet_until)
    return end or moment


def deliver_claimed(messages: list[OutboxMessage], *, token: str, now: datetime | None, stats: DeliveryStats) -> None:
    """Send each claimed row and record its outcome at once (one short write each: a worker killed
    mid-batch leaves at most the message in flight without its outcome)."""
    with Channels() as channels, _outcomes_without_waiting_for_disk():
        for message in messages:
            moment = now or timezone.now()
            quiet_end = quiet_hours_end(moment, quiet_from=message.quiet_from, quiet_until=message.quiet_until)
            if quiet_end is not None:  # not now: at the end of its quiet hours, and this was no attempt
                _record(
                    message, token, status=MessageStatus.PENDING, next_attempt_at=quiet_end, attempts=F("attempts") - 1
                )
                stats.deferred += 1
                continue
            try:
                receipt = channels.send(message)
            except ChannelError as exc:
                error = str(exc)[:500]
                if exc.temporary and message.attempts < settings.MOTCUA_OUTBOX_MAX_ATTEMPTS:
                    _record(
                        message,
                        token,
                        status=MessageStatus.PENDING,
                        next_attempt_at=_outside_quiet_hours(message, moment + retry_delay(message.attempts)),
                        last_error=error,
                    )
                    stats.retried += 1
                else:
                    _record(message, token, status=MessageStatus.FAILED, last_error=error)
                    stats.failed += 1
                continue
            _record(
                message,
                token,
                status=MessageStatus.SENT,
                sent_at=moment,
                gateway=receipt.gateway[:40],
                gateway_message_id=receipt.message_id[:128],
                last_error="",
            )
            stats.sent += 1


def outbox_deliver_due(
    *,
    now: datetime | None = None,
    batch: int | None = None,
    time_budget: float = 10.0,
    max_batches: int | None = None,
) -> DeliveryStats:
    """Sweep, then claim and send batches until nothing is due or `time_budget` seconds have passed.

    `now` fixes the clock (tests simulate an outage of minutes without waiting for it).
    """
    fixed_now = now
    stats = DeliveryStats()
    stats.swept = outbox_sweep(now=fixed_now or timezone.now())
    started = time.monotonic()
    while time.monotonic() - started < time_budget and (max_batches is None or stats.batches < max_batches):
        moment = fixed_now or timezone.now()
        token = uuid.uuid4().hex
        claimed = outbox_claim(now=moment, batch=batch or settings.MOTCUA_OUTBOX_BATCH, token=token)
        if not claimed:
            break
        stats.batches += 1
        stats.claimed += len(claimed)
        deliver_claimed(claimed, token=token, now=fixed_now, stats=stats)
    return stats
