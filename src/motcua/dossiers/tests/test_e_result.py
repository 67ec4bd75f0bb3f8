"""The electronic result: returned as a digitally signed PDF, downloadable, kept in the applicant's store."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from weasyprint import HTML

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.flow import act, api


def test_the_returned_result_is_signed_and_reaches_the_applicant(client, office):
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
    for user, action in [(office.head, "assign"), (office.specialist, "forward"), (office.head, "forward")]:
        assert act(user, code, action, assignee="specialist").status_code == 200
    decision = HTML(string="<h1>Quyết định cấp giấy phép</h1>").write_pdf()
    uploaded = api(office.leader).post(
        f"/api/v1/dossiers/{code}/documents/",
        {"file": SimpleUploadedFile("quyet-dinh.pdf", decision), "kind": "result"},
    )
    assert uploaded.status_code == 201
    act(office.leader, code, "approve")
    # Approved but not returned: the officials read the result, the applicant not yet (API or page).
    draft_result = Dossier.objects.get(code=code).documents.get(kind="result")
    url = f"/api/v1/dossiers/{code}/documents/{draft_result.pk}/"
    assert api(office.leader).get(url).status_code == 200
    assert api(office.citizen).get(url).status_code == 404
    client.force_login(office.citizen)
    assert client.get(f"/ca-nhan/ho-so/{code}/tai-lieu/{draft_result.pk}/").status_code == 404
    act(office.desk, code, "return_result")

    dossier = Dossier.objects.get(code=code)
    original, signed = dossier.documents.filter(kind="result").order_by("id")
    assert original.signed_by == "" and signed.signed_by.startswith("MotCua demo agency")
    assert signed.original_name == "quyet-dinh-ky-so.pdf"
    with signed.file.open("rb") as stream:
        content = stream.read()
    embedded = PdfFileReader(BytesIO(content)).embedded_signatures[0]
    assert validate_pdf_signature(embedded, ValidationContext(trust_roots=[])).intact  # demo certificate: untrusted
    # The applicant downloads it and finds it in their document store.
    client.force_login(office.citizen)
    page = client.get(f"/ca-nhan/ho-so/{code}/").content.decode()
    assert "quyet-dinh-ky-so.pdf" in page
    download = client.get(f"/ca-nhan/ho-so/{code}/tai-lieu/{signed.pk}/")
    assert b"".join(download.streaming_content) == content
    stored = office.citizen.stored_documents.get()
    assert (stored.source, stored.sha256) == ("result", signed.sha256)
