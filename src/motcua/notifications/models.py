"""The outbox (messages to deliver, with their outcome), the templates they are written from, and
the applicant's choices."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.notifications.constants import DeliveryReport, Event, MessageChannel, MessageStatus


class OutboxMessage(models.Model):
    """One message to one address, written in the transaction of the change that causes it.

    A worker claims it (`claim_token`, `lease_until`), sends it with `idempotency_key`, and records
    the outcome. A claim whose lease ran out (a worker killed mid-batch) is swept back to pending.
    """

    key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    event = models.CharField(_("event"), max_length=40, blank=True)
    agency_code = models.CharField(_("agency"), max_length=64, blank=True)
    dossier_code = models.CharField(_("dossier code"), max_length=64, blank=True, db_index=True)
    recipient = models.CharField(_("to"), max_length=255)
    language = models.CharField(_("language"), max_length=8, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claim_token = models.CharField(_("claimed by"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    lease_until = models.DateTimeField(_("claim lease until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    gateway = models.CharField(_("gateway"), max_length=40, blank=True)
    gateway_message_id = models.CharField(_("gateway's message id"), max_length=128, blank=True)
    delivery_report = models.CharField(
        _("delivery report"), max_length=12, choices=DeliveryReport.choices, blank=True, default=""
    )
    delivery_reported_at = models.DateTimeField(_("delivery reported at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Not delivered between these local times (campaigns' quiet hours), retries included: a message due
    # inside them waits for their end. Empty: any hour (the notices the law requires).
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet hours until"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "agency_code", "next_attempt_at"], name="outbox_due_by_agency"),
            models.Index(fields=["status", "lease_until"], name="outbox_leases"),
            models.Index(fields=["agency_code", "claimed_at"], name="outbox_agency_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient} ({self.get_status_display()})"

    @property
    def idempotency_key(self) -> str:
        return f"motcua-{self.key}"

    @property
    def not_delivered(self) -> bool:
        return self.status == MessageStatus.FAILED or self.delivery_report == DeliveryReport.UNDELIVERED


class NotificationTemplate(models.Model):
    """The words of one event on one channel in one language; Django template syntax (see the admin)."""

    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject (e-mail)"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    without_diacritics = models.BooleanField(
        _("send SMS without diacritics"),
        default=True,
        help_text=_("Vietnamese diacritics force UCS-2: 70 characters a segment instead of 160."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "language"], name="notification_template_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} · {self.get_channel_display()} · {self.language}"


class NotificationPreference(models.Model):
    """How an applicant wants to hear from us. Notices the law requires still reach one channel."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    by_email = models.BooleanField(_("by e-mail"), default=True)
    by_sms = models.BooleanField(_("by SMS"), default=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
