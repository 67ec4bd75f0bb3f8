"""Outreach: consent to hear about online services, campaigns that invite people who applied in person
to apply online next time, and each campaign's recipients (with their tracked link and its clicks)."""

from __future__ import annotations

import secrets
import string
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.notifications.constants import MessageChannel
from motcua.outreach.constants import (
    CampaignStatus,
    ConsentSource,
    RecipientGroup,
    RecipientState,
    SkipReason,
    WithdrawalRoute,
)

TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 10  # 62^10 ≈ 8·10^17: not guessable, short enough for an SMS


def new_link_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def _default_quiet_from() -> object:
    return settings.MOTCUA_CAMPAIGN_QUIET_FROM


def _default_quiet_until() -> object:
    return settings.MOTCUA_CAMPAIGN_QUIET_UNTIL


def _default_rate() -> int:
    return int(settings.MOTCUA_CAMPAIGN_RATE_PER_MINUTE)


def _default_effect_days() -> int:
    return int(settings.MOTCUA_CAMPAIGN_EFFECT_DAYS)


class OutreachConsent(models.Model):
    """A person agreed to receive information about online services, by phone and/or e-mail.

    Given at the desk (for the agency of the dossier received) or on the account page (for every
    agency: `agency` empty). Withdrawn from any campaign message's link or from the account page; a
    withdrawn consent is kept as the record of both moments.
    """

    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every agency (given on the applicant's account page)."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant's account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_consents",
    )
    source = models.CharField(_("given where"), max_length=10, choices=ConsentSource.choices)
    dossier_code = models.CharField(_("dossier received when it was given"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_via = models.CharField(_("withdrawn how"), max_length=10, choices=WithdrawalRoute.choices, blank=True)

    class Meta:
        verbose_name = _("consent to outreach")
        verbose_name_plural = _("consents to outreach")
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="outreach_consent_has_an_address"),
        ]

    def __str__(self) -> str:
        return f"{self.phone or self.email} · {self.get_source_display()}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Campaign(models.Model):
    """A message inviting people who applied in person (with consent) to apply online next time."""

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField(_("campaign name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    subject = models.CharField(_("subject (e-mail)"), max_length=200, blank=True)
    text = models.TextField(_("message text"))
    without_diacritics = models.BooleanField(
        _("send SMS without diacritics"),
        default=True,
        help_text=_("Vietnamese diacritics force UCS-2: 70 characters a segment instead of 160."),
    )
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("people who applied for this procedure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    field = models.ForeignKey(
        "catalog.Field",
        verbose_name=_("people who applied in this field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_from = models.DateField(_("applied in person from"))
    applied_until = models.DateField(_("applied in person until"))
    holdout_percent = models.PositiveSmallIntegerField(
        _("control group, percent of the eligible people"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_("Chosen at random and sent nothing, to measure the campaign's effect. 0: no control group."),
    )
    rate_per_minute = models.PositiveIntegerField(
        _("messages per minute"), default=_default_rate, validators=[MinValueValidator(1)]
    )
    quiet_from = models.TimeField(_("quiet hours from"), default=_default_quiet_from)
    quiet_until = models.TimeField(_("quiet hours until"), default=_default_quiet_until)
    effect_days = models.PositiveSmallIntegerField(
        _("online applications counted within (days)"),
        default=_default_effect_days,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("campaign created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("campaign started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("campaign paused at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished or cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outreach campaign")
        verbose_name_plural = _("outreach campaigns")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="campaign_status")]

    def __str__(self) -> str:
        return self.name


class CampaignRecipient(models.Model):
    """One person (one address) of a started campaign: sent the message, or held out.

    Unique per campaign and address: nobody gets a campaign's message twice. `message_key` becomes the
    outbox row's key (its idempotency key), so a second enqueue of the same person cannot be written.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    address = models.CharField(_("phone or e-mail"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent = models.ForeignKey(OutreachConsent, on_delete=models.PROTECT, related_name="recipients")
    procedure_code = models.CharField(_("procedure applied for in person"), max_length=16, blank=True)
    procedure_name = models.CharField(_("procedure name"), max_length=500, blank=True)
    group = models.CharField(_("recipient group"), max_length=10, choices=RecipientGroup.choices)
    state = models.CharField(_("state"), max_length=10, choices=RecipientState.choices)
    skip_reason = models.CharField(_("why not sent"), max_length=20, choices=SkipReason.choices, blank=True, default="")
    token = models.CharField(_("link token"), max_length=16, unique=True, default=new_link_token)
    message_key = models.UUIDField(_("outbox key"), unique=True, default=uuid.uuid4)
    queued_at = models.DateTimeField(_("handed to the outbox at"), null=True, blank=True)
    first_clicked_at = models.DateTimeField(_("first click at"), null=True, blank=True)
    clicks = models.PositiveIntegerField(_("link clicks"), default=0)
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "address"], name="campaign_recipient_once"),
        ]
        indexes = [
            models.Index(fields=["campaign", "state", "id"], name="campaign_recipient_next"),
            models.Index(fields=["campaign", "queued_at"], name="campaign_recipient_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.address}"
