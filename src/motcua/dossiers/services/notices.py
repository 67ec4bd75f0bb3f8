"""The applicant's notices about a dossier (Decree 224/2026 Art. 15(1)(g): on every status change, with
the agency, the officer, and the times of receipt, processing and return), written to the outbox in the
transaction of the change."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from motcua.accounts.models import User
from motcua.dossiers.constants import INTERNAL_ACTIONS, Action, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_fees_due
from motcua.notifications.constants import Event
from motcua.notifications.services import DossierNotice, notify_dossier_event

_ACTION_EVENTS: dict[str, Event] = {
    Action.REQUEST_SUPPLEMENT: Event.SUPPLEMENT_REQUESTED,
    Action.EXTEND: Event.APOLOGY,
    Action.REQUEST_PAYMENT: Event.PAYMENT_REQUESTED,
}


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def _early(dossier: Dossier, now: datetime) -> bool:
    """Ready on a day before the appointment's: the applicant may collect it early (61/2018 Art. 20(4))."""
    due = dossier.effective_due_at
    return due is not None and timezone.localdate(dossier.processed_at or now) < timezone.localdate(due)


def _amount(value: Decimal) -> str:
    """150000 → "150.000" (Vietnamese thousands separator)."""
    return f"{value:,.0f}".replace(",", ".")


def dossier_notify(*, dossier: Dossier, action: str, actor: User | None, note: str, now: datetime) -> None:
    """Tell the applicant about `action` on `dossier` (call inside the transition's transaction)."""
    if action in INTERNAL_ACTIONS:
        return
    if action in _ACTION_EVENTS:
        event = _ACTION_EVENTS[action]
    elif dossier.status == Status.PROCESSED:
        event = Event.EARLY_RETURN if _early(dossier, now) else Event.RESULT_READY
    else:
        event = Event.STATUS_CHANGED
    officer = actor if actor is not None and actor.pk != dossier.owner_id else dossier.assignee
    notify_dossier_event(
        DossierNotice(
            event=event,
            dossier_code=dossier.code,
            agency_code=dossier.competent_agency.code,
            phone=dossier.applicant_phone,
            email=dossier.applicant_email,
            user_id=dossier.owner_id,
            context={
                "applicant": dossier.applicant_name,
                "procedure": dossier.procedure_version.name,
                "agency": dossier.competent_agency.name,
                "officer": str(officer) if officer is not None else "",
                "status": Status(dossier.status).label,
                "received_at": _when(dossier.received_at),
                "processed_at": _when(dossier.processed_at or now),
                "return_at": _when(dossier.returned_at or dossier.effective_due_at),
                "new_due_at": _when(dossier.extended_due_at),
                "note": note,
                "amount": _amount(dossier_fees_due(dossier)) if event == Event.PAYMENT_REQUESTED else "",
                "lookup_url": f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}/tra-cuu/?code={dossier.code}",
            },
        ),
        now=now,
    )
