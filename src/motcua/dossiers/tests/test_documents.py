"""Uploads: checked by content, limited in size and count, private, and read with a record."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from motcua.catalog.tests.factories import RequiredDocumentFactory
from motcua.dossiers.models import DossierAccessLog, DossierDocument
from motcua.dossiers.uploads import safe_file_name

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
APPLICANT = {"kind": "person", "name": "Nguyễn Văn An"}


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def dossier(office):
    body = api(office.citizen).post(
        "/api/v1/dossiers/", {"procedure": "2.001628", "channel": "online", "applicant": APPLICANT}, format="json"
    )
    return body.json()


def upload(user, code, name, content, **extra):
    return api(user).post(
        f"/api/v1/dossiers/{code}/documents/",
        {"file": SimpleUploadedFile(name, content), **extra},
        format="multipart",
    )


def test_an_applicant_attaches_a_pdf_for_a_required_document(office, dossier):
    required = RequiredDocumentFactory(version=office.version, accepted_file_types=["pdf"])
    response = upload(office.citizen, dossier["code"], "Đơn đề nghị (bản ký).pdf", PDF, required_document=required.pk)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["original_name"] == "Don_de_nghi_ban_ky.pdf" and body["content_type"] == "application/pdf"
    document = DossierDocument.objects.get()
    assert "Don" not in document.file.name  # stored under a random name
    download = api(office.citizen).get(body["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", b"MZ\x90\x00 this is an exe", "not a PDF"),
        ("photo.png", PDF, "not a PNG"),
        ("virus.exe", PDF, "Send a"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_forged_or_unaccepted_files_are_refused(office, dossier, name, content, message):
    response = upload(office.citizen, dossier["code"], name, content)
    assert response.status_code == 400
    assert message in str(response.json()["error"]["fields"]["file"])
    assert DossierDocument.objects.count() == 0


def test_a_type_the_procedure_does_not_accept_is_refused(office, dossier):
    required = RequiredDocumentFactory(version=office.version, accepted_file_types=["pdf"])
    response = upload(office.citizen, dossier["code"], "photo.png", PNG, required_document=required.pk)
    assert response.status_code == 400 and "PDF" in str(response.json()["error"]["fields"])


def test_oversized_files_are_refused_before_they_are_kept(office, dossier, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1024
    response = upload(office.citizen, dossier["code"], "big.pdf", PDF + b"0" * 200_000)
    assert response.status_code == 400 and response.json()["error"]["code"] == "too-large"
    small_limit = upload(office.citizen, dossier["code"], "big.pdf", PDF + b"0" * 2000)
    assert small_limit.status_code == 400
    assert DossierDocument.objects.count() == 0


def test_a_dossier_holds_a_limited_number_of_files(office, dossier, settings):
    settings.MOTCUA_UPLOAD_MAX_FILES_PER_DOSSIER = 2
    assert upload(office.citizen, dossier["code"], "a.pdf", PDF).status_code == 201
    assert upload(office.citizen, dossier["code"], "b.pdf", PDF + b"%b\n").status_code == 201
    third = upload(office.citizen, dossier["code"], "c.pdf", PDF + b"%c\n")
    assert third.status_code == 400 and "at most 2" in str(third.json()["error"]["fields"])


def test_the_same_file_sent_twice_is_attached_once(office, dossier):
    assert upload(office.citizen, dossier["code"], "a.pdf", PDF).status_code == 201
    replay = upload(office.citizen, dossier["code"], "a (1).pdf", PDF)
    assert replay.status_code == 400 and "already attached" in str(replay.json()["error"]["fields"])
    assert DossierDocument.objects.count() == 1


def test_others_cannot_upload_or_download(office, dossier):
    assert upload(office.stranger, dossier["code"], "a.pdf", PDF).status_code == 404
    url = upload(office.citizen, dossier["code"], "a.pdf", PDF).json()["url"]
    assert api(office.stranger).get(url).status_code == 404
    assert api(office.foreign_desk).get(url).status_code == 404


def test_officials_leave_a_record_when_they_read(office, dossier):
    url = upload(office.citizen, dossier["code"], "a.pdf", PDF).json()["url"]
    assert api(office.desk).get(f"/api/v1/dossiers/{dossier['code']}/").status_code == 200
    assert api(office.desk).get(url).status_code == 200
    assert api(office.citizen).get(url).status_code == 200  # the applicant reading their own leaves none
    assert list(DossierAccessLog.objects.values_list("user__username", "what")) == [
        ("desk", f"document {DossierDocument.objects.get().pk}"),
        ("desk", "dossier"),
    ]


def test_files_cannot_be_added_once_processing_started(office):
    body = (
        api(office.desk)
        .post(
            "/api/v1/dossiers/",
            {"procedure": "2.001628", "channel": "in_person", "applicant": APPLICANT},
            format="json",
        )
        .json()
    )
    api(office.desk).post(f"/api/v1/dossiers/{body['code']}/actions/transfer/", {"unit": "QLDL"}, format="json")
    assert upload(office.desk, body["code"], "late.pdf", PDF).status_code == 403


def test_safe_file_names():
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("C:\\\\Users\\\\An\\\\Giấy tờ.pdf") == "Giay_to.pdf"
    assert safe_file_name("....") == "tai-lieu"
    assert len(safe_file_name("a" * 300 + ".pdf")) <= 100
