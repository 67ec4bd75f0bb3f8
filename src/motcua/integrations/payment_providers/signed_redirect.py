"""A signed-redirect payment gateway of the VNPay kind (`vnp_*` parameters, HMAC-SHA512).

Written from VNPay's published 2.1.0 integration guide (payment URL, return and IPN, `querydr`);
check it against the contracted provider's current specification and sandbox before going live.

- Checkout: the browser goes to `MOTCUA_PAYMENT_GATEWAY_URL?vnp_...&vnp_SecureHash=...`; the hash is
  HMAC-SHA512 with the merchant's secret over the parameters sorted by name, URL-encoded
  (`quote_plus`) and joined with `&`. Amounts are in đồng × 100.
- Return and IPN: the gateway signs its parameters the same way; we check the hash, then the
  reference and the amount against our order. `vnp_ResponseCode` and `vnp_TransactionStatus` "00"
  mean paid. The IPN is answered `{"RspCode": "00"|"01"|"02"|"04"|"97"|"99", "Message": ...}`.
- Query (`querydr`): a signed JSON POST to `MOTCUA_PAYMENT_QUERY_URL`, the hash over the fields
  joined with `|`; the answer is signed the same way and checked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from urllib.parse import quote_plus

from django.conf import settings
from django.utils import timezone

from motcua.integrations.payment_providers.base import (
    PaymentNotice,
    PaymentOrder,
    PaymentProvider,
    PaymentProviderError,
    PaymentSignatureError,
)

VERSION = "2.1.0"
QUERY_FIELDS = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
]
ANSWER_FIELDS = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
]


def canonical(params: Mapping[str, str]) -> str:
    """The signed text of a redirect or notice: sorted `name=value` (quote_plus), joined by `&`."""
    return "&".join(
        f"{name}={quote_plus(str(value))}"
        for name, value in sorted(params.items())
        if name not in ("vnp_SecureHash", "vnp_SecureHashType") and value != ""
    )


def sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def _stamp(moment: object) -> str:
    return timezone.localtime(moment).strftime("%Y%m%d%H%M%S")  # type: ignore[arg-type]


class SignedRedirectGateway:
    name = "gateway"

    def __init__(self, *, url: str, query_url: str, merchant: str, secret: str, timeout: float = 15.0) -> None:
        self.url, self.query_url, self.merchant, self.secret, self.timeout = url, query_url, merchant, secret, timeout

    @classmethod
    def from_settings(cls) -> PaymentProvider:
        return cls(
            url=settings.MOTCUA_PAYMENT_GATEWAY_URL,
            query_url=settings.MOTCUA_PAYMENT_QUERY_URL,
            merchant=settings.MOTCUA_PAYMENT_MERCHANT,
            secret=settings.MOTCUA_PAYMENT_SECRET,
        )

    def checkout_url(self, order: PaymentOrder) -> str:
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.merchant,
            "vnp_Amount": str(order.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": order.reference,
            "vnp_OrderInfo": order.description,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": order.return_url,
            "vnp_IpAddr": order.client_ip or "127.0.0.1",
            "vnp_CreateDate": _stamp(order.created_at),
        }
        text = canonical(params)
        return f"{self.url}?{text}&vnp_SecureHash={sign(self.secret, text)}"

    def read_notice(self, params: Mapping[str, str]) -> PaymentNotice:
        given = params.get("vnp_SecureHash", "").lower()
        if not given or not hmac.compare_digest(given, sign(self.secret, canonical(params))):
            raise PaymentSignatureError("the gateway's signature does not verify")
        if params.get("vnp_TmnCode") != self.merchant:
            raise PaymentSignatureError("a notice for another merchant")
        try:
            amount = int(params.get("vnp_Amount", "")) // 100
        except ValueError as exc:
            raise PaymentSignatureError("a notice without an amount") from exc
        code = params.get("vnp_ResponseCode", "")
        paid = code == "00" and params.get("vnp_TransactionStatus", "00") == "00"
        return PaymentNotice(
            reference=params.get("vnp_TxnRef", ""),
            amount=amount,
            paid=paid,
            transaction_id=params.get("vnp_TransactionNo", ""),
            code=code,
        )

    def query(self, order: PaymentOrder) -> PaymentNotice | None:
        request = {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.merchant,
            "vnp_TxnRef": order.reference,
            "vnp_TransactionDate": _stamp(order.created_at),
            "vnp_CreateDate": _stamp(timezone.now()),
            "vnp_IpAddr": "127.0.0.1",
            "vnp_OrderInfo": f"Kiem tra giao dich {order.reference}",
        }
        request["vnp_SecureHash"] = sign(self.secret, "|".join(request[f] for f in QUERY_FIELDS))
        if not self.query_url.startswith(("https://", "http://")):
            raise PaymentProviderError("MOTCUA_PAYMENT_QUERY_URL must be an http(s) address")
        http = urllib.request.Request(  # noqa: S310 (an http(s) address, checked above)
            self.query_url, data=json.dumps(request).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(http, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read())
        except (urllib.error.URLError, TimeoutError, OSError, json.JSONDecodeError) as exc:
            raise PaymentProviderError(f"payment gateway query failed: {exc}") from exc
        signed = "|".join(str(answer.get(f, "")) for f in ANSWER_FIELDS)
        if not hmac.compare_digest(str(answer.get("vnp_SecureHash", "")).lower(), sign(self.secret, signed)):
            raise PaymentProviderError("the gateway's query answer is not signed with our secret")
        if answer.get("vnp_ResponseCode") != "00":  # the gateway knows no result for this order (yet)
            return None
        status = str(answer.get("vnp_TransactionStatus", ""))
        if status == "01":  # not completed yet
            return None
        return PaymentNotice(
            reference=str(answer.get("vnp_TxnRef", "")),
            amount=int(answer.get("vnp_Amount", 0)) // 100,
            paid=status == "00",
            transaction_id=str(answer.get("vnp_TransactionNo", "")),
            code=status,
        )

    def acknowledge(self, accepted: bool, reason: str) -> tuple[int, dict[str, str]]:
        # The gateway reads the body; it wants HTTP 200 whatever the answer.
        codes = {
            "": "00",
            "unknown-order": "01",
            "already-confirmed": "02",
            "wrong-amount": "04",
            "bad-signature": "97",
        }
        code = codes.get("" if accepted else reason, "99")
        return 200, {"RspCode": code, "Message": "Confirm Success" if code == "00" else reason}
