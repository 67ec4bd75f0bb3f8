"""The life of a dossier through the API: desk → division → leader → desk, with the clock."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from motcua.dossiers.models import Dossier, DossierPause, DossierTransition
from motcua.dossiers.tests.flow import APPLICANT, act, api, at, attach_result, carry_to_leader, intake
from motcua.workdays.domain import VIETNAM


def test_paper_intake_gets_a_code_and_a_due_date(office):
    with at(2026, 11, 19, 10, 20):
        body = intake(office)
    assert body["code"] == "000.00.21.H13-261119-0001"
    assert body["status"] == "received" and body["national_status"] == 2
    assert body["due_at"] == "2026-11-27T17:00:00+07:00"  # 5 working days, 24/11 is a holiday
    assert len(body["lookup_secret"]) == 8
    with at(2026, 11, 19, 11, 0):
        assert intake(office)["code"] == "000.00.21.H13-261119-0002"
    with at(2026, 11, 20, 8, 0):
        assert intake(office)["code"] == "000.00.21.H13-261120-0001"


def test_the_whole_path_with_a_supplement_that_restarts_the_clock(office):
    with at(2026, 11, 19, 10, 20):
        code = intake(office)["code"]
    with at(2026, 11, 19, 14, 0):
        assert act(office.desk, code, "transfer", unit="QLDL").status_code == 200
        assert act(office.head, code, "assign", assignee="specialist").status_code == 200
    with at(2026, 11, 20, 9, 0):
        # The specialist finds a document missing: the dossier goes back to the desk, which asks the applicant.
        assert act(office.desk, code, "request_supplement", note="Thiếu giấy tờ.").status_code == 409
        proposed = act(office.specialist, code, "propose_supplement", note="Thiếu bản sao giấy chứng nhận ký quỹ.")
        assert proposed.json()["allowed_actions"] == []  # the specialist's part waits for the desk
        response = act(office.desk, code, "request_supplement", note="Thiếu bản sao giấy chứng nhận ký quỹ.")
        assert response.json()["status"] == "supplement_requested"
    with at(2026, 11, 25, 9, 0):
        response = act(office.desk, code, "provide_supplement")
    body = response.json()
    assert body["status"] == "in_processing"
    # Restarted from zero on 25/11: 26, 27, 30/11, 1, 2/12.
    assert body["due_at"] == "2026-12-02T17:00:00+07:00"
    pause = DossierPause.objects.get(dossier__code=code)
    assert (pause.stage, pause.ended_at.astimezone(VIETNAM).day) == ("appraisal", 25)
    # Back with the same specialist, for the division's full step again.
    step = body["steps"][-1]
    assert (step["actor"], step["holder"], step["ended_at"]) == ("division", "specialist", None)
    with at(2026, 11, 26, 9, 0):
        assert act(office.specialist, code, "forward").status_code == 200
        assert act(office.head, code, "forward").status_code == 200
        assert attach_result(office.leader, code).status_code == 201
    with at(2026, 11, 27, 9, 0):
        assert act(office.leader, code, "approve").json()["status"] == "processed"
    with at(2026, 11, 30, 9, 0):
        body = act(office.desk, code, "return_result").json()
    assert body["status"] == "returned" and body["national_status"] == 10
    assert [h["action"] for h in body["history"]] == [
        "submit",
        "receive",
        "transfer",
        "assign",
        "propose_supplement",
        "request_supplement",
        "provide_supplement",
        "forward",
        "forward",
        "approve",
        "return_result",
    ]
    citizen_view = [h["action"] for h in api(office.desk).get(f"/api/v1/dossiers/{code}/").json()["history"]]
    assert "propose_supplement" in citizen_view  # officials see the internal steps
    assert [(s["actor"], s["result"]) for s in body["steps"]] == [
        ("one_stop_desk", "on_time"),  # received 10:20, half a day: due 14:20 — handed over at 14:00
        ("division", "early"),  # proposed the supplement on 20/11
        ("one_stop_desk", ""),  # the desk's own step to issue form 02 has no separate limit
        ("division", "early"),
        ("division_head", "on_time"),
        ("leader", "late"),  # half a day from 26/11 9:00 ended 26/11; approved on 27/11
        ("one_stop_desk", ""),  # the return waits for the applicant: not judged
    ]


def test_a_supplement_at_reception_does_not_start_the_clock(office):
    client = api(office.citizen)
    with at(2026, 11, 19, 9, 0):
        code = client.post(
            "/api/v1/dossiers/", {"procedure": "2.001628", "channel": "online", "applicant": APPLICANT}, format="json"
        ).json()["code"]
        act(office.desk, code, "request_supplement", note="Ảnh chụp giấy tờ bị mờ.")
    with at(2026, 11, 23, 9, 0):
        assert act(office.citizen, code, "provide_supplement").json()["status"] == "submitted"
        body = act(office.desk, code, "receive").json()
    # Counted from 23/11 (24/11 is a holiday): 25, 26, 27, 30/11, 1/12.
    assert body["status"] == "received" and body["due_at"] == "2026-12-01T17:00:00+07:00"


def test_an_illegal_or_stale_action_is_a_409_with_the_current_status(office):
    code = intake(office)["code"]
    response = act(office.leader, code, "approve")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "transition-not-allowed",
        "message": response.json()["error"]["message"],
        "fields": {},
        "current_status": "received",
    }
    stale = act(office.desk, code, "transfer", unit="QLDL", expected_status="submitted")
    assert stale.status_code == 409 and stale.json()["error"]["current_status"] == "received"
    assert Dossier.objects.get(code=code).status == "received"


def test_the_wrong_role_or_unit_cannot_act(office):
    code = intake(office)["code"]
    act(office.desk, code, "transfer", unit="QLDL")
    assert act(office.leader, code, "approve").status_code == 409  # not before the leader yet
    assert act(office.specialist, code, "forward").status_code == 403  # not assigned to them yet
    act(office.head, code, "assign", assignee="specialist")
    assert act(office.head, code, "forward").status_code == 200  # the head may hand on for the division
    assert act(office.specialist, code, "forward").status_code == 403  # now the head's step
    assert act(office.other_specialist, code, "request_payment").status_code == 404  # cannot even see it
    assert act(office.stranger, code, "withdraw").status_code == 404
    assert DossierTransition.objects.filter(dossier__code=code).count() == 5


def test_reasons_and_units_are_required(office):
    code = intake(office)["code"]
    missing_unit = act(office.desk, code, "transfer")
    assert missing_unit.status_code == 400 and "unit" in missing_unit.json()["error"]["fields"]
    act(office.desk, code, "transfer", unit="QLDL")
    carry_to_leader(office, code)
    no_reason = act(office.leader, code, "deny")
    assert no_reason.status_code == 400 and "note" in no_reason.json()["error"]["fields"]
    assert Dossier.objects.get(code=code).status == "in_processing"


def test_apology_and_new_date_once_and_in_time(office):
    with at(2026, 11, 19, 10, 20):
        code = intake(office)["code"]
        act(office.desk, code, "transfer", unit="QLDL")
    with at(2026, 11, 27, 9, 0):  # the due day itself: too late to apologise
        late = act(office.leader, code, "extend", note="Cần thẩm định thực tế.", new_due_at="2026-12-04T17:00:00+07:00")
        assert late.status_code == 400 and late.json()["error"]["code"] == "extension-too-late"
    with at(2026, 11, 26, 9, 0):
        body = act(office.leader, code, "extend", note="Cần thẩm định thực tế.", new_due_at="2026-12-04T17:00:00+07:00")
        assert body.json()["due_at"] == "2026-12-04T17:00:00+07:00"
        again = act(office.leader, code, "extend", note="Lần nữa.", new_due_at="2026-12-10T17:00:00+07:00")
        assert again.status_code == 400 and again.json()["error"]["code"] == "already-extended"
    dossier = Dossier.objects.get(code=code)
    assert dossier.due_at.astimezone(VIETNAM).day == 27  # the original date is kept


def test_citizens_see_their_own_dossiers_without_internal_notes(office):
    client = api(office.citizen)
    code = client.post(
        "/api/v1/dossiers/", {"procedure": "2.001628", "channel": "online", "applicant": APPLICANT}, format="json"
    ).json()["code"]
    act(office.desk, code, "receive", internal_note="Đã gọi điện xác minh.")
    mine = client.get("/api/v1/dossiers/").json()
    assert [d["code"] for d in mine["results"]] == [code]
    detail = client.get(f"/api/v1/dossiers/{code}/").json()
    assert all("internal_note" not in h for h in detail["history"])
    assert detail["allowed_actions"] == ["withdraw"]
    official = api(office.desk).get(f"/api/v1/dossiers/{code}/").json()
    assert official["history"][-1]["internal_note"] == "Đã gọi điện xác minh."
    assert api(office.stranger).get("/api/v1/dossiers/").json()["count"] == 0
    assert api(office.foreign_desk).get(f"/api/v1/dossiers/{code}/").status_code == 404


def test_division_sees_only_what_was_handed_to_it(office):
    code = intake(office)["code"]
    assert api(office.specialist).get("/api/v1/dossiers/").json()["count"] == 0
    act(office.desk, code, "transfer", unit="QLDL")
    assert api(office.specialist).get("/api/v1/dossiers/").json()["count"] == 1
    assert api(office.other_specialist).get("/api/v1/dossiers/").json()["count"] == 0
    assert api(office.leader).get("/api/v1/dossiers/", {"status": "in_processing"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("applicant", "field"),
    [
        ({**APPLICANT, "id_number": "12345"}, "id_number"),
        ({**APPLICANT, "phone": "12"}, "phone"),
        ({**APPLICANT, "kind": "organisation"}, "applicant_tax_code"),
        ({**APPLICANT, "name": ""}, "name"),
        ({**APPLICANT, "province": 99, "commune": 31135}, "applicant_province"),
        ({**APPLICANT, "province": 1, "commune": 31135}, "applicant_commune"),  # Ninh Kiều is in Cần Thơ, not Hà Nội
        ({**APPLICANT, "commune": 31135}, "applicant_province"),
    ],
)
def test_bad_applicant_data_is_refused_and_nothing_is_written(office, applicant, field):
    response = api(office.desk).post(
        "/api/v1/dossiers/", {"procedure": "2.001628", "channel": "in_person", "applicant": applicant}, format="json"
    )
    assert response.status_code == 400
    assert field in str(response.json()["error"]["fields"])
    assert Dossier.objects.count() == 0


def test_citizens_cannot_file_paper_dossiers_or_unknown_procedures(office):
    client = api(office.citizen)
    paper = client.post(
        "/api/v1/dossiers/", {"procedure": "2.001628", "channel": "in_person", "applicant": APPLICANT}, format="json"
    )
    assert paper.status_code == 400
    unknown = client.post(
        "/api/v1/dossiers/", {"procedure": "9.999999", "channel": "online", "applicant": APPLICANT}, format="json"
    )
    assert unknown.status_code == 404
    assert Dossier.objects.count() == 0


def test_public_lookup_shows_no_personal_data(office):
    body = intake(office)
    client = APIClient()
    response = client.get("/api/v1/lookup/", {"code": body["code"], "secret": body["lookup_secret"].lower()})
    assert response.status_code == 200
    public = response.json()
    assert public["status"] == "received" and public["due_at"] == body["due_at"]
    text = str(public)
    assert "Nguyễn" not in text and "0931015119" not in text and "092085001234" not in text
    wrong = client.get("/api/v1/lookup/", {"code": body["code"], "secret": "WRONG123"})
    assert wrong.status_code == 404


def test_public_lookup_is_rate_limited(office):
    from django.core.cache import cache

    cache.clear()
    client = APIClient()
    statuses = [client.get("/api/v1/lookup/", {"code": "x", "secret": "y"}).status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429
    cache.clear()


def test_the_head_assigns_a_specialist_of_the_division(office):
    code = intake(office)["code"]
    act(office.desk, code, "transfer", unit="QLDL")
    assert act(office.desk, code, "assign", assignee="specialist").status_code == 403  # only the head
    wrong = act(office.head, code, "assign", assignee="specialist2")  # of another division
    assert wrong.status_code == 400 and "assignee" in wrong.json()["error"]["fields"]
    body = act(office.head, code, "assign", assignee="specialist").json()
    assert body["assignee"] == "specialist" and body["status"] == "in_processing"
    assert Dossier.objects.get(code=code).assignee == office.specialist


def test_a_supplement_during_appraisal_is_asked_within_three_working_days(office, settings):
    with at(2026, 11, 19, 10, 20):
        code = intake(office)["code"]
        act(office.desk, code, "transfer", unit="QLDL")
        act(office.head, code, "assign", assignee="specialist")
    # Received Thu 19/11; three working days: 20, 23, 25/11 (24/11 is a holiday).
    with at(2026, 11, 26, 9, 0):
        act(office.specialist, code, "propose_supplement", note="Thiếu giấy tờ.")
        late = act(office.desk, code, "request_supplement", note="Thiếu giấy tờ.")
        assert late.status_code == 400 and late.json()["error"]["code"] == "supplement-too-late"
        assert Dossier.objects.get(code=code).status == "in_processing"
        settings.MOTCUA_SUPPLEMENT_APPRAISAL_DAYS = 0  # sectoral law may allow it: the limit is a setting
        assert act(office.desk, code, "request_supplement", note="Thiếu giấy tờ.").status_code == 200


def test_the_address_is_on_todays_two_level_units(office):
    body = intake(office, applicant={**APPLICANT, "province": 92, "commune": 31135, "address": "12 Hai Bà Trưng"})
    assert (body["applicant_province"], body["applicant_commune"]) == (92, 31135)
    assert body["applicant_full_address"] == "12 Hai Bà Trưng, Phường Ninh Kiều, Thành phố Cần Thơ"


def test_the_lists_of_provinces_and_communes_are_public(client):
    provinces = client.get("/api/v1/provinces/").json()
    assert len(provinces) == 34 and {"code": 92, "name": "Thành phố Cần Thơ"} in provinces
    communes = client.get("/api/v1/provinces/92/communes/").json()
    assert {"code": 31135, "name": "Phường Ninh Kiều"} in communes
    assert client.get("/api/v1/provinces/99/communes/").status_code == 404


def test_a_supplement_is_asked_once_per_stage(office, settings):
    client = api(office.citizen)
    code = client.post(
        "/api/v1/dossiers/", {"procedure": "2.001628", "channel": "online", "applicant": APPLICANT}, format="json"
    ).json()["code"]
    act(office.desk, code, "request_supplement", note="Ảnh chụp bị mờ.")
    act(office.citizen, code, "provide_supplement")
    again = act(office.desk, code, "request_supplement", note="Thiếu thêm giấy tờ.")
    assert again.status_code == 400 and again.json()["error"]["code"] == "supplement-already-requested"
    assert Dossier.objects.get(code=code).status == "submitted"
    settings.MOTCUA_SUPPLEMENTS_PER_STAGE = 0  # where the sector's rules allow more: a setting
    assert act(office.desk, code, "request_supplement", note="Thiếu thêm giấy tờ.").status_code == 200
