"""Who a campaign reaches, counted by hand: in person vs online, withdrawn consent, duplicate phones,
other agencies, switched-off channels; and what one message costs in SMS segments."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.notifications.constants import REQUIRED_EVENTS, Event
from motcua.notifications.models import NotificationPreference
from motcua.outreach.audience import campaign_audience, campaign_count, holdout_size
from motcua.outreach.messages import text_problems
from motcua.outreach.tests.conftest import World, account, at, campaign, consent, dossier

P1, P2, P3, P4, P5, P6, P7, P8 = (f"+8490100000{n}" for n in range(1, 9))


@pytest.fixture
def may(world: World) -> World:
    """Dossiers of May 2026 (and around it), with and without consent; see each line."""
    a = world.agency
    dossier(world.travel, submitted=at(date(2026, 5, 10)), phone=P1)  # eligible
    dossier(world.guide_card, submitted=at(date(2026, 5, 20)), phone=P1)  # the same person again, later
    dossier(world.travel, submitted=at(date(2026, 5, 11)), phone=P2, channel="online")  # online: not targeted
    dossier(world.travel, submitted=at(date(2026, 5, 12)), phone=P3)  # consent withdrawn
    dossier(world.foreign, submitted=at(date(2026, 5, 12)), phone=P4)  # another agency's dossier
    dossier(world.travel, submitted=at(date(2026, 5, 13)), phone=P5)  # consent for another agency only
    dossier(world.travel, submitted=at(date(2026, 4, 30), 23, 59), phone=P6)  # before the period
    dossier(world.show, submitted=at(date(2026, 5, 14)), phone=P7, channel="postal")  # eligible (by post)
    dossier(world.travel, submitted=at(date(2026, 5, 15)), email="an@example.vn")  # no phone
    dossier(world.travel, submitted=at(date(2026, 5, 16)), phone=P8)  # switched SMS off in their account
    consent(a, phone=P1)
    consent(a, phone=P1)  # given twice: still one person
    consent(a, phone=P2)
    consent(a, phone=P3, withdrawn=at(date(2026, 5, 25)))
    consent(world.other_agency, phone=P4)
    consent(world.other_agency, phone=P5)
    consent(a, phone=P6)
    consent(None, phone=P7)  # given on the account page: every agency
    consent(a, email="an@example.vn")
    consent(a, phone=P8)
    holder = account(username="p8", phone=P8)
    NotificationPreference.objects.create(user=holder, by_sms=False, by_email=True)
    return world


def test_the_count_keeps_people_who_applied_in_person_with_consent_once_each(may: World):
    audience = campaign_audience(campaign(may))

    assert audience.dossiers == 7  # P1 ×2, P3, P5, P7, the e-mail-only one, P8
    assert audience.without_address == 1
    assert audience.people == 5  # P1, P3, P5, P7, P8
    assert audience.without_consent == 2  # P3 (withdrawn), P5 (another agency's consent)
    assert audience.channel_off == 1  # P8
    assert [(p.address, p.procedure_code) for p in audience.eligible] == [(P1, "2.001622"), (P7, "1.000100")]


def test_targeting_by_procedure_or_field_narrows_the_dossiers(may: World):
    by_procedure = campaign_audience(campaign(may, procedure=may.travel.procedure))
    by_field = campaign_audience(campaign(may, field=may.culture))

    assert (by_procedure.dossiers, by_procedure.people) == (5, 4)  # P1 (10 May), P3, P5, e-mail only, P8
    assert [p.address for p in by_procedure.eligible] == [P1]
    assert [p.address for p in by_field.eligible] == [P7]


def test_an_email_campaign_counts_email_addresses(may: World):
    audience = campaign_audience(campaign(may, channel="email", subject="Nộp trực tuyến"))

    assert audience.without_address == 6
    assert [p.address for p in audience.eligible] == ["an@example.vn"]


def test_another_agency_sees_only_its_own_people(may: World):
    audience = campaign_audience(campaign(may, agency=may.other_agency))

    assert [p.address for p in audience.eligible] == [P4]


def test_the_count_shows_the_sample_message_and_its_sms_segments(may: World):
    count = campaign_count(campaign(may, holdout_percent=50))

    assert (count.held_out, count.to_send) == (1, 1)
    link = "https://dvc.example.gov.vn/l/Ab3dE6gH9k"
    assert count.sample_body == (
        f"So VHTTDL: lan sau nop ho so Cap the huong dan vien du lich truc tuyen tai {link} "
        f"Tu choi nhan tin: {link}/tu-choi/"
    )
    # 181 GSM-7 characters: two segments of 153; the show's message (169 characters) too.
    assert (count.segments_sample, count.segments_max, count.segments_total, count.encoding) == (2, 2, 4, "GSM-7")


def test_the_control_group_is_the_percentage_rounded_half_up():
    assert holdout_size(25, 10) == 3  # 2.5 → 3
    assert holdout_size(24, 10) == 2  # 2.4 → 2
    assert holdout_size(7, 0) == 0


def test_the_text_needs_the_link_and_known_placeholders():
    assert text_problems("Nộp trực tuyến tại {link}") == []
    assert len(text_problems("Nộp trực tuyến")) == 1
    assert "{ten}" in text_problems("Chào {ten}, {link}")[0]


def test_campaign_messages_are_not_legally_required_notices():
    assert Event.CAMPAIGN not in REQUIRED_EVENTS
    assert Event.STATUS_CHANGED in REQUIRED_EVENTS
