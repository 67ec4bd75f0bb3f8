"""Pushing dossiers to the national portal (through the fake), idempotently; the reconciliation; the
sync rate (Decision 766 index 1.4); the command, the leaders' page and the production check."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from motcua.accounts.constants import Role, UnitKind, UserKind
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.feedback.models import ServiceRating
from motcua.integrations.national_portal.base import NationalPortalError
from motcua.integrations.national_portal.fake import FakeNationalPortal
from motcua.national_sync.checks import production_national_portal_check
from motcua.national_sync.models import NationalSync, SyncStatus
from motcua.national_sync.selectors import national_sync_rate, national_sync_reconciliation
from motcua.national_sync.services import national_sync_plan, national_sync_push_due, national_sync_run
from motcua.payments.models import Payment

ZONE = timezone.get_default_timezone()
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def _fake_portal():
    FakeNationalPortal.reset()
    yield
    FakeNationalPortal.reset()


@pytest.fixture
def office(db) -> dict[str, Any]:
    agency = AgencyFactory(code="000.00.21.H13", name="Sở Văn hóa, Thể thao và Du lịch")
    other = AgencyFactory(code="000.00.22.H13", name="Sở Xây dựng")
    division = UnitFactory(agency=agency, code="QLDL", kind=UnitKind.DIVISION)
    version = ProcedureVersionFactory(procedure__code="2.001628", agency=agency, valid_from=date(2025, 7, 1))
    leader = UserFactory(username="leader", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=leader, role=Role.AGENCY_LEADER, agency=agency)
    specialist = UserFactory(username="specialist", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=specialist, role=Role.SPECIALIST, agency=agency, unit=division)
    return {
        "agency": agency,
        "other": other,
        "division": division,
        "version": version,
        "leader": leader,
        "specialist": specialist,
    }


def make(office: dict[str, Any], code: str, *, agency: Any = None, **extra: Any) -> Dossier:
    fields: dict[str, Any] = {
        "code": code,
        "procedure_version": office["version"],
        "competent_agency": agency or office["agency"],
        "receiving_agency": agency or office["agency"],
        "channel": "online",
        "online_level": "full",
        "status": Status.IN_PROCESSING,
        "applicant_kind": "person",
        "applicant_name": "Nguyễn Văn An",
        "submitted_at": datetime(2026, 11, 16, 8, 0, tzinfo=ZONE),
        "received_at": datetime(2026, 11, 16, 8, 30, tzinfo=ZONE),
        "due_at": datetime(2026, 11, 25, 17, 0, tzinfo=ZONE),
    }
    fields.update(extra)
    return Dossier.objects.create(**fields)


def advance(dossier: Dossier, **changes: Any) -> None:
    for name, value in changes.items():
        setattr(dossier, name, value)
    dossier.save()


@time_machine.travel(NOW, tick=False)
def test_each_dossier_is_pushed_with_its_status_channel_and_times(office: dict[str, Any]) -> None:
    dossier = make(office, "D1")
    make(office, "DRAFT", status=Status.DRAFT, received_at=None)  # never on the portal

    assert national_sync_run() == (1, 1)

    (key,) = FakeNationalPortal.taken
    record = FakeNationalPortal.taken[key]
    assert record.code == "D1" and record.agency_code == "000.00.21.H13" and record.procedure_code == "2.001628"
    assert record.status == 4  # Đang xử lý
    assert record.channel == 2  # trực tuyến
    assert record.submitted_at == "2026-11-16T08:00:00+07:00"
    assert record.received_at == "2026-11-16T08:30:00+07:00"
    assert record.due_at == "2026-11-25T17:00:00+07:00"
    assert record.paid_online is None and record.rating == ""
    sync = NationalSync.objects.get(dossier=dossier)
    assert sync.status == SyncStatus.SYNCED and sync.key == key and sync.acknowledged_at == NOW
    assert key.startswith("motcua-D1-")


@time_machine.travel(NOW, tick=False)
def test_the_same_state_is_pushed_once_and_a_new_state_with_a_new_key(office: dict[str, Any]) -> None:
    dossier = make(office, "D1")
    national_sync_run()
    national_sync_run()
    assert len(FakeNationalPortal.calls) == 1

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        advance(dossier, applicant_phone="0907111222")  # not in the record: nothing to push
        assert national_sync_run() == (0, 0)
        advance(dossier, status=Status.PROCESSED, processed_at=timezone.now())
        national_sync_run()
        national_sync_run()
    assert len(FakeNationalPortal.calls) == 2
    first, second = FakeNationalPortal.calls
    assert first != second
    assert FakeNationalPortal.taken[second].status == 9
    assert FakeNationalPortal.taken[second].processed_at == "2026-11-26T10:00:00+07:00"


@time_machine.travel(NOW, tick=False)
def test_payment_result_and_rating_are_pushed(office: dict[str, Any]) -> None:
    dossier = make(office, "D1", status=Status.RETURNED, processed_at=NOW, returned_at=NOW)
    Payment.objects.create(
        dossier=dossier,
        amount=150000,
        description="Lệ phí",
        method="online",
        provider="dvcqg",
        status="paid",
        created_at=NOW,
        paid_at=NOW,
    )
    national_sync_run()
    record = next(iter(FakeNationalPortal.taken.values()))
    assert record.status == 10 and record.paid_online == 1 and record.fee_paid == 150000

    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        ServiceRating.objects.create(
            dossier=dossier,
            satisfaction="satisfied",
            contacts_to_complete="0",
            agencies_contacted="none",
            attitude="helpful",
            information_accurate=True,
            channel="online",
            rated_at=timezone.now(),
        )
        national_sync_run()
    assert len(FakeNationalPortal.calls) == 2
    assert FakeNationalPortal.taken[FakeNationalPortal.calls[-1]].rating == "satisfied"


@time_machine.travel(NOW, tick=False)
def test_a_portal_outage_is_retried_with_the_same_key(office: dict[str, Any]) -> None:
    make(office, "D1")
    FakeNationalPortal.failures.extend([NationalPortalError("503", temporary=True)] * 2)
    assert national_sync_run() == (1, 0)
    sync = NationalSync.objects.get()
    assert sync.status == SyncStatus.PENDING and sync.attempts == 1 and sync.last_error == "503"
    assert national_sync_push_due() == 0  # not yet: backing off
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert national_sync_push_due() == 0  # the second failure
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert national_sync_push_due() == 1
    assert len(set(FakeNationalPortal.calls)) == 1 and len(FakeNationalPortal.calls) == 3
    sync.refresh_from_db()
    assert sync.status == SyncStatus.SYNCED and sync.last_error == ""


@time_machine.travel(NOW, tick=False)
def test_a_refused_record_is_shown_in_the_reconciliation(office: dict[str, Any]) -> None:
    synced = make(office, "D1")
    national_sync_run()
    refused = make(office, "D2", channel="postal", online_level="")
    FakeNationalPortal.failures.append(NationalPortalError("national portal answered 400", temporary=False))
    national_sync_run()
    make(office, "D3")  # changed since: not yet pushed
    make(office, "X1", agency=office["other"])  # another agency's

    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        advance(synced, status=Status.PROCESSED, processed_at=timezone.now())  # not yet pushed
        report = national_sync_reconciliation(agencies=[office["agency"]])

    assert report.counts == {"pending": 0, "synced": 1, "failed": 1, "never": 1}
    by_code = {d.code: d for d in report.differences}
    assert set(by_code) == {"D1", "D2", "D3"}
    assert by_code["D2"].status == "failed" and by_code["D2"].last_error == "national portal answered 400"
    assert ("channel", 3, None) in by_code["D2"].fields
    assert by_code["D3"].status == "never"
    changed = {name: (ours, theirs) for name, ours, theirs in by_code["D1"].fields}
    assert changed == {"status": (9, 4), "processed_at": ("2026-11-26T09:10:00+07:00", None)}
    assert NationalSync.objects.get(dossier=refused).status == SyncStatus.FAILED


def test_the_sync_rate_counts_synced_dossiers_received_in_the_period(office: dict[str, Any]) -> None:
    def received(code: str, day: int, **extra: Any) -> Dossier:
        at = datetime(2026, 11, day, 9, tzinfo=ZONE)
        return make(office, code, submitted_at=at, received_at=at, **extra)

    with time_machine.travel(NOW, tick=False):
        for code, day in (("A", 2), ("B", 10), ("C", 20)):
            received(code, day)
        national_sync_run()
        FakeNationalPortal.failures.append(NationalPortalError("400", temporary=False))
        received("E", 22)
        national_sync_plan()
        national_sync_push_due()  # E refused
        received("OCT", 1)
        Dossier.objects.filter(code="OCT").update(received_at=datetime(2026, 10, 31, 23, 59, tzinfo=ZONE))
        received("DEC", 30)
        Dossier.objects.filter(code="DEC").update(received_at=datetime(2026, 12, 1, 0, 0, tzinfo=ZONE))
        national_sync_run()  # OCT and DEC pushed: outside the period all the same
        received("D", 21)  # received, not yet pushed
        make(office, "X1", agency=office["other"])

    rate = national_sync_rate(start=date(2026, 11, 1), end=date(2026, 11, 30), agencies=[office["agency"]])
    assert NationalSync.objects.get(dossier__code="E").status == SyncStatus.FAILED
    assert (rate.received, rate.synced, rate.rate) == (5, 3, 0.6)  # A, B and C; not D nor E
    everywhere = national_sync_rate(start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert everywhere.received == 6
    nothing = national_sync_rate(start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert (nothing.received, nothing.rate) == (0, None)


@time_machine.travel(NOW, tick=False)
def test_the_command_prints_the_rate_and_the_differences(office: dict[str, Any]) -> None:
    make(office, "D1")
    out = StringIO()
    call_command("national_sync", "--agency", "000.00.21.H13", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["sync_rate"] == {"received": 1, "synced": 0, "rate": 0.0}
    assert data["differences"][0]["code"] == "D1"

    out = StringIO()
    call_command("national_sync", "--push", "--from", "2026-11-01", "--to", "2026-11-30", stdout=out)
    text = out.getvalue()
    assert "waiting: 1, acknowledged: 1" in text
    assert "sync rate 2026-11-01–2026-11-30: 1/1 = 100.00 %" in text


def test_the_page_shows_leaders_the_rate_and_what_differs(client: Any, office: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        make(office, "D1")
        national_sync_run()
        make(office, "D2", channel="postal", online_level="")
    client.force_login(office["leader"])
    with time_machine.travel(NOW, tick=False):
        page = client.get(
            "/mot-cua/dong-bo-dvcqg/", {"from": "2026-11-01", "to": "2026-11-30"}, HTTP_ACCEPT_LANGUAGE="vi"
        )
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 trên 2 hồ sơ tiếp nhận trong kỳ đã có trên Cổng Dịch vụ công quốc gia: 50,00 %" in text
    assert "D2" in text and "Chưa đồng bộ lần nào" in text

    bad = client.get("/mot-cua/dong-bo-dvcqg/", {"from": "26/11/2026"})
    assert bad.status_code == 400
    assert "Enter a date as YYYY-MM-DD." in bad.content.decode() or "NNNN-TT-NN" in bad.content.decode()
    assert client.get("/mot-cua/dong-bo-dvcqg/", {"agency": "000.00.22.H13"}).status_code == 400

    client.force_login(office["specialist"])
    assert client.get("/mot-cua/dong-bo-dvcqg/").status_code == 403


def test_the_fake_portal_is_refused_in_production() -> None:
    with override_settings(IS_PRODUCTION=True, MOTCUA_NATIONAL_PORTAL="fake"):
        (error,) = production_national_portal_check(None)
    assert error.id == "motcua.E002"
    with override_settings(IS_PRODUCTION=True, MOTCUA_NATIONAL_PORTAL="off"):
        assert production_national_portal_check(None) == []
    with override_settings(IS_PRODUCTION=False, MOTCUA_NATIONAL_PORTAL="fake"):
        assert production_national_portal_check(None) == []


def test_the_sync_is_off_when_told(office: dict[str, Any]) -> None:
    make(office, "D1")
    with override_settings(MOTCUA_NATIONAL_PORTAL="off"):
        assert national_sync_run() == (0, 0)
    assert FakeNationalPortal.calls == []
