"""The sync state of one dossier: what we want the portal to have, and what it last acknowledged."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SyncStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be pushed")
    SYNCED = "synced", _("Acknowledged by the portal")
    FAILED = "failed", _("Refused or given up")


class NationalSync(models.Model):
    """One row per dossier ever considered. `state`/`state_hash`/`key`: the record of the dossier as
    we last computed it and its idempotency key (the same state always has the same key, and a
    retry carries it); `acknowledged_*`: the record the portal last took."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="national_sync",
    )
    state = models.JSONField(_("state to push"), default=dict)
    state_hash = models.CharField(_("state hash"), max_length=64)
    key = models.CharField(_("idempotency key"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=SyncStatus.choices, default=SyncStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("state computed at"))
    acknowledged_state = models.JSONField(_("state acknowledged"), null=True, blank=True)
    acknowledged_hash = models.CharField(_("acknowledged hash"), max_length=64, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    first_acknowledged_at = models.DateTimeField(_("first acknowledged at"), null=True, blank=True)
    receipt_id = models.CharField(_("portal's receipt"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("national portal sync")
        verbose_name_plural = _("national portal sync")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="national_sync_due")]

    def __str__(self) -> str:
        return f"{self.state.get('code', self.pk)}: {self.get_status_display()}"

    @property
    def in_sync(self) -> bool:
        return self.status == SyncStatus.SYNCED and self.acknowledged_hash == self.state_hash
