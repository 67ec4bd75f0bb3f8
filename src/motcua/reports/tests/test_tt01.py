"""TT 01/2018 scores (Art. 13–15): each index's rule, both classifications at their boundaries, and a
hand-computed quarter per unit and per official, traced to its dossiers, in the page, the API and the XLSX."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from motcua.catalog.tests.factories import RequiredDocumentFactory
from motcua.dossiers.models import DossierPause, DossierStep
from motcua.feedback.models import Pakn, ServiceRating
from motcua.reports.period import Scope
from motcua.reports.periods import Period
from motcua.reports.tests.conftest import at, make_dossier
from motcua.reports.tt01 import (
    average,
    classify_official,
    classify_unit,
    index1,
    index2,
    index3,
    index4,
    index6,
    index7,
    index9,
    scored_dossiers,
    tt01_scores,
)

# --- The rules ------------------------------------------------------------------------------------


def test_index1_compares_the_end_with_the_due_date_by_day():
    due = at(3, 10, 17)
    assert index1(at(3, 9, 16), due) == 2  # the day before: shorter
    assert index1(at(3, 10, 16), due) == 1  # the due day, before the due time: equal
    assert index1(at(3, 10, 17, 30), due) == 0  # after the due time: longer
    assert index1(at(3, 9), None) is None  # no legal limit: no data


def test_index2_takes_the_worst_judged_step():
    assert index2(["early", "early"]) == 2
    assert index2(["early", "on_time"]) == 1
    assert index2(["early", "late", "on_time"]) == 0
    assert index2(["", "early"]) == 2  # a step without a limit is not judged
    assert index2([]) is None and index2([""]) is None


def test_index3_counts_the_supplement_requests():
    assert [index3(n) for n in (0, 1, 2, 3)] == [2, 1, 0, 0]


def test_index4_is_the_applicants_answer():
    assert [index4(a) for a in ("none", "desk", "several", None)] == [2, 1, 0, None]


def test_index6_never_gives_2_without_the_desk_posting():
    assert index6(True, None) == 1 and index6(True, True) == 1
    assert index6(True, False) == 0 and index6(False, True) == 0


def test_index7_a_complaint_is_0_otherwise_the_timeliness():
    due = at(3, 10, 17)
    assert index7(at(3, 9), due, complaint=False) == 2
    assert index7(at(3, 10, 9), due, complaint=False) == 1
    assert index7(at(3, 9), due, complaint=True) == 0
    assert index7(at(3, 11), due, complaint=False) == 0


def test_index9_offer_online_share_and_late_online_dossiers():
    assert index9(offered=2, procedures=10, online=3, received=10, late_online=0) == 2  # 20 %, 30 %
    assert index9(offered=1, procedures=10, online=3, received=10, late_online=0) == 1  # 10 % offered
    assert index9(offered=2, procedures=10, online=15, received=100, late_online=0) == 1  # 15 % online
    assert index9(offered=2, procedures=10, online=14, received=100, late_online=0) == 0
    assert index9(offered=5, procedures=10, online=50, received=100, late_online=1) == 0  # one late
    assert index9(offered=0, procedures=0, online=0, received=0, late_online=0) is None


def test_an_index_is_the_average_rounded_half_up_to_one_decimal():
    assert average([2, 1, 0]) == Decimal("1.0")
    assert average([2, 0, 0]) == Decimal("0.7")  # 0.666…
    assert average([2, 1, 1, 1]) == Decimal("1.3")  # 1.25 → 1.3, not banker's 1.2
    assert average([None, 2]) == Decimal("2.0")
    assert average([]) is None


@pytest.mark.parametrize(
    ("total", "expected"),
    [("10", "full"), ("5.0", "full"), ("4.9", "most"), ("3.5", "most"), ("3.4", "below"), ("0", "below")],
)
def test_official_classification_boundaries(total, expected):
    assert classify_official(Decimal(total))[0] == expected


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("15", "excellent"),
        ("14.9", "good"),
        ("12", "good"),
        ("11.9", "fair"),
        ("9", "fair"),
        ("8.9", "average"),
        ("6", "average"),
        ("5.9", "weak"),
    ],
)
def test_unit_classification_boundaries(total, expected):
    assert classify_unit(Decimal(total))[0] == expected


# --- A hand-computed quarter ----------------------------------------------------------------------

Q1 = ("2026-01-01", "2026-03-31")


def _step(dossier, office, *, result, by, unit=None):
    return DossierStep.objects.create(
        dossier=dossier, plan_index=1, name="Thẩm định", actor="division", agency=office.agency, unit=unit,
        started_at=dossier.received_at, due_at=dossier.due_at, ended_at=dossier.processed_at, ended_by=by,
        result=result,
    )  # fmt: skip


def _rating(dossier, *, agencies, accurate=True, attitude="helpful"):
    ServiceRating.objects.create(
        dossier=dossier, satisfaction="satisfied", contacts_to_complete="0", agencies_contacted=agencies,
        attitude=attitude, information_accurate=accurate, channel="online", rated_at=dossier.processed_at,
    )  # fmt: skip


@pytest.fixture
def quarter(office):
    """Q1 2026, by hand (the procedure is published with all its components):

    T1 (division QLDL) early; no supplement; rated "only the desk", accurate; steps: the specialist
       early (QLDL), the leader on time → 1: 2, 2: 1, 3: 2, 4: 1, 6: 1, 7: 2.
    T2 (QLDL) on the due day; one supplement request; not rated; feedback about the officials'
       conduct (received in April) → 1: 1, 2: 0 (the specialist late), 3: 1, 4: —, 6: 1, 7: 0.
    T3 (QLVH) late; two supplement requests; rated "several offices", inaccurate; no steps
       → 1: 0, 2: —, 3: 0, 4: 0, 6: 0, 7: 0.
    T4 withdrawn, T5 pending: not scored.
    """
    RequiredDocumentFactory(version=office.version)
    office.version.steps_description, office.version.applicant_types = "Nộp hồ sơ tại bộ phận một cửa.", ["citizen"]
    office.version.save()
    t1 = make_dossier("T1", office, received=at(3, 2), due=at(3, 9, 17), processed=at(3, 5))
    t2 = make_dossier("T2", office, received=at(3, 3), due=at(3, 10, 17), processed=at(3, 10, 10))
    t3 = make_dossier("T3", office, received=at(3, 4), due=at(3, 11, 17), processed=at(3, 12), division="D2")
    make_dossier("T4", office, received=at(3, 5), due=at(3, 12, 17), ended=at(3, 6), status="withdrawn",
                 outcome="withdrawn")  # fmt: skip
    make_dossier("T5", office, received=at(3, 6), due=at(4, 13, 17))
    _step(t1, office, result="early", by=office.specialist, unit=office.d1)
    _step(t1, office, result="on_time", by=office.leader)
    _step(t2, office, result="late", by=office.specialist, unit=office.d1)
    DossierPause.objects.create(dossier=t2, reason="request_supplement", started_at=at(3, 4), ended_at=at(3, 5))
    for day in (5, 7):
        DossierPause.objects.create(dossier=t3, reason="request_supplement", started_at=at(3, day),
                                    ended_at=at(3, day + 1))  # fmt: skip
    _rating(t1, agencies="desk")
    _rating(t3, agencies="several", accurate=False)
    Pakn.objects.create(agency=office.agency, code="PAKN-1", category="conduct", title="Thái độ", content="…",
                        dossier=t2, received_at=at(4, 2), clock_started_at=at(4, 2))  # fmt: skip
    return office


def _values(row):
    return {code: figure["value"] for code, figure in row["indices"].items()}


def test_the_quarter_per_dossier(quarter):
    period = Period(*(at(1, 1).date(), at(3, 31).date()))
    scores = {d.code: d.scores for d in scored_dossiers(Scope(quarter.agency), period)}
    assert set(scores) == {"T1", "T2", "T3"}
    assert scores["T1"] == {"1": 2, "2": 1, "3": 2, "4": 1, "6": 1, "7": 2}
    assert scores["T2"] == {"1": 1, "2": 0, "3": 1, "4": None, "6": 1, "7": 0}
    assert scores["T3"] == {"1": 0, "2": None, "3": 0, "4": 0, "6": 0, "7": 0}


def test_the_quarter_per_unit(quarter):
    result = tt01_scores(Scope(quarter.agency), at(1, 1).date(), at(3, 31).date())
    units = {row["unit"]["code"]: row for row in result["units"]}
    agency = units[quarter.agency.code]
    # 1: 3/3; 2: 1/2; 3: 3/3; 4: 1/2; 6: 2/3 = 0.7; 7: 2/3 = 0.7; 8: no feedback in Q1 = 2; 9: nothing online = 0.
    assert _values(agency) == {
        "1": 1.0, "2": 0.5, "3": 1.0, "4": 0.5, "5": None, "6": 0.7, "7": 0.7, "8": 2.0, "9": 0.0,
    }  # fmt: skip
    assert agency["indices"]["5"]["reason"]  # left out, and says why
    assert (agency["total"], agency["computed_max"], agency["max"]) == (6.4, 16, 18)
    assert agency["classification"] == "average"
    # QLDL: T1, T2; index 2 from its own steps only (T1 early, T2 late) → 1.0; total exactly 9: fair.
    d1 = units["QLDL"]
    assert _values(d1) == {"1": 1.5, "2": 1.0, "3": 1.5, "4": 1.0, "5": None, "6": 1.0, "7": 1.0, "8": 2.0, "9": 0.0}
    assert (d1["total"], d1["classification"]) == (9.0, "fair")
    assert d1["indices"]["8"]["level"] == "agency" and d1["indices"]["8"]["level_reason"]
    d2 = units["QLVH"]
    assert (d2["dossiers"], d2["total"], d2["classification"]) == (1, 2.0, "weak")


def test_the_quarter_per_official(quarter):
    result = tt01_scores(Scope(quarter.agency), at(1, 1).date(), at(3, 31).date())
    officials = {row["official"]["id"]: row for row in result["officials"]}
    assert set(officials) == {quarter.specialist.pk, quarter.leader.pk}
    specialist = officials[quarter.specialist.pk]
    # T1 and T2: 1: 1.5; 2 (own steps): early, late → 1.0; 3: 1.5; 4: T1 only 1.0; 7: 1.0 → 6.0.
    assert _values(specialist) == {"1": 1.5, "2": 1.0, "3": 1.5, "4": 1.0, "7": 1.0}
    assert (specialist["total"], specialist["max"], specialist["classification"]) == (6.0, 10, "full")
    leader = officials[quarter.leader.pk]
    assert (_values(leader), leader["total"]) == ({"1": 2.0, "2": 1.0, "3": 2.0, "4": 1.0, "7": 2.0}, 8.0)


def _get(client, path, **params):
    return client.get(path, {"from": Q1[0], "to": Q1[1], **params})


def test_page_api_and_xlsx_give_the_same_scores(quarter, client):
    client.force_login(quarter.leader)
    api = _get(client, "/api/v1/reports/tt01/").json()
    page = _get(client, "/mot-cua/bao-cao/diem-tt01/")
    shown = page.context["scores"]
    for row in shown["units"] + shown["officials"]:
        assert row.pop("url").startswith("/mot-cua/bao-cao/diem-tt01/ho-so/?")  # each row opens its dossiers
    assert page.status_code == 200 and shown == api
    workbook = load_workbook(io.BytesIO(_get(client, "/mot-cua/bao-cao/diem-tt01/", format="xlsx").content))
    rows = [r for r in workbook["Don vi"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [(r[1], *r[3:12], r[12]) for r in rows] == [
        (u["unit"]["name"], *(u["indices"][c]["value"] for c in "123456789"), u["total"]) for u in api["units"]
    ]
    officials = [r for r in workbook["Cong chuc"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [(r[1], r[8]) for r in officials] == [(o["official"]["name"], o["total"]) for o in api["officials"]]


def test_each_score_lists_its_dossiers(quarter, client):
    client.force_login(quarter.leader)
    listing = _get(client, "/mot-cua/bao-cao/diem-tt01/ho-so/", official=quarter.specialist.pk)
    assert listing.status_code == 200
    assert [(d.code, d.scores["2"]) for d in listing.context["page"]] == [("T1", 2), ("T2", 0)]
    division = _get(client, "/mot-cua/bao-cao/diem-tt01/ho-so/", unit="QLVH")
    assert [d.code for d in division.context["page"]] == ["T3"]
    assert _get(client, "/mot-cua/bao-cao/diem-tt01/ho-so/", official="x").status_code == 400
    assert _get(client, "/mot-cua/bao-cao/diem-tt01/ho-so/", unit="NOPE").status_code == 400


def test_only_leaders_viewers_and_administrators_read_the_scores(quarter, client):
    for user in (quarter.desk, quarter.specialist, quarter.citizen):
        client.force_login(user)
        assert _get(client, "/mot-cua/bao-cao/diem-tt01/").status_code == 403, user
        assert _get(client, "/api/v1/reports/tt01/").status_code == 403, user
    client.force_login(quarter.foreign_viewer)
    assert _get(client, "/api/v1/reports/tt01/", agency=quarter.agency.code).status_code == 403
    client.force_login(quarter.viewer)
    assert _get(client, "/api/v1/reports/tt01/", period="2026-Q1").json()["dossiers"] == 3
    assert _get(client, "/api/v1/reports/tt01/", period="2026-Q5").status_code == 400
