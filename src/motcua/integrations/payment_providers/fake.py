"""A fake payment provider for development and demos: a page of our own where the "payment"
succeeds, is declined or errs, as the person chooses. Its notices carry an HMAC made with the
site's secret key so that they cannot be forged from outside. Refused in production (motcua.E002).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from motcua.integrations.payment_providers.base import (
    PaymentNotice,
    PaymentOrder,
    PaymentProvider,
    PaymentSignatureError,
)

OUTCOMES = ("paid", "declined", "error")


def _signature(reference: str, amount: str, outcome: str) -> str:
    message = f"fake-payment|{reference}|{amount}|{outcome}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def fake_notice_params(reference: str, amount: int, outcome: str) -> dict[str, str]:
    """What the fake provider's page sends back for `outcome` (paid, declined, error)."""
    return {
        "reference": reference,
        "amount": str(amount),
        "outcome": outcome,
        "signature": _signature(reference, str(amount), outcome),
    }


class FakePaymentProvider:
    name = "fake"

    @classmethod
    def from_settings(cls) -> PaymentProvider:
        return cls()

    def checkout_url(self, order: PaymentOrder) -> str:
        query = urlencode({"amount": order.amount, "next": order.return_url})
        return f"{reverse('payments:fake-checkout', args=[order.reference])}?{query}"

    def read_notice(self, params: Mapping[str, str]) -> PaymentNotice:
        reference, amount, outcome = (params.get(k, "") for k in ("reference", "amount", "outcome"))
        if outcome not in OUTCOMES or not hmac.compare_digest(
            params.get("signature", ""), _signature(reference, amount, outcome)
        ):
            raise PaymentSignatureError("fake notice with a wrong signature")
        return PaymentNotice(
            reference=reference,
            amount=int(amount),
            paid=outcome == "paid",
            code=outcome,
            transaction_id=f"FAKE-{reference}" if outcome == "paid" else "",
        )

    def query(self, order: PaymentOrder) -> PaymentNotice | None:
        return None  # the fake knows only what its page sent

    def acknowledge(self, accepted: bool, reason: str) -> tuple[int, dict[str, str]]:
        return (200 if accepted else 400), {"result": "ok" if accepted else reason}
