"""Consent: the box at the desk's paper intake, and the applicant's notification page (channels,
language, campaigns on or off), with the legally required notices still reaching them."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from motcua.desk.tests.test_desk import INTAKE, receive, signed_in
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import office  # noqa: F401  (fixture)
from motcua.notifications.constants import Event
from motcua.notifications.models import NotificationPreference, OutboxMessage
from motcua.notifications.services import DossierNotice, notify_dossier_event
from motcua.notifications.tests.conftest import seed_default_templates
from motcua.outreach.constants import ConsentSource, WithdrawalRoute
from motcua.outreach.models import OutreachConsent
from motcua.outreach.tests.conftest import account

PAGE = "/ca-nhan/thong-bao/"


def test_the_desk_records_the_consent_given_at_intake(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)

    response = receive(desk, {**INTAKE, "applicant_email": "Bich@Example.vn", "outreach_consent": "on"})

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    consent = OutreachConsent.objects.get()
    assert (consent.phone, consent.email, consent.agency, consent.source) == (
        "+84912345678",
        "bich@example.vn",
        office.agency,
        ConsentSource.DESK,
    )
    assert (consent.dossier_code, consent.recorded_by, consent.withdrawn_at) == (dossier.code, office.desk, None)


def test_no_box_no_consent_and_a_box_without_address_is_refused(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)

    receive(desk, INTAKE)
    refused = receive(desk, {**INTAKE, "applicant_phone": "", "outreach_consent": "on"})

    assert Dossier.objects.count() == 1 and OutreachConsent.objects.count() == 0
    assert refused.status_code == 200
    assert "outreach_consent" in refused.context["form"].errors


def _applicant(**fields) -> Client:
    user = account(username="an", phone="+84931015119", **fields)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_page_saves_channels_language_and_gives_then_withdraws_consent(db):
    client = _applicant(phone_verified_at=timezone.now())

    page = client.get(PAGE)
    client.post(PAGE, {"by_email": "on", "language": "en", "campaigns": "on"})
    preference = NotificationPreference.objects.get()
    consent = OutreachConsent.objects.get()
    client.post(PAGE, {"by_sms": "on", "by_email": "on", "language": ""})

    assert "status changes" in page.content.decode()  # the page says the required notices still arrive
    assert (preference.by_sms, preference.by_email, preference.language) == (False, True, "en")
    assert (consent.phone, consent.agency, consent.source) == ("+84931015119", None, ConsentSource.ACCOUNT)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_via == WithdrawalRoute.ACCOUNT


def test_switching_campaigns_off_withdraws_a_consent_given_at_the_desk(db):
    client = _applicant(phone_verified_at=timezone.now())
    OutreachConsent.objects.create(phone="+84931015119", source=ConsentSource.DESK)
    assert client.get(PAGE).context["form"].initial["campaigns"] is True

    client.post(PAGE, {"by_sms": "on", "by_email": "on"})

    assert OutreachConsent.objects.get().withdrawn_via == WithdrawalRoute.ACCOUNT


def test_campaigns_need_a_verified_address_and_a_refusal_changes_nothing(db):
    client = _applicant()  # phone not verified

    response = client.post(PAGE, {"by_email": "on", "campaigns": "on"}, follow=True)

    assert "Verify your phone number" in response.content.decode()
    assert not NotificationPreference.objects.exists() and not OutreachConsent.objects.exists()
    assert client.post(PAGE, {"language": "xx"}).status_code == 200  # not a language: the form says so
    assert not NotificationPreference.objects.exists()


def test_required_notices_still_arrive_with_both_channels_off_but_campaign_ones_do_not(db):
    seed_default_templates()  # a transactional test run before this one in the process may have flushed them
    user = account(username="off", phone="+84931015119")
    NotificationPreference.objects.create(user=user, by_sms=False, by_email=False)
    notice = {"dossier_code": "X-1", "agency_code": "A", "phone": user.phone, "user_id": user.pk}

    notify_dossier_event(DossierNotice(event=Event.STATUS_CHANGED, **notice))
    notify_dossier_event(DossierNotice(event=Event.CAMPAIGN, **notice))

    assert list(OutboxMessage.objects.values_list("event", flat=True)) == [Event.STATUS_CHANGED]


def test_the_page_needs_an_account(client, db):
    assert client.get(PAGE).status_code == 302
