"""Applicants rate the service once their dossier is finished: online, or at the desk's kiosk."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.flow import act, api, carry_to_leader
from motcua.feedback.models import ServiceRating

HAPPY = {
    "satisfaction": "very_satisfied",
    "contacts_to_complete": "0",
    "agencies_contacted": "none",
    "attitude": "helpful",
    "information_accurate": "yes",
}
UNHAPPY = {**HAPPY, "satisfaction": "dissatisfied", "comment": "Phải chờ lâu, không được hướng dẫn."}


def returned_online_dossier(office) -> str:
    code = (
        api(office.citizen)
        .post(
            "/api/v1/dossiers/",
            {"procedure": "2.001628", "channel": "online", "applicant": {"kind": "person", "name": "Lê Văn Hai"}},
            format="json",
        )
        .json()["code"]
    )
    act(office.desk, code, "receive")
    act(office.desk, code, "transfer", unit="QLDL")
    carry_to_leader(office, code)
    assert act(office.leader, code, "approve").status_code == 200
    return code


@pytest.fixture
def signed_in(client):
    def sign(user):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return sign


def test_the_applicant_rates_once_after_the_result(signed_in, office):
    code = returned_online_dossier(office)
    client = signed_in(office.citizen)
    assert "Rate the service" not in client.get(f"/ca-nhan/ho-so/{code}/").content.decode()  # not returned yet
    early = client.post(f"/ca-nhan/ho-so/{code}/danh-gia/", HAPPY, follow=True)
    assert "rated once its result is returned" in early.content.decode() and not ServiceRating.objects.exists()
    act(office.desk, code, "return_result")
    assert "Rate the service" in client.get(f"/ca-nhan/ho-so/{code}/").content.decode()
    # The electronic result is the applicant's to download, and kept in their document store.
    result = Dossier.objects.get(code=code).documents.get(kind="result")
    assert client.get(f"/ca-nhan/ho-so/{code}/tai-lieu/{result.pk}/").status_code == 200
    stored = office.citizen.stored_documents.get()
    assert (stored.source, stored.sha256, stored.dossier.code) == ("result", result.sha256, code)
    incomplete = client.post(f"/ca-nhan/ho-so/{code}/danh-gia/", {"satisfaction": "satisfied"}, follow=True)
    assert "Answer every question" in incomplete.content.decode() and not ServiceRating.objects.exists()
    done = client.post(f"/ca-nhan/ho-so/{code}/danh-gia/", HAPPY, follow=True)
    assert "Thank you for your rating" in done.content.decode()
    rating = ServiceRating.objects.get()
    assert (rating.channel, rating.flagged, rating.information_accurate) == ("online", False, True)
    again = client.post(f"/ca-nhan/ho-so/{code}/danh-gia/", UNHAPPY, follow=True)
    assert "already been rated" in again.content.decode() and ServiceRating.objects.count() == 1
    assert "You rated this service" in again.content.decode()
    assert signed_in(office.stranger).post(f"/ca-nhan/ho-so/{code}/danh-gia/", HAPPY).status_code == 404


def test_an_unhappy_rating_at_the_kiosk_is_flagged_to_the_leaders(signed_in, client, office):
    code = returned_online_dossier(office)
    act(office.desk, code, "return_result")
    secret = Dossier.objects.get(code=code).lookup_secret
    client.cookies["django_language"] = "en"
    wrong = client.post("/danh-gia/", {"code": code, "secret": "WRONG123"})
    assert "No dossier matches this code and secret." in wrong.content.decode()
    questions = client.post("/danh-gia/", {"code": code, "secret": secret})
    assert "How did the officials treat you?" in questions.content.decode()
    assert "Lê Văn Hai" not in questions.content.decode()  # a kiosk shows no personal data
    client.post("/danh-gia/", {"code": code, "secret": secret, **UNHAPPY})
    rating = ServiceRating.objects.get()
    assert (rating.channel, rating.flagged) == ("kiosk", True)
    # The leader sees it first and marks it seen; the division that was rated does not read ratings.
    leader = signed_in(office.leader)
    page = leader.get("/mot-cua/danh-gia/").content.decode()
    assert code in page and "Phải chờ lâu" in page and "Mark as seen" in page
    leader.post("/mot-cua/danh-gia/", {"seen": str(rating.pk)})
    rating.refresh_from_db()
    assert rating.reviewed_by == office.leader and rating.reviewed_at is not None
    assert code not in signed_in(office.specialist).get("/mot-cua/danh-gia/").content.decode()
    assert code not in signed_in(office.foreign_desk).get("/mot-cua/danh-gia/").content.decode()
    assert signed_in(office.citizen).get("/mot-cua/danh-gia/").status_code == 403


def test_a_complaint_about_the_officials_is_flagged_even_when_satisfied(office):
    from motcua.feedback.services import RatingAnswers, rating_submit

    code = returned_online_dossier(office)
    act(office.desk, code, "return_result")
    rating = rating_submit(
        dossier=Dossier.objects.get(code=code),
        answers=RatingAnswers(
            satisfaction="satisfied",
            contacts_to_complete="1",
            agencies_contacted="desk",
            attitude="complaint",
            information_accurate=False,
        ),
        channel="online",
    )
    assert rating.flagged and rating.unhappy
