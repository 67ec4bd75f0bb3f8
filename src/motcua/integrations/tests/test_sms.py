"""The HTTP SMS adapter against a gateway on loopback: what it sends, how it reads the answers."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from motcua.core.testing.loopback import Handler, LoopbackServer
from motcua.integrations.sms.base import SmsError, SmsMessage, without_diacritics
from motcua.integrations.sms.fake import FakeSmsGateway
from motcua.integrations.sms.http import HttpSmsGateway


class Gateway(Handler):
    """A brand-name SMS provider: checks the key, answers with `status` (200 takes the message)."""

    received: list[dict] = []
    status = 200

    def do_POST(self) -> None:
        body = json.loads(self.read_body())
        if self.headers.get("Authorization") != "Bearer secret-key":
            self.send_json(401, {"error": "unauthorised"})
            return
        self.received.append(body)
        self.send_json(self.status, {"message_id": f"gw-{len(self.received)}"})


@pytest.fixture
def gateway_url() -> Iterator[str]:
    Gateway.received, Gateway.status = [], 200
    with LoopbackServer(Gateway) as server:
        yield f"{server.url}/send"


MESSAGE = SmsMessage(to="+84907111222", text="Ma xac minh: 123456", idempotency_key="verification-7")


def test_the_gateway_gets_the_number_text_brand_and_our_idempotency_key(gateway_url):
    receipt = HttpSmsGateway(url=gateway_url, api_key="secret-key", brand="SO VHTTDL").send(MESSAGE)
    assert receipt.message_id == "gw-1"
    assert Gateway.received == [
        {"to": "+84907111222", "text": "Ma xac minh: 123456", "brand": "SO VHTTDL", "request_id": "verification-7"}
    ]


@pytest.mark.parametrize(("status", "temporary"), [(503, True), (429, True), (400, False)])
def test_refusals_say_whether_to_retry(gateway_url, status, temporary):
    Gateway.status = status
    with pytest.raises(SmsError) as refused:
        HttpSmsGateway(url=gateway_url, api_key="secret-key", brand="X").send(MESSAGE)
    assert refused.value.temporary is temporary


def test_a_wrong_key_is_permanent_and_an_unreachable_gateway_temporary(gateway_url):
    with pytest.raises(SmsError) as wrong_key:
        HttpSmsGateway(url=gateway_url, api_key="other", brand="X").send(MESSAGE)
    assert wrong_key.value.temporary is False
    with pytest.raises(SmsError) as unreachable:
        HttpSmsGateway(url="http://127.0.0.1:9/send", api_key="k", brand="X", timeout=2).send(MESSAGE)
    assert unreachable.value.temporary is True
    with pytest.raises(SmsError):
        HttpSmsGateway(url="file:///etc/passwd", api_key="k", brand="X").send(MESSAGE)


def test_the_fake_records_once_per_key_and_fails_on_demand():
    FakeSmsGateway.reset()
    fake = FakeSmsGateway()
    fake.send(MESSAGE)
    fake.send(MESSAGE)
    assert list(FakeSmsGateway.sent) == [MESSAGE]
    FakeSmsGateway.failures.append(SmsError("down", temporary=True))
    with pytest.raises(SmsError):
        fake.send(SmsMessage(to="+84907111222", text="x", idempotency_key="other"))
    FakeSmsGateway.reset()


def test_vietnamese_without_diacritics_fits_the_gsm_alphabet():
    assert without_diacritics("Mã xác minh của bạn: 123456. Đừng đưa cho ai.") == (
        "Ma xac minh cua ban: 123456. Dung dua cho ai."
    )
