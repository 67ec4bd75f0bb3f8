"""Sending a campaign: the start writes everyone once (and the control group at random), the job queues
slices through the outbox at the campaign's rate, never in quiet hours, never twice to anyone, and
respects consent withdrawn and channels switched off since the start. The clock is simulated (`now=`)."""

from __future__ import annotations

import random
import threading
from datetime import date, time, timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction

from motcua.notifications.constants import MessageStatus
from motcua.notifications.models import NotificationPreference, OutboxMessage
from motcua.outreach.constants import CampaignStatus, RecipientGroup, RecipientState, SkipReason
from motcua.outreach.models import Campaign, CampaignRecipient, OutreachConsent
from motcua.outreach.services.campaigns import (
    CampaignStateError,
    campaign_cancel,
    campaign_pause,
    campaign_resume,
    campaign_send_slice,
    campaign_start,
    campaigns_send_due,
    in_quiet_hours,
)
from motcua.outreach.tests.conftest import World, account, at, campaign, consent, dossier

JUNE_10 = date(2026, 6, 10)


def people(world: World, how_many: int) -> list[str]:
    phones = [f"+849020000{n:02d}" for n in range(how_many)]
    for number, phone in enumerate(phones):
        dossier(world.travel, submitted=at(date(2026, 5, 1 + number % 28)), phone=phone)
        consent(world.agency, phone=phone)
    return phones


def started(world: World, how_many: int, **fields) -> Campaign:
    people(world, how_many)
    made = campaign(world, **fields)
    return campaign_start(campaign_id=made.pk, actor=world.leader, now=at(JUNE_10, 9, 0), rng=random.Random(1))


def queued_at(made: Campaign) -> list[str]:
    return sorted(
        CampaignRecipient.objects.filter(campaign=made, state=RecipientState.QUEUED).values_list("address", flat=True)
    )


def test_starting_writes_each_person_once_and_draws_the_control_group(world: World):
    made = started(world, 20, holdout_percent=25)

    recipients = CampaignRecipient.objects.filter(campaign=made)
    assert made.status == CampaignStatus.RUNNING
    assert recipients.count() == 20
    assert recipients.filter(group=RecipientGroup.HOLDOUT, state=RecipientState.HELD_OUT).count() == 5
    assert recipients.filter(group=RecipientGroup.TARGET, state=RecipientState.WAITING).count() == 15
    assert len(set(recipients.values_list("token", flat=True))) == 20
    with pytest.raises(CampaignStateError):
        campaign_start(campaign_id=made.pk, actor=world.leader)


def test_the_job_queues_at_the_campaign_rate(world: World):
    made = started(world, 12, rate_per_minute=5)
    t0 = at(JUNE_10, 10, 0)

    assert campaign_send_slice(campaign_id=made.pk, now=t0) == 5
    assert campaign_send_slice(campaign_id=made.pk, now=t0 + timedelta(seconds=30)) == 0
    assert campaign_send_slice(campaign_id=made.pk, now=t0 + timedelta(seconds=61)) == 5
    assert campaign_send_slice(campaign_id=made.pk, now=t0 + timedelta(seconds=122)) == 2
    assert campaign_send_slice(campaign_id=made.pk, now=t0 + timedelta(seconds=183)) == 0

    made.refresh_from_db()
    assert made.status == CampaignStatus.FINISHED
    first = OutboxMessage.objects.filter(created_at=t0).order_by("next_attempt_at")
    # The first slice is spread over its minute: one message every 12 seconds.
    assert [m.next_attempt_at - t0 for m in first] == [timedelta(seconds=12 * n) for n in range(5)]
    assert set(OutboxMessage.objects.values_list("event", "agency_code", "channel")) == {
        ("campaign", world.agency.code, "sms")
    }


def test_nothing_is_queued_in_quiet_hours(world: World):
    made = started(world, 12, rate_per_minute=5)
    evening = at(JUNE_10, 20, 59) + timedelta(seconds=30)

    # 20:59:30, :42, :54 fit; 21:00:06 is quiet.
    assert campaign_send_slice(campaign_id=made.pk, now=evening) == 3
    assert campaign_send_slice(campaign_id=made.pk, now=at(JUNE_10, 23, 0)) == 0
    assert campaign_send_slice(campaign_id=made.pk, now=at(date(2026, 6, 11), 6, 59)) == 0
    assert campaign_send_slice(campaign_id=made.pk, now=at(date(2026, 6, 11), 7, 0)) == 5
    assert all(
        not in_quiet_hours(m.next_attempt_at, quiet_from=time(21), quiet_until=time(7))
        for m in OutboxMessage.objects.all()
    )
    # The outbox keeps the quiet hours, so that its retries respect them too.
    assert set(OutboxMessage.objects.values_list("quiet_from", "quiet_until")) == {(time(21), time(7))}


def test_quiet_hours_wrap_midnight_or_not():
    night = {"quiet_from": time(21), "quiet_until": time(7)}
    lunch = {"quiet_from": time(11, 30), "quiet_until": time(13)}
    assert in_quiet_hours(at(JUNE_10, 21, 0), **night)
    assert in_quiet_hours(at(JUNE_10, 6, 59), **night)
    assert not in_quiet_hours(at(JUNE_10, 7, 0), **night)
    assert not in_quiet_hours(at(JUNE_10, 20, 59), **night)
    assert in_quiet_hours(at(JUNE_10, 12, 0), **lunch)
    assert not in_quiet_hours(at(JUNE_10, 13, 0), **lunch)
    assert not in_quiet_hours(at(JUNE_10, 3, 0), quiet_from=time(0), quiet_until=time(0))


def test_running_the_job_twice_sends_nobody_twice(world: World):
    made = started(world, 3, rate_per_minute=100)
    t0 = at(JUNE_10, 10, 0)

    assert campaigns_send_due(now=t0) == 3
    assert campaigns_send_due(now=t0) == 0
    assert campaigns_send_due(now=t0 + timedelta(minutes=5)) == 0

    assert OutboxMessage.objects.count() == 3
    assert sorted(OutboxMessage.objects.values_list("recipient", flat=True)) == queued_at(made)
    keys = set(CampaignRecipient.objects.filter(campaign=made).values_list("message_key", flat=True))
    assert set(OutboxMessage.objects.values_list("key", flat=True)) == keys


def test_a_person_already_in_the_outbox_cannot_be_written_again(world: World):
    made = started(world, 2, rate_per_minute=100)
    campaign_send_slice(campaign_id=made.pk, now=at(JUNE_10, 10, 0))
    recipient = CampaignRecipient.objects.filter(campaign=made).first()
    assert recipient is not None

    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(key=recipient.message_key, channel="sms", recipient=recipient.address, body="x")
    # Even a person put back to waiting by mistake gets no second message.
    CampaignRecipient.objects.filter(pk=recipient.pk).update(state=RecipientState.WAITING)
    assert campaign_send_slice(campaign_id=made.pk, now=at(JUNE_10, 11, 0)) == 0
    assert OutboxMessage.objects.filter(recipient=recipient.address).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_jobs_at_once_send_nobody_twice(world: World):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time (IMMEDIATE transactions): the race needs PostgreSQL")
    made = started(world, 60, rate_per_minute=600)
    t0 = at(JUNE_10, 10, 0)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def job() -> None:
        try:
            barrier.wait()
            results.append(campaign_send_slice(campaign_id=made.pk, now=t0))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(results) == 60
    assert OutboxMessage.objects.count() == 60
    assert OutboxMessage.objects.values("recipient").distinct().count() == 60


def test_consent_withdrawn_or_channel_switched_off_after_the_start_is_respected(world: World):
    made = started(world, 4, rate_per_minute=100)
    first, second, third, fourth = sorted(CampaignRecipient.objects.filter(campaign=made), key=lambda r: r.pk)
    OutreachConsent.objects.filter(phone=first.address).update(withdrawn_at=at(JUNE_10, 9, 30))
    holder = account(username="holder", phone=second.address)
    NotificationPreference.objects.create(user=holder, by_sms=False)
    consent(world.agency, phone=third.address)  # a second consent changes nothing

    assert campaign_send_slice(campaign_id=made.pk, now=at(JUNE_10, 10, 0)) == 2

    skipped = dict(
        CampaignRecipient.objects.filter(campaign=made, state=RecipientState.SKIPPED).values_list(
            "address", "skip_reason"
        )
    )
    assert skipped == {first.address: SkipReason.CONSENT_WITHDRAWN, second.address: SkipReason.CHANNEL_OFF}
    assert sorted(OutboxMessage.objects.values_list("recipient", flat=True)) == sorted([third.address, fourth.address])


def test_pause_takes_back_what_the_outbox_has_not_tried_and_resume_goes_on(world: World):
    made = started(world, 6, rate_per_minute=3)
    t0 = at(JUNE_10, 10, 0)
    campaign_send_slice(campaign_id=made.pk, now=t0)
    tried = OutboxMessage.objects.order_by("next_attempt_at").first()
    assert tried is not None
    OutboxMessage.objects.filter(pk=tried.pk).update(status=MessageStatus.SENT, attempts=1)

    campaign_pause(campaign_id=made.pk, actor=world.leader, now=t0 + timedelta(seconds=5))
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [tried.pk]
    assert campaign_send_slice(campaign_id=made.pk, now=t0 + timedelta(minutes=2)) == 0  # paused

    campaign_resume(campaign_id=made.pk, actor=world.leader)
    assert campaign_send_slice(campaign_id=made.pk, now=t0 + timedelta(minutes=3)) == 3
    assert campaign_send_slice(campaign_id=made.pk, now=t0 + timedelta(minutes=4)) == 2
    assert OutboxMessage.objects.values("recipient").distinct().count() == 6 == OutboxMessage.objects.count()


def test_cancel_stops_for_good(world: World):
    made = started(world, 5, rate_per_minute=2)
    campaign_send_slice(campaign_id=made.pk, now=at(JUNE_10, 10, 0))

    campaign_cancel(campaign_id=made.pk, actor=world.leader)

    assert OutboxMessage.objects.count() == 0  # neither was tried yet
    assert CampaignRecipient.objects.filter(campaign=made, state=RecipientState.SKIPPED).count() == 5
    assert campaign_send_slice(campaign_id=made.pk, now=at(JUNE_10, 11, 0)) == 0
    with pytest.raises(CampaignStateError):
        campaign_resume(campaign_id=made.pk, actor=world.leader)


def test_the_message_carries_the_persons_link_and_the_withdrawal_link(world: World):
    made = started(world, 1, rate_per_minute=10)
    campaign_send_slice(campaign_id=made.pk, now=at(JUNE_10, 10, 0))
    recipient = CampaignRecipient.objects.get(campaign=made)
    message = OutboxMessage.objects.get()

    link = f"https://dvc.example.gov.vn/l/{recipient.token}"
    assert message.body == (
        f"So VHTTDL: lan sau nop ho so Cap giay phep kinh doanh lu hanh truc tuyen tai {link} "
        f"Tu choi nhan tin: {link}/tu-choi/"
    )
    assert recipient.address not in message.body and recipient.token in message.body
    assert message.key == recipient.message_key
