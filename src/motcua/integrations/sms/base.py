"""The SMS port: send one text to one Vietnamese mobile number, once per idempotency key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from unidecode import unidecode


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164, e.g. +84907111222
    text: str
    idempotency_key: str  # from our own row: the gateway must not send twice for one key


@dataclass(frozen=True)
class SmsReceipt:
    gateway: str
    message_id: str


class SmsError(Exception):
    """The gateway did not take the message. `temporary`: worth retrying later."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


class SmsGateway(Protocol):
    name: str

    @classmethod
    def from_settings(cls) -> SmsGateway: ...

    def send(self, message: SmsMessage) -> SmsReceipt: ...


def without_diacritics(text: str) -> str:
    """Vietnamese text in plain GSM letters: diacritics force UCS-2, 70 characters a segment instead of 160."""
    return unidecode(text)
