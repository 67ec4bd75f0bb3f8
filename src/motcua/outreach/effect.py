"""A campaign's effect: how many were eligible, held out, sent, delivered, clicked, and how many of the
people reached (and of the control group) applied online afterwards, within the campaign's window.

Matching: an online dossier of the agency, submitted after the person's message was sent (the control
group: after the campaign started) and within `effect_days`, whose applicant phone or e-mail is the
person's address or whose account is theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from motcua.catalog.constants import Channel
from motcua.dossiers.models import Dossier
from motcua.notifications.constants import DeliveryReport, MessageChannel, MessageStatus
from motcua.notifications.models import OutboxMessage
from motcua.outreach.audience import CHUNK
from motcua.outreach.constants import RecipientGroup, RecipientState
from motcua.outreach.models import Campaign, CampaignRecipient

METRICS = ("eligible", "held_out", "sent", "delivered", "clicked", "applied", "held_out_applied", "not_sent")


@dataclass(frozen=True)
class Conversion:
    recipient_id: int
    dossier_codes: tuple[str, ...]


@dataclass
class CampaignEffect:
    eligible: int = 0
    held_out: int = 0
    waiting: int = 0
    sent: int = 0
    not_sent: int = 0
    delivered: int = 0
    clicked: int = 0
    applied: int = 0
    held_out_applied: int = 0
    window_days: int = 90
    conversions: dict[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def applied_rate(self) -> Decimal | None:
        return _rate(self.applied, self.sent)

    @property
    def held_out_rate(self) -> Decimal | None:
        return _rate(self.held_out_applied, self.held_out)

    @property
    def difference(self) -> Decimal | None:
        """Percentage points: the reached people's rate minus the control group's."""
        if not self.sent or not self.held_out:
            return None
        exact = Decimal(self.applied) / Decimal(self.sent) - Decimal(self.held_out_applied) / Decimal(self.held_out)
        return (exact * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _outbox(campaign: Campaign) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(
        key__in=campaign.recipients.filter(state=RecipientState.QUEUED).values("message_key")
    )


def delivered_keys(campaign: Campaign) -> set[object]:
    """Keys of the messages the gateway took and did not report as undelivered."""
    rows = _outbox(campaign).filter(status=MessageStatus.SENT).exclude(delivery_report=DeliveryReport.UNDELIVERED)
    return set(rows.values_list("key", flat=True))


def _online_dossiers(campaign: Campaign, since: datetime, until: datetime) -> QuerySet[Dossier]:
    return Dossier.objects.filter(
        Q(competent_agency_id=campaign.agency_id) | Q(receiving_agency_id=campaign.agency_id),
        channel=Channel.ONLINE,
        submitted_at__gt=since,
        submitted_at__lte=until,
    )


def _chunks(items: list[CampaignRecipient]) -> Iterable[list[CampaignRecipient]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def conversions(
    campaign: Campaign, recipients: list[CampaignRecipient], reference: dict[int, datetime]
) -> dict[int, tuple[str, ...]]:
    """recipient id → the codes of the online dossiers they submitted within the window after `reference`."""
    if not recipients:
        return {}
    window = timedelta(days=campaign.effect_days)
    found: dict[int, tuple[str, ...]] = {}
    column = "applicant_phone" if campaign.channel == MessageChannel.SMS else "lower_email"
    for chunk in _chunks(recipients):
        since = min(reference[r.pk] for r in chunk)
        until = max(reference[r.pk] for r in chunk) + window
        addresses = [r.address for r in chunk]
        users = [r.user_id for r in chunk if r.user_id]
        dossiers = _online_dossiers(campaign, since, until).annotate(lower_email=Lower("applicant_email"))
        match = Q(**{f"{column}__in": addresses})
        if users:
            match |= Q(owner_id__in=users)
        rows = list(dossiers.filter(match).values_list("code", column, "owner_id", "submitted_at"))
        for recipient in chunk:
            start = reference[recipient.pk]
            codes = tuple(
                sorted(
                    code
                    for code, address, owner_id, submitted_at in rows
                    if (address == recipient.address or (recipient.user_id and owner_id == recipient.user_id))
                    and start < submitted_at <= start + window
                )
            )
            if codes:
                found[recipient.pk] = codes
    return found


def _sent_at(campaign: Campaign, recipients: list[CampaignRecipient]) -> dict[int, datetime]:
    """When each person's message left (the outbox's sent time, else the time it was queued)."""
    sent = dict(_outbox(campaign).filter(sent_at__isnull=False).values_list("key", "sent_at"))
    return {r.pk: sent.get(r.message_key) or r.queued_at or campaign.started_at for r in recipients}  # type: ignore[misc]


def campaign_effect(campaign: Campaign) -> CampaignEffect:
    recipients = list(campaign.recipients.all())
    effect = CampaignEffect(window_days=campaign.effect_days, eligible=len(recipients))
    if not recipients:
        return effect
    queued = [r for r in recipients if r.state == RecipientState.QUEUED]
    held_out = [r for r in recipients if r.group == RecipientGroup.HOLDOUT]
    delivered = delivered_keys(campaign)
    effect.held_out = len(held_out)
    effect.waiting = sum(r.state == RecipientState.WAITING for r in recipients)
    effect.not_sent = sum(r.state == RecipientState.SKIPPED for r in recipients)
    effect.sent = len(queued)
    effect.delivered = sum(r.message_key in delivered for r in queued)
    effect.clicked = sum(r.clicks > 0 for r in queued)
    reached = conversions(campaign, queued, _sent_at(campaign, queued))
    started = campaign.started_at
    control = conversions(campaign, held_out, dict.fromkeys((r.pk for r in held_out), started)) if started else {}
    effect.applied = len(reached)
    effect.held_out_applied = len(control)
    effect.conversions = {**reached, **control}
    return effect


def recipients_for_metric(campaign: Campaign, metric: str, effect: CampaignEffect) -> list[CampaignRecipient]:
    """The people one figure of the effect counts."""
    recipients = list(campaign.recipients.order_by("id"))
    if metric == "eligible":
        return recipients
    if metric == "held_out":
        return [r for r in recipients if r.group == RecipientGroup.HOLDOUT]
    if metric == "not_sent":
        return [r for r in recipients if r.state == RecipientState.SKIPPED]
    queued = [r for r in recipients if r.state == RecipientState.QUEUED]
    if metric == "sent":
        return queued
    if metric == "delivered":
        keys = delivered_keys(campaign)
        return [r for r in queued if r.message_key in keys]
    if metric == "clicked":
        return [r for r in queued if r.clicks > 0]
    if metric == "applied":
        return [r for r in queued if r.pk in effect.conversions]
    if metric == "held_out_applied":
        return [r for r in recipients if r.group == RecipientGroup.HOLDOUT and r.pk in effect.conversions]
    return []


def masked(address: str) -> str:
    """+84931015119 → 0931 *** 119; an.nguyen@example.vn → a***@example.vn: enough to tell people apart."""
    if "@" in address:
        name, domain = address.split("@", 1)
        return f"{name[:1]}***@{domain}"
    local = "0" + address[3:] if address.startswith("+84") else address
    return f"{local[:4]} *** {local[-3:]}" if len(local) > 7 else "***"
