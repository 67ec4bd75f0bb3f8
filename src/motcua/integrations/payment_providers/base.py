"""The payment port: send the applicant to pay, read the provider's signed answers, ask for a status.

Vietnamese gateways work by signed redirect and server notification: we redirect the browser to
the gateway with a signed order; the gateway sends the browser back (return) and calls our server
(notification, IPN), both signed; a query API answers for orders whose notification never came.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class PaymentOrder:
    reference: str  # ours, unique: the gateway's transaction reference
    amount: int  # đồng
    description: str
    return_url: str
    created_at: datetime
    client_ip: str


@dataclass(frozen=True)
class PaymentNotice:
    """What the provider says about one order (signature already checked)."""

    reference: str
    amount: int
    paid: bool
    transaction_id: str = ""
    code: str = ""  # the provider's own result code, kept for the record


class PaymentSignatureError(Exception):
    """A notice whose signature does not verify: forged or corrupted, never acted upon."""


class PaymentProviderError(Exception):
    """The provider could not be reached or answered something unreadable (retry later)."""


class PaymentProvider(Protocol):
    name: str

    @classmethod
    def from_settings(cls) -> PaymentProvider: ...

    def checkout_url(self, order: PaymentOrder) -> str:
        """Where to send the applicant's browser to pay."""
        ...

    def read_notice(self, params: Mapping[str, str]) -> PaymentNotice:
        """A return or a server notification, verified (PaymentSignatureError otherwise)."""
        ...

    def query(self, order: PaymentOrder) -> PaymentNotice | None:
        """The provider's status of an order (None: it has no result yet); for reconciliation."""
        ...

    def acknowledge(self, accepted: bool, reason: str) -> tuple[int, dict[str, str]]:
        """What to answer the provider's server notification: HTTP status and JSON body."""
        ...
