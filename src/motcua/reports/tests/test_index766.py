"""The Decision 766 index on a hand-computed month: every computed indicator, its points, the
dossiers behind its numbers, and the API and command that give the same JSON."""

from __future__ import annotations

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
from motcua.dossiers.models import DossierDocument, DossierPause
from motcua.feedback.models import ServiceRating
from motcua.payments.models import Payment
from motcua.reports.index766 import index766, index_dossiers, score
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
    ServiceRating.objects.create(dossier=b, satisfaction="dissatisfied", contacts_to_complete="0",
                                 agencies_contacted="none", attitude="helpful", information_accurate=True,
                                 channel="online", rated_at=at(3, 13))  # fmt: skip
    return office


def indicators(index):
    return {i["code"]: i for g in index["groups"] for i in g["indicators"]}


# code: (numerator, denominator, rate, points), by hand from the docstring of `month`.
EXPECTED = {
    "1.3": (1, 2, 0.5, 1.0),  # the full-online version has every component, the other no steps
    "2.1": (2, 5, 0.4, 8.0),  # A (ended by its due date), D (not yet due); B, C, E overdue
    "3.0": (1, 2, 0.5, 6.0),  # A of the full-online procedure's A and B
    "3.1": (2, 2, 1.0, 0.0),  # both versions offered online; monitored
    "3.2": (2, 2, 1.0, 0.0),  # both have a dossier in March; monitored
    "3.3": (2, 5, 0.4, 0.0),  # A and C online; monitored
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
    assert index["total"] == {"points": 25.07, "max": 100.0, "computed_max": 60.0}
    assert index["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert index["agency"]["code"] == month.agency.code
    assert index["extra"]["5.4"] == {"late": 3, "unhappy": 1}


def test_what_motcua_cannot_count_yet_is_null_with_a_reason(month):
    found = indicators(index766(Scope(month.agency), *MARCH))
    for code in ("1.1", "1.2", "1.4", "3.4", "3.5", "3.5b", "4.4", "4.5a", "4.6"):
        assert found[code]["rate"] is None and found[code]["points"] is None and found[code]["reason"], code
    # No feedback in March: 5.1–5.3 have nothing to divide.
    for code in ("5.1", "5.2", "5.3"):
        assert found[code]["denominator"] == 0 and found[code]["rate"] is None and found[code]["reason"]


@pytest.mark.parametrize(
    ("code", "part", "codes"),
    [
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
    assert response.json()["total"]["points"] == 25.07


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
