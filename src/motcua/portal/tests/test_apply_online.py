"""A citizen applies online from the procedure page, follows the dossier, answers a supplement request."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Dossier, DossierDocument, DossierDraft, StoredDocument
from motcua.dossiers.tests.flow import PDF, act, at

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def signed_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def applicant_fields(**changes):
    fields = {
        "applicant-kind": "person",
        "applicant-name": "Nguyễn Thị Hoa",
        "applicant-id_number": "092188001234",
        "applicant-phone": "0907 111 222",
        "applicant-email": "hoa@example.vn",
        "applicant-province": "92",
        "applicant-commune": "31135",
        "applicant-address": "12 Hòa Bình",
    }
    return {**fields, **changes}


def start(client, office) -> int:
    response = client.post(f"/thu-tuc/{office.version.procedure.code}/nop-truc-tuyen/")
    assert response.status_code == 302
    found = re.search(r"/nop-ho-so/(\d+)/", response["Location"])
    assert found, response["Location"]
    return int(found.group(1))


def token_in(html: str) -> str:
    """The one-time token of the page's form (core/replay.py)."""
    found = re.search(r'name="form_token" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def test_apply_online_from_the_procedure_page_to_the_desk_queue(client, procedure):
    office, application, _ = procedure
    page = client.get(f"/thu-tuc/{office.version.procedure.code}/")
    assert f"/thu-tuc/{office.version.procedure.code}/nop-truc-tuyen/" in page.content.decode()
    # Not signed in: to the sign-in page first, and back.
    gate = client.get(f"/thu-tuc/{office.version.procedure.code}/nop-truc-tuyen/")
    assert gate.status_code == 302 and gate["Location"].startswith("/dang-nhap/?next=")

    signed_in(client, office.citizen)
    # The page says what to have ready; following the link makes nothing, the button does.
    ready = client.get(f"/thu-tuc/{office.version.procedure.code}/nop-truc-tuyen/")
    assert "Have these ready" in ready.content.decode() and "Giấy phép kinh doanh" in ready.content.decode()
    assert not DossierDraft.objects.exists()
    draft_id = start(client, office)
    form = client.get(f"/ca-nhan/nop-ho-so/{draft_id}/")
    assert "Mục đích" in form.content.decode() and "Đơn đề nghị" in form.content.decode()

    # Saved half-done: nothing is refused yet, and the review says what is missing.
    saved = client.post(f"/ca-nhan/nop-ho-so/{draft_id}/", {**applicant_fields(), "form-purpose": "Mở quán karaoke"})
    assert saved.status_code == 302
    review = client.get(f"/ca-nhan/nop-ho-so/{draft_id}/xem-lai/")
    text = review.content.decode()
    assert "Số khách: Answer this question" in text and "Đơn đề nghị: Attach this document." in text
    assert "Submit the application" not in text

    # The rest, with the file; "Save and review" goes on to the review.
    done = client.post(
        f"/ca-nhan/nop-ho-so/{draft_id}/",
        {
            **applicant_fields(),
            "form-purpose": "Mở quán karaoke",
            "form-guests": "40",
            "form-outdoor": "1",
            f"files-{application.pk}": [
                SimpleUploadedFile("don (trang 1).pdf", PDF),
                SimpleUploadedFile("trang2.png", PNG),
            ],
            "next": "review",
        },
    )
    assert done.status_code == 302 and done["Location"].endswith("/xem-lai/")
    review = client.get(done["Location"])
    assert "Submit the application" in review.content.decode()
    token = token_in(review.content.decode())

    no_declaration = client.post(done["Location"], {"form_token": token})
    assert no_declaration.status_code == 400 and "Confirm that the information you give is true" in (
        no_declaration.content.decode()
    )
    assert not Dossier.objects.exists()
    token = token_in(no_declaration.content.decode())
    with at(2026, 11, 26, 9, 30):
        submitted = client.post(done["Location"], {"form_token": token, "declaration": "yes"})
    dossier = Dossier.objects.get()
    assert submitted["Location"] == f"/ca-nhan/ho-so/{dossier.code}/da-nop/"
    assert (dossier.status, dossier.channel, dossier.online_level, dossier.owner) == (
        "submitted",
        "online",
        "partial",
        office.citizen,
    )
    assert dossier.form_data == {"purpose": "Mở quán karaoke", "guests": 40, "outdoor": True}
    assert dossier.applicant_phone == "+84907111222" and dossier.applicant_commune == 31135
    assert sorted(dossier.documents.values_list("original_name", flat=True)) == ["don_trang_1.pdf", "trang2.png"]
    assert set(dossier.documents.values_list("required_document", flat=True)) == {application.pk}
    confirmation = client.get(submitted["Location"]).content.decode()
    assert dossier.code in confirmation and dossier.lookup_secret in confirmation

    # Submitting again (a second click, the back button) makes no second dossier.
    again = client.post(done["Location"], {"form_token": token, "declaration": "yes"})
    assert again.status_code == 302 and Dossier.objects.count() == 1
    assert client.get(f"/ca-nhan/nop-ho-so/{draft_id}/")["Location"] == f"/ca-nhan/ho-so/{dossier.code}/"

    # The desk's queue of online dossiers to check has it.
    client.force_login(office.desk)
    assert dossier.code in client.get("/mot-cua/", {"queue": "online"}).content.decode()


def test_bad_answers_and_files_are_refused_with_what_to_fix_and_nothing_kept(client, procedure):
    office, application, _ = procedure
    signed_in(client, office.citizen)
    draft_id = start(client, office)
    forged = client.post(
        f"/ca-nhan/nop-ho-so/{draft_id}/",
        {**applicant_fields(), f"files-{application.pk}": SimpleUploadedFile("don.pdf", b"MZ\x90\0 not a pdf")},
        follow=True,
    )
    assert "not a PDF document" in forged.content.decode()
    assert not StoredDocument.objects.exists()
    client.post(
        f"/ca-nhan/nop-ho-so/{draft_id}/",
        {
            **applicant_fields(**{"applicant-id_number": "12345", "applicant-commune": "1"}),
            "form-purpose": "x" * 300,
            "form-guests": "0",
            "form-opening": "2026-02-30",
        },
    )
    review = client.get(f"/ca-nhan/nop-ho-so/{draft_id}/xem-lai/").content.decode()
    for expected in ["At most 200 characters", "At least 1.", "Enter a valid date", "Commune or ward"]:
        assert expected in review, expected
    response = client.post(f"/ca-nhan/nop-ho-so/{draft_id}/xem-lai/", {"declaration": "yes", "form_token": "x"})
    assert response.status_code == 302  # a token it did not issue: nothing is sent
    assert not Dossier.objects.exists()


def test_documents_are_kept_in_the_store_and_reused(client, procedure):
    office, application, _ = procedure
    signed_in(client, office.citizen)
    upload = client.post(
        "/ca-nhan/kho-giay-to/", {"title": "Đơn mẫu đã ký", "files": SimpleUploadedFile("don.pdf", PDF)}
    )
    assert upload.status_code == 302
    stored = StoredDocument.objects.get(owner=office.citizen)
    draft_id = start(client, office)
    assert "Đơn mẫu đã ký" in client.get(f"/ca-nhan/nop-ho-so/{draft_id}/").content.decode()
    client.post(f"/ca-nhan/nop-ho-so/{draft_id}/", {**applicant_fields(), f"reuse-{application.pk}": str(stored.pk)})
    assert DossierDraft.objects.get(pk=draft_id).documents.get().stored == stored
    # Another person's file cannot be taken.
    other = StoredDocument.objects.create(
        owner=office.stranger,
        title="x",
        file="x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        stored_at=stored.stored_at,
    )
    client.post(f"/ca-nhan/nop-ho-so/{draft_id}/", {**applicant_fields(), f"reuse-{application.pk}": str(other.pk)})
    assert DossierDraft.objects.get(pk=draft_id).documents.count() == 1
    assert client.get(f"/ca-nhan/kho-giay-to/{other.pk}/").status_code == 404
    # The same file uploaded again is stored once.
    client.post("/ca-nhan/kho-giay-to/", {"title": "lại", "files": SimpleUploadedFile("don-2.pdf", PDF)})
    assert StoredDocument.objects.filter(owner=office.citizen).count() == 1


def test_drafts_and_dossiers_are_their_owners_alone(client, procedure):
    office, *_ = procedure
    signed_in(client, office.citizen)
    draft_id = start(client, office)
    signed_in(client, office.stranger)
    assert client.get(f"/ca-nhan/nop-ho-so/{draft_id}/").status_code == 404
    assert client.post(f"/ca-nhan/nop-ho-so/{draft_id}/", applicant_fields()).status_code == 404
    assert client.get("/ca-nhan/ho-so/").status_code == 200
    signed_in(client, office.desk)
    refused = client.post(f"/thu-tuc/{office.version.procedure.code}/nop-truc-tuyen/", follow=True)
    assert "apply online with a citizen or organisation account" in refused.content.decode()


def submitted_dossier(client, office, application) -> Dossier:
    signed_in(client, office.citizen)
    draft_id = start(client, office)
    client.post(
        f"/ca-nhan/nop-ho-so/{draft_id}/",
        {
            **applicant_fields(),
            "form-purpose": "Mở quán",
            "form-guests": "10",
            f"files-{application.pk}": SimpleUploadedFile("don.pdf", PDF),
        },
    )
    page = client.get(f"/ca-nhan/nop-ho-so/{draft_id}/xem-lai/").content.decode()
    token = token_in(page)
    client.post(f"/ca-nhan/nop-ho-so/{draft_id}/xem-lai/", {"form_token": token, "declaration": "yes"})
    return Dossier.objects.get()


def test_the_applicant_answers_a_supplement_request_on_the_same_dossier(client, procedure):
    office, application, _ = procedure
    with at(2026, 11, 23, 9, 0):
        dossier = submitted_dossier(client, office, application)
        act(office.desk, dossier.code, "request_supplement", note="Thiếu bản sao giấy phép kinh doanh.")
    page = client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
    assert "The agency asks you for more documents" in page and "Thiếu bản sao giấy phép kinh doanh." in page
    token = token_in(page)
    empty = client.post(f"/ca-nhan/ho-so/{dossier.code}/bo-sung/", {"form_token": token}, follow=True)
    assert "Attach the documents that were asked for." in empty.content.decode()
    assert Dossier.objects.get().status == "supplement_requested"
    page = client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
    token = token_in(page)
    with at(2026, 11, 24, 10, 0):
        sent = client.post(
            f"/ca-nhan/ho-so/{dossier.code}/bo-sung/",
            {"form_token": token, "files": SimpleUploadedFile("giay-phep.pdf", PDF + b"2"), "note": "Đã bổ sung."},
            follow=True,
        )
    assert "Your documents were sent" in sent.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "submitted" and dossier.code == Dossier.objects.get().code
    assert DossierDocument.objects.filter(dossier=dossier, original_name="giay-phep.pdf").exists()
    history = client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
    assert "Đã bổ sung." in history
    assert client.get(f"/ca-nhan/ho-so/{dossier.code}/bieu-mau/supplement-request.pdf").status_code == 200


def test_the_applicant_withdraws_with_a_reason_and_sees_no_internal_notes(client, procedure):
    office, application, _ = procedure
    dossier = submitted_dossier(client, office, application)
    act(office.desk, dossier.code, "receive", internal_note="Gọi điện xác minh: đúng người.")
    page = client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
    assert "Gọi điện xác minh" not in page and "Receipt and appointment" in page
    assert client.get(f"/ca-nhan/ho-so/{dossier.code}/giay-tiep-nhan.pdf")["Content-Type"] == "application/pdf"
    client.post(f"/ca-nhan/ho-so/{dossier.code}/rut/", {"note": ""})
    assert Dossier.objects.get().status == "received"
    client.post(f"/ca-nhan/ho-so/{dossier.code}/rut/", {"note": "Không còn nhu cầu."})
    assert Dossier.objects.get().status == "withdrawn"
    signed_in(client, office.stranger)
    assert client.get(f"/ca-nhan/ho-so/{dossier.code}/").status_code == 404
    assert client.get(f"/ca-nhan/ho-so/{dossier.code}/giay-tiep-nhan.pdf").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("don.pdf", b"MZ\x90\x00\x03 this is a Windows program", "not a PDF document"),
        ("trang.html", b"<html><script>alert(1)</script></html>", "Send a JPG, PDF, PNG file."),
        ("anh.png.exe", b"MZ\x90\x00", "Send a JPG, PDF, PNG file."),
        ("rong.pdf", b"", "The file is empty."),
    ],
)
def test_hostile_uploads_are_refused_and_nothing_is_stored(client, procedure, name, content, message):
    office, application, _ = procedure
    signed_in(client, office.citizen)
    draft_id = start(client, office)
    refused = client.post(
        f"/ca-nhan/nop-ho-so/{draft_id}/",
        {**applicant_fields(), f"files-{application.pk}": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert message in refused.content.decode()
    assert not StoredDocument.objects.exists() and not DossierDraft.objects.get().documents.exists()


def test_an_oversized_file_and_a_path_in_the_name_are_handled(client, procedure, settings):
    office, application, _ = procedure
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1024
    signed_in(client, office.citizen)
    draft_id = start(client, office)
    big = client.post(
        f"/ca-nhan/nop-ho-so/{draft_id}/",
        {**applicant_fields(), f"files-{application.pk}": SimpleUploadedFile("lon.pdf", PDF + b"0" * 2048)},
        follow=True,
    )
    assert "files may be at most" in big.content.decode() and not StoredDocument.objects.exists()
    client.post(
        f"/ca-nhan/nop-ho-so/{draft_id}/",
        {**applicant_fields(), f"files-{application.pk}": SimpleUploadedFile("../../../etc/passwd.pdf", PDF)},
    )
    stored = StoredDocument.objects.get()
    assert stored.original_name == "passwd.pdf" and ".." not in stored.file.name and "passwd" not in stored.file.name


def test_nothing_of_another_person_is_reachable_by_guessing_its_address(client, procedure):
    office, application, _ = procedure
    with at(2026, 11, 23, 9, 0):
        dossier = submitted_dossier(client, office, application)
    document = dossier.documents.get()
    stored = StoredDocument.objects.get(owner=office.citizen)
    draft_id = start(client, office)
    signed_in(client, office.stranger)
    for url in [
        f"/ca-nhan/ho-so/{dossier.code}/",
        f"/ca-nhan/ho-so/{dossier.code}/da-nop/",
        f"/ca-nhan/ho-so/{dossier.code}/tai-lieu/{document.pk}/",
        f"/ca-nhan/ho-so/{dossier.code}/giay-tiep-nhan.pdf",
        f"/ca-nhan/ho-so/{dossier.code}/bieu-mau/supplement-request.pdf",
        f"/ca-nhan/kho-giay-to/{stored.pk}/",
        f"/ca-nhan/nop-ho-so/{draft_id}/",
        f"/ca-nhan/nop-ho-so/{draft_id}/xem-lai/",
        f"/api/v1/dossiers/{dossier.code}/",
        f"/api/v1/dossiers/{dossier.code}/documents/{document.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/ca-nhan/ho-so/{dossier.code}/rut/",
        f"/ca-nhan/ho-so/{dossier.code}/bo-sung/",
        f"/ca-nhan/ho-so/{dossier.code}/danh-gia/",
        f"/ca-nhan/ho-so/{dossier.code}/thanh-toan/",
        f"/ca-nhan/nop-ho-so/{draft_id}/xoa/",
    ]:
        assert client.post(url, {"note": "x", "provider": "fake"}).status_code == 404, url
    client.post("/ca-nhan/kho-giay-to/", {"delete": str(stored.pk)})
    assert StoredDocument.objects.filter(pk=stored.pk).exists()
    assert Dossier.objects.get().status == "submitted" and DossierDraft.objects.filter(pk=draft_id).exists()
    # Before it is returned, not even the applicant downloads the result.
    signed_in(client, office.citizen)
    assert client.get(f"/ca-nhan/ho-so/{dossier.code}/tai-lieu/999999/").status_code == 404
