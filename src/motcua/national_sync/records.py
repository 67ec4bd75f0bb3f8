"""A dossier as the national portal's record (`DossierRecord`), and its hash."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.constants import NATIONAL_CODE, DocumentKind
from motcua.dossiers.models import Dossier
from motcua.integrations.national_portal.base import DossierRecord
from motcua.payments.constants import PaymentMethod, PaymentStatus

# KenhThucHien (DOMAIN.md §2.3).
CHANNEL_CODE = {"in_person": 1, "online": 2, "postal": 3}
# Providers that are the national portal's own payment platform (DuocThanhToanTrucTuyen = 1).
NATIONAL_PAYMENT_PROVIDERS = frozenset({"dvcqg"})


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def dossier_record(dossier: Dossier) -> DossierRecord | None:
    """The record of `dossier` for the portal; None for a draft (never on the portal)."""
    status = NATIONAL_CODE.get(dossier.status)
    if status is None:
        return None
    result = dossier.documents.filter(kind=DocumentKind.RESULT).order_by("-uploaded_at", "-pk").first()
    result_url = ""
    if result is not None:
        path = reverse("portal:document", kwargs={"code": dossier.code, "document_id": result.pk})
        result_url = f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{path}"
    paid = [p for p in dossier.payments.all() if p.status == PaymentStatus.PAID]
    online = [p for p in paid if p.method == PaymentMethod.ONLINE]
    paid_online = None
    if online:
        paid_online = 1 if any(p.provider in NATIONAL_PAYMENT_PROVIDERS for p in online) else 2
    rating = getattr(dossier, "rating", None)
    return DossierRecord(
        code=dossier.code,
        agency_code=dossier.competent_agency.code,
        procedure_code=dossier.procedure_version.procedure.code,
        status=status,
        channel=CHANNEL_CODE.get(dossier.channel, 1),
        submitted_at=_iso(dossier.submitted_at),
        received_at=_iso(dossier.received_at),
        due_at=_iso(dossier.extended_due_at or dossier.due_at),
        processed_at=_iso(dossier.processed_at),
        returned_at=_iso(dossier.returned_at),
        ended_at=_iso(dossier.ended_at),
        result_url=result_url,
        paid_online=paid_online,
        fee_paid=int(sum(p.amount for p in paid)),
        rating=rating.satisfaction if rating is not None else "",
    )


def record_hash(state: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def record_key(code: str, state_hash: str) -> str:
    """The idempotency key of one state of one dossier: the same state, the same key."""
    return f"motcua-{code}-{state_hash[:24]}"
