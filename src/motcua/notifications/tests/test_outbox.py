"""The outbox in one process: written with the change, claimed once, retried with backoff, recorded."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from django.core.mail.backends.smtp import EmailBackend  # noqa: F401 (the backend under test)
from django.db import transaction
from django.template import Context, Template
from django.utils import timezone

from motcua.integrations.sms.base import SmsError, sms_segments, without_diacritics
from motcua.integrations.sms.fake import FakeSmsGateway
from motcua.notifications.constants import REQUIRED_EVENTS, DeliveryReport, Event, MessageChannel, MessageStatus
from motcua.notifications.models import NotificationPreference, NotificationTemplate, OutboxMessage
from motcua.notifications.rendering import VARIABLES, preview
from motcua.notifications.services import DossierNotice, notify_dossier_event, outbox_enqueue
from motcua.notifications.services.delivery import outbox_claim, outbox_deliver_due, outbox_sweep, retry_delay

pytestmark = pytest.mark.django_db


def sms(n: int = 1, agency: str = "AG", **extra) -> list[OutboxMessage]:
    return outbox_enqueue(
        [
            OutboxMessage(channel=MessageChannel.SMS, agency_code=agency, recipient=f"+8490{i:07d}", body="x", **extra)
            for i in range(n)
        ]
    )


@pytest.fixture(autouse=True)
def _fake_sms():
    FakeSmsGateway.reset()
    yield
    FakeSmsGateway.reset()


def test_a_message_is_written_with_its_change_and_vanishes_with_a_rollback():
    with pytest.raises(RuntimeError), transaction.atomic():
        sms(2)
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_each_row_is_claimed_once_and_carries_its_own_idempotency_key():
    sms(5)
    now = timezone.now()
    first = outbox_claim(now=now, batch=3, token="a")
    second = outbox_claim(now=now, batch=10, token="b")
    assert len(first) == 3 and len(second) == 2
    assert not {m.pk for m in first} & {m.pk for m in second}
    assert outbox_claim(now=now, batch=10, token="c") == []
    keys = {m.idempotency_key for m in first + second}
    assert len(keys) == 5 and all(k.startswith("motcua-") for k in keys)


def test_one_agencys_burst_does_not_starve_the_others():
    sms(500, agency="BIG")
    sms(3, agency="SMALL")
    claimed = outbox_claim(now=timezone.now(), batch=100, token="t")
    assert sum(m.agency_code == "SMALL" for m in claimed) == 3
    assert sum(m.agency_code == "BIG" for m in claimed) == 50


def test_an_agency_rate_limit_caps_what_it_sends_each_second(settings):
    settings.MOTCUA_OUTBOX_AGENCY_RATE = 20
    sms(100, agency="BIG")
    now = timezone.now()
    assert len(outbox_claim(now=now, batch=100, token="a")) == 20
    assert outbox_claim(now=now, batch=100, token="b") == []
    assert len(outbox_claim(now=now + timedelta(seconds=2), batch=100, token="c")) == 20


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.MOTCUA_OUTBOX_RETRY_BASE_SECONDS = 10
    settings.MOTCUA_OUTBOX_RETRY_MAX_SECONDS = 600
    for attempts, top in [(1, 10), (2, 20), (3, 40), (10, 600)]:
        delays = {retry_delay(attempts).total_seconds() for _ in range(20)}
        assert all(top / 2 <= d <= top for d in delays) and len(delays) > 1


def test_a_dead_workers_claims_go_back_after_their_lease(settings):
    settings.MOTCUA_OUTBOX_LEASE_SECONDS = 60
    sms(2)
    now = timezone.now()
    outbox_claim(now=now, batch=10, token="dead")
    assert outbox_sweep(now=now + timedelta(seconds=30)) == 0
    assert outbox_sweep(now=now + timedelta(seconds=61)) == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.PENDING}
    stats = outbox_deliver_due(now=now + timedelta(seconds=61))
    assert stats.sent == 2 and len(FakeSmsGateway.sent) == 2


def test_a_late_outcome_of_a_lost_claim_does_not_overwrite_the_new_holder():
    from motcua.notifications.services.delivery import _record

    (message,) = sms(1)
    claimed = outbox_claim(now=timezone.now(), batch=1, token="old")
    OutboxMessage.objects.filter(pk=message.pk).update(claim_token="new")
    _record(claimed[0], "old", status=MessageStatus.FAILED)
    assert OutboxMessage.objects.get().status == MessageStatus.SENDING


def test_temporary_failures_retry_then_a_permanent_one_is_not_delivered():
    sms(1)
    FakeSmsGateway.failures.extend([SmsError("busy", temporary=True)])
    now = timezone.now()
    assert outbox_deliver_due(now=now).retried == 1
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.PENDING, 1, "busy")
    assert row.next_attempt_at > now
    assert outbox_deliver_due(now=now).claimed == 0  # not due yet
    FakeSmsGateway.failures.extend([SmsError("no such number", temporary=False)])
    assert outbox_deliver_due(now=now + timedelta(hours=1)).failed == 1
    row.refresh_from_db()
    assert row.status == MessageStatus.FAILED and row.not_delivered


def local(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2027, 6, day, hour, minute, second, tzinfo=timezone.get_default_timezone())  # after "now"


def test_a_message_with_quiet_hours_waits_for_their_end_and_is_not_charged_an_attempt():
    night = {"quiet_from": time(21), "quiet_until": time(7)}
    (campaign,) = sms(1, event=Event.CAMPAIGN, **night)
    outbox_enqueue(
        [OutboxMessage(channel=MessageChannel.SMS, agency_code="AG", recipient="+84901234567", body="required")]
    )
    stats = outbox_deliver_due(now=local(10, 22, 30))
    assert (stats.sent, stats.deferred) == (1, 1)  # the required notice goes at any hour
    campaign.refresh_from_db()
    assert (campaign.status, campaign.attempts) == (MessageStatus.PENDING, 0)
    assert campaign.next_attempt_at == local(11, 7)  # the next morning
    assert [m.text for m in FakeSmsGateway.sent] == ["required"]
    assert outbox_deliver_due(now=local(11, 7)).sent == 1


def test_a_retry_that_would_fall_in_quiet_hours_waits_for_their_end():
    sms(1, quiet_from=time(21), quiet_until=time(7))
    FakeSmsGateway.failures.append(SmsError("busy", temporary=True))
    assert outbox_deliver_due(now=local(10, 20, 59, 59)).retried == 1  # a 10 s backoff would end at 21:00:09
    assert OutboxMessage.objects.get().next_attempt_at == local(11, 7)


def test_the_retries_give_up_after_the_maximum(settings):
    settings.MOTCUA_OUTBOX_MAX_ATTEMPTS = 2
    sms(1)
    now = timezone.now()
    for step in range(2):
        FakeSmsGateway.failures.append(SmsError("down", temporary=True))
        outbox_deliver_due(now=now + timedelta(days=step))
    assert OutboxMessage.objects.get().status == MessageStatus.FAILED


def test_healthz_shows_the_backlog(client):
    sms(3)
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(hours=2))
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["worker"] in {"ok", "stale"}
    assert body["outbox"]["pending"] == 3 and body["outbox"]["oldest_seconds"] > 3600


def test_sms_segments_count_gsm7_and_ucs2():
    assert sms_segments("a" * 160).segments == 1 and sms_segments("a" * 161).segments == 2
    assert sms_segments("a" * 306).segments == 2 and sms_segments("a" * 307).segments == 3
    vietnamese = "Hồ sơ của ông đã được tiếp nhận"
    assert sms_segments(vietnamese).encoding == "UCS-2"
    assert sms_segments("ồ" * 70).segments == 1 and sms_segments("ồ" * 71).segments == 2
    plain = sms_segments(without_diacritics(vietnamese))
    assert plain.encoding == "GSM-7" and plain.segments == 1
    assert sms_segments("{}").characters == 4  # extension characters count twice


def test_the_seeded_templates_render_in_both_languages_with_a_segment_count():
    assert NotificationTemplate.objects.count() == len(REQUIRED_EVENTS) * 2 * 2  # campaigns carry their own text
    for template in NotificationTemplate.objects.all():
        shown = preview(template, VARIABLES)
        assert not shown.error and VARIABLES["code"] in shown.body + shown.subject, template
        if template.channel == MessageChannel.SMS:
            assert shown.segments is not None and shown.segments.encoding == "GSM-7"  # sent without diacritics
        else:
            assert VARIABLES["agency"] in shown.body and VARIABLES["return_at"] in shown.body


def test_the_admin_previews_a_template(admin_client):
    template = NotificationTemplate.objects.get(event=Event.STATUS_CHANGED, channel=MessageChannel.SMS, language="vi")
    page = admin_client.get(f"/admin/notifications/notificationtemplate/{template.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "GSM-7" in html and "tin SMS" in html, html[html.find("readonly") :][:600]  # the admin reads Vietnamese


def notice(**extra) -> DossierNotice:
    values = {
        "event": Event.STATUS_CHANGED,
        "dossier_code": "H13-1",
        "agency_code": "AG",
        "phone": "+84931015119",
        "email": "an@example.vn",
        "context": {"status": "Đã tiếp nhận", "agency": "Sở VHTTDL", "officer": "Bình"},
        **extra,
    }
    return DossierNotice(**values)


def test_the_applicants_choice_of_channels_and_language(django_user_model):
    user = django_user_model.objects.create_user(username="an", password="x" * 12)
    sent = notify_dossier_event(notice(user_id=user.pk))
    assert {m.channel for m in sent} == {"sms", "email"} and {m.language for m in sent} == {"vi"}
    NotificationPreference.objects.create(user=user, by_sms=False, by_email=True, language="en")
    sent = notify_dossier_event(notice(user_id=user.pk))
    assert [(m.channel, m.language) for m in sent] == [("email", "en")]
    assert sent[0].subject.startswith("[H13-1]") and "Dear" in sent[0].body


def test_a_required_notice_cannot_be_switched_off(django_user_model):
    user = django_user_model.objects.create_user(username="an", password="x" * 12)
    NotificationPreference.objects.create(user=user, by_sms=False, by_email=False)
    assert {m.channel for m in notify_dossier_event(notice(user_id=user.pk))} == {"sms", "email"}


def test_gateway_delivery_reports_need_the_shared_secret(client, settings):
    settings.MOTCUA_SMS_CALLBACK_SECRET = "s3cret"
    (message,) = sms(1)
    url = "/thong-bao/sms/trang-thai/"
    body = json.dumps({"request_id": message.idempotency_key, "status": "failed", "error": "handset off"})
    assert client.post(url, body, content_type="application/json", HTTP_X_MOTCUA_SECRET="no").status_code == 403
    response = client.post(url, body, content_type="application/json", HTTP_X_MOTCUA_SECRET="s3cret")
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.delivery_report == DeliveryReport.UNDELIVERED and message.not_delivered
    unknown = json.dumps({"request_id": "motcua-00000000-0000-0000-0000-000000000000", "status": "delivered"})
    assert client.post(url, unknown, content_type="application/json", HTTP_X_MOTCUA_SECRET="s3cret").status_code == 404
    settings.MOTCUA_SMS_CALLBACK_SECRET = ""
    assert client.post(url, body, content_type="application/json").status_code == 404


def test_the_desk_block_names_what_was_not_delivered():
    sms(1, dossier_code="H13-9", status=MessageStatus.FAILED, last_error="number not in service")
    sms(1, dossier_code="H13-9")
    html = Template("{% load notifications %}{% undelivered_notices code %}").render(Context({"code": "H13-9"}))
    assert "not delivered" in html and "+84900000000" in html and "number not in service" in html
    assert Template("{% load notifications %}{% undelivered_notices 'X' %}").render(Context()).strip() == ""
