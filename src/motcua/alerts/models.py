"""One row per alert sent (or found empty) to one official: the idempotency of the staff alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    DIGEST = "digest", _("Daily digest")
    ESCALATION = "escalation", _("Overdue dossier escalated")
    WEEKLY_REPORT = "weekly_report", _("Weekly administrative-reform report")


class StaffAlert(models.Model):
    """What one official was told, once: `key` names the day or week, the official and the dossier.

    A digest with nothing to say is recorded too (without a message), so that the day's later runs
    pass over that official at once.
    """

    key = models.CharField(_("key"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    period = models.CharField(_("day or week"), max_length=16)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("official"), on_delete=models.CASCADE, related_name="+"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message_key = models.UUIDField(_("outbox message"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("staff alert")
        verbose_name_plural = _("staff alerts")
        indexes = [models.Index(fields=["kind", "period"], name="alerts_kind_period")]

    def __str__(self) -> str:
        return self.key
