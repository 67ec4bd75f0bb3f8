"""The small agency of the report tests (reports/tests/conftest.py), with a division head, a city
above the agency and its report viewer, and helpers to put a dossier at a step of its process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from django.core.cache import cache

from motcua.accounts.constants import AgencyKind, Role, UnitKind, UserKind
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from motcua.catalog.constants import StepActor
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier, DossierStep
from motcua.reports.tests.conftest import Office, at, ledger, make_dossier, office  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def official(username: str, role: str, agency: Any, unit: Any = None, full_name: str = "") -> Any:
    user = UserFactory(username=username, kind=UserKind.OFFICIAL, full_name=full_name or username)
    RoleAssignmentFactory(user=user, role=role, agency=agency, unit=unit)
    return user


@dataclass
class City:
    city: Any
    office: Office
    head: Any  # head of division d1 (QLDL)
    other_head: Any  # head of division d2 (QLVH)
    city_viewer: Any
    foreign_leader: Any
    desk_unit: Any
    leadership: Any


@pytest.fixture
def city(office: Office) -> City:  # noqa: F811
    city = AgencyFactory(code="000.00.00.H13", name="UBND tỉnh thử", kind=AgencyKind.PROVINCIAL_PEOPLES_COMMITTEE)
    for agency in (office.agency, office.other_agency):
        agency.parent = city
        agency.save(update_fields=["parent"])
    return City(
        city=city,
        office=office,
        head=official("head1", Role.DIVISION_HEAD, office.agency, office.d1, "Trưởng phòng Một"),
        other_head=official("head2", Role.DIVISION_HEAD, office.agency, office.d2, "Trưởng phòng Hai"),
        city_viewer=official("city_viewer", Role.REPORT_VIEWER, city),
        foreign_leader=official("leader_other", Role.AGENCY_LEADER, office.other_agency),
        desk_unit=office.agency.units.get(code="MC"),
        leadership=UnitFactory(agency=office.agency, code="LD", name="Ban lãnh đạo", kind=UnitKind.LEADERSHIP),
    )


def put_at_step(
    dossier: Dossier,
    actor: str,
    *,
    unit: Any = None,
    holder: Any = None,
    started: datetime,
    due: datetime | None = None,
    agency: Any = None,
) -> DossierStep:
    """Open a step of `dossier` now held by `actor` (and `unit`, `holder`) and make it current."""
    step = DossierStep.objects.create(
        dossier=dossier,
        plan_index=dossier.steps.count(),
        name=f"Bước {actor}",
        actor=actor,
        agency=agency or dossier.competent_agency,
        unit=unit,
        holder=holder,
        started_at=started,
        due_at=due,
    )
    dossier.current_step = step
    dossier.stage = actor
    if actor == StepActor.DIVISION and holder is not None:
        dossier.assignee = holder
    dossier.save(update_fields=["current_step", "stage", "assignee"])
    return step


# Wednesday 18 March 2026, 10:00: "due soon" runs to the close of Thursday 19 March.
NOW = at(3, 18, 10)


@pytest.fixture
def desk_floor(city):
    """A: overdue, B: due soon (both with the specialist), C: within (division, nobody assigned),
    D: waiting for a supplement (past its due date, but paused), E: overdue at the desk, no division,
    F: due date passed but an apology set a new one (at the head's step), G: processed (not open),
    X: another agency's overdue dossier."""
    o, c = city.office, city
    a = make_dossier("A", o, received=at(3, 2), due=at(3, 17, 17))
    put_at_step(a, StepActor.DIVISION, unit=o.d1, holder=o.specialist, started=at(3, 3))
    b = make_dossier("B", o, received=at(3, 5), due=at(3, 19, 17))
    put_at_step(b, StepActor.DIVISION, unit=o.d1, holder=o.specialist, started=at(3, 6))
    cc = make_dossier("C", o, received=at(3, 10), due=at(3, 20, 17), division="D2")
    put_at_step(cc, StepActor.DIVISION, unit=o.d2, started=at(3, 11))
    make_dossier("D", o, received=at(3, 2), due=at(3, 16, 17), status=Status.SUPPLEMENT_REQUESTED, pause=at(3, 9))
    e = make_dossier("E", o, received=at(3, 17, 8), due=at(3, 18, 8), status=Status.RECEIVED, division=None)
    put_at_step(e, StepActor.ONE_STOP_DESK, unit=c.desk_unit, started=at(3, 17, 8))
    f = make_dossier("F", o, received=at(3, 2), due=at(3, 17, 17), extended=at(3, 24, 17), division="D2")
    put_at_step(f, StepActor.DIVISION_HEAD, unit=o.d2, started=at(3, 16))
    make_dossier("G", o, received=at(3, 2), due=at(3, 17, 17), processed=at(3, 16))
    make_dossier("X", o, agency=o.other_agency, received=at(3, 2), due=at(3, 10, 17), division=None)
    return city
