"""Fees paid for a dossier: online through a provider, or in cash at the desk."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.payments.constants import PaymentMethod, PaymentStatus


def new_reference() -> str:
    """Our reference of a payment, unique, sent to the provider: MC + 14 characters without look-alikes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "MC" + "".join(secrets.choice(alphabet) for _ in range(14))


class Payment(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(_("reference"), max_length=32, unique=True, default=new_reference)
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0)
    description = models.CharField(_("for"), max_length=255)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    provider = models.CharField(_("provider"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    created_at = models.DateTimeField(_("started at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    transaction_id = models.CharField(_("provider's transaction"), max_length=64, blank=True)
    result_code = models.CharField(_("provider's result code"), max_length=16, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("last checked with the provider"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="payment_pending")]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount:,} đ ({self.get_status_display()})"
