"""Reads of the national portal sync: the reconciliation (what differs between our dossiers and what
the portal last acknowledged) and the sync rate (Decision 766 index 1.4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from motcua.accounts.models import Agency
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.national_sync.models import NationalSync, SyncStatus
from motcua.national_sync.records import dossier_record
from motcua.national_sync.services import changed_dossiers, dossiers_for_records
from motcua.reports.period import agency_tree
from motcua.reports.periods import Period


def _agency_ids(agencies: Iterable[Agency] | None) -> list[int] | None:
    if agencies is None:
        return None
    ids: list[int] = []
    for agency in agencies:
        ids += [pk for pk in agency_tree(agency) if pk not in ids]
    return ids


def _in(qs: QuerySet[Any], ids: list[int] | None, path: str = "competent_agency_id") -> QuerySet[Any]:
    return qs if ids is None else qs.filter(**{f"{path}__in": ids})


@dataclass(frozen=True)
class Difference:
    code: str
    status: str  # the sync row's status, or "never" (never considered)
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (name, ours, the portal's)
    last_error: str = ""
    attempts: int = 0


@dataclass(frozen=True)
class Reconciliation:
    counts: dict[str, int]  # by sync status, with "never": dossiers not yet considered
    differences: list[Difference]
    more: bool  # more dossiers than listed may differ


def national_sync_reconciliation(*, agencies: Iterable[Agency] | None = None, limit: int = 100) -> Reconciliation:
    """The dossiers (of `agencies` and those under them; None: all) whose record today differs from
    what the portal last acknowledged, field by field, each with its sync status and last error."""
    ids = _agency_ids(agencies)
    rows = _in(NationalSync.objects.all(), ids, "dossier__competent_agency_id")
    counts = dict.fromkeys(SyncStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows.values("status").annotate(n=Count("pk")).order_by()})
    never = _in(Dossier.objects.exclude(status=Status.DRAFT).filter(national_sync__isnull=True), ids)
    counts["never"] = never.count()
    suspects = changed_dossiers() | Dossier.objects.filter(
        Q(national_sync__status__in=[SyncStatus.PENDING, SyncStatus.FAILED])
    )
    suspects = _in(suspects, ids).distinct().order_by("code")
    differences: list[Difference] = []
    candidates = list(dossiers_for_records(suspects.select_related("national_sync"))[: limit * 2 + 1])
    for dossier in candidates[: limit * 2]:
        record = dossier_record(dossier)
        if record is None:
            continue
        sync: NationalSync | None = getattr(dossier, "national_sync", None)
        ours = record.as_dict()
        theirs = (sync.acknowledged_state if sync else None) or {}
        changed = [(name, ours[name], theirs.get(name)) for name in ours if ours[name] != theirs.get(name)]
        if not changed:
            continue
        differences.append(
            Difference(
                code=dossier.code,
                status=sync.status if sync else "never",
                fields=changed,
                last_error=sync.last_error if sync else "",
                attempts=sync.attempts if sync else 0,
            )
        )
        if len(differences) == limit:
            break
    return Reconciliation(counts=counts, differences=differences, more=len(candidates) > limit * 2)


# A dossier the portal has acknowledged at least once (Decision 766 index 1.4's numerator): a
# condition on `Dossier`, so that the reports can count it and list the dossiers behind the count.
SYNCED = Q(national_sync__first_acknowledged_at__isnull=False)


@dataclass(frozen=True)
class SyncRate:
    received: int  # dossiers received (complete) in the period
    synced: int  # of them, those the portal has acknowledged at least once
    rate: float | None  # synced / received, 4 decimals; None when nothing was received


def national_sync_rate(*, start: date, end: date, agencies: Iterable[Agency] | None = None) -> SyncRate:
    """Decision 766 index 1.4: dossiers synced with their receipt date in [start, end] over the
    dossiers received in that period (the report's own day bounds, local time)."""
    s, e = Period(start, end).bounds
    received = _in(Dossier.objects.filter(received_at__gte=s, received_at__lt=e), _agency_ids(agencies))
    numbers = received.aggregate(received=Count("pk"), synced=Count("pk", filter=SYNCED))
    rate = round(numbers["synced"] / numbers["received"], 4) if numbers["received"] else None
    return SyncRate(received=numbers["received"], synced=numbers["synced"], rate=rate)
