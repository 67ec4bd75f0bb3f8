"""Every status change tells the applicant (Decree 224/2026 Art. 15(1)(g)), through the outbox."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.catalog.tests.factories import FeeFactory
from motcua.dossiers.tests.flow import act, at, carry_to_leader, intake
from motcua.notifications.models import OutboxMessage
from motcua.notifications.tests.conftest import seed_default_templates


@pytest.fixture(autouse=True)
def _templates(db):
    seed_default_templates()


def test_each_status_change_writes_the_applicants_notice_with_the_art_15_facts(office):
    with at(2026, 11, 19, 10, 20):
        code = intake(office)["code"]
    with at(2026, 11, 19, 14, 0):
        assert act(office.desk, code, "transfer", unit="QLDL").status_code == 200
        assert act(office.head, code, "assign", assignee="specialist").status_code == 200  # internal: no notice
    with at(2026, 11, 20, 9, 0):
        act(office.specialist, code, "propose_supplement", note="Thiếu bản sao.")  # internal: no notice
        assert act(office.desk, code, "request_supplement", note="Thiếu bản sao.").status_code == 200
    notices = list(OutboxMessage.objects.filter(dossier_code=code).order_by("id"))
    assert [(m.event, m.channel) for m in notices] == [
        ("status_changed", "sms"),
        ("status_changed", "sms"),
        ("supplement_requested", "sms"),
    ]
    received = notices[0]
    assert received.recipient == "+84931015119" and received.agency_code
    # Sent without diacritics; names the agency, the officer and the times of receipt and return.
    assert "Tiep nhan 19/11/2026 10:20" in received.body and "Hen tra 27/11/2026 17:00" in received.body
    assert str(office.desk) and received.body.isascii()
    assert "Thieu ban sao" in notices[2].body


def test_a_refused_transition_writes_no_notice(office):
    with at(2026, 11, 19, 10, 20):
        code = intake(office)["code"]
    before = OutboxMessage.objects.count()
    assert act(office.desk, code, "return_result").status_code == 409
    assert OutboxMessage.objects.count() == before


def test_the_desk_sees_a_notice_that_could_not_be_delivered(office, client):
    with at(2026, 11, 19, 10, 20):
        code = intake(office)["code"]
    client.force_login(office.desk)
    assert "undelivered-title" not in client.get(f"/mot-cua/ho-so/{code}/").content.decode()
    OutboxMessage.objects.filter(dossier_code=code).update(status="failed", last_error="number not in service")
    page = client.get(f"/mot-cua/ho-so/{code}/").content.decode()
    assert "Thông báo không gửi được" in page and "không gửi được</strong>" in page  # the desk reads Vietnamese
    assert "+84931015119" in page and "number not in service" in page


def processed(office, *, approve_on: tuple[int, int, int, int, int]) -> str:
    """A paper dossier received on Thursday 19/11/2026 10:20 (due 27/11 17:00), approved at `approve_on`."""
    with at(2026, 11, 19, 10, 20):
        code = intake(office)["code"]
    with at(*approve_on):
        assert act(office.desk, code, "transfer", unit="QLDL").status_code == 200
        carry_to_leader(office, code)
        assert act(office.leader, code, "approve").status_code == 200
    return code


def test_a_result_ready_before_the_appointment_day_is_announced_as_an_early_return(office):
    code = processed(office, approve_on=(2026, 11, 24, 9, 0))
    last = OutboxMessage.objects.filter(dossier_code=code).latest("id")
    assert last.event == "early_return"
    # Diacritics stripped for SMS: "... co ket qua truoc hen (24/11/2026 09:00). Moi nhan ngay, ... 27/11/2026 17:00."
    assert "truoc hen (24/11/2026 09:00)" in last.body and "27/11/2026 17:00" in last.body


def test_a_result_ready_on_the_appointment_day_is_a_plain_result_ready_notice(office):
    code = processed(office, approve_on=(2026, 11, 27, 9, 0))
    assert OutboxMessage.objects.filter(dossier_code=code).latest("id").event == "result_ready"


def test_the_payment_request_names_the_amount(office):
    FeeFactory(version=office.version, name="Phí thẩm định", amount=Decimal("1000000"))
    FeeFactory(version=office.version, name="Lệ phí cấp giấy phép", amount=Decimal("500000"))
    with at(2026, 11, 19, 10, 20):
        code = intake(office)["code"]
        for user, action, data in [
            (office.desk, "transfer", {"unit": "QLDL"}),
            (office.head, "assign", {"assignee": "specialist"}),
            (office.specialist, "request_payment", {"note": "Nộp phí."}),
        ]:
            assert act(user, code, action, **data).status_code == 200
    message = OutboxMessage.objects.filter(dossier_code=code).latest("id")
    assert message.event == "payment_requested" and "1.500.000 dong" in message.body
