"""Two gateways, one after the other: when the first cannot take a message for a temporary reason
(down, overloaded, unreachable), the second is asked with the same idempotency key.

A permanent refusal (a wrong number, a refused text) is not retried elsewhere: the second gateway
would refuse it too. Residual risk, documented in ADR 0008: a first gateway that took the message
but timed out before answering, and a second that sends it again — the phone may then get it twice.
"""

from __future__ import annotations

from motcua.integrations.sms.base import SmsError, SmsGateway, SmsMessage, SmsReceipt


class FailoverSmsGateway:
    name = "failover"

    def __init__(self, primary: SmsGateway, secondary: SmsGateway) -> None:
        self.primary, self.secondary = primary, secondary

    @classmethod
    def from_settings(cls) -> SmsGateway:  # pragma: no cover - built by sms_gateway()
        raise NotImplementedError("FailoverSmsGateway is built by motcua.integrations.sms.sms_gateway()")

    def send(self, message: SmsMessage) -> SmsReceipt:
        try:
            return self.primary.send(message)
        except SmsError as exc:
            if not exc.temporary:
                raise
            try:
                return self.secondary.send(message)
            except SmsError as second:
                raise SmsError(f"{exc}; then {second}", temporary=second.temporary) from second
