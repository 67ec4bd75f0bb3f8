"""The desk in the browser: queues, paper intake, actions, each limited to the official's scope."""

from __future__ import annotations

from datetime import datetime

import time_machine

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import office  # noqa: F401  (fixture)
from motcua.dossiers.tests.flow import carry_to_leader
from motcua.workdays.domain import VIETNAM

INTAKE = {
    "procedure": "2.001628",
    "channel": "in_person",
    "applicant_kind": "person",
    "applicant_name": "Trần Thị Bích",
    "applicant_id_number": "094190005678",
    "applicant_phone": "0912345678",
}


def receive(client, data, *, handed=None):
    """Send the intake form as the page gives it: with its one-time token, every document ticked
    (or only those in `handed`)."""
    page = client.get("/mot-cua/tiep-nhan/", {"procedure": data["procedure"]})
    ticks = {}
    for doc in page.context["form"].documents:
        if handed is None or doc.name in handed:
            ticks |= {f"doc_{doc.pk}": "on", f"kind_{doc.pk}": doc.copy_kind}
    return client.post("/mot-cua/tiep-nhan/", {**data, **ticks, "form_token": page.context["form_token"]})


def signed_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_desk_needs_an_official(client, office):  # noqa: F811
    assert client.get("/mot-cua/").status_code == 302  # to the sign-in page
    assert signed_in(client, office.citizen).get("/mot-cua/").status_code == 403


def test_the_menu_shows_each_official_the_pages_their_roles_open(client, office):  # noqa: F811
    from motcua.accounts.constants import Role, UserKind
    from motcua.accounts.tests.factories import RoleAssignmentFactory, UserFactory

    def menu(user) -> list[str]:
        page = signed_in(client, user).get("/mot-cua/huong-dan/" if user.username == "guide" else "/mot-cua/")
        return [link["url"] for link in page.context["links"]]

    guide = UserFactory(username="guide", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=guide, role=Role.VOLUNTEER_GUIDE, agency=office.agency)
    assert menu(guide) == ["/mot-cua/huong-dan/"]
    desk = menu(office.desk)
    assert {"/mot-cua/", "/mot-cua/tiep-nhan/", "/mot-cua/huong-dan/", "/mot-cua/bao-cao/"} <= set(desk)
    leader = menu(office.leader)
    assert "/mot-cua/bao-cao/" in leader and "/mot-cua/danh-gia/" in leader
    assert "/mot-cua/tiep-nhan/" not in leader and "/mot-cua/huong-dan/" not in leader
    specialist = menu(office.specialist)
    assert specialist == ["/mot-cua/"]
    for url in leader + desk:  # every link shown opens
        assert signed_in(client, office.leader if url in leader else office.desk).get(url).status_code == 200, url


def test_paper_intake_then_transfer_then_approval(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)
    with time_machine.travel(datetime(2026, 11, 19, 10, 20, tzinfo=VIETNAM), tick=False):
        response = receive(desk, INTAKE)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    page = desk.get(response["Location"])
    assert "Receipt (form 01, PDF)" in page.content.decode()
    assert [a for a, *_ in page.context["actions"]] == ["request_supplement", "transfer", "withdraw"]
    desk.post(f"/mot-cua/ho-so/{dossier.code}/thao-tac/transfer/", {"unit": "QLDL", "expected_status": "received"})
    assert Dossier.objects.get().status == "in_processing"
    carry_to_leader(office, dossier.code)
    leader = signed_in(client, office.leader)
    leader.post(f"/mot-cua/ho-so/{dossier.code}/thao-tac/approve/", {"expected_status": "in_processing"})
    assert Dossier.objects.get().status == "processed"
    ready = signed_in(client, office.desk).get("/mot-cua/", {"queue": "ready"})
    assert [d.code for d in ready.context["page"]] == [dossier.code]


def test_intake_with_bad_input_shows_what_to_fix_and_writes_nothing(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)
    response = receive(desk, {**INTAKE, "applicant_id_number": "123", "applicant_phone": "12"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "applicant_id_number" in errors
    fixed = receive(desk, {**INTAKE, "applicant_phone": "12"})
    assert "applicant_phone" in fixed.context["form"].errors
    assert Dossier.objects.count() == 0


def test_a_stale_button_does_not_act_twice(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)
    receive(desk, INTAKE)
    code = Dossier.objects.get().code
    first = desk.post(f"/mot-cua/ho-so/{code}/thao-tac/transfer/", {"unit": "QLDL", "expected_status": "received"})
    again = desk.post(
        f"/mot-cua/ho-so/{code}/thao-tac/transfer/", {"unit": "QLDL", "expected_status": "received"}, follow=True
    )
    assert first.status_code == 302
    assert "changed in the meantime" in again.content.decode()
    assert Dossier.objects.get().transitions.filter(action="transfer").count() == 1


def test_wrong_role_gets_a_message_not_a_change(client, office):  # noqa: F811
    receive(signed_in(client, office.desk), INTAKE)
    code = Dossier.objects.get().code
    signed_in(client, office.desk).post(f"/mot-cua/ho-so/{code}/thao-tac/transfer/", {"unit": "QLDL"})
    page = signed_in(client, office.specialist).post(f"/mot-cua/ho-so/{code}/thao-tac/approve/", {}, follow=True)
    assert "cannot be done while the dossier is at the step" in page.content.decode()
    page = signed_in(client, office.specialist).post(f"/mot-cua/ho-so/{code}/thao-tac/forward/", {}, follow=True)
    assert "Only the specialist assigned" in page.content.decode()
    assert Dossier.objects.get().status == "in_processing"


def test_queues_search_and_scope(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)
    receive(desk, INTAKE)
    receive(desk, {**INTAKE, "applicant_name": "Lê Văn Cường", "applicant_phone": "0931015119"})
    assert desk.get("/mot-cua/", {"queue": "all"}).context["page"].paginator.count == 2
    assert desk.get("/mot-cua/", {"queue": "all", "q": "Cường"}).context["page"].paginator.count == 1
    assert desk.get("/mot-cua/", {"queue": "all", "q": "0931015119"}).context["page"].paginator.count == 1
    assert desk.get("/mot-cua/", {"queue": "all", "q": "094190005678"}).context["page"].paginator.count == 2
    foreign = signed_in(client, office.foreign_desk)
    assert foreign.get("/mot-cua/", {"queue": "all"}).context["page"].paginator.count == 0
    code = Dossier.objects.first().code
    assert foreign.get(f"/mot-cua/ho-so/{code}/").status_code == 404


def test_overdue_and_due_soon(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)
    with time_machine.travel(datetime(2026, 11, 19, 10, 20, tzinfo=VIETNAM), tick=False):
        receive(desk, INTAKE)  # due 27/11 17:00
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=VIETNAM), tick=False):
        assert desk.get("/mot-cua/", {"queue": "due_soon"}).context["page"].paginator.count == 1
        assert desk.get("/mot-cua/", {"queue": "overdue"}).context["page"].paginator.count == 0
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM), tick=False):
        assert desk.get("/mot-cua/", {"queue": "overdue"}).context["page"].paginator.count == 1


def test_queue_query_count_does_not_grow(client, office):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk = signed_in(client, office.desk)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert desk.get("/mot-cua/", {"queue": "all"}).status_code == 200
        return len(ctx.captured_queries)

    receive(desk, INTAKE)
    few = count()
    for _ in range(10):
        receive(desk, INTAKE)
    assert count() == few


def test_receipt_pdf_from_the_desk(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)
    receive(desk, INTAKE)
    response = desk.get(f"/mot-cua/ho-so/{Dossier.objects.get().code}/giay-tiep-nhan.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_sign_in_page(client, office):  # noqa: F811
    office.desk.set_password("correct horse battery")
    office.desk.save()
    response = client.post("/dang-nhap/", {"username": "desk", "password": "correct horse battery"})
    assert response.status_code == 302 and client.get(response["Location"])["Location"] == "/mot-cua/"
    client.logout()
    wrong = client.post("/dang-nhap/", {"username": "desk", "password": "nope"})
    assert wrong.status_code == 200 and wrong.context["form"].errors


def test_a_specialist_sees_in_my_work_what_the_head_assigned(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)
    receive(desk, INTAKE)
    code = Dossier.objects.get().code
    desk.post(f"/mot-cua/ho-so/{code}/thao-tac/transfer/", {"unit": "QLDL"})
    assert signed_in(client, office.specialist).get("/mot-cua/").context["page"].paginator.count == 0
    head = signed_in(client, office.head)
    page = head.get(f"/mot-cua/ho-so/{code}/")
    assert [u.username for u in page.context["specialists"]] == ["specialist"]
    head.post(f"/mot-cua/ho-so/{code}/thao-tac/assign/", {"assignee": "specialist"})
    mine = signed_in(client, office.specialist).get("/mot-cua/").context["page"]
    assert [d.code for d in mine] == [code]


def test_a_replayed_intake_form_makes_one_dossier(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)
    token = desk.get("/mot-cua/tiep-nhan/", {"procedure": "2.001628"}).context["form_token"]
    first = desk.post("/mot-cua/tiep-nhan/", {**INTAKE, "form_token": token})
    again = desk.post("/mot-cua/tiep-nhan/", {**INTAKE, "form_token": token})
    assert Dossier.objects.count() == 1
    assert again.status_code == 302 and again["Location"] == first["Location"]  # back to the dossier made
    forged = desk.post("/mot-cua/tiep-nhan/", {**INTAKE, "form_token": "made-up"}, follow=True)
    assert "expired" in forged.content.decode() and Dossier.objects.count() == 1


def test_the_desk_attaches_a_scan_and_a_forged_file_is_refused(client, office):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    desk = signed_in(client, office.desk)
    receive(desk, INTAKE)
    dossier = Dossier.objects.get()
    url = f"/mot-cua/ho-so/{dossier.code}/tai-lieu/"
    scan = SimpleUploadedFile("don.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    page = desk.post(url, {"file": scan, "kind": "submitted"}, follow=True)
    assert "File attached." in page.content.decode()
    forged = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    page = desk.post(url, {"file": forged, "kind": "submitted"}, follow=True)
    assert "content is not a PDF document, whatever its name says" in page.content.decode()
    assert [d.original_name for d in dossier.documents.all()] == ["don.pdf"]
    result = SimpleUploadedFile("kq.pdf", b"%PDF-1.7\n%kq\n", content_type="application/pdf")
    refused = desk.post(url, {"file": result, "kind": "result"}, follow=True)
    assert "cannot be added" in refused.content.decode()
    assert dossier.documents.count() == 1


def test_work_lists_follow_the_step_the_dossier_is_at(client, office):  # noqa: F811
    from motcua.dossiers.tests.flow import act

    receive(signed_in(client, office.desk), INTAKE)
    code = Dossier.objects.get().code
    act(office.desk, code, "transfer", unit="QLDL")

    def mine(user) -> list[str]:
        return [d.code for d in signed_in(client, user).get("/mot-cua/").context["page"]]

    assert (mine(office.head), mine(office.specialist), mine(office.leader)) == ([code], [], [])
    act(office.head, code, "assign", assignee="specialist")
    assert (mine(office.head), mine(office.specialist)) == ([], [code])
    act(office.specialist, code, "forward")
    assert (mine(office.head), mine(office.specialist)) == ([code], [])
    act(office.head, code, "forward")
    assert (mine(office.head), mine(office.leader), mine(office.desk)) == ([], [code], [])


def test_a_division_consults_another_which_answers_on_the_page(client, office):  # noqa: F811
    from motcua.dossiers.tests.flow import act

    receive(signed_in(client, office.desk), INTAKE)
    code = Dossier.objects.get().code
    act(office.desk, code, "transfer", unit="QLDL")
    act(office.head, code, "assign", assignee="specialist")
    specialist = signed_in(client, office.specialist)
    page = specialist.get(f"/mot-cua/ho-so/{code}/")
    assert page.context["can_consult"] and [u.code for u in page.context["consult_units"]] == ["QLVH"]
    token = page.context["form_token"]
    form = {"unit": office.other_division.pk, "question": "Có vi phạm quy hoạch?", "working_days": 3}
    specialist.post(f"/mot-cua/ho-so/{code}/xin-y-kien/", {**form, "form_token": token})
    specialist.post(f"/mot-cua/ho-so/{code}/xin-y-kien/", {**form, "form_token": token})  # a replay
    consultation = Dossier.objects.get().consultations.get()
    other = signed_in(client, office.other_specialist)
    assert [d.code for d in other.get("/mot-cua/").context["page"]] == [code]  # waiting in its "My work"
    page = other.get(f"/mot-cua/ho-so/{code}/")
    assert page.context["answerable"] == {consultation.pk} and not page.context["actions"]
    other.post(f"/mot-cua/ho-so/{code}/xin-y-kien/{consultation.pk}/tra-loi/", {"answer": "Không vi phạm."})
    consultation.refresh_from_db()
    assert consultation.answer == "Không vi phạm." and consultation.answered_by == office.other_specialist
    assert other.get("/mot-cua/").context["page"].paginator.count == 0


def test_intake_records_the_address_on_province_and_commune(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)
    wrong = receive(desk, {**INTAKE, "applicant_province": "1", "applicant_commune": "31135"})
    assert "applicant_commune" in wrong.context["form"].errors  # Ninh Kiều is not in Hà Nội
    assert Dossier.objects.count() == 0
    # The form now offers Hà Nội's communes, as a browser without the script would see them.
    choices = dict(wrong.context["form"].fields["applicant_commune"].choices)
    assert "Phường Hoàn Kiếm" in choices.values() and "Phường Ninh Kiều" not in choices.values()
    receive(
        desk,
        {**INTAKE, "applicant_province": "92", "applicant_commune": "31135", "applicant_address": "12 Hai Bà Trưng"},
    )
    dossier = Dossier.objects.get()
    assert dossier.applicant_full_address == "12 Hai Bà Trưng, Phường Ninh Kiều, Thành phố Cần Thơ"


def test_the_checklist_decides_between_receipt_and_guidance(client, office):  # noqa: F811
    from motcua.catalog.tests.factories import RequiredDocumentFactory

    RequiredDocumentFactory(version=office.version, name="Đơn đề nghị", mandatory=True, order=1)
    RequiredDocumentFactory(version=office.version, name="Bản sao hợp đồng", mandatory=True, order=2)
    RequiredDocumentFactory(version=office.version, name="Ảnh chụp (nếu có)", mandatory=False, order=3)
    desk = signed_in(client, office.desk)
    page = desk.get("/mot-cua/tiep-nhan/", {"procedure": "2.001628"})
    assert [doc.name for doc, *_ in page.context["form"].checklist] == [
        "Đơn đề nghị",
        "Bản sao hợp đồng",
        "Ảnh chụp (nếu có)",
    ]
    refused = receive(desk, INTAKE, handed={"Đơn đề nghị"})
    assert "missing: Bản sao hợp đồng" in str(refused.context["form"].non_field_errors())
    assert Dossier.objects.count() == 0
    # The desk records it as incomplete and gives the guidance listing what is missing (form 02).
    guidance = receive(desk, {**INTAKE, "decision": "guidance"}, handed={"Đơn đề nghị"})
    dossier = Dossier.objects.get()
    assert guidance["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    assert dossier.status == "supplement_requested" and dossier.received_at is None
    assert "Bản sao hợp đồng" in dossier.pauses.get().items
    assert desk.get(f"/mot-cua/ho-so/{dossier.code}/bieu-mau/supplement-request.pdf").status_code == 200
    # A complete one is received; the checklist is kept with what was handed in.
    receive(desk, INTAKE, handed={"Đơn đề nghị", "Bản sao hợp đồng"})
    received = Dossier.objects.get(status="received")
    assert [(d["name"], d["copy_kind"]) for d in received.paper_documents] == [
        ("Đơn đề nghị", "original"),
        ("Bản sao hợp đồng", "original"),
    ]


def test_choosing_a_procedure_of_another_agency_is_refused(client, office):  # noqa: F811
    from motcua.catalog.tests.factories import ProcedureVersionFactory

    ProcedureVersionFactory(procedure__code="1.000001")  # another agency's
    page = signed_in(client, office.desk).get("/mot-cua/tiep-nhan/", {"procedure": "1.000001"}, follow=True)
    assert "form" not in page.context and "Choose a procedure of your agency." in page.content.decode()


def test_a_refused_upload_form_says_which_field_to_fix(client, office):  # noqa: F811
    desk = signed_in(client, office.desk)
    receive(desk, INTAKE)
    dossier = Dossier.objects.get()
    page = desk.post(f"/mot-cua/ho-so/{dossier.code}/tai-lieu/", {"kind": "submitted"}, follow=True)
    assert "File (PDF, JPEG or PNG): This field is required." in page.content.decode()
    assert dossier.documents.count() == 0
