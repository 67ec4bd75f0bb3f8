"""The guidance desk: a volunteer or desk officer applies online in a person's name, with their agreement;
and forgotten passwords reset by a code sent by text message."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.accounts.constants import Role, UserKind
from motcua.accounts.models import User, VerificationCode
from motcua.accounts.services import SignUp, account_signup, verification_send
from motcua.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from motcua.dossiers.models import Dossier, DossierDraft, StoredDocument
from motcua.dossiers.tests.flow import PDF, api
from motcua.integrations.sms.fake import FakeSmsGateway
from motcua.portal.tests.test_apply_online import applicant_fields, token_in

PASSWORD = "hoa-sen-2026-mua-thu"


@pytest.fixture(autouse=True)
def _fresh(settings):
    FakeSmsGateway.reset()
    cache.clear()
    settings.MOTCUA_SMS_GATEWAY = "fake"
    yield
    FakeSmsGateway.reset()


@pytest.fixture
def volunteer(office):
    user = UserFactory(username="volunteer", full_name="Phạm Gia Huy", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=user, role=Role.VOLUNTEER_GUIDE, agency=office.agency)
    return user


def last_code() -> str:
    found = re.search(r"\b(\d{6})\b", FakeSmsGateway.sent[-1].text)
    assert found, FakeSmsGateway.sent[-1].text
    return found.group(1)


def as_user(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def ask_code(client, office, phone: str, full_name: str = ""):
    return client.post(
        "/mot-cua/huong-dan/",
        {"step": "send", "procedure": office.version.procedure.code, "phone": phone, "full_name": full_name},
    )


def ticket_in(html: str) -> str:
    found = re.search(r'name="ticket" value="([^"]+)"', html)
    assert found, "no code step on the page"
    return found.group(1)


def test_a_volunteer_applies_online_in_the_name_of_a_person_without_an_account(client, procedure, volunteer):
    office, application, _ = procedure
    as_user(client, volunteer)
    assert client.get("/ca-nhan/")["Location"] == "/mot-cua/huong-dan/"  # a volunteer lands on the guidance desk
    page = client.get("/mot-cua/huong-dan/").content.decode()
    assert office.version.procedure.code in page

    nameless = ask_code(client, office, "0912 345 678")
    assert nameless.status_code == 400 and "enter the person&#x27;s full name" in nameless.content.decode()
    assert not User.objects.filter(phone="+84912345678").exists() and not FakeSmsGateway.sent

    sent = ask_code(client, office, "0912 345 678", "Lê Thị Mai")
    text = sent.content.decode()
    assert sent.status_code == 200 and "Ask them to read it out" in text and "+84912345678" not in text
    person = User.objects.get(phone="+84912345678")
    assert (person.kind, person.full_name, person.has_usable_password()) == (UserKind.CITIZEN, "Lê Thị Mai", False)
    assert FakeSmsGateway.sent[-1].to == "+84912345678" and "guide" in FakeSmsGateway.sent[-1].text
    ticket = ticket_in(text)

    wrong = client.post("/mot-cua/huong-dan/", {"step": "confirm", "ticket": ticket, "code": "000000"})
    if last_code() != "000000":
        assert wrong.status_code == 400 and "Wrong code" in wrong.content.decode()
        assert not DossierDraft.objects.exists()
    forged = client.post("/mot-cua/huong-dan/", {"step": "confirm", "ticket": ticket + "x", "code": last_code()})
    assert forged.status_code == 302 and not DossierDraft.objects.exists()

    started = client.post("/mot-cua/huong-dan/", {"step": "confirm", "ticket": ticket, "code": last_code()})
    draft = DossierDraft.objects.get()
    assert started["Location"] == f"/ca-nhan/nop-ho-so/{draft.pk}/"
    assert (draft.owner, draft.assisted_by) == (person, volunteer)
    person.refresh_from_db()
    assert person.phone_verified_at is not None  # they had the phone in hand

    form = client.get(started["Location"]).content.decode()
    assert "You are helping Lê Thị Mai apply online" in form
    done = client.post(
        started["Location"],
        {
            **applicant_fields(**{"applicant-name": "Lê Thị Mai", "applicant-phone": "0912345678"}),
            "form-purpose": "Mở quán karaoke",
            "form-guests": "40",
            f"files-{application.pk}": [SimpleUploadedFile("don.pdf", PDF)],
            "next": "review",
        },
    )
    review = client.get(done["Location"]).content.decode()
    assert "Lê Thị Mai has read the information above" in review
    submitted = client.post(done["Location"], {"form_token": token_in(review), "declaration": "yes"})
    dossier = Dossier.objects.get()
    assert (dossier.channel, dossier.owner, dossier.assisted_by) == ("online", person, volunteer)
    assert StoredDocument.objects.get().owner == person  # the scan is in the applicant's store, not the guide's
    confirmation = client.get(submitted["Location"]).content.decode()
    assert (
        dossier.code in confirmation
        and dossier.lookup_secret in confirmation
        and "Help the next person" in confirmation
    )
    assert dossier.code in client.get("/mot-cua/huong-dan/").content.decode()

    # Once submitted the application is the applicant's: the guide no longer reaches it.
    assert client.get(f"/ca-nhan/nop-ho-so/{draft.pk}/").status_code == 404
    assert client.get(f"/ca-nhan/ho-so/{dossier.code}/").status_code == 404

    # The desk sees an online dossier made with help; the applicant finds it in their account.
    as_user(client, office.desk)
    assert dossier.code in client.get("/mot-cua/", {"queue": "online"}).content.decode()
    assert "with the help of" in client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert api(office.desk).get(f"/api/v1/dossiers/{dossier.code}/").json()["assisted"] is True
    as_user(client, person)
    assert dossier.code in client.get("/ca-nhan/ho-so/").content.decode()


def test_the_guide_never_sees_the_applicants_store_and_cannot_reuse_from_it(client, procedure, volunteer):
    office, application, _ = procedure
    person = account_signup(SignUp(full_name="Lê Thị Mai", password=PASSWORD, phone="0912345678"))
    private = StoredDocument.objects.create(
        owner=person,
        title="Giấy khai sinh",
        original_name="khai-sinh.pdf",
        file="x.pdf",
        size=10,
        sha256="0" * 64,
        stored_at=timezone.now(),
    )
    as_user(client, volunteer)
    ticket = ticket_in(ask_code(client, office, "0912345678").content.decode())
    assert User.objects.filter(phone="+84912345678").count() == 1  # their account, not a second one
    started = client.post("/mot-cua/huong-dan/", {"step": "confirm", "ticket": ticket, "code": last_code()})
    form = client.get(started["Location"]).content.decode()
    assert "Giấy khai sinh" not in form and "khai-sinh.pdf" not in form
    client.post(started["Location"], {**applicant_fields(), f"reuse-{application.pk}": str(private.pk)})
    assert not DossierDraft.objects.get().documents.exists()
    assert client.get(f"/ca-nhan/kho-giay-to/{private.pk}/").status_code == 404


def test_only_guides_help_and_only_with_their_agencys_procedures_and_the_right_code(client, procedure, volunteer):
    office, _, _ = procedure
    for outsider in (office.citizen, office.specialist):
        assert as_user(client, outsider).get("/mot-cua/huong-dan/").status_code == 403
    as_user(client, office.foreign_desk)
    refused = ask_code(client, office, "0912345678", "Lê Thị Mai")
    assert refused.status_code == 400 and not FakeSmsGateway.sent  # not a procedure of the other agency

    # A code sent to verify the phone does not let a guide apply in the person's name.
    person = account_signup(SignUp(full_name="Lê Thị Mai", password=PASSWORD, phone="0912345678"))
    as_user(client, volunteer)
    ticket = ticket_in(ask_code(client, office, "0912345678").content.decode())
    VerificationCode.objects.all().update(created_at="2026-01-01T00:00:00Z")  # no "too soon"
    verification_send(user=person, channel="phone")
    stale = client.post("/mot-cua/huong-dan/", {"step": "confirm", "ticket": ticket, "code": last_code()})
    assert stale.status_code == 400 and not DossierDraft.objects.exists()

    # An official's number is not an applicant.
    office.desk.phone = "+84987654321"
    office.desk.save()
    official = ask_code(client, office, "0987654321")
    assert official.status_code == 400 and "officials do not apply online" in official.content.decode()


def test_password_reset_by_text_message(client, db):
    person = account_signup(SignUp(full_name="Lê Thị Mai", password=PASSWORD, phone="0912345678"))
    client.cookies["django_language"] = "en"
    unknown = client.post("/quen-mat-khau/tin-nhan/", {"step": "send", "phone": "0900000000"}, follow=True)
    assert "If an account has this number" in unknown.content.decode() and not FakeSmsGateway.sent
    client.get("/quen-mat-khau/tin-nhan/?restart")

    client.post("/quen-mat-khau/tin-nhan/", {"step": "send", "phone": "0912 345 678"})
    assert FakeSmsGateway.sent[-1].to == "+84912345678" and "new password" in FakeSmsGateway.sent[-1].text
    new = "mot-mat-khau-moi-2027"
    differ = client.post("/quen-mat-khau/tin-nhan/", {"step": "confirm", "code": last_code(), "password": new})
    assert differ.status_code == 400 and "The two passwords differ" in differ.content.decode()
    weak = client.post(
        "/quen-mat-khau/tin-nhan/", {"step": "confirm", "code": last_code(), "password": "123", "password2": "123"}
    )
    assert weak.status_code == 400
    wrong = "000000" if last_code() != "000000" else "111111"
    bad = client.post("/quen-mat-khau/tin-nhan/", {"step": "confirm", "code": wrong, "password": new, "password2": new})
    assert bad.status_code == 400 and "Wrong code" in bad.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)

    done = client.post(
        "/quen-mat-khau/tin-nhan/", {"step": "confirm", "code": last_code(), "password": new, "password2": new}
    )
    assert done["Location"] == "/dang-nhap/"
    person.refresh_from_db()
    assert person.check_password(new)
    assert client.post("/dang-nhap/", {"username": "0912345678", "password": new}).status_code == 302


def test_a_sign_up_code_does_not_reset_a_password_and_requests_are_limited(client, db, settings):
    person = account_signup(SignUp(full_name="Lê Thị Mai", password=PASSWORD, phone="0912345678"))
    verification_send(user=person, channel="phone")
    sign_up_code = last_code()
    session = client.session
    session["reset_phone"] = "0912345678"
    session.save()
    new = "mot-mat-khau-moi-2027"
    refused = client.post(
        "/quen-mat-khau/tin-nhan/", {"step": "confirm", "code": sign_up_code, "password": new, "password2": new}
    )
    assert refused.status_code == 400
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    for _ in range(10):
        client.post("/quen-mat-khau/tin-nhan/", {"step": "send", "phone": "0900000001"})
    assert client.post("/quen-mat-khau/tin-nhan/", {"step": "send", "phone": "0900000001"}).status_code == 429
