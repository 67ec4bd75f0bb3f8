"""The campaign pages: a leader builds a campaign, sees the count and the sample, starts, pauses and
cancels it; a desk officer reads; another agency's leader, a specialist and a citizen cannot."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.outreach.constants import CampaignStatus
from motcua.outreach.models import Campaign, CampaignRecipient
from motcua.outreach.tests.conftest import World, at, campaign, consent, dossier, signed_in

BASE = "/mot-cua/truyen-thong/chien-dich/"
FORM = {
    "name": "Mời nộp thẻ hướng dẫn viên trực tuyến",
    "channel": "sms",
    "procedure": "2.001622",
    "field": "",
    "applied_from": "2026-05-01",
    "applied_until": "2026-05-31",
    "subject": "",
    "text": "{agency}: nop ho so {procedure} truc tuyen tai {link}",
    "without_diacritics": "on",
    "holdout_percent": "0",
    "rate_per_minute": "30",
    "quiet_from": "21:00",
    "quiet_until": "07:00",
    "effect_days": "90",
}


@pytest.fixture
def two_people(world: World) -> World:
    for phone in ["+84907000001", "+84907000002"]:
        dossier(world.guide_card, submitted=at(date(2026, 5, 6)), phone=phone)
        consent(world.agency, phone=phone)
    return world


def test_a_leader_builds_counts_and_starts_a_campaign(two_people: World):
    leader = signed_in(two_people.leader)

    made = leader.post(f"{BASE}moi/", {**FORM, "agency": str(two_people.agency.pk)})
    campaign_id = Campaign.objects.get().pk
    page = leader.get(f"{BASE}{campaign_id}/")
    started = leader.post(f"{BASE}{campaign_id}/thao-tac/start/", follow=True)

    assert made.status_code == 302 and made["Location"] == f"{BASE}{campaign_id}/"
    assert page.context["count"].to_send == 2
    assert "https://dvc.example.gov.vn/l/Ab3dE6gH9k" in page.content.decode()  # the sample
    assert started.status_code == 200
    assert Campaign.objects.get().status == CampaignStatus.RUNNING
    assert CampaignRecipient.objects.count() == 2


def test_bad_input_is_refused_with_a_reason_and_changes_nothing(two_people: World):
    leader = signed_in(two_people.leader)
    agency = str(two_people.agency.pk)

    no_link = leader.post(f"{BASE}moi/", {**FORM, "agency": agency, "text": "Nộp trực tuyến nhé {ten}"})
    backwards = leader.post(f"{BASE}moi/", {**FORM, "agency": agency, "applied_from": "2026-06-01"})
    foreign = leader.post(f"{BASE}moi/", {**FORM, "agency": agency, "procedure": "1.009999"})
    too_fast = leader.post(f"{BASE}moi/", {**FORM, "agency": agency, "rate_per_minute": "100000"})
    email_without_subject = leader.post(f"{BASE}moi/", {**FORM, "agency": agency, "channel": "email"})

    assert no_link.status_code == backwards.status_code == foreign.status_code == 200
    assert "{link}" in " ".join(no_link.context["form"].errors["text"])
    assert "applied_until" in backwards.context["form"].errors
    assert "procedure" in foreign.context["form"].errors
    assert "rate_per_minute" in too_fast.context["form"].errors
    assert "subject" in email_without_subject.context["form"].errors
    assert Campaign.objects.count() == 0


def test_a_started_campaign_cannot_be_changed_or_started_again(two_people: World):
    made = campaign(two_people, procedure=two_people.guide_card.procedure)
    leader = signed_in(two_people.leader)
    leader.post(f"{BASE}{made.pk}/thao-tac/start/")

    edit = leader.get(f"{BASE}{made.pk}/sua/")
    again = leader.post(f"{BASE}{made.pk}/thao-tac/start/", follow=True)

    assert edit.status_code == 302
    assert CampaignRecipient.objects.count() == 2
    assert "Only a draft campaign can be started." in again.content.decode()


def test_pause_resume_and_cancel_from_the_page(two_people: World):
    made = campaign(two_people)
    admin = signed_in(two_people.admin)
    admin.post(f"{BASE}{made.pk}/thao-tac/start/")

    admin.post(f"{BASE}{made.pk}/thao-tac/pause/")
    assert Campaign.objects.get().status == CampaignStatus.PAUSED
    admin.post(f"{BASE}{made.pk}/thao-tac/resume/")
    assert Campaign.objects.get().status == CampaignStatus.RUNNING
    admin.post(f"{BASE}{made.pk}/thao-tac/cancel/")
    assert Campaign.objects.get().status == CampaignStatus.CANCELLED
    assert admin.post(f"{BASE}{made.pk}/thao-tac/launch/").status_code == 404


def test_a_desk_officer_reads_but_does_not_manage(two_people: World):
    made = campaign(two_people)
    desk = signed_in(two_people.desk)

    assert desk.get(BASE).status_code == 200
    page = desk.get(f"{BASE}{made.pk}/")
    assert page.status_code == 200 and "thao-tac/start" not in page.content.decode()
    assert desk.get(f"{BASE}moi/").status_code == 403
    assert desk.get(f"{BASE}{made.pk}/sua/").status_code == 403
    assert desk.post(f"{BASE}{made.pk}/thao-tac/start/").status_code == 403
    assert Campaign.objects.get().status == CampaignStatus.DRAFT


def test_another_agency_and_other_roles_are_kept_out(two_people: World):
    made = campaign(two_people)
    foreign = signed_in(two_people.foreign_leader)

    assert foreign.get(f"{BASE}{made.pk}/").status_code == 404
    assert foreign.post(f"{BASE}{made.pk}/thao-tac/start/").status_code == 404
    assert foreign.get(f"{BASE}{made.pk}/danh-sach/eligible/").status_code == 404
    assert made.name not in foreign.get(BASE).content.decode()
    for outsider in (two_people.citizen, two_people.specialist):
        client = signed_in(outsider)
        assert client.get(BASE).status_code == 403
        assert client.get(f"{BASE}{made.pk}/").status_code == 403
        assert client.post(f"{BASE}{made.pk}/thao-tac/start/").status_code == 403
    assert signed_in(two_people.citizen).get("/mot-cua/truyen-thong/chien-dich/moi/").status_code == 403
    from django.test import Client

    assert Client().get(BASE).status_code == 302  # to the sign-in page
    assert Campaign.objects.get().status == CampaignStatus.DRAFT
