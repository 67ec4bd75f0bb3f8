"""Two agencies, their procedures and officials, and helpers to write dossiers and consents by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, cast

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.constants import Role, UserKind
from motcua.accounts.models import Agency, User
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UserFactory
from motcua.catalog.tests.factories import FieldFactory, ProcedureVersionFactory
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.outreach.constants import ConsentSource
from motcua.outreach.models import Campaign, OutreachConsent

PUBLIC = "https://dvc.example.gov.vn"


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A local (Asia/Ho_Chi_Minh) moment, aware."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class World:
    agency: Agency
    other_agency: Agency
    tourism: Any
    culture: Any
    guide_card: Any  # 2.001622, tourism, online
    travel: Any  # 2.001628, tourism, online
    show: Any  # 1.000100, culture, online
    foreign: Any  # another agency's procedure
    leader: User
    admin: User
    desk: User
    specialist: User
    foreign_leader: User
    citizen: User


def account(**fields: Any) -> User:
    """A user account (the factory, typed as the model)."""
    return cast(User, UserFactory(**fields))


@pytest.fixture
def world(db: None, settings: Any) -> World:
    settings.MOTCUA_PUBLIC_URL = PUBLIC
    agency = cast(
        Agency, AgencyFactory(code="000.00.21.H13", name="Sở Văn hóa, Thể thao và Du lịch", short_name="Sở VHTTDL")
    )
    other = cast(Agency, AgencyFactory(code="000.00.22.H13", name="Sở Xây dựng", short_name="Sở XD"))
    tourism = FieldFactory(code="du-lich", name="Du lịch")
    culture = FieldFactory(code="van-hoa", name="Văn hóa")
    travel = ProcedureVersionFactory(
        procedure__code="2.001628", agency=agency, field=tourism, name="Cấp giấy phép kinh doanh lữ hành"
    )
    guide_card = ProcedureVersionFactory(
        procedure__code="2.001622", agency=agency, field=tourism, name="Cấp thẻ hướng dẫn viên du lịch"
    )
    show = ProcedureVersionFactory(procedure__code="1.000100", agency=agency, field=culture, name="Cấp phép biểu diễn")
    foreign = ProcedureVersionFactory(procedure__code="1.009999", agency=other, field=tourism, name="Cấp phép xây dựng")

    def official(name: str, role: str, where: Any = agency) -> User:
        user = account(username=name, kind=UserKind.OFFICIAL)
        RoleAssignmentFactory(user=user, role=role, agency=where)
        return user

    return World(
        agency=agency,
        other_agency=other,
        tourism=tourism,
        culture=culture,
        guide_card=guide_card,
        travel=travel,
        show=show,
        foreign=foreign,
        leader=official("leader", Role.AGENCY_LEADER),
        admin=official("admin", Role.ADMINISTRATOR),
        desk=official("desk", Role.DESK_OFFICER),
        specialist=official("specialist", Role.SPECIALIST),
        foreign_leader=official("foreign_leader", Role.AGENCY_LEADER, other),
        citizen=account(username="citizen"),
    )


_codes = iter(range(1, 100000))


def dossier(
    version: Any,
    *,
    submitted: datetime,
    channel: str = "in_person",
    phone: str = "",
    email: str = "",
    owner: User | None = None,
    status: str = Status.IN_PROCESSING,
) -> Dossier:
    return Dossier.objects.create(
        code=f"{version.agency.code}-260501-{next(_codes):04d}",
        procedure_version=version,
        competent_agency=version.agency,
        receiving_agency=version.agency,
        channel=channel,
        online_level="partial" if channel == "online" else "",
        status=status,
        applicant_kind="person",
        applicant_name="Người nộp",
        applicant_phone=phone,
        applicant_email=email,
        owner=owner,
        submitted_at=submitted,
        received_at=submitted,
    )


def consent(
    agency: Agency | None, *, phone: str = "", email: str = "", withdrawn: datetime | None = None
) -> OutreachConsent:
    return OutreachConsent.objects.create(
        agency=agency,
        phone=phone,
        email=email,
        source=ConsentSource.DESK if agency else ConsentSource.ACCOUNT,
        given_at=at(date(2026, 5, 1)),
        withdrawn_at=withdrawn,
    )


def campaign(world: World, **fields: Any) -> Campaign:
    values: dict[str, Any] = {
        "agency": world.agency,
        "name": "Mời nộp trực tuyến",
        "channel": "sms",
        "text": "{agency}: lần sau nộp hồ sơ {procedure} trực tuyến tại {link}",
        "applied_from": date(2026, 5, 1),
        "applied_until": date(2026, 5, 31),
        "created_by": world.leader,
        "rate_per_minute": 30,
        "quiet_from": time(21, 0),
        "quiet_until": time(7, 0),
    }
    values.update(fields)
    return Campaign.objects.create(**values)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client
