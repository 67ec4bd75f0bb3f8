"""The staff alerts, with a frozen clock: what each official receives, when, and never twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from motcua.accounts.constants import Role, UnitKind, UserKind
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from motcua.alerts.models import AlertKind, StaffAlert
from motcua.alerts.services import (
    alerts_escalate_overdue,
    alerts_run_due,
    alerts_send_digests,
    alerts_send_weekly_reports,
    message_key,
    weekly_report,
)
from motcua.catalog.constants import StepActor
from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.core.worker import _JOBS
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.notifications.models import OutboxMessage
from motcua.reports.period import Scope, period_report

ZONE = timezone.get_default_timezone()


def local(month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ZONE)


THURSDAY = local(11, 26, 8)  # 26/11/2026 is a Thursday


@dataclass
class Office:
    agency: Any
    division: Any
    version: Any
    specialist: Any
    idle: Any
    head: Any
    leader: Any


@pytest.fixture
def office(db) -> Office:
    agency = AgencyFactory(code="000.00.21.H13", name="Sở Văn hóa, Thể thao và Du lịch")
    division = UnitFactory(agency=agency, code="QLDL", name="Phòng Quản lý du lịch", kind=UnitKind.DIVISION)
    version = ProcedureVersionFactory(
        procedure__code="2.001628", agency=agency, valid_from=date(2025, 7, 1), name="Cấp giấy phép lữ hành"
    )

    def official(name: str, role: str, unit: Any = None) -> Any:
        user = UserFactory(username=name, kind=UserKind.OFFICIAL, email=f"{name}@so.example.vn", full_name=name)
        RoleAssignmentFactory(user=user, role=role, agency=agency, unit=unit)
        return user

    return Office(
        agency=agency,
        division=division,
        version=version,
        specialist=official("specialist", Role.SPECIALIST, division),
        idle=official("idle", Role.SPECIALIST, division),
        head=official("head", Role.DIVISION_HEAD, division),
        leader=official("leader", Role.AGENCY_LEADER),
    )


def dossier(office: Office, code: str, due: datetime, **extra: Any) -> Dossier:
    fields: dict[str, Any] = {
        "code": code,
        "procedure_version": office.version,
        "competent_agency": office.agency,
        "receiving_agency": office.agency,
        "processing_unit": office.division,
        "assignee": office.specialist,
        "stage": StepActor.DIVISION,
        "channel": "in_person",
        "status": Status.IN_PROCESSING,
        "applicant_kind": "person",
        "applicant_name": f"Người nộp {code}",
        "submitted_at": local(11, 16),
        "received_at": local(11, 16),
        "due_at": due,
    }
    fields.update(extra)
    return Dossier.objects.create(**fields)


@pytest.fixture
def work(office: Office) -> Office:
    dossier(office, "LATE", local(11, 25, 17))  # overdue since yesterday
    dossier(office, "TODAY", local(11, 26, 16, 30))  # due this afternoon
    dossier(office, "SOON", local(11, 27, 17))  # due tomorrow
    dossier(office, "LATER", local(12, 10, 17))  # not yet worth a word
    return office


def messages(user: Any, event: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient=user.email, event=event).order_by("pk"))


@time_machine.travel(THURSDAY, tick=False)
def test_the_digest_lists_what_waits_for_the_official_by_urgency(work: Office) -> None:
    assert alerts_send_digests() == 1  # the specialist; the others have nothing overdue or due soon

    (message,) = messages(work.specialist, "staff_digest")
    assert message.channel == "email"
    assert message.language == "vi"
    assert message.subject == "Công việc hôm nay: 1 quá hạn, 1 đến hạn hôm nay, 1 sắp đến hạn"
    body = message.body
    assert body.index("LATE") < body.index("TODAY") < body.index("SOON")
    assert "LATER" not in body
    assert "25/11/2026 17:00" in body  # the due time, local
    assert "/mot-cua/?queue=mine" in body
    # Its idempotency key is derived from our own row.
    alert = StaffAlert.objects.get(kind=AlertKind.DIGEST, recipient=work.specialist)
    assert alert.key == f"digest:2026-11-26:{work.specialist.pk}"
    assert message.key == alert.message_key == message_key(alert.key)
    assert messages(work.idle, "staff_digest") == []


@time_machine.travel(THURSDAY, tick=False)
def test_the_digest_is_sent_once_a_day(work: Office) -> None:
    assert alerts_send_digests() == 1
    assert alerts_send_digests() == 0
    assert OutboxMessage.objects.filter(event="staff_digest").count() == 1
    with time_machine.travel(local(11, 27, 8), tick=False):
        assert alerts_send_digests() == 1  # the next day, a new digest
    assert len(messages(work.specialist, "staff_digest")) == 2


@time_machine.travel(THURSDAY, tick=False)
def test_overdue_dossiers_are_escalated_to_the_head_and_the_leader_once_a_day(work: Office) -> None:
    assert alerts_escalate_overdue() == 2

    for official in (work.head, work.leader):
        (message,) = messages(official, "staff_escalation")
        assert "LATE" in message.body
        assert "TODAY" not in message.body and "SOON" not in message.body
        assert "Phòng Quản lý du lịch" in message.body
    assert messages(work.specialist, "staff_escalation") == []

    # Running again the same day sends nothing; a dossier overdue since this morning goes alone.
    assert alerts_escalate_overdue() == 0
    dossier(work, "LATE2", local(11, 26, 7))
    assert alerts_escalate_overdue() == 2
    (_first, second) = messages(work.head, "staff_escalation")
    assert "LATE2" in second.body and "LATE\n" not in second.body and "LATE ·" not in second.body
    assert StaffAlert.objects.filter(kind=AlertKind.ESCALATION, recipient=work.head).count() == 2

    # The next day, each overdue dossier is escalated again, once.
    with time_machine.travel(local(11, 27, 8), tick=False):
        assert alerts_escalate_overdue() == 2
        assert alerts_escalate_overdue() == 0
    third = messages(work.leader, "staff_escalation")[-1]
    assert "LATE ·" in third.body and "LATE2" in third.body and "TODAY" in third.body


def test_the_schedule_sends_the_digest_from_its_time_on_working_days(work: Office, settings: Any) -> None:
    with time_machine.travel(local(11, 26, 7, 29), tick=False):
        assert alerts_run_due() == {"digests": 0, "escalations": 0, "weekly_reports": 0}
    with time_machine.travel(local(11, 26, 7, 30), tick=False):
        assert alerts_run_due()["digests"] == 1
    with time_machine.travel(local(11, 26, 11, 0), tick=False):
        assert alerts_run_due() == {"digests": 0, "escalations": 0, "weekly_reports": 0}
    with time_machine.travel(local(11, 29, 9, 0), tick=False):  # a Sunday
        assert alerts_run_due()["digests"] == 0
    settings.MOTCUA_STAFF_DIGEST_WEEKDAYS = frozenset({6})
    with time_machine.travel(local(11, 29, 9, 0), tick=False):
        assert alerts_run_due()["digests"] == 1


def test_the_weekly_report_goes_to_the_leader_from_friday_15_00_once(work: Office) -> None:
    with time_machine.travel(local(11, 27, 14, 59), tick=False):  # Friday
        assert alerts_run_due()["weekly_reports"] == 0
    with time_machine.travel(local(11, 27, 15, 0), tick=False):
        assert alerts_run_due()["weekly_reports"] == 1
        assert alerts_run_due()["weekly_reports"] == 0
    with time_machine.travel(local(11, 28, 10, 0), tick=False):  # Saturday: still this week's, already sent
        assert alerts_send_weekly_reports() == 0
    (message,) = messages(work.leader, "reform_report")
    assert messages(work.head, "reform_report") == []
    assert "23/11/2026 – 27/11/2026" in message.subject
    with time_machine.travel(local(12, 4, 15, 0), tick=False):  # the next Friday: the next week's
        assert alerts_run_due()["weekly_reports"] == 1


def test_the_weekly_report_day_and_time_are_settings(work: Office, settings: Any) -> None:
    settings.MOTCUA_REFORM_REPORT_WEEKDAY = 2  # Wednesday
    settings.MOTCUA_REFORM_REPORT_TIME = datetime(2000, 1, 1, 9, 0).time()
    with time_machine.travel(local(11, 25, 8, 59), tick=False):
        assert alerts_run_due()["weekly_reports"] == 0
    with time_machine.travel(local(11, 25, 9, 0), tick=False):
        assert alerts_run_due()["weekly_reports"] == 1


def test_the_weekly_report_has_the_report_pages_numbers(work: Office) -> None:
    # Received this week: two online, one in person; one resolved late; LATE etc. received the week before.
    dossier(work, "W1", local(11, 30, 17), channel="online", online_level="full", received_at=local(11, 23, 9))
    dossier(work, "W2", local(12, 1, 17), channel="online", online_level="full", received_at=local(11, 24, 9))
    dossier(
        work,
        "W3",
        local(11, 24, 17),
        received_at=local(11, 23, 10),
        status=Status.PROCESSED,
        processed_at=local(11, 25, 9),
    )
    with time_machine.travel(local(11, 27, 15, 0), tick=False):
        assert alerts_send_weekly_reports() == 1
        expected = period_report(Scope(agency=work.agency, subordinates=True), date(2026, 11, 23), date(2026, 11, 27))
        week = weekly_report(agency=work.agency, end=date(2026, 11, 27))
    total = expected["total"]
    assert week.report["total"] == total
    assert total["received"]["new"] == 3 and total["received"]["online"] == 2
    (message,) = messages(work.leader, "reform_report")
    body = message.body
    assert f"{total['received']['new']} mới ({total['received']['online']} trực tuyến)" in body
    assert f"Phòng Quản lý du lịch: {total['pending']['overdue']}" in body
    assert "66,7 %" in body  # this week’s online rate, the last of the trend
    assert len(week.trend) == 4 and week.trend[-1][2] == total["online_rate"]
    assert "/mot-cua/bao-cao/?agency=000.00.21.H13" in body


def test_the_job_is_registered_with_the_worker() -> None:
    assert "alerts.staff" in _JOBS
