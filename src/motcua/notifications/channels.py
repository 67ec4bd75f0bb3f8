"""The two channels of the outbox: e-mail through Django's mail backend (SMTP in production) and SMS
through the gateway port (`motcua.integrations.sms`). Each send carries the row's idempotency key."""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from motcua.integrations.sms import sms_gateway
from motcua.integrations.sms.base import SmsError, SmsGateway, SmsMessage
from motcua.notifications.constants import MessageChannel
from motcua.notifications.models import OutboxMessage


class ChannelError(Exception):
    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclass(frozen=True)
class Receipt:
    gateway: str
    message_id: str


def _mail_domain() -> str:
    sender = str(settings.DEFAULT_FROM_EMAIL)
    return sender.rsplit("@", 1)[-1].strip(" >") or "motcua.invalid"


class Channels:
    """Opened once per batch: one SMTP connection and one gateway object for all its messages."""

    def __init__(self) -> None:
        self._mail: Any = None
        self._sms: SmsGateway | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._drop_mail()

    def send(self, message: OutboxMessage) -> Receipt:
        if message.channel == MessageChannel.SMS:
            return self._send_sms(message)
        if message.channel == MessageChannel.EMAIL:
            return self._send_email(message)
        raise ChannelError(f"unknown channel {message.channel!r}", temporary=False)

    def _send_sms(self, message: OutboxMessage) -> Receipt:
        if self._sms is None:
            self._sms = sms_gateway()
        try:
            receipt = self._sms.send(
                SmsMessage(to=message.recipient, text=message.body, idempotency_key=message.idempotency_key)
            )
        except SmsError as exc:
            raise ChannelError(str(exc), temporary=exc.temporary) from exc
        return Receipt(gateway=receipt.gateway, message_id=receipt.message_id)

    def _send_email(self, message: OutboxMessage) -> Receipt:
        message_id = f"<{message.idempotency_key}@{_mail_domain()}>"
        try:
            if self._mail is None:
                self._mail = get_connection(fail_silently=False)
                self._mail.open()
            EmailMessage(
                subject=message.subject,
                body=message.body,
                to=[message.recipient],
                headers={"Message-ID": message_id, "X-MotCua-Idempotency-Key": message.idempotency_key},
                connection=self._mail,
            ).send()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            temporary = all(400 <= code < 500 for code in codes)
            raise ChannelError(f"recipient refused: {exc.recipients}", temporary=temporary) from exc
        except smtplib.SMTPResponseException as exc:
            self._drop_mail()
            raise ChannelError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", temporary=exc.smtp_code < 500) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self._drop_mail()
            raise ChannelError(f"SMTP unreachable: {exc}", temporary=True) from exc
        return Receipt(gateway="smtp", message_id=message_id)

    def _drop_mail(self) -> None:
        if self._mail is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self._mail.close()
            self._mail = None
