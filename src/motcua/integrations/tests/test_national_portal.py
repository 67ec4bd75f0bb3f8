"""The national portal port: the HTTP adapter against a server on loopback, and the fake."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest

from motcua.core.testing.loopback import Handler, LoopbackServer
from motcua.integrations.national_portal.base import DossierRecord, NationalPortalError
from motcua.integrations.national_portal.fake import FakeNationalPortal
from motcua.integrations.national_portal.http import HttpNationalPortal

RECORD = DossierRecord(
    code="000.00.21.H13-261126-0001",
    agency_code="000.00.21.H13",
    procedure_code="2.001628",
    status=4,
    channel=2,
    submitted_at="2026-11-16T08:00:00+07:00",
    received_at="2026-11-16T08:00:00+07:00",
    due_at="2026-11-25T17:00:00+07:00",
    paid_online=1,
    fee_paid=150000,
    rating="satisfied",
)


class Portal(Handler):
    requests: ClassVar[list[dict[str, Any]]] = []
    answers: ClassVar[list[int]] = []

    def do_POST(self) -> None:
        Portal.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(self.read_body())})
        status = Portal.answers.pop(0) if Portal.answers else 200
        self.send_json(status, {"id": "DVCQG-42"} if status == 200 else {"error": "no"})


@pytest.fixture
def portal_url():
    Portal.requests.clear()
    Portal.answers.clear()
    with LoopbackServer(Portal) as server:
        yield f"{server.url}/api/hoso/dongbo"


def test_the_portal_gets_the_record_in_its_names_with_our_key(portal_url):
    ack = HttpNationalPortal(url=portal_url, token="s3cret").push(RECORD, idempotency_key="motcua-X-abc")
    assert ack.receipt_id == "DVCQG-42"
    (request,) = Portal.requests
    assert request["path"] == "/api/hoso/dongbo"
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["headers"]["Idempotency-Key"] == "motcua-X-abc"
    body = request["body"]
    assert body["MaHoSo"] == RECORD.code
    assert body["TrangThaiHoSo"] == 4 and body["KenhThucHien"] == 2
    assert body["NgayTiepNhan"] == "2026-11-16T08:00:00+07:00" and body["NgayHenTra"] == "2026-11-25T17:00:00+07:00"
    assert body["DuocThanhToanTrucTuyen"] == 1 and body["DanhGiaHaiLong"] == "satisfied"


@pytest.mark.parametrize(("status", "temporary"), [(500, True), (503, True), (429, True), (400, False), (401, False)])
def test_refusals_say_whether_to_retry(portal_url, status, temporary):
    Portal.answers.append(status)
    with pytest.raises(NationalPortalError) as raised:
        HttpNationalPortal(url=portal_url, token="t").push(RECORD, idempotency_key="k")
    assert raised.value.temporary is temporary


def test_an_unreachable_portal_is_temporary_and_a_bad_address_permanent():
    with LoopbackServer(Portal) as server:
        url = server.url
    with pytest.raises(NationalPortalError) as raised:
        HttpNationalPortal(url=url, token="t", timeout=2).push(RECORD, idempotency_key="k")
    assert raised.value.temporary
    with pytest.raises(NationalPortalError) as raised:
        HttpNationalPortal(url="", token="t").push(RECORD, idempotency_key="k")
    assert not raised.value.temporary


def test_the_fake_takes_each_key_once_and_fails_on_demand():
    FakeNationalPortal.reset()
    fake = FakeNationalPortal()
    FakeNationalPortal.failures.append(NationalPortalError("down", temporary=True))
    with pytest.raises(NationalPortalError):
        fake.push(RECORD, idempotency_key="k1")
    fake.push(RECORD, idempotency_key="k1")
    fake.push(RECORD, idempotency_key="k1")
    assert list(FakeNationalPortal.taken) == ["k1"]
    assert FakeNationalPortal.calls == ["k1", "k1", "k1"]
    FakeNationalPortal.reset()
