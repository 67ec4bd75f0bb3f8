"""A fake SMS gateway for development and tests: it records messages (and logs them, so that a
developer running `make run` reads the codes in the console) and fails when told to.

Refused in production by a system check (motcua.E002).
"""

from __future__ import annotations

import logging
from collections import deque
from typing import ClassVar

from motcua.integrations.sms.base import SmsError, SmsGateway, SmsMessage, SmsReceipt

logger = logging.getLogger(__name__)


class FakeSmsGateway:
    name = "fake"
    # The latest messages taken, oldest first (shared by the process; bounded for a long-running demo).
    sent: ClassVar[deque[SmsMessage]] = deque(maxlen=1000)
    failures: ClassVar[list[SmsError]] = []  # raised, one per send, before anything is recorded

    @classmethod
    def from_settings(cls) -> SmsGateway:
        return cls()

    @classmethod
    def reset(cls) -> None:
        cls.sent.clear()
        cls.failures.clear()

    def send(self, message: SmsMessage) -> SmsReceipt:
        if self.failures:
            raise self.failures.pop(0)
        for earlier in self.sent:
            if earlier.idempotency_key == message.idempotency_key:
                return SmsReceipt(gateway=self.name, message_id=earlier.idempotency_key)
        self.sent.append(message)
        # Development: the message is read in the server's log instead of on a phone.
        logger.warning("SMS not sent (fake gateway) to %s: %s", message.to, message.text)
        return SmsReceipt(gateway=self.name, message_id=message.idempotency_key)
