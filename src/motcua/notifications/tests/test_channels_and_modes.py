"""Channels against real loopback servers (SMTP, HTTP SMS gateways), and the done-when outage test in
both modes: a gateway down for five minutes (simulated clock) loses nothing; a refused address is
"not delivered" on the desk."""

from __future__ import annotations

import socket
import subprocess
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from django.template import Context, Template
from django.utils import timezone

from motcua.core.testing.loopback import LoopbackServer
from motcua.notifications.constants import MessageChannel, MessageStatus
from motcua.notifications.dispatch import DELIVER_TASK
from motcua.notifications.models import OutboxMessage
from motcua.notifications.services import outbox_enqueue
from motcua.notifications.services.delivery import outbox_deliver_due
from motcua.notifications.tests.conftest import (
    REDIS_URL,
    ROOT,
    GatewayState,
    celery_command,
    celery_env,
    gateway_handler,
    worker_env,
)

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    def __init__(self) -> None:
        self.received: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield mailbox
    controller.stop()


def email(to: str, **extra) -> OutboxMessage:
    (row,) = outbox_enqueue(
        [
            OutboxMessage(
                channel=MessageChannel.EMAIL, recipient=to, subject="[H13-1] Đã tiếp nhận", body="Kính gửi", **extra
            )
        ]
    )
    return row


def test_email_goes_through_smtp_with_its_idempotency_key_and_a_refusal_is_final(smtp):
    sent = email("an@example.vn")
    email("gone@example.vn", dossier_code="H13-2")
    stats = outbox_deliver_due()
    assert (stats.sent, stats.failed) == (1, 1)
    (received,) = smtp.received
    assert received["X-MotCua-Idempotency-Key"] == sent.idempotency_key
    assert sent.idempotency_key in received["Message-ID"] and received["To"] == "an@example.vn"
    assert OutboxMessage.objects.get(recipient="gone@example.vn").status == MessageStatus.FAILED


def test_email_retries_while_the_smtp_server_is_unreachable(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", _free_port(), False
    email("an@example.vn")
    assert outbox_deliver_due().retried == 1
    assert OutboxMessage.objects.get().status == MessageStatus.PENDING


def sms_rows(count: int, **extra) -> list[OutboxMessage]:
    return outbox_enqueue(
        [
            OutboxMessage(channel=MessageChannel.SMS, recipient=f"+8491{i:07d}", body=f"Ho so {i}", **extra)
            for i in range(count)
        ]
    )


def test_the_http_gateway_fails_over_to_the_second_one(settings, http_sms):
    http_sms.down = True
    second = GatewayState()
    with LoopbackServer(gateway_handler(second)) as backup:
        settings.MOTCUA_SMS_FAILOVER_GATEWAY, settings.MOTCUA_SMS_FAILOVER_URL = "http", backup.url
        sms_rows(3)
        assert outbox_deliver_due().sent == 3
    assert len(second.delivered) == 3 and not http_sms.delivered
    assert set(OutboxMessage.objects.values_list("gateway", flat=True)) == {"http-failover"}


@pytest.fixture(params=["embedded", "celery"])
def deliver(request, settings, gateway):
    """A function that drains the outbox at a simulated moment: in this process (what the embedded
    worker runs each tick), or through a Celery worker on Redis (the moment travels in the task)."""
    url, state = gateway
    settings.MOTCUA_SMS_GATEWAY, settings.MOTCUA_SMS_URL = "http", url
    if request.param == "embedded":
        yield lambda now: outbox_deliver_due(now=now).as_dict(), state
        return
    queue = request.getfixturevalue("celery_queue")
    env = celery_env(worker_env(request.getfixturevalue("shared_db"), url), queue)
    worker = subprocess.Popen(celery_command(queue), cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    client = Celery(broker=REDIS_URL, backend=REDIS_URL)
    try:
        # Generous: the worker process may still be starting under a loaded machine (not a speed check).
        yield lambda now: client.send_task(DELIVER_TASK, kwargs={"now": now.isoformat()}, queue=queue).get(180), state
    finally:
        worker.terminate()
        worker.wait(10)


@pytest.mark.django_db(transaction=True)  # the Celery worker reads the rows from another process
def test_a_gateway_down_for_five_minutes_loses_nothing_and_a_refused_number_is_not_delivered(deliver):
    drain, state = deliver
    keys = {row.idempotency_key for row in sms_rows(20, agency_code="AG")}
    outbox_enqueue(
        [OutboxMessage(channel=MessageChannel.SMS, recipient="+84999999999", body="x", dossier_code="H13-7")]
    )
    state.down = True
    state.refused_numbers.add("+84999999999")
    start = timezone.now()
    # Twenty simulated minutes, a worker tick every fifteen seconds: down for the first five, then the
    # backoff (10 s doubling, with jitter) brings every message back within its next delay (≤ 320 s).
    for second in range(0, 20 * 60 + 1, 15):
        if second >= 5 * 60:
            state.down = False
        drain(start + timedelta(seconds=second))
    assert set(state.delivered) == keys and state.duplicates_at_wire == 0
    sent = OutboxMessage.objects.filter(status=MessageStatus.SENT)
    assert sent.count() == 20 and min(sent.values_list("attempts", flat=True)) > 3  # retried through the outage
    refused = OutboxMessage.objects.get(recipient="+84999999999")
    assert refused.status == MessageStatus.FAILED and "400" in refused.last_error
    desk = Template("{% load notifications %}{% undelivered_notices 'H13-7' %}").render(Context())
    assert "not delivered" in desk and "+84999999999" in desk
