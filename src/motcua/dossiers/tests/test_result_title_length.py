"""A result whose name is long (up to 500 characters) still reaches the applicant's document store."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from motcua.dossiers.models import Dossier, StoredDocument
from motcua.dossiers.tests.flow import act, api


def test_a_long_result_name_is_cut_to_the_store_title(office):
    office.version.result_name = "Giấy phép kinh doanh dịch vụ lữ hành quốc tế " * 11  # ~500 characters
    office.version.save(update_fields=["result_name"])
    applicant = {"kind": "person", "name": "Lê Văn Hai"}
    created = api(office.citizen).post(
        "/api/v1/dossiers/", {"procedure": "2.001628", "channel": "online", "applicant": applicant}, format="json"
    )
    code = created.json()["code"]
    act(office.desk, code, "receive")
    act(office.desk, code, "transfer", unit="QLDL")
    for user, action in [(office.head, "assign"), (office.specialist, "forward"), (office.head, "forward")]:
        assert act(user, code, action, assignee="specialist").status_code == 200
    decision = SimpleUploadedFile("quyet-dinh.pdf", HTML(string="<h1>Quyết định</h1>").write_pdf())
    uploaded = api(office.leader).post(f"/api/v1/dossiers/{code}/documents/", {"file": decision, "kind": "result"})
    assert uploaded.status_code == 201
    act(office.leader, code, "approve")

    assert act(office.desk, code, "return_result").status_code == 200

    assert Dossier.objects.get(code=code).status == "returned"
    stored = StoredDocument.objects.get(owner=office.citizen)
    assert len(stored.title) == StoredDocument._meta.get_field("title").max_length
    assert code in stored.title
