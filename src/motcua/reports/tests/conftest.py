"""A small agency whose March 2026 report is computed by hand (see `LEDGER` and EXPECTED_MARCH)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from motcua.accounts.constants import Role, UnitKind, UserKind
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from motcua.catalog.tests.factories import FieldFactory, ProcedureVersionFactory
from motcua.dossiers.constants import Outcome, Status
from motcua.dossiers.models import Dossier, DossierPause

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A local (Asia/Ho_Chi_Minh) time in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


# code: (channel, level, received, due, end: (field, time) or None, status, outcome, division)
# "D1"/"D2": the two divisions; None: not yet with a division. Hand-computed for March 2026 in
# EXPECTED_MARCH below; the comment says which numbers each dossier makes.
LEDGER: dict[str, dict[str, Any]] = {
    # ended before March: counted nowhere in March (new and resolved early in February)
    "OLD": {"received": at(2, 1), "due": at(2, 25, 17), "processed": at(2, 20), "status": Status.RETURNED},
    # carried over, resolved early in March
    "CO1": {"received": at(2, 20), "due": at(3, 10, 17), "processed": at(3, 5), "status": Status.PROCESSED},
    # carried over, still pending at the end of March, overdue
    "CO2": {"received": at(2, 25), "due": at(3, 20, 17), "status": Status.IN_PROCESSING, "division": None},
    # new, resolved on the due date's day before the due time: on time
    "N1": {"received": at(3, 2), "due": at(3, 9, 17), "processed": at(3, 9, 10), "status": Status.PROCESSED},
    # new by post, resolved on the due day but after the due time: late
    "N2": {
        "channel": "postal",
        "received": at(3, 3),
        "due": at(3, 10, 17),
        "processed": at(3, 10, 17, 30),
        "division": "D2",
    },
    # new online (partial), resolved the day before the due day: early
    "N3": {
        "channel": "online",
        "level": "partial",
        "received": at(3, 4),
        "due": at(3, 11, 17),
        "processed": at(3, 10, 16),
        "division": "D2",
    },
    # new online (full), pending, due in April: within the deadline
    "N4": {
        "channel": "online",
        "level": "full",
        "received": at(3, 5),
        "due": at(4, 10, 17),
        "status": Status.IN_PROCESSING,
    },
    # new online (full), waiting for a supplement since 12/03 at the end of March: within the deadline
    "N5": {
        "channel": "online",
        "level": "full",
        "received": at(3, 6),
        "due": at(3, 13, 17),
        "status": Status.SUPPLEMENT_REQUESTED,
        "pause": at(3, 12),
    },
    # extended (apology, new date 20/03), resolved 18/03: late against the original date 16/03
    "N6": {"received": at(3, 9), "due": at(3, 16, 17), "extended": at(3, 20, 17), "processed": at(3, 18)},
    # new online (partial), withdrawn on 12/03
    "N7": {
        "channel": "online",
        "level": "partial",
        "received": at(3, 10),
        "due": at(3, 17, 17),
        "ended": at(3, 12),
        "status": Status.WITHDRAWN,
        "outcome": Outcome.WITHDRAWN,
    },
    # received at 23:30 on the last day: new, pending within the deadline
    "N8": {"received": at(3, 31, 23, 30), "due": at(4, 7, 17), "status": Status.RECEIVED, "division": None},
    # received at 00:00 on 1 April: not in March
    "N9": {"received": at(4, 1, 0), "due": at(4, 8, 17), "status": Status.RECEIVED, "division": None},
    # resolved 30 minutes into April: pending at the end of March, and overdue (due 27/03)
    "N10": {"received": at(3, 20), "due": at(3, 27, 17), "processed": at(4, 1, 0, 30)},
    # processed 12/03 and returned 13/03: resolved when processed, early
    "N11": {
        "received": at(3, 11),
        "due": at(3, 18, 17),
        "processed": at(3, 12),
        "returned": at(3, 13),
        "status": Status.RETURNED,
    },
    # stopped 16/03 (by post): resolved, early
    "N12": {
        "channel": "postal",
        "received": at(3, 12),
        "due": at(3, 19, 17),
        "ended": at(3, 16),
        "status": Status.STOPPED,
        "outcome": Outcome.STOPPED,
    },
    # refused at reception: never received, counted nowhere
    "NA": {
        "received": None,
        "due": None,
        "ended": at(3, 3),
        "status": Status.NOT_ACCEPTED,
        "outcome": Outcome.NOT_ACCEPTED,
    },
}

EXPECTED_MARCH = {
    "received": {
        "total": 13,
        "carried_over": 2,
        "new": 11,
        "in_person": 5,
        "postal": 2,
        "online": 4,
        "online_partial": 2,
        "online_full": 2,
    },
    "resolved": {"total": 7, "early": 4, "on_time": 1, "late": 2},
    "withdrawn": 1,
    "pending": {"total": 5, "within_deadline": 3, "overdue": 2},
    "online_rate": 0.3636,
    "on_time_rate": 0.7143,
}


@dataclass
class Office:
    agency: Any
    other_agency: Any
    d1: Any
    d2: Any
    version: Any
    leader: Any
    viewer: Any
    desk: Any
    specialist: Any
    foreign_viewer: Any
    citizen: Any


def make_dossier(code: str, office: Office, *, agency: Any = None, **spec: Any) -> Dossier:
    division = spec.get("division", "D1")
    processed = spec.get("processed")
    dossier = Dossier.objects.create(
        code=code,
        procedure_version=office.version,
        competent_agency=agency or office.agency,
        receiving_agency=agency or office.agency,
        processing_unit={"D1": office.d1, "D2": office.d2, None: None}[division],
        channel=spec.get("channel", "in_person"),
        online_level=spec.get("level", ""),
        status=spec.get("status", Status.PROCESSED if processed else Status.IN_PROCESSING),
        outcome=spec.get("outcome", Outcome.APPROVED if processed else ""),
        applicant_kind="person",
        applicant_name=f"Người nộp {code}",
        submitted_at=spec.get("received"),
        received_at=spec.get("received"),
        due_at=spec.get("due"),
        extended_due_at=spec.get("extended"),
        processed_at=processed,
        returned_at=spec.get("returned"),
        ended_at=spec.get("ended"),
    )
    if spec.get("pause"):
        DossierPause.objects.create(
            dossier=dossier, reason="request_supplement", stage="appraisal", started_at=spec["pause"]
        )
    return dossier


@pytest.fixture
def office(db) -> Office:
    agency = AgencyFactory(code="000.00.21.H13", name="Sở Văn hóa, Thể thao và Du lịch")
    other_agency = AgencyFactory(code="000.00.22.H13", name="Sở Xây dựng")
    d1 = UnitFactory(agency=agency, code="QLDL", name="Phòng Quản lý du lịch", kind=UnitKind.DIVISION)
    d2 = UnitFactory(agency=agency, code="QLVH", name="Phòng Quản lý văn hóa", kind=UnitKind.DIVISION)
    desk_unit = UnitFactory(agency=agency, code="MC", kind=UnitKind.ONE_STOP_DESK)
    version = ProcedureVersionFactory(
        procedure__code="2.001628",
        agency=agency,
        valid_from=date(2025, 7, 1),
        name="Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa",
        field=FieldFactory(code="du-lich", name="Du lịch"),
    )

    def official(name: str, role: str, unit: Any = None, at: Any = agency) -> Any:
        user = UserFactory(username=name, kind=UserKind.OFFICIAL)
        RoleAssignmentFactory(user=user, role=role, agency=at, unit=unit)
        return user

    return Office(
        agency=agency,
        other_agency=other_agency,
        d1=d1,
        d2=d2,
        version=version,
        leader=official("leader", Role.AGENCY_LEADER),
        viewer=official("viewer", Role.REPORT_VIEWER),
        desk=official("desk", Role.DESK_OFFICER, desk_unit),
        specialist=official("specialist", Role.SPECIALIST, d1),
        foreign_viewer=official("viewer_other", Role.REPORT_VIEWER, at=other_agency),
        citizen=UserFactory(username="citizen"),
    )


@pytest.fixture
def ledger(office: Office) -> Office:
    for code, spec in LEDGER.items():
        make_dossier(code, office, **spec)
    # Another agency's dossier, received in March: never in this agency's report.
    make_dossier("X1", office, agency=office.other_agency, received=at(3, 5), due=at(3, 12, 17), division=None)
    return office
