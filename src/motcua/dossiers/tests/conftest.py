"""An agency with a desk, a division and officials of every role, and one procedure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from motcua.accounts.constants import Role, UnitKind, UserKind
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from motcua.catalog.tests.factories import ProcedureVersionFactory


@dataclass
class Office:
    agency: Any
    division: Any
    other_division: Any
    version: Any
    desk: Any
    specialist: Any
    other_specialist: Any
    head: Any
    leader: Any
    citizen: Any
    stranger: Any
    foreign_desk: Any


@pytest.fixture
def office(db):
    agency = AgencyFactory(code="000.00.21.H13", name="Sở VHTTDL")
    desk_unit = UnitFactory(agency=agency, code="MC", kind=UnitKind.ONE_STOP_DESK)
    division = UnitFactory(agency=agency, code="QLDL", kind=UnitKind.DIVISION)
    other_division = UnitFactory(agency=agency, code="QLVH", kind=UnitKind.DIVISION)
    version = ProcedureVersionFactory(procedure__code="2.001628", agency=agency, valid_from=date(2025, 7, 1))

    def official(name: str, role: str, unit=None, at=agency):
        user = UserFactory(username=name, kind=UserKind.OFFICIAL)
        RoleAssignmentFactory(user=user, role=role, agency=at, unit=unit)
        return user

    other_agency = AgencyFactory(code="000.00.22.H13", name="Sở khác")
    return Office(
        agency=agency,
        division=division,
        other_division=other_division,
        version=version,
        desk=official("desk", Role.DESK_OFFICER, desk_unit),
        specialist=official("specialist", Role.SPECIALIST, division),
        other_specialist=official("specialist2", Role.SPECIALIST, other_division),
        head=official("head", Role.DIVISION_HEAD, division),
        leader=official("leader", Role.AGENCY_LEADER),
        citizen=UserFactory(username="citizen"),
        stranger=UserFactory(username="stranger"),
        foreign_desk=official("desk_other", Role.DESK_OFFICER, at=other_agency),
    )
