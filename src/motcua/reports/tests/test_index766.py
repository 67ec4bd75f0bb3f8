"""The Decision 766 index on a hand-computed month: every computed indicator, its points, the
dossiers behind its numbers, and the API and command that give the same JSON."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.accounts.models import ExternalIdentity
from motcua.accounts.tests.factories import UserFactory
from motcua.catalog.tests.factories import FeeFactory, ProcedureVersionFactory, RequiredDocumentFactory
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier, DossierDocument, DossierPause
from motcua.feedback.models import ServiceRating
from motcua.national_sync.models import NationalSync
from motcua.payments.models import Payment
from motcua.reports.index766 import BY_CODE, index766, index_dossiers, score
from motcua.reports.models import IndexSetting
from motcua.reports.period import Scope
from motcua.reports.tests.conftest import MARCH, at, make_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(office):
    """Five dossiers received in March 2026 (A–E) and one in February (F), by hand:

    A full-online procedure (paper result, fee), online full, resolved early, files and e-result, paid online;
    B same procedure, in person, resolved late, files but no e-result, rated dissatisfied;
    C partial procedure, online partial, two supplement requests (the second open): overdue by DVCQG's rule;
    D in person, due in April, pending: within the time;
    E by post, due 25/03, pending at the end of March: overdue.
    A–D are acknowledged by the National Public Service Portal, E is not (1.4: 4 / 5).
    """
    full = ProcedureVersionFactory(
        procedure__code="1.000001",
        agency=office.agency,
        valid_from=date(2025, 7, 1),
        full_online=True,
        result_forms=["paper"],
        steps_description="Nộp hồ sơ trực tuyến.",
        applicant_types=["citizen"],
    )
    FeeFactory(version=full, amount=Decimal("1000000"))
    RequiredDocumentFactory(version=full)
    office.version.steps_description = ""  # published without its steps: incomplete (1.3)
    office.version.save()
    owner = UserFactory(username="an")
    ExternalIdentity.objects.create(
        user=owner, issuer="https://vneid.gov.vn", subject="1", linked_at=timezone.now(), last_used_at=timezone.now()
    )
    a = make_dossier("A", office, channel="online", level="full", received=at(3, 2), due=at(3, 9, 17),
                     processed=at(3, 5))  # fmt: skip
    a.procedure_version, a.owner = full, owner
    a.save()
    b = make_dossier("B", office, received=at(3, 3), due=at(3, 10, 17), processed=at(3, 12))
    b.procedure_version = full
    b.save()
    c = make_dossier("C", office, channel="online", level="partial", received=at(3, 4), due=at(3, 11, 17),
                     status=Status.SUPPLEMENT_REQUESTED)  # fmt: skip
    DossierPause.objects.create(dossier=c, reason="request_supplement", started_at=at(3, 5), ended_at=at(3, 6))
    DossierPause.objects.create(dossier=c, reason="request_supplement", started_at=at(3, 7))
    make_dossier("D", office, received=at(3, 20), due=at(4, 10, 17))
    make_dossier("E", office, channel="postal", received=at(3, 21), due=at(3, 25, 17))
    make_dossier("F", office, received=at(2, 20), due=at(2, 27, 17))
    for dossier, kind in ((a, "submitted"), (a, "result"), (b, "submitted")):
        DossierDocument.objects.create(
            dossier=dossier, kind=kind, file="x.pdf", original_name="x.pdf", content_type="application/pdf",
            size=1, sha256="0" * 64, uploaded_by=office.desk, uploaded_at=at(3, 2),
        )  # fmt: skip
    Payment.objects.create(dossier=a, amount=1000000, description="Phí", method="online", status="paid",
                           created_at=at(3, 2), paid_at=at(3, 2))  # fmt: skip
    Payment.objects.create(dossier=b, amount=1000000, description="Phí", method="cash", status="paid",
                           created_at=at(3, 3), paid_at=at(3, 3))  # fmt: skip
    for dossier in Dossier.objects.filter(code__in="ABCD"):
        NationalSync.objects.create(dossier=dossier, state_hash="h", key="k", checked_at=at(3, 22),
                                    status="synced", first_acknowledged_at=at(3, 22))  # fmt: skip
    NationalSync.objects.create(dossier=Dossier.objects.get(code="E"), state_hash="h", key="k", checked_at=at(3, 22))
    ServiceRating.objects.create(dossier=b, satisfaction="dissatisfied", contacts_to_complete="0",
                                 agencies_contacted="none", attitude="helpful", information_accurate=True,
                                 channel="online", rated_at=at(3, 13))  # fmt: skip
    return office


def indicators(index):
    return {i["code"]: i for g in index["groups"] for i in g["indicators"]}


# code: (numerator, denominator, rate, points), by hand from the docstring of `month`.
EXPECTED = {
    "1.3": (1, 2, 0.5, 1.0),  # the full-online version has every component, the other no steps
    "1.4": (4, 5, 0.8, 4.8),  # A–D acknowledged by the portal, E not: 0.8 × 6
    "2.1": (2, 5, 0.4, 8.0),  # A (ended by its due date), D (not yet due); B, C, E overdue
    "3.0": (1, 2, 0.5, 6.0),  # A of the full-online procedure's A and B
    "3.1": (2, 2, 1.0, 0.0),  # both versions offered online; monitored
    "3.2": (2, 2, 1.0, 0.0),  # both have a dossier in March; monitored
    "3.3": (2, 5, 0.32, 0.0),  # A and C online: 0.4 × the sync rate 0.8; monitored
    "3.6": (1, 2, 0.5, 3.0),  # A paid online, B in cash (fee procedure)
    "5.4": (2, 5, 0.4, 2.67),  # 5 − B, C, E (overdue; B also dissatisfied, once) = 2; 0.4 × 6 / 0.9
    "4.1": (1, 2, 0.5, 3.0),  # approved paper-result dossiers A and B; A has the e-result
    "4.2": (1, 5, 0.2, 1.0),  # A (files and e-result); B lacks its e-result; 0.2 × 4 / 0.8
    "4.3": (0, 5, 0.0, 0.0),
    "4.5b": (1, 5, 0.2, 0.4),  # A's applicant signed in with VNeID
}


def test_every_computed_indicator_of_a_hand_computed_month(month):
    index = index766(Scope(month.agency), *MARCH)
    found = indicators(index)
    for code, (numerator, denominator, rate, points) in EXPECTED.items():
        i = found[code]
        assert (i["numerator"], i["denominator"], i["rate"], i["points"]) == (numerator, denominator, rate, points), (
            code
        )
    # 2.2 shown, not scored: A took 3 days, B 9: 6 days on average.
    assert (found["2.2"]["numerator"], found["2.2"]["denominator"], found["2.2"]["value"]) == (12.0, 2, 6.0)
    assert found["2.2"]["rate"] is None and found["2.2"]["max"] == 0
    groups = {g["code"]: g for g in index["groups"]}
    assert [g["code"] for g in index["groups"]] == ["CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH"]
    assert {code: g["max"] for code, g in groups.items()} == {
        "CKMB": 18, "TDGQ": 20, "CLGQ": 12, "TTTT": 10, "MDHL": 18, "MDSH": 22,
    }  # fmt: skip
    assert groups["TDGQ"]["points"] == 8.0 and groups["MDSH"]["points"] == 4.4
    assert groups["CKMB"]["points"] == 5.8 and found["3.3"]["factor"] == 0.8
    assert index["total"] == {"points": 29.87, "max": 100.0, "computed_max": 66.0}
    assert index["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert index["agency"]["code"] == month.agency.code
    assert index["extra"]["5.4"] == {"late": 3, "unhappy": 1}


def test_what_motcua_cannot_count_yet_is_null_with_a_reason(month):
    found = indicators(index766(Scope(month.agency), *MARCH))
    for code in ("1.1", "1.2", "3.4", "3.5", "3.5b", "4.4", "4.5a", "4.6"):
        assert found[code]["rate"] is None and found[code]["points"] is None and found[code]["reason"], code
    # No feedback in March: 5.1–5.3 have nothing to divide.
    for code in ("5.1", "5.2", "5.3"):
        assert found[code]["denominator"] == 0 and found[code]["rate"] is None and found[code]["reason"]


@pytest.mark.parametrize(
    ("code", "part", "codes"),
    [
        ("1.4", "numerator", {"A", "B", "C", "D"}),
        ("2.1", "numerator", {"A", "D"}),
        ("2.1", "denominator", {"A", "B", "C", "D", "E"}),
        ("3.0", "numerator", {"A"}),
        ("3.6", "denominator", {"A", "B"}),
        ("5.4", "numerator", {"A", "D"}),
        ("late", "numerator", {"B", "C", "E"}),
        ("unhappy", "numerator", {"B"}),
        ("4.1", "numerator", {"A"}),
        ("4.2", "numerator", {"A"}),
        ("4.5b", "numerator", {"A"}),
    ],
)
def test_each_number_lists_its_dossiers(month, code, part, codes):
    found = set(index_dossiers(Scope(month.agency), *MARCH, code, part).values_list("code", flat=True))
    assert found == codes


def test_every_count_is_the_length_of_its_list(month):
    """The counts come from one query grouped by each dossier's facts, the lists filter on the same
    facts: for the agency and for a division, every listable number and its list agree."""
    from motcua.reports.index766 import LISTABLE

    _split_divisions(month)
    for scope in (Scope(month.agency), Scope(month.agency, division=month.d2)):
        index = index766(scope, *MARCH)
        found = indicators(index) | {code: {"numerator": count} for code, count in index["extra"]["5.4"].items()}
        for code in LISTABLE:
            for part in ("numerator", "denominator"):
                if part not in found[code] or (code, part) == ("2.2", "numerator"):  # 2.2: days, not dossiers
                    continue
                listed = index_dossiers(scope, *MARCH, code, part).count()
                assert listed == found[code][part], (scope.division, code, part)


def test_the_generic_scoring_rule():
    assert score(0.9, Decimal("6"), Decimal("0.9")) == 6.0
    assert score(0.45, Decimal("6"), Decimal("0.9")) == 3.0
    assert score(None, Decimal("6"), Decimal("0.9")) is None


def test_an_administrator_changes_points_and_thresholds(month):
    IndexSetting.objects.create(code="2.1", points=Decimal("10"), threshold=Decimal("0.8"))
    i = indicators(index766(Scope(month.agency), *MARCH))["2.1"]
    assert (i["points"], i["max"], i["threshold"]) == (5.0, 10.0, 0.8)  # 0.4 × 10 / 0.8


def test_the_api_and_the_command_give_the_same_index(month, client):
    client.force_login(month.leader)
    response = client.get("/api/v1/reports/index766/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    out = StringIO()
    call_command("report", "--kind", "index766", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--agency", month.agency.code, stdout=out)  # fmt: skip
    assert json.loads(out.getvalue()) == response.json()
    assert response.json()["total"]["points"] == 29.87


def test_the_api_refuses_another_agency_and_bad_dates(month, client):
    client.force_login(month.foreign_viewer)
    assert client.get("/api/v1/reports/index766/", {"from": "2026-03-01", "to": "2026-03-31",
                                                    "agency": month.agency.code}).status_code == 403  # fmt: skip
    client.force_login(month.leader)
    response = client.get("/api/v1/reports/index766/", {"from": "2026-03-31", "to": "yesterday"})
    assert response.status_code == 400 and "to" in response.json()["error"]["fields"]


def test_the_page_explains_each_score_and_links_to_the_dossiers(month, client):
    client.force_login(month.leader)
    page = client.get("/mot-cua/bao-cao/chi-so-766/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "indicator=2.1&amp;part=numerator" in html
    listing = client.get(
        "/mot-cua/bao-cao/chi-so-766/ho-so/",
        {"from": "2026-03-01", "to": "2026-03-31", "indicator": "late", "part": "numerator"},
    )
    assert listing.status_code == 200
    assert [d.code for d in listing.context["page"]] == ["B", "C", "E"]
    bad = client.get(
        "/mot-cua/bao-cao/chi-so-766/ho-so/", {"from": "2026-03-01", "to": "2026-03-31", "indicator": "9.9"}
    )
    assert bad.status_code == 400


# --- One division, official periods ---------------------------------------------------------------


def _split_divisions(month):
    """C and E move to the division QLVH; A, B, D stay with QLDL."""
    Dossier.objects.filter(code__in=["C", "E"]).update(processing_unit=month.d2)


def test_the_sync_rate_is_the_national_sync_selectors(month):
    from motcua.national_sync.selectors import national_sync_rate

    rate = national_sync_rate(start=MARCH[0], end=MARCH[1], agencies=[month.agency])
    found = indicators(index766(Scope(month.agency), *MARCH))["1.4"]
    assert (found["numerator"], found["denominator"], found["rate"]) == (rate.synced, rate.received, rate.rate)


def test_a_division_counts_its_own_dossiers_and_says_which_figures_are_the_agencys(month):
    _split_divisions(month)
    d2 = index766(Scope(month.agency, division=month.d2), *MARCH)
    found = indicators(d2)
    assert d2["division"] == {"code": "QLVH", "name": month.d2.name}
    # C (late: two supplement requests) and E (overdue); C synced, E not; C online, sync rate 1/2.
    assert (found["2.1"]["numerator"], found["2.1"]["denominator"], found["2.1"]["points"]) == (0, 2, 0.0)
    assert (found["1.4"]["numerator"], found["1.4"]["denominator"], found["1.4"]["points"]) == (1, 2, 3.0)
    assert (found["3.3"]["rate"], found["3.3"]["level"]) == (0.25, "division")
    # The catalog and the feedback stay the agency's, with the reason.
    assert (found["1.3"]["numerator"], found["1.3"]["denominator"], found["1.3"]["level"]) == (1, 2, "agency")
    assert found["1.3"]["level_reason"] and found["5.2"]["level_reason"]
    assert found["2.1"]["level_reason"] is None
    # Its total: 1.3 (1.0, the agency's) + 1.4 (3.0); every other computed figure scores 0.
    assert d2["total"]["points"] == 4.0
    d1 = indicators(index766(Scope(month.agency, division=month.d1), *MARCH))
    assert (d1["2.1"]["numerator"], d1["2.1"]["denominator"], d1["2.1"]["points"]) == (2, 3, 13.33)  # A, D of A, B, D


def test_the_division_table_gives_each_divisions_index(month, client):
    _split_divisions(month)
    from motcua.reports.index766 import index766_by_division

    rows = {row["division"]["code"]: row for row in index766_by_division(Scope(month.agency), *MARCH)}
    assert set(rows) == {"QLDL", "QLVH"}
    for unit in (month.d1, month.d2):
        alone = index766(Scope(month.agency, division=unit), *MARCH)
        assert rows[unit.code]["total"] == alone["total"]
        assert rows[unit.code]["indicators"]["2.1"] == indicators(alone)["2.1"]
    client.force_login(month.leader)
    page = client.get("/mot-cua/bao-cao/chi-so-766/", {"from": "2026-03-01", "to": "2026-03-31"})
    html = page.content.decode()
    assert "division=QLVH" in html and "indicator=2.1&amp;part=numerator" in html
    listing = client.get("/mot-cua/bao-cao/chi-so-766/ho-so/", {"from": "2026-03-01", "to": "2026-03-31",
                                                                "division": "QLVH", "indicator": "1.4",
                                                                "part": "denominator"})  # fmt: skip
    assert [d.code for d in listing.context["page"]] == ["C", "E"]
    api = client.get("/api/v1/reports/index766/", {"period": "2026-M03", "by_division": "1"}).json()
    assert [row["total"]["points"] for row in api["divisions"]] == [rows["QLDL"]["total"]["points"], 4.0]


@pytest.mark.parametrize(
    ("params", "received", "on_time"),
    [
        ({"period": "2026-M03"}, 5, 2),  # calendar March: A–E
        ({"period": "2026-M03", "cut_off": "1"}, 4, 1),  # 15/02–14/03: F, A, B, C; only A on time
        ({"period": "2026-Q1"}, 6, 2),  # January–March: A–F (F overdue since 27/02)
    ],
)
def test_official_months_and_quarters(month, client, params, received, on_time):
    client.force_login(month.leader)
    found = indicators(client.get("/api/v1/reports/index766/", params).json())
    assert (found["2.1"]["numerator"], found["2.1"]["denominator"]) == (on_time, received)


# --- The forecast ---------------------------------------------------------------------------------


def _nov(day: int, hour: int = 9):
    return at(3, 1).replace(month=11, day=day, hour=hour)


@pytest.fixture
def november(office):
    """November 2026 judged on 15/11 at noon. Ended in the 90 days before: R1, R2 (October, on time),
    R3 (October, late) and P1 (November, on time): 3 of 4 on time. Received in November:
    P1 ended on time; P2 open and overdue since 10/11; P3 open, due 05/12 (after the period);
    P4, P5 open, due 20/11 and 25/11 (uncertain)."""
    for code, processed, due in (("R1", 5, 9), ("R2", 6, 9), ("R3", 12, 9)):
        make_dossier(code, office, received=_nov(1).replace(month=10), due=_nov(due, 17).replace(month=10),
                     processed=_nov(processed).replace(month=10))  # fmt: skip
    make_dossier("P1", office, received=_nov(2), due=_nov(9, 17), processed=_nov(5))
    make_dossier("P2", office, received=_nov(3), due=_nov(10, 17))
    make_dossier("P3", office, received=_nov(10), due=_nov(10, 17).replace(month=12, day=5))
    make_dossier("P4", office, received=_nov(12), due=_nov(20, 17))
    make_dossier("P5", office, received=_nov(13), due=_nov(25, 17))
    return office


NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def test_the_forecast_of_a_month_not_over(november):
    index = index766(Scope(november.agency), *NOVEMBER, now=_nov(15, 12))
    actual = indicators(index)
    # Actual, as of now: P1 ended on time; P3, P4, P5 not yet due; P2 overdue → 4 / 5.
    assert (actual["2.1"]["numerator"], actual["2.1"]["rate"], actual["2.1"]["points"]) == (4, 0.8, 16.0)
    forecast = {f["code"]: f for f in index["forecast"]["indicators"]}
    assert (index["forecast"]["open"], index["forecast"]["open_late"], index["forecast"]["open_safe"]) == (4, 1, 1)
    # P1 + P3 (certain) + 0.75 × (P4, P5) = 3.5 of 5; P2 late.
    assert (forecast["2.1"]["numerator"], forecast["2.1"]["denominator"]) == (3.5, 5)
    assert (forecast["2.1"]["rate"], forecast["2.1"]["points"]) == (0.7, 14.0)
    assert (forecast["5.4"]["rate"], forecast["5.4"]["points"]) == (0.7, 4.67)  # no one dissatisfied: 0.7 × 6 / 0.9
    assert forecast["3.3"]["basis"] == "received" and forecast["2.1"]["basis"] == "recent"
    # The actual figures are never replaced; the forecast total swaps only the forecast points.
    assert actual["5.4"]["points"] == 5.33
    expected = round(index["total"]["points"] - 16.0 - 5.33 + 14.0 + 4.67, 2)
    assert index["forecast"]["total"]["points"] == expected


def test_without_history_the_uncertain_dossiers_are_not_guessed(november):
    Dossier.objects.filter(code__in=["R1", "R2", "R3", "P1"]).delete()
    forecast = {
        f["code"]: f for f in index766(Scope(november.agency), *NOVEMBER, now=_nov(15, 12))["forecast"]["indicators"]
    }
    assert forecast["2.1"]["rate"] is None and forecast["2.1"]["reason"]


def test_a_period_over_has_no_forecast(month):
    assert index766(Scope(month.agency), *MARCH)["forecast"] is None


# --- The XLSX export ------------------------------------------------------------------------------


def test_the_xlsx_has_the_same_numbers_as_the_api(month, client):
    from openpyxl import load_workbook

    client.force_login(month.leader)
    params = {"from": "2026-03-01", "to": "2026-03-31"}
    api = client.get("/api/v1/reports/index766/", params).json()
    response = client.get("/mot-cua/bao-cao/chi-so-766/", {**params, "format": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Chi so 766"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r[0] in BY_CODE}
    for code, i in indicators(api).items():
        assert rows[code][2:8] == (i["numerator"], i["denominator"], i["rate"], i["threshold"], i["points"], i["max"])
    total = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "Tổng điểm")
    assert (total[6], total[7]) == (api["total"]["points"], api["total"]["max"])
    headings = [r[0] for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0])[:2] in ("1.", "2.", "3.")]
    assert any("(CKMB)" in h for h in headings)  # the merged group headings
    assert sheet["A1"].value == month.agency.name.upper()
    assert "Theo phong" in workbook.sheetnames  # each division's row


def test_the_command_writes_a_divisions_index_as_xlsx(month, tmp_path):
    from openpyxl import load_workbook

    _split_divisions(month)
    out = tmp_path / "index.xlsx"
    call_command("report", "--kind", "index766", "--period", "2026-M03", "--agency", month.agency.code,
                 "--division", "QLVH", "--format", "xlsx", "--output", str(out))  # fmt: skip
    sheet = load_workbook(out)["Chi so 766"]
    assert sheet["A2"].value == f"Phòng, đơn vị: {month.d2.name}"
    total = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "Tổng điểm")
    assert total[6] == 4.0
