"""The tracked short link (click counted, then the online application), the one-button withdrawal, and
the campaign's effect: sent, delivered, clicked, online applications afterwards vs the control group."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from motcua.notifications.constants import DeliveryReport, MessageStatus
from motcua.notifications.models import OutboxMessage
from motcua.outreach.constants import RecipientGroup, WithdrawalRoute
from motcua.outreach.effect import campaign_effect, masked, recipients_for_metric
from motcua.outreach.models import Campaign, CampaignRecipient, OutreachConsent
from motcua.outreach.services.campaigns import campaign_send_slice, campaign_start
from motcua.outreach.services.links import link_destination, link_follow
from motcua.outreach.tests.conftest import World, account, at, campaign, consent, dossier, signed_in

JUNE_10 = date(2026, 6, 10)
T0 = at(JUNE_10, 10, 0)


def sent_campaign(world: World, phones: list[str], **fields) -> Campaign:
    for phone in phones:
        dossier(world.guide_card, submitted=at(date(2026, 5, 5)), phone=phone)
        consent(world.agency, phone=phone)
    made = campaign(world, rate_per_minute=100, **fields)
    campaign_start(campaign_id=made.pk, actor=world.leader, now=T0 - timedelta(hours=1), rng=random.Random(3))
    campaign_send_slice(campaign_id=made.pk, now=T0)
    made.refresh_from_db()
    return made


def test_the_short_link_counts_clicks_and_opens_the_online_application(world: World):
    made = sent_campaign(world, ["+84903000001"])
    recipient = CampaignRecipient.objects.get(campaign=made)
    client = Client()

    first = client.get(f"/l/{recipient.token}")
    recipient.refresh_from_db()
    first_click = recipient.first_clicked_at
    second = client.get(f"/l/{recipient.token}")
    recipient.refresh_from_db()

    assert first.status_code == second.status_code == 302
    assert first["Location"] == "/thu-tuc/2.001622/nop-truc-tuyen/"
    assert recipient.clicks == 2
    assert first_click is not None and recipient.first_clicked_at == first_click


def test_an_unknown_or_held_out_link_gives_a_friendly_404(world: World):
    made = sent_campaign(world, [f"+8490300001{n}" for n in range(4)], holdout_percent=50)
    held_out = CampaignRecipient.objects.filter(campaign=made, group=RecipientGroup.HOLDOUT).first()
    assert held_out is not None

    for token in ["Zz9Zz9Zz9Z", held_out.token, "abc-def", "x" * 200]:
        response = Client().get(f"/l/{token}")
        assert response.status_code == 404
        assert "outreach/link_not_found.html" in [t.name for t in response.templates]
    assert CampaignRecipient.objects.get(pk=held_out.pk).clicks == 0


def test_a_person_whose_procedure_is_not_online_is_led_to_the_catalog(world: World):
    made = sent_campaign(world, ["+84903000002"], field=world.tourism)
    recipient = CampaignRecipient.objects.get(campaign=made)
    recipient.procedure_code = ""

    assert link_destination(recipient) == "/thu-tuc/?agency=000.00.21.H13&field=du-lich"


def test_withdrawal_is_one_button_away_and_withdraws_every_consent_of_the_number(world: World):
    made = sent_campaign(world, ["+84903000003"])
    recipient = CampaignRecipient.objects.get(campaign=made)
    consent(None, phone=recipient.address)
    consent(world.agency, phone="+84903000099")  # someone else's
    client = Client()

    page = client.get(f"/l/{recipient.token}/tu-choi/")
    assert page.status_code == 200
    assert OutreachConsent.objects.filter(withdrawn_at__isnull=True).count() == 3  # a GET withdraws nothing
    assert "0903" not in page.content.decode() and recipient.address not in page.content.decode()

    done = client.post(f"/l/{recipient.token}/tu-choi/")

    assert done.status_code == 200
    withdrawn = OutreachConsent.objects.filter(phone=recipient.address)
    assert {(c.withdrawn_at is not None, c.withdrawn_via) for c in withdrawn} == {(True, WithdrawalRoute.LINK)}
    assert OutreachConsent.objects.get(phone="+84903000099").withdrawn_at is None
    assert CampaignRecipient.objects.get(pk=recipient.pk).opted_out_at is not None


def test_the_effect_compares_the_people_reached_with_the_control_group(world: World):
    phones = [f"+8490400000{n}" for n in range(6)]
    made = sent_campaign(world, phones, holdout_percent=50)
    target = list(CampaignRecipient.objects.filter(campaign=made, group=RecipientGroup.TARGET).order_by("id"))
    control = list(CampaignRecipient.objects.filter(campaign=made, group=RecipientGroup.HOLDOUT).order_by("id"))
    assert (len(target), len(control)) == (3, 3)
    a, b, c = target
    messages = {m.key: m for m in OutboxMessage.objects.all()}
    OutboxMessage.objects.filter(key__in=[a.message_key, b.message_key]).update(
        status=MessageStatus.SENT, sent_at=T0 + timedelta(minutes=1)
    )
    OutboxMessage.objects.filter(key=b.message_key).update(delivery_report=DeliveryReport.DELIVERED)
    OutboxMessage.objects.filter(key=c.message_key).update(status=MessageStatus.FAILED)
    assert len(messages) == 3
    link_follow(token=a.token, now=T0 + timedelta(hours=2))
    # Later online applications:
    dossier(world.travel, channel="online", submitted=T0 + timedelta(days=10), phone=a.address)  # counts
    holder = account(username="holder", phone="+84909999999")  # b's account, found when the campaign started
    CampaignRecipient.objects.filter(pk=b.pk).update(user=holder)
    dossier(world.travel, channel="online", submitted=T0 + timedelta(days=20), owner=holder)  # counts, by account
    dossier(world.travel, channel="online", submitted=T0 - timedelta(days=1), phone=b.address)  # before: no
    dossier(world.travel, channel="online", submitted=T0 + timedelta(days=100), phone=c.address)  # too late
    dossier(world.travel, submitted=T0 + timedelta(days=3), phone=c.address)  # in person again: no
    dossier(world.show, channel="online", submitted=T0 + timedelta(days=5), phone=control[0].address)  # counts
    dossier(world.foreign, channel="online", submitted=T0 + timedelta(days=5), phone=control[1].address)  # other agency

    effect = campaign_effect(made)

    assert (effect.eligible, effect.held_out, effect.sent, effect.delivered, effect.clicked) == (6, 3, 3, 2, 1)
    assert (effect.applied, effect.held_out_applied) == (2, 1)
    assert effect.applied_rate == Decimal("66.7")
    assert effect.held_out_rate == Decimal("33.3")
    assert effect.difference == Decimal("33.3")
    assert [r.pk for r in recipients_for_metric(made, "applied", effect)] == [a.pk, b.pk]
    assert [r.pk for r in recipients_for_metric(made, "held_out_applied", effect)] == [control[0].pk]
    assert [r.pk for r in recipients_for_metric(made, "delivered", effect)] == [a.pk, b.pk]


def test_each_figure_links_to_the_people_it_counts_with_their_dossiers(world: World):
    made = sent_campaign(world, ["+84905000001", "+84905000002"])
    first = CampaignRecipient.objects.filter(campaign=made).order_by("id").first()
    assert first is not None
    online = dossier(world.travel, channel="online", submitted=T0 + timedelta(days=2), phone=first.address)

    page = signed_in(world.leader).get(f"/mot-cua/truyen-thong/chien-dich/{made.pk}/")
    listing = signed_in(world.leader).get(f"/mot-cua/truyen-thong/chien-dich/{made.pk}/danh-sach/applied/")
    desk_listing = signed_in(world.desk).get(f"/mot-cua/truyen-thong/chien-dich/{made.pk}/danh-sach/applied/")

    assert f"/mot-cua/truyen-thong/chien-dich/{made.pk}/danh-sach/applied/" in page.content.decode()
    body = listing.content.decode()
    assert f'href="/mot-cua/ho-so/{online.code}/"' in body  # the leader may open the dossier
    assert f"0905 *** {first.address[-3:]}" in body and first.address not in body
    assert online.code in desk_listing.content.decode()


@pytest.mark.parametrize(
    ("address", "shown"),
    [("+84931015119", "0931 *** 119"), ("an.nguyen@example.vn", "a***@example.vn"), ("123", "***")],
)
def test_addresses_are_partly_hidden(address: str, shown: str):
    assert masked(address) == shown
