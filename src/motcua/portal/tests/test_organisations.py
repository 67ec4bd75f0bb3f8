"""Organisation accounts: a business applies through several representatives, each with their own account."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import Organisation, OrganisationMember
from motcua.accounts.services import SignUp, account_signup
from motcua.dossiers.models import Dossier, DossierDraft
from motcua.dossiers.tests.flow import PDF, api
from motcua.integrations.sms.fake import FakeSmsGateway
from motcua.portal.tests.test_apply_online import applicant_fields, token_in

PASSWORD = "hoa-sen-2026-mua-thu"
COMPANY = {"organisation_name": "Công ty TNHH Du lịch Mê Kông", "tax_code": "1801234567"}


@pytest.fixture(autouse=True)
def _fresh(settings):
    FakeSmsGateway.reset()
    cache.clear()
    settings.MOTCUA_SMS_GATEWAY = "fake"


def as_user(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def company(db):
    legal = account_signup(SignUp(full_name="Trần Thị Lan", password=PASSWORD, phone="0907111222", **COMPANY))
    clerk = account_signup(SignUp(full_name="Võ Minh Tâm", password=PASSWORD, phone="0912345678"))
    return Organisation.objects.get(), legal, clerk


def test_signing_up_with_a_tax_code_registers_the_organisation_once(client, company):
    organisation, legal, _ = company
    assert (organisation.name, organisation.tax_code) == (COMPANY["organisation_name"], COMPANY["tax_code"])
    assert OrganisationMember.objects.get(organisation=organisation).user == legal
    client.cookies["django_language"] = "en"
    again = client.post(
        "/dang-ky/",
        {"full_name": "Lê Văn C", "phone": "0938000111", "password": PASSWORD, "password_again": PASSWORD, **COMPANY},
    )
    assert again.status_code == 400 and "This tax code is already registered" in again.content.decode()
    assert Organisation.objects.count() == 1


def test_the_legal_representative_adds_and_removes_representatives(client, company):
    organisation, legal, clerk = company
    as_user(client, legal)
    page = "/ca-nhan/to-chuc/"
    unknown = client.post(page, {"organisation": organisation.pk, "identifier": "0999999999"}, follow=True)
    assert "the person signs up first" in unknown.content.decode()
    added = client.post(page, {"organisation": organisation.pk, "identifier": "0912 345 678"}, follow=True)
    assert "Võ Minh Tâm now represents the organisation" in added.content.decode()
    member = OrganisationMember.objects.get(user=clerk)
    assert (member.kind, member.added_by) == ("authorised", legal)

    # An authorised representative cannot change who represents the organisation.
    as_user(client, clerk)
    text = client.get(page).content.decode()
    assert COMPANY["organisation_name"] in text and 'name="identifier"' not in text
    refused = client.post(page, {"organisation": organisation.pk, "remove": legal.organisation_memberships.get().pk})
    assert refused.status_code == 302 and OrganisationMember.objects.count() == 2
    # Nor can the legal representative be removed, by anyone here.
    as_user(client, legal)
    client.post(page, {"organisation": organisation.pk, "remove": legal.organisation_memberships.get().pk})
    assert OrganisationMember.objects.filter(user=legal).exists()
    client.post(page, {"organisation": organisation.pk, "remove": member.pk})
    assert not OrganisationMember.objects.filter(user=clerk).exists()


def test_every_current_representative_follows_the_organisations_dossier(client, procedure, company):
    office, application, _ = procedure
    organisation, legal, clerk = company
    OrganisationMember.objects.create(organisation=organisation, user=clerk, added_at=organisation.created_at)
    as_user(client, clerk)
    start_page = client.get(f"/thu-tuc/{office.version.procedure.code}/nop-truc-tuyen/").content.decode()
    assert "representative of Công ty TNHH Du lịch Mê Kông" in start_page
    started = client.post(
        f"/thu-tuc/{office.version.procedure.code}/nop-truc-tuyen/", {"organisation": organisation.pk}
    )
    draft = DossierDraft.objects.get()
    assert started["Location"] == f"/ca-nhan/nop-ho-so/{draft.pk}/"
    assert (draft.organisation, draft.applicant["kind"], draft.applicant["tax_code"]) == (
        organisation,
        "organisation",
        "1801234567",
    )
    fields = {
        **applicant_fields(),
        "applicant-kind": "organisation",
        "applicant-name": COMPANY["organisation_name"],
        "applicant-tax_code": "0101234567",
        "form-purpose": "Mở quán karaoke",
        "form-guests": "40",
        f"files-{application.pk}": [SimpleUploadedFile("don.pdf", PDF)],
        "delivery-method": "desk",
    }
    client.post(started["Location"], fields)
    review = client.get(f"{started['Location']}xem-lai/").content.decode()
    assert "the applicant is that organisation, tax code 1801234567" in review
    client.post(started["Location"], {**fields, "applicant-tax_code": "1801234567"})
    review = client.get(f"{started['Location']}xem-lai/").content.decode()
    client.post(f"{started['Location']}xem-lai/", {"form_token": token_in(review), "declaration": "yes"})
    dossier = Dossier.objects.get()
    assert (dossier.organisation, dossier.owner, dossier.applicant_tax_code) == (organisation, clerk, "1801234567")

    # The legal representative follows it too (page and API); a stranger does not.
    as_user(client, legal)
    assert dossier.code in client.get("/ca-nhan/ho-so/").content.decode()
    assert client.get(f"/ca-nhan/ho-so/{dossier.code}/").status_code == 200
    assert api(legal).get(f"/api/v1/dossiers/{dossier.code}/").status_code == 200
    assert as_user(client, office.stranger).get(f"/ca-nhan/ho-so/{dossier.code}/").status_code == 404
    assert api(office.stranger).get(f"/api/v1/dossiers/{dossier.code}/").status_code == 404

    # Someone who stops representing the organisation stops seeing its dossiers, even their own submission.
    OrganisationMember.objects.filter(user=clerk).delete()
    assert as_user(client, clerk).get(f"/ca-nhan/ho-so/{dossier.code}/").status_code == 404
    assert dossier.code not in client.get("/ca-nhan/ho-so/").content.decode()
    assert api(clerk).get(f"/api/v1/dossiers/{dossier.code}/").status_code == 404


def test_one_cannot_apply_for_an_organisation_one_does_not_represent(client, procedure, company):
    office, _, _ = procedure
    organisation, _, clerk = company
    as_user(client, clerk)
    refused = client.post(
        f"/thu-tuc/{office.version.procedure.code}/nop-truc-tuyen/", {"organisation": organisation.pk}, follow=True
    )
    assert "You do not represent this organisation." in refused.content.decode()
    assert not DossierDraft.objects.exists()
