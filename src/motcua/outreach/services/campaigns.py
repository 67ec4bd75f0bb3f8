"""A campaign's life: saved as a draft, started (its recipients and control group written at once),
sent a slice at a time by the periodic job (throttled, never in quiet hours, never twice to anyone),
paused, resumed, cancelled.

Messages go through `outbox_enqueue`: the outbox's worker delivers them with its idempotency keys and
retries (docs/adr/0008-outbox-and-worker.md, docs/adr/0010-outreach-campaigns.md).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, User
from motcua.catalog.models import Field, Procedure
from motcua.core.errors import DomainError
from motcua.notifications.constants import Event, MessageChannel, MessageStatus
from motcua.notifications.models import OutboxMessage
from motcua.notifications.services import outbox_enqueue
from motcua.notifications.services.delivery import quiet_hours_end
from motcua.outreach.audience import (
    campaign_audience,
    campaign_message_for,
    channel_allows,
    consents_by_address,
    holdout_size,
)
from motcua.outreach.constants import CampaignStatus, RecipientGroup, RecipientState, SkipReason
from motcua.outreach.messages import text_problems
from motcua.outreach.models import Campaign, CampaignRecipient
from motcua.outreach.selectors import online_versions

logger = logging.getLogger(__name__)

THROTTLE_WINDOW = timedelta(minutes=1)


class CampaignStateError(DomainError):
    code = "campaign-state"
    status = 409


@dataclass(frozen=True)
class CampaignDraft:
    """What a leader writes on the campaign form."""

    name: str
    channel: str
    text: str
    applied_from: date
    applied_until: date
    subject: str = ""
    without_diacritics: bool = True
    procedure: Procedure | None = None
    field: Field | None = None
    holdout_percent: int = 0
    rate_per_minute: int = 30
    quiet_from: time = time(21, 0)
    quiet_until: time = time(7, 0)
    effect_days: int = 90


def _check(draft: CampaignDraft, agency: Agency) -> None:
    errors: dict[str, list[str]] = {}
    online = online_versions([agency.pk])
    if draft.procedure is not None and not online.filter(procedure=draft.procedure).exists():
        errors["procedure"] = [_("Choose a procedure of the agency that can be applied for online.")]
    if draft.field is not None and not online.filter(field=draft.field).exists():
        errors["field"] = [_("Choose a field with procedures of the agency that can be applied for online.")]
    problems = text_problems(draft.text)
    if problems:
        errors["text"] = problems
    if draft.applied_until < draft.applied_from:
        errors["applied_until"] = [_("The end of the period is before its start.")]
    if draft.applied_until > timezone.localdate():
        errors["applied_until"] = [_("The period cannot end in the future.")]
    if draft.channel == MessageChannel.EMAIL and not draft.subject.strip():
        errors["subject"] = [_("An e-mail needs a subject.")]
    if draft.channel not in MessageChannel.values:
        errors["channel"] = [_("Choose SMS or e-mail.")]
    if errors:
        raise DomainError(_("Some values are not valid: see the fields."), code="invalid", fields=errors)


@transaction.atomic
def campaign_save(*, agency: Agency, actor: User, draft: CampaignDraft, campaign: Campaign | None = None) -> Campaign:
    """Create a draft campaign, or change one that has not started."""
    _check(draft, agency if campaign is None else campaign.agency)
    if campaign is None:
        campaign = Campaign(agency=agency, created_by=actor)
    else:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.DRAFT:
            raise CampaignStateError(_("A campaign that has started cannot be changed."))
    for name, value in draft.__dict__.items():
        setattr(campaign, name, value)
    campaign.full_clean(exclude=["created_by", "agency"])
    campaign.save()
    return campaign


def _locked(campaign_id: int) -> Campaign:
    return Campaign.objects.select_for_update().select_related("agency").get(pk=campaign_id)


@transaction.atomic
def campaign_start(
    *, campaign_id: int, actor: User, now: datetime | None = None, rng: random.Random | None = None
) -> Campaign:
    """Write the campaign's recipients as counted now, draw the control group at random, and start sending."""
    now = now or timezone.now()
    campaign = _locked(campaign_id)
    if campaign.status != CampaignStatus.DRAFT:
        raise CampaignStateError(_("Only a draft campaign can be started."))
    people = campaign_audience(campaign).eligible
    if not people:
        raise DomainError(_("No one can receive this campaign: nobody eligible with a consent."), code="no-audience")
    held_out = set(
        (rng or random.SystemRandom()).sample(range(len(people)), holdout_size(len(people), campaign.holdout_percent))
    )
    CampaignRecipient.objects.bulk_create(
        [
            CampaignRecipient(
                campaign=campaign,
                address=person.address,
                user_id=person.user_id,
                consent_id=person.consent_id,
                procedure_code=person.procedure_code,
                procedure_name=person.procedure_name[:500],
                group=RecipientGroup.HOLDOUT if index in held_out else RecipientGroup.TARGET,
                state=RecipientState.HELD_OUT if index in held_out else RecipientState.WAITING,
            )
            for index, person in enumerate(people)
        ],
        batch_size=500,
    )
    campaign.status = CampaignStatus.RUNNING
    campaign.started_at = now
    campaign.started_by = actor
    campaign.save(update_fields=["status", "started_at", "started_by"])
    return campaign


def _recall_unsent(campaign: Campaign) -> int:
    """Take back the campaign's messages the outbox has not tried yet; their people wait again."""
    pending = OutboxMessage.objects.filter(
        key__in=campaign.recipients.filter(state=RecipientState.QUEUED).values("message_key"),
        status=MessageStatus.PENDING,
        attempts=0,
    )
    if connection.features.has_select_for_update_skip_locked:
        pending = pending.select_for_update(skip_locked=True)
    keys = list(pending.values_list("key", flat=True))
    if not keys:
        return 0
    OutboxMessage.objects.filter(key__in=keys, status=MessageStatus.PENDING, attempts=0).delete()
    return campaign.recipients.filter(message_key__in=keys, state=RecipientState.QUEUED).update(
        state=RecipientState.WAITING, queued_at=None
    )


@transaction.atomic
def campaign_pause(*, campaign_id: int, actor: User, now: datetime | None = None) -> Campaign:
    campaign = _locked(campaign_id)
    if campaign.status != CampaignStatus.RUNNING:
        raise CampaignStateError(_("Only a campaign that is sending can be paused."))
    _recall_unsent(campaign)
    campaign.status = CampaignStatus.PAUSED
    campaign.paused_at = now or timezone.now()
    campaign.save(update_fields=["status", "paused_at"])
    return campaign


@transaction.atomic
def campaign_resume(*, campaign_id: int, actor: User) -> Campaign:
    campaign = _locked(campaign_id)
    if campaign.status != CampaignStatus.PAUSED:
        raise CampaignStateError(_("Only a paused campaign can be resumed."))
    campaign.status = CampaignStatus.RUNNING
    campaign.paused_at = None
    campaign.save(update_fields=["status", "paused_at"])
    return campaign


@transaction.atomic
def campaign_cancel(*, campaign_id: int, actor: User, now: datetime | None = None) -> Campaign:
    """Stop for good: nothing more is queued, and what the outbox has not tried yet is taken back."""
    campaign = _locked(campaign_id)
    if campaign.status not in {CampaignStatus.DRAFT, CampaignStatus.RUNNING, CampaignStatus.PAUSED}:
        raise CampaignStateError(_("This campaign has already ended."))
    _recall_unsent(campaign)
    campaign.recipients.filter(state=RecipientState.WAITING).update(
        state=RecipientState.SKIPPED, skip_reason=SkipReason.CANCELLED
    )
    campaign.status = CampaignStatus.CANCELLED
    campaign.finished_at = now or timezone.now()
    campaign.save(update_fields=["status", "finished_at"])
    return campaign


def in_quiet_hours(moment: datetime, *, quiet_from: time, quiet_until: time) -> bool:
    """Whether local time `moment` falls in the quiet hours (21:00–07:00 wraps midnight; equal bounds: none)."""
    return quiet_hours_end(moment, quiet_from=quiet_from, quiet_until=quiet_until) is not None


def _still_allowed(campaign: Campaign, batch: list[CampaignRecipient]) -> dict[int, str]:
    """recipient id → why not to send now (consent withdrawn, channel switched off since the start)."""
    addresses = [r.address for r in batch]
    consents = consents_by_address(channel=campaign.channel, agency_id=campaign.agency_id, addresses=addresses)
    _, blocked = channel_allows(
        channel=campaign.channel, addresses=addresses, known_users={r.address: r.user_id for r in batch}
    )
    reasons: dict[int, str] = {}
    for recipient in batch:
        if recipient.address not in consents:
            reasons[recipient.pk] = SkipReason.CONSENT_WITHDRAWN
        elif recipient.address in blocked:
            reasons[recipient.pk] = SkipReason.CHANNEL_OFF
    return reasons


def _message(campaign: Campaign, recipient: CampaignRecipient, at: datetime, now: datetime) -> OutboxMessage:
    subject, body = campaign_message_for(campaign, token=recipient.token, procedure_name=recipient.procedure_name)
    return OutboxMessage(
        key=recipient.message_key,  # the recipient's own key: a second enqueue of them cannot be written
        channel=campaign.channel,
        event=Event.CAMPAIGN,
        agency_code=campaign.agency.code,
        recipient=recipient.address,
        language=settings.LANGUAGE_CODE,  # the text is written in the site's language
        subject=subject,
        body=body,
        next_attempt_at=at,
        created_at=now,
        quiet_from=campaign.quiet_from,  # the outbox keeps them for its retries too
        quiet_until=campaign.quiet_until,
    )


def campaign_send_slice(*, campaign_id: int, now: datetime | None = None) -> int:
    """Queue the campaign's next people into the outbox, within its rate and outside its quiet hours.

    The campaign row is locked for the slice (a second job skips it on PostgreSQL, waits on SQLite), each
    person is moved from waiting to queued by a conditional update, and the outbox row carries the
    person's own key: whatever runs twice, nobody is queued twice. Returns how many were queued.
    """
    now = now or timezone.now()
    with transaction.atomic():
        campaigns = Campaign.objects.select_for_update(
            skip_locked=connection.features.has_select_for_update_skip_locked
        ).select_related("agency")
        campaign = campaigns.filter(pk=campaign_id, status=CampaignStatus.RUNNING).first()
        if campaign is None:
            return 0
        waiting = campaign.recipients.filter(state=RecipientState.WAITING).order_by("id")
        if not waiting.exists():
            campaign.status = CampaignStatus.FINISHED
            campaign.finished_at = now
            campaign.save(update_fields=["status", "finished_at"])
            return 0
        quota = campaign.rate_per_minute - campaign.recipients.filter(queued_at__gt=now - THROTTLE_WINDOW).count()
        if quota <= 0:
            return 0
        spacing = THROTTLE_WINDOW / campaign.rate_per_minute  # spread the slice over the minute
        moments: list[datetime] = []
        for index in range(quota):
            moment = now + spacing * index
            if in_quiet_hours(moment, quiet_from=campaign.quiet_from, quiet_until=campaign.quiet_until):
                break
            moments.append(moment)
        if not moments:
            return 0
        batch = list(waiting[: len(moments)])
        reasons = _still_allowed(campaign, batch)
        for reason in set(reasons.values()):
            ids = [pk for pk, why in reasons.items() if why == reason]
            campaign.recipients.filter(pk__in=ids, state=RecipientState.WAITING).update(
                state=RecipientState.SKIPPED, skip_reason=reason
            )
        to_send = [r for r in batch if r.pk not in reasons]
        # A row already in the outbox under a person's key (it cannot be, unless a slice was cut short
        # between its two writes) marks them queued without a second message.
        written = set(
            OutboxMessage.objects.filter(key__in=[r.message_key for r in to_send]).values_list("key", flat=True)
        )
        messages: list[OutboxMessage] = []
        for recipient, moment in zip(to_send, moments, strict=False):
            took = campaign.recipients.filter(pk=recipient.pk, state=RecipientState.WAITING).update(
                state=RecipientState.QUEUED, queued_at=now
            )
            if took and recipient.message_key not in written:
                messages.append(_message(campaign, recipient, moment, now))
        outbox_enqueue(messages)
        return len(messages)


def campaigns_send_due(*, now: datetime | None = None) -> int:
    """The periodic job: a slice of every campaign that is sending. A failing campaign does not stop the others."""
    queued = 0
    running = Campaign.objects.filter(status=CampaignStatus.RUNNING).order_by("started_at", "id")
    for campaign_id in running.values_list("pk", flat=True):
        try:
            queued += campaign_send_slice(campaign_id=campaign_id, now=now)
        except Exception:
            logger.exception("campaign %s: sending a slice failed", campaign_id)
    return queued
