"""Pushing dossiers to the national portal, idempotently.

Two steps, each safe to run twice or on two workers at once:

1. `national_sync_plan` computes the record of every dossier changed since it was last computed
   (its row, a payment or its rating) and keeps it when it differs from what the portal
   acknowledged, with the key of that state (`records.record_key`): the same state, the same key.
2. `national_sync_push_due` claims each waiting row (a compare-and-set on `next_attempt_at`),
   pushes its state with its key, and records the acknowledgement, or retries with backoff.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.feedback.models import ServiceRating
from motcua.integrations.national_portal import national_portal
from motcua.integrations.national_portal.base import DossierRecord, NationalPortal, NationalPortalError
from motcua.national_sync.models import NationalSync, SyncStatus
from motcua.national_sync.records import dossier_record, record_hash, record_key
from motcua.payments.models import Payment

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # a claimed row another worker may take again after this
# A change is stamped (`updated_at`, `paid_at`, `rated_at`) before its transaction commits: a dossier is
# looked at again while its last change is younger than this, so that a change committed while we
# read is never taken as seen. (Looking again costs a hash: an unchanged state is not pushed.)
SETTLE = timedelta(minutes=5)
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600
MAX_ATTEMPTS = 20  # about a day of retries


def changed_dossiers() -> QuerySet[Dossier]:
    """Dossiers (not drafts) never considered, or changed since their state was last computed."""
    checked = OuterRef("national_sync__checked_at")
    return Dossier.objects.exclude(status=Status.DRAFT).filter(
        Q(national_sync__isnull=True)
        | Q(updated_at__gt=F("national_sync__checked_at"))
        | Q(Exists(Payment.objects.filter(dossier=OuterRef("pk"), paid_at__gt=checked)))
        | Q(Exists(ServiceRating.objects.filter(dossier=OuterRef("pk"), rated_at__gt=checked)))
    )


def dossiers_for_records(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return qs.select_related("competent_agency", "procedure_version__procedure", "rating").prefetch_related("payments")


def national_sync_plan(*, limit: int | None = None, now: datetime | None = None) -> int:
    """Compute the state of the changed dossiers; returns how many now wait to be pushed."""
    started = (now or timezone.now()) - SETTLE
    limit = limit or settings.MOTCUA_NATIONAL_SYNC_BATCH
    waiting = 0
    # Those never looked at or looked at longest ago first: the recent ones looked at again cannot starve them.
    changed = changed_dossiers().order_by(F("national_sync__checked_at").asc(nulls_first=True), "updated_at", "pk")
    for dossier in dossiers_for_records(changed)[:limit]:
        record = dossier_record(dossier)
        if record is None:
            continue
        state = record.as_dict()
        state_hash = record_hash(state)
        with transaction.atomic():
            sync = NationalSync.objects.select_for_update().filter(pk=dossier.pk).first()
            if sync is None:
                sync = NationalSync(dossier=dossier, state_hash="", key="", checked_at=started)
            sync.checked_at = started
            if state_hash == sync.acknowledged_hash:
                sync.state, sync.state_hash, sync.key = state, state_hash, record_key(dossier.code, state_hash)
                sync.status, sync.last_error = SyncStatus.SYNCED, ""
            elif state_hash != sync.state_hash or sync.status == SyncStatus.SYNCED:
                sync.state, sync.state_hash, sync.key = state, state_hash, record_key(dossier.code, state_hash)
                sync.status, sync.attempts, sync.last_error = SyncStatus.PENDING, 0, ""
                sync.next_attempt_at = now or timezone.now()
                waiting += 1
            sync.save()
    return waiting


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def _push_one(portal: NationalPortal, sync: NationalSync, now: datetime) -> bool:
    pushed_key, pushed_state, pushed_hash = sync.key, sync.state, sync.state_hash
    # Claim: only the worker whose update matches takes the row (another one finds it leased).
    claimed = NationalSync.objects.filter(
        pk=sync.pk, key=pushed_key, status=SyncStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE)
    if not claimed:
        return False
    try:
        ack = portal.push(DossierRecord(**pushed_state), idempotency_key=pushed_key)
    except NationalPortalError as exc:
        with transaction.atomic():
            row = NationalSync.objects.select_for_update().get(pk=sync.pk)
            if row.key != pushed_key:
                return False  # the dossier changed meanwhile: its new state is pushed with its own key
            row.attempts += 1
            row.last_error = str(exc)[:500]
            if exc.temporary and row.attempts < MAX_ATTEMPTS:
                row.next_attempt_at = now + _backoff(row.attempts)
            else:
                row.status = SyncStatus.FAILED
                logger.warning("national portal refused dossier %s: %s", pushed_state.get("code"), exc)
            row.save()
        return False
    with transaction.atomic():
        row = NationalSync.objects.select_for_update().get(pk=sync.pk)
        row.acknowledged_state, row.acknowledged_hash = pushed_state, pushed_hash
        row.acknowledged_at, row.receipt_id = now, ack.receipt_id[:128]
        row.first_acknowledged_at = row.first_acknowledged_at or now
        if row.key == pushed_key:
            row.status, row.last_error = SyncStatus.SYNCED, ""
            row.attempts += 1
        row.save()
    return True


def national_sync_push_due(
    *, limit: int | None = None, now: datetime | None = None, portal: NationalPortal | None = None
) -> int:
    """Push the waiting states that are due; returns how many the portal acknowledged."""
    now = now or timezone.now()
    limit = limit or settings.MOTCUA_NATIONAL_SYNC_BATCH
    due = list(
        NationalSync.objects.filter(status=SyncStatus.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at")[
            :limit
        ]
    )
    if not due:
        return 0
    portal = portal or national_portal()
    return sum(_push_one(portal, sync, now) for sync in due)


def national_sync_run(*, now: datetime | None = None) -> tuple[int, int]:
    """One round of the periodic job: plan, then push. Nothing when the sync is off."""
    if settings.MOTCUA_NATIONAL_PORTAL == "off":
        return 0, 0
    return national_sync_plan(now=now), national_sync_push_due(now=now)


def national_sync_retry_failed(*, codes: list[str] | None = None, now: datetime | None = None) -> int:
    """Put refused or given-up states back in line (after the cause was fixed); the same keys."""
    now = now or timezone.now()
    rows = NationalSync.objects.filter(status=SyncStatus.FAILED)
    if codes:
        rows = rows.filter(dossier__code__in=codes)
    return rows.update(status=SyncStatus.PENDING, attempts=0, next_attempt_at=now)
