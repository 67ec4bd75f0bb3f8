"""The result at the desk, online (full online procedures) or by post to an address the applicant gives."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.constants import ServiceLevel
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.flow import PDF, act, api, carry_to_leader
from motcua.portal.tests.test_apply_online import applicant_fields, start, token_in

POSTAL = {
    "delivery-method": "post",
    "delivery-recipient": "Nguyễn Thị Hoa",
    "delivery-phone": "0907 111 222",
    "delivery-province": "92",
    "delivery-commune": "31135",
    "delivery-address": "12 Hòa Bình",
}


def signed_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def fill(client, draft_id: int, application, delivery: dict[str, str]) -> str:
    """The whole form with a file and the delivery given; the review page."""
    answers = {"form-purpose": "Mở quán karaoke", "form-guests": "40"}
    files = {f"files-{application.pk}": [SimpleUploadedFile("don.pdf", PDF)]}
    client.post(f"/ca-nhan/nop-ho-so/{draft_id}/", {**applicant_fields(), **answers, **files, **delivery})
    return client.get(f"/ca-nhan/nop-ho-so/{draft_id}/xem-lai/").content.decode()


def apply_with(client, office, application, delivery: dict[str, str]) -> tuple[int, str]:
    draft_id = start(client, office)
    return draft_id, fill(client, draft_id, application, delivery)


def test_by_post_to_an_address_the_applicant_gives_then_returned_with_a_tracking_number(client, procedure):
    office, application, _ = procedure
    signed_in(client, office.citizen)
    draft_id, review = apply_with(client, office, application, {**POSTAL, "delivery-address": ""})
    assert "House number and street: Enter the house number and street of the address." in review
    assert "Submit the application" not in review
    review = fill(client, draft_id, application, POSTAL)
    assert "By post, to an address I give" in review and "12 Hòa Bình" in review
    client.post(f"/ca-nhan/nop-ho-so/{draft_id}/xem-lai/", {"form_token": token_in(review), "declaration": "yes"})
    dossier = Dossier.objects.get()
    assert dossier.result_delivery == "post"
    assert dossier.postal_address == {
        "recipient": "Nguyễn Thị Hoa",
        "phone": "+84907111222",
        "province": 92,
        "commune": 31135,
        "address": "12 Hòa Bình",
    }

    # The desk and the divisions carry it to the end; returning it needs the postal item's number.
    code = dossier.code
    assert act(office.desk, code, "receive").status_code == 200
    assert act(office.desk, code, "transfer", unit="QLDL").status_code == 200
    carry_to_leader(office, code)
    assert act(office.leader, code, "approve").status_code == 200
    signed_in(client, office.desk)
    page = client.get(f"/mot-cua/ho-so/{code}/").content.decode()
    assert "By post" in page and 'name="tracking_number"' in page
    refused = act(office.desk, code, "return_result")
    assert refused.status_code == 400 and "tracking_number" in refused.json()["error"]["fields"]
    assert Dossier.objects.get().status == "processed"
    assert act(office.desk, code, "return_result", tracking_number="en123456789vn").status_code == 200
    dossier.refresh_from_db()
    assert (dossier.status, dossier.postal_tracking_number) == ("returned", "EN123456789VN")
    detail = api(office.desk).get(f"/api/v1/dossiers/{code}/").json()
    assert (detail["result_delivery"], detail["postal_tracking_number"]) == ("post", "EN123456789VN")

    signed_in(client, office.citizen)
    mine = client.get(f"/ca-nhan/ho-so/{code}/").content.decode()
    assert "Posted, tracking number EN123456789VN" in mine
    assert "Change how you receive the result" not in mine  # closed: nothing to change
    late = client.post(f"/ca-nhan/ho-so/{code}/nhan-ket-qua/", {"delivery-method": "desk"}, follow=True)
    assert "can no longer be sent elsewhere" in late.content.decode()
    assert Dossier.objects.get().result_delivery == "post"


def test_the_applicant_changes_the_choice_until_the_result_is_returned(client, procedure):
    office, application, _ = procedure
    signed_in(client, office.citizen)
    draft_id, review = apply_with(client, office, application, {"delivery-method": "desk"})
    client.post(f"/ca-nhan/nop-ho-so/{draft_id}/xem-lai/", {"form_token": token_in(review), "declaration": "yes"})
    dossier = Dossier.objects.get()
    assert dossier.result_delivery == "desk" and dossier.postal_address == {}
    url = f"/ca-nhan/ho-so/{dossier.code}/nhan-ket-qua/"
    wrong = client.post(url, {**POSTAL, "delivery-phone": "12345"}, follow=True)
    assert "Enter a Vietnamese phone number for the postman" in wrong.content.decode()
    assert Dossier.objects.get().result_delivery == "desk"
    client.post(url, POSTAL)
    assert Dossier.objects.get().result_delivery == "post"
    # Another person's dossier cannot be redirected.
    signed_in(client, office.stranger)
    assert client.post(url, {"delivery-method": "desk"}).status_code == 404
    assert Dossier.objects.get().result_delivery == "post"


def test_online_delivery_only_for_full_online_procedures(client, procedure):
    office, application, _ = procedure
    signed_in(client, office.citizen)
    draft_id, review = apply_with(client, office, application, {"delivery-method": "online"})
    assert "Receiving the result: Choose how you want to receive the result." in review
    office.version.service_level = ServiceLevel.FULL
    office.version.save()
    page = client.get(f"/ca-nhan/nop-ho-so/{draft_id}/").content.decode()
    assert 'value="online"' in page
    _, review = apply_with(client, office, application, {"delivery-method": "online"})
    assert "Online: a digitally signed file to download" in review and "Choose how you want" not in review


def test_a_paper_dossier_returned_by_post_needs_a_complete_address(client, office):
    signed_in(client, office.desk)
    code = office.version.procedure.code
    base = {
        "procedure": code,
        "channel": "postal",
        "applicant_kind": "person",
        "applicant_name": "Trần Văn Bình",
        "applicant_phone": "0912345678",
        "result_by_post": "on",
        "decision": "receive",
    }
    page = client.get("/mot-cua/tiep-nhan/", {"procedure": code}).content.decode()
    incomplete = client.post(
        "/mot-cua/tiep-nhan/", {**base, "form_token": token_in(page)}, follow=True
    ).content.decode()
    assert "Choose the province and the commune or ward of the address." in incomplete
    assert not Dossier.objects.exists()
    complete = {**base, "applicant_province": "92", "applicant_commune": "31135", "applicant_address": "3 Lý Tự Trọng"}
    client.post("/mot-cua/tiep-nhan/", {**complete, "form_token": token_in(incomplete)})
    dossier = Dossier.objects.get()
    assert (dossier.result_delivery, dossier.postal_address["address"]) == ("post", "3 Lý Tự Trọng")
