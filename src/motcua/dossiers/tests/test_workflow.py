"""The internal process: steps with their own limits, hand-overs judged, consultations, liên thông, reminders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from motcua.accounts.constants import Role, UnitKind, UserKind
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from motcua.catalog.constants import StepActor
from motcua.catalog.models import ProcessStep
from motcua.dossiers.constants import Timeliness
from motcua.dossiers.models import Dossier, DossierConsultation, DossierTransition
from motcua.dossiers.services import dossier_prompt_apologies
from motcua.dossiers.tests.flow import act, api, at, attach_result, carry_to_leader, intake
from motcua.dossiers.workflow import PlannedStep, process_plan, standard_steps, step_period, timeliness
from motcua.workdays.domain import VIETNAM


def test_the_standard_process_adds_up_to_the_legal_time():
    steps = standard_steps(Decimal(5), "working_days")
    assert [s.actor for s in steps] == ["one_stop_desk", "division", "division_head", "leader", "one_stop_desk"]
    assert sum(s.duration for s in steps) == 5


def test_a_template_is_completed_to_start_and_end_at_the_desk_through_the_leader():
    plan = process_plan([PlannedStep("Thẩm định", StepActor.DIVISION, Decimal(3))], Decimal(3), "working_days")
    assert [s.actor for s in plan] == ["one_stop_desk", "division", "leader", "one_stop_desk"]


def test_half_days_are_counted_in_working_hours():
    assert step_period(PlannedStep("x", StepActor.LEADER, Decimal("0.5"))) == (4.0, "working_hours")
    assert step_period(PlannedStep("x", StepActor.DIVISION, Decimal(2))) == (2.0, "working_days")
    assert step_period(PlannedStep("x", StepActor.DIVISION, Decimal(0))) is None


def test_early_on_time_and_late_against_the_step_limit():
    due = at_moment(2026, 11, 27, 17, 0)
    assert timeliness(at_moment(2026, 11, 26, 16, 0), due) == Timeliness.EARLY
    assert timeliness(at_moment(2026, 11, 27, 9, 0), due) == Timeliness.ON_TIME
    assert timeliness(at_moment(2026, 11, 27, 17, 1), due) == Timeliness.LATE
    assert timeliness(at_moment(2026, 11, 27, 17, 1), None) == ""


def at_moment(year: int, month: int, day: int, hour: int, minute: int):
    from datetime import datetime

    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


def test_each_step_has_its_own_due_date_and_result(office):
    with at(2026, 11, 19, 8, 0):  # Thu; five working days, 24/11 a holiday
        code = intake(office)["code"]
    with at(2026, 11, 19, 9, 0):
        body = act(office.desk, code, "transfer", unit="QLDL").json()
    desk_step, division_step = body["steps"]
    # Half a day = 4 office hours from 8:00: the morning ends at 12:00, the same office time as 13:30.
    assert desk_step["due_at"] == "2026-11-19T13:30:00+07:00"
    assert desk_step["result"] == "on_time"
    # The division has 5 - 2 = 3 working days from Thursday 9:00: 20, 23, 25/11.
    assert division_step["due_at"] == "2026-11-25T17:00:00+07:00" and division_step["result"] is not None
    act(office.head, code, "assign", assignee="specialist")
    with at(2026, 11, 26, 9, 0):
        body = act(office.specialist, code, "forward").json()
    assert [s["result"] for s in body["steps"]] == ["on_time", "late", ""]
    assert body["steps"][-1]["actor"] == "division_head"


def test_the_head_or_leader_sends_back_with_a_reason(office):
    code = intake(office)["code"]
    act(office.desk, code, "transfer", unit="QLDL")
    carry_to_leader(office, code)
    no_reason = act(office.leader, code, "send_back")
    assert no_reason.status_code == 400
    body = act(office.leader, code, "send_back", note="Đề nghị bổ sung căn cứ pháp lý.").json()
    assert body["steps"][-1]["actor"] == "division_head"
    back = act(office.head, code, "send_back", note="Sửa dự thảo.").json()
    assert (back["steps"][-1]["actor"], back["steps"][-1]["holder"]) == ("division", "specialist")
    # Internal notes never reach the applicant.
    last = DossierTransition.objects.filter(dossier__code=code).last()
    assert last.note == "" and last.internal_note == "Sửa dự thảo."


def test_approval_needs_the_result_document(office):
    code = intake(office)["code"]
    act(office.desk, code, "transfer", unit="QLDL")
    for user, action, data in [
        (office.head, "assign", {"assignee": "specialist"}),
        (office.specialist, "forward", {}),
        (office.head, "forward", {}),
    ]:
        act(user, code, action, **data)
    refused = act(office.leader, code, "approve")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "result-missing"
    assert attach_result(office.specialist, code).status_code == 403  # the dossier is no longer the specialist's
    assert attach_result(office.leader, code).status_code == 201
    body = act(office.leader, code, "approve").json()
    assert body["status"] == "processed" and body["steps"][-1]["actor"] == "one_stop_desk"


def test_a_replayed_action_conflicts_with_the_step_it_saw(office):
    code = intake(office)["code"]
    act(office.desk, code, "transfer", unit="QLDL")
    act(office.head, code, "assign", assignee="specialist")
    seen = api(office.specialist).get(f"/api/v1/dossiers/{code}/").json()["current_step"]
    assert act(office.specialist, code, "forward", expected_step=seen).status_code == 200
    replay = act(office.head, code, "forward", expected_step=seen)  # the head's page was stale
    assert replay.status_code == 409 and replay.json()["error"]["current_status"] == "in_processing"
    assert Dossier.objects.get(code=code).current_step.actor == "division_head"


@pytest.fixture
def partner(office):
    """Another agency of the deployment that does its part of the procedure (liên thông)."""
    agency = AgencyFactory(code="000.00.30.H13", name="Sở Xây dựng")
    unit = UnitFactory(agency=agency, code="QLXD", kind=UnitKind.DIVISION)
    head = UserFactory(username="partner_head", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=head, role=Role.DIVISION_HEAD, agency=agency, unit=unit)
    steps = [
        ("Tiếp nhận", StepActor.ONE_STOP_DESK, "0.5"),
        ("Thẩm định", StepActor.DIVISION, "1"),
        ("Lấy ý kiến thẩm định của Sở Xây dựng", StepActor.OTHER_AGENCY, "2"),
        ("Phê duyệt", StepActor.LEADER, "1"),
        ("Trả kết quả", StepActor.ONE_STOP_DESK, "0.5"),
    ]
    for order, (name, actor, days) in enumerate(steps, 1):
        ProcessStep.objects.create(version=office.version, order=order, name=name, actor=actor, duration=Decimal(days))
    return agency, head


def test_lien_thong_with_another_agency_and_back(office, partner):
    agency, partner_head = partner
    code = intake(office)["code"]
    act(office.desk, code, "transfer", unit="QLDL")
    act(office.head, code, "assign", assignee="specialist")
    assert api(partner_head).get(f"/api/v1/dossiers/{code}/").status_code == 404  # not handed yet
    no_agency = act(office.specialist, code, "forward")
    assert no_agency.status_code == 400 and "agency" in no_agency.json()["error"]["fields"]
    body = act(office.specialist, code, "forward", agency=agency.code, note="Cho ý kiến về an toàn công trình.").json()
    step = body["steps"][-1]
    assert (step["actor"], step["agency"]["code"], step["task"]) == (
        "other_agency",
        agency.code,
        "Cho ý kiến về an toàn công trình.",
    )
    seen = api(partner_head).get(f"/api/v1/dossiers/{code}/").json()
    assert seen["allowed_actions"] == ["forward"]
    assert act(office.head, code, "forward").status_code == 403  # the lead agency waits for the partner
    back = act(partner_head, code, "forward").json()
    assert back["steps"][-1]["actor"] == "leader"
    # The partner keeps read access to what it handled, but can no longer act.
    assert api(partner_head).get(f"/api/v1/dossiers/{code}/").json()["allowed_actions"] == []
    assert api(partner_head).get("/api/v1/dossiers/").json()["count"] == 1


def test_the_partner_desk_has_in_its_work_only_what_its_agency_holds(office, partner):
    """The partner's desk keeps reading a dossier it took part in, but its work is the lead agency's desk's."""
    from motcua.dossiers.selectors import dossier_queue

    agency, _ = partner
    partner_desk = UserFactory(username="partner_desk", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=partner_desk, role=Role.DESK_OFFICER, agency=agency, unit=None)

    def work(user) -> list[str]:
        return [d.code for d in dossier_queue(user=user, queue="mine")]

    code = intake(office)["code"]
    act(office.desk, code, "transfer", unit="QLDL")
    act(office.head, code, "assign", assignee="specialist")
    act(office.specialist, code, "forward", agency=agency.code, note="Cho ý kiến.")
    assert work(partner_desk) == [code]
    assert act(partner_desk, code, "forward").status_code == 200
    assert work(partner_desk) == []
    assert attach_result(office.leader, code).status_code == 201
    assert act(office.leader, code, "approve").status_code == 200
    assert Dossier.objects.get(code=code).status == "processed"
    assert work(office.desk) == [code]  # the lead agency's desk returns the result
    assert work(partner_desk) == []
    assert api(partner_desk).get(f"/api/v1/dossiers/{code}/").status_code == 200  # still readable


def test_consultations_run_in_parallel_with_their_own_deadline(office):
    with at(2026, 11, 19, 9, 0):
        code = intake(office)["code"]
        act(office.desk, code, "transfer", unit="QLDL")
        act(office.head, code, "assign", assignee="specialist")
    from motcua.dossiers.services.consultations import consultation_answer, consultation_request

    with at(2026, 11, 19, 10, 0):
        consultation = consultation_request(
            code=code, actor=office.specialist, unit_id=office.other_division.pk, question="Ý kiến?", working_days=2
        )
    assert consultation.due_at.astimezone(VIETNAM).date() == date(2026, 11, 23)
    # The consulted division can now read the dossier, and nothing else changed.
    assert api(office.other_specialist).get(f"/api/v1/dossiers/{code}/").status_code == 200
    assert Dossier.objects.get(code=code).current_step.actor == "division"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        consultation_answer(consultation_id=consultation.pk, actor=office.specialist, answer="Tôi tự trả lời.")
    with at(2026, 11, 25, 9, 0):
        consultation_answer(consultation_id=consultation.pk, actor=office.other_specialist, answer="Đồng ý.")
    consultation.refresh_from_db()
    assert consultation.result == Timeliness.LATE
    actions = list(DossierTransition.objects.filter(dossier__code=code).values_list("action", flat=True))
    assert actions[-2:] == ["consult", "answer_consultation"]
    applicant_view = api(office.desk).get(f"/api/v1/dossiers/{code}/").json()
    assert applicant_view["consultations"][0]["answer"] == "Đồng ý."


def test_bad_consultations_are_refused_and_write_nothing(office):
    from django.core.exceptions import ValidationError

    from motcua.dossiers.services.consultations import consultation_request

    code = intake(office)["code"]
    act(office.desk, code, "transfer", unit="QLDL")
    act(office.head, code, "assign", assignee="specialist")
    with pytest.raises(ValidationError) as error:
        consultation_request(
            code=code, actor=office.specialist, unit_id=office.division.pk, question=" ", working_days=99
        )
    assert set(error.value.message_dict) == {"unit", "question", "working_days"}
    assert DossierConsultation.objects.count() == 0


def test_the_competent_unit_is_prompted_a_working_day_before_the_due_date(office):
    with at(2026, 11, 19, 10, 20):
        code = intake(office)["code"]  # due Fri 27/11 17:00
        act(office.desk, code, "transfer", unit="QLDL")
    with at(2026, 11, 25, 9, 0):
        assert dossier_prompt_apologies() == []  # Thu 26/11 is the last day to apologise: not yet
    with at(2026, 11, 26, 8, 0):
        assert dossier_prompt_apologies() == [code]
        assert dossier_prompt_apologies() == []  # once
    prompt = DossierTransition.objects.get(dossier__code=code, action="apology_prompt")
    assert "26/11/2026" in prompt.internal_note and prompt.actor is None
    leader_list = api(office.leader).get(f"/api/v1/dossiers/{code}/").json()["history"]
    assert leader_list[-1]["action"] == "apology_prompt"
    citizen_history = [h["action"] for h in api(office.citizen).get("/api/v1/dossiers/").json()["results"]]
    assert citizen_history == []  # a paper dossier: no account sees it
