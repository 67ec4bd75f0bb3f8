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


# The GSM 03.38 default alphabet (one septet each) and its extension table (two septets each: ESC + char).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsSegments:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def sms_segments(text: str) -> SmsSegments:
    """How many SMS segments `text` costs: GSM-7 160 (153 when concatenated), else UCS-2 70 (67)."""
    if all(char in _GSM7_BASIC or char in _GSM7_EXTENSION for char in text):
        units = sum(2 if char in _GSM7_EXTENSION else 1 for char in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units <= single:
        return SmsSegments(encoding=encoding, characters=units, segments=1 if units else 0)
    return SmsSegments(encoding=encoding, characters=units, segments=-(-units // multi))
