"""Guessing is slow everywhere: passwords (web and API share one lockout), codes, lookups (OWASP ASVS 2.2.1, 11.1.4).

The lockout counts in the database, so every web and API process (and every server) sees the same
failures; rate limits take the client's address without trusting a forged X-Forwarded-For.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.models import SigninFailureCount, User
from motcua.accounts.services import (
    SignUp,
    account_signup,
    password_reset_confirm,
    password_reset_send,
    signin_failed,
    signin_locked,
)
from motcua.core.clients import client_address
from motcua.integrations.sms.fake import FakeSmsGateway

PASSWORD = "hoa-sen-2026-mua-thu"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(settings):
    FakeSmsGateway.reset()
    cache.clear()
    settings.MOTCUA_SMS_GATEWAY = "fake"
    yield
    FakeSmsGateway.reset()
    cache.clear()


@pytest.fixture
def person() -> User:
    return account_signup(SignUp(full_name="Lê Thị Mai", password=PASSWORD, phone="0912345678"))


def token(client: APIClient, username: str, password: str, **headers: Any):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json", **headers)


def test_the_lockout_is_kept_in_the_database_not_in_one_process_memory(person, client):
    for _ in range(5):
        client.post("/dang-nhap/", {"username": "0912345678", "password": "wrong-password"})
    # Another web process has a cache of its own (or none): the count is not there but in the database.
    cache.clear()
    assert SigninFailureCount.objects.filter(failures=5).exists()
    assert signin_locked("0912345678")
    locked = client.post("/dang-nhap/", {"username": "0912345678", "password": PASSWORD})
    assert locked.status_code == 200 and "_auth_user_id" not in client.session


def test_wrong_passwords_through_the_api_lock_the_sign_in_page_too(person, client):
    api = APIClient()
    for _ in range(5):
        wrong = token(api, "+84912345678", "wrong-password")
        assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid-credentials"
    client.cookies["django_language"] = "en"
    page = client.post("/dang-nhap/", {"username": "0912 345 678", "password": PASSWORD})
    assert page.status_code == 200 and "Too many wrong tries" in page.content.decode()
    refused = token(api, "0912345678", PASSWORD)  # the right password, another way to write the number
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "signin-locked" and "token" not in refused.json()


def test_wrong_passwords_on_the_sign_in_page_lock_the_api_too(person, client):
    for _ in range(5):
        client.post("/dang-nhap/", {"username": "0912345678", "password": "wrong-password"})
    refused = token(APIClient(HTTP_ACCEPT_LANGUAGE="vi"), "+84912345678", PASSWORD)
    assert refused.status_code == 429 and "token" not in refused.json()
    assert refused.json()["error"]["message"] == "Đã nhập sai quá nhiều lần: hãy chờ 15 phút, hoặc đặt lại mật khẩu."


def test_the_lock_ends_after_the_lock_period_and_a_success_forgets_the_failures(person, client):
    for _ in range(4):
        signin_failed("0912345678", "10.0.0.1")
    assert client.post("/dang-nhap/", {"username": "0912345678", "password": PASSWORD}).status_code == 302
    assert not signin_locked("0912345678")  # four failures and a success: counting starts again
    for _ in range(5):
        signin_failed("0912345678", "10.0.0.1")
    assert signin_locked("0912345678")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert not signin_locked("0912345678")
        signin_failed("0912345678", "10.0.0.1")  # a new period counts from one
        assert not signin_locked("0912345678")


def test_failures_and_locks_go_to_the_security_log_without_the_identifier(person, caplog):
    with caplog.at_level("WARNING", logger="motcua.security"):
        for _ in range(5):
            signin_failed("0912345678", "203.0.113.9")
    assert caplog.text.count("sign-in failed") == 5 and "sign-in locked" in caplog.text
    assert "203.0.113.9" in caplog.text and "912345678" not in caplog.text


def test_one_address_trying_many_accounts_is_locked_out_but_others_are_not(person):
    for number in range(50):
        signin_failed(f"guess-{number}", "203.0.113.9")
    assert signin_locked("0912345678", "203.0.113.9")
    assert not signin_locked("0912345678", "198.51.100.7")


def test_a_forged_x_forwarded_for_neither_escapes_the_token_throttle_nor_the_lockout(person):
    api = APIClient()
    statuses = [token(api, f"someone-{i}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code for i in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429  # counted by the connection's address


@time_machine.travel(timezone.now().replace(second=1), tick=False)  # one rate-limit window (a minute)
def test_a_forged_x_forwarded_for_does_not_escape_the_public_lookup_limits(client):
    api = APIClient()
    answers = [
        api.get("/api/v1/lookup/", {"code": "X-1", "secret": "WRONG123"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        for i in range(31)
    ]
    assert [a.status_code for a in answers[:30]] == [404] * 30 and answers[30].status_code == 429
    pages = [
        client.get("/tra-cuu/", {"code": "X-1", "secret": "WRONG123"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        for i in range(31)
    ]
    assert [p.status_code for p in pages[:30]] == [200] * 30 and pages[30].status_code == 429


@time_machine.travel(timezone.now().replace(second=1), tick=False)
def test_the_public_lookup_limit_is_per_address(client):
    for _ in range(30):
        client.get("/tra-cuu/", {"code": "X-1", "secret": "WRONG123"}, REMOTE_ADDR="203.0.113.9")
    assert client.get("/tra-cuu/", {"code": "X-1", "secret": "W"}, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert client.get("/tra-cuu/", {"code": "X-1", "secret": "W"}, REMOTE_ADDR="198.51.100.7").status_code == 200
    api = APIClient()
    for _ in range(30):
        api.get("/api/v1/lookup/", {"code": "X-1", "secret": "W"}, REMOTE_ADDR="203.0.113.9")
    assert api.get("/api/v1/lookup/", {"code": "X", "secret": "W"}, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert api.get("/api/v1/lookup/", {"code": "X", "secret": "W"}, REMOTE_ADDR="198.51.100.7").status_code == 404


def test_behind_a_declared_proxy_the_client_is_the_address_the_proxy_appended(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.MOTCUA_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"  # no proxy declared: the header is anyone's to write
    settings.MOTCUA_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.9"  # what the client wrote itself (1.2.3.4) is ignored
    settings.MOTCUA_PROXY_COUNT = 2
    assert client_address(request) == "1.2.3.4"
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_five_wrong_reset_codes_spend_the_code_even_for_the_right_one(person):
    password_reset_send("0912345678")
    found = re.search(r"\b(\d{6})\b", FakeSmsGateway.sent[-1].text)
    assert found
    code = found.group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationError):
            password_reset_confirm(phone="0912345678", code=wrong, password="mot-mat-khau-moi-2027")
    with pytest.raises(ValidationError, match="no longer valid"):
        password_reset_confirm(phone="0912345678", code=code, password="mot-mat-khau-moi-2027")
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
