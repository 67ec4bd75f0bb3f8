"""Applicants sign up with a phone or an e-mail address, prove it with a code, and sign in with it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from motcua.accounts.models import User, VerificationCode
from motcua.accounts.services import SignUp, account_signup
from motcua.integrations.sms.fake import FakeSmsGateway

PASSWORD = "hoa-sen-2026-mua-thu"


@pytest.fixture(autouse=True)
def _fresh(settings):
    FakeSmsGateway.reset()
    from django.core.cache import cache

    cache.clear()
    settings.MOTCUA_SMS_GATEWAY = "fake"
    yield
    FakeSmsGateway.reset()


def sms_code() -> str:
    found = re.search(r"\b(\d{6})\b", FakeSmsGateway.sent[-1].text)
    assert found, FakeSmsGateway.sent[-1].text
    return found.group(1)


def sign_up(client, **fields):
    data = {"full_name": "Trần Văn Bình", "password": PASSWORD, "password_again": PASSWORD, **fields}
    client.cookies["django_language"] = "en"
    return client.post("/dang-ky/", data)


def test_sign_up_with_a_phone_verify_it_and_sign_in_with_it(client, db):
    response = sign_up(client, phone="0907 111 222")
    assert response.status_code == 302 and response["Location"] == "/ca-nhan/xac-minh/?channel=phone"
    user = User.objects.get(phone="+84907111222")
    assert user.username == "+84907111222" and user.check_password(PASSWORD)
    assert list(user.role_assignments.values_list("role", flat=True)) == ["citizen"]
    # The code went by SMS, without diacritics (one GSM segment), and only a hash of it is kept.
    message = FakeSmsGateway.sent[-1]
    assert message.to == "+84907111222" and message.text.isascii()
    code = sms_code()
    assert code not in VerificationCode.objects.get().code_hash
    wrong = client.post("/ca-nhan/xac-minh/", {"channel": "phone", "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and "4 attempts left" in wrong.content.decode()
    right = client.post("/ca-nhan/xac-minh/", {"channel": "phone", "code": code})
    assert right.status_code == 302
    user.refresh_from_db()
    assert user.phone_verified_at is not None
    # Sign in with the number as people write it.
    client.post("/dang-xuat/")
    for written in ["0907111222", "090 711 1222", "+84907111222"]:
        client.post("/dang-xuat/")
        signed = client.post("/dang-nhap/", {"username": written, "password": PASSWORD})
        assert signed.status_code == 302 and signed["Location"] == "/ca-nhan/", written


def test_sign_up_refuses_what_it_cannot_use_and_says_what_to_fix(client, db):
    account_signup(SignUp(full_name="A", password=PASSWORD, phone="0907111222"))
    cases = [
        ({"phone": "", "email": ""}, "Give a mobile phone number or an e-mail address"),
        ({"phone": "12345"}, "is not a valid Vietnamese phone number"),
        ({"phone": "0907111222"}, "An account with this phone number exists"),
        ({"email": "not-an-address"}, "Enter an e-mail address such as"),
        ({"phone": "0918333444", "password": "12345678", "password_again": "12345678"}, "too short"),
        ({"phone": "0918333444", "password_again": "other"}, "The two passwords differ."),
        ({"phone": "0918333444", "tax_code": "123"}, "A tax code has 10 digits"),
    ]
    for fields, message in cases:
        response = sign_up(client, **fields)
        assert response.status_code == 400 and message in response.content.decode(), (fields, message)
    assert User.objects.count() == 1


def test_an_organisation_account_with_its_e_mail_and_tax_code(client, db):
    response = sign_up(
        client, email="KeToan@DuLichMeKong.vn", organisation_name="Công ty TNHH Du lịch Mê Kông", tax_code="1801234567"
    )
    assert response["Location"] == "/ca-nhan/xac-minh/?channel=email"
    user = User.objects.get()
    assert (user.username, user.kind, user.tax_code) == ("ketoan@dulichmekong.vn", "organisation", "1801234567")
    assert list(user.role_assignments.values_list("role", flat=True)) == ["organisation_representative"]
    assert mail.outbox[-1].to == ["ketoan@dulichmekong.vn"]
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found
    code = found.group(1)
    client.post("/ca-nhan/xac-minh/", {"channel": "email", "code": code})
    user.refresh_from_db()
    assert user.email_verified_at is not None
    client.post("/dang-xuat/")
    assert client.post("/dang-nhap/", {"username": "ketoan@dulichmekong.VN", "password": PASSWORD}).status_code == 302


def test_codes_expire_allow_five_attempts_and_are_not_sent_too_often(client, db):
    sign_up(client, phone="0907111222")
    user = User.objects.get()
    resent = client.post("/ca-nhan/xac-minh/", {"channel": "phone", "resend": "1"}, follow=True)
    assert "less than a minute ago" in resent.content.decode() and len(FakeSmsGateway.sent) == 1
    code = sms_code()
    for _ in range(5):
        client.post("/ca-nhan/xac-minh/", {"channel": "phone", "code": "999999" if code != "999999" else "888888"})
    spent = client.post("/ca-nhan/xac-minh/", {"channel": "phone", "code": code})
    assert "no longer valid" in spent.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        client.post("/ca-nhan/xac-minh/", {"channel": "phone", "resend": "1"})
        fresh = sms_code()
    with time_machine.travel(timezone.now() + timedelta(minutes=15)):
        late = client.post("/ca-nhan/xac-minh/", {"channel": "phone", "code": fresh})
        assert "no longer valid" in late.content.decode()
    user.refresh_from_db()
    assert user.phone_verified_at is None


def test_a_failing_sms_gateway_says_so_and_keeps_no_code(client, db):
    from motcua.integrations.sms.base import SmsError

    FakeSmsGateway.failures.append(SmsError("down", temporary=True))
    response = sign_up(client, phone="0907111222")
    assert response.status_code == 302  # the account exists; the code can be asked again
    page = client.get(response["Location"]).content.decode()
    assert "could not be sent" in page
    assert not VerificationCode.objects.exists()


def test_sign_in_is_locked_after_five_wrong_passwords_even_with_the_right_one(client, db):
    account_signup(SignUp(full_name="A", password=PASSWORD, phone="0907111222"))
    client.cookies["django_language"] = "en"
    for _ in range(5):
        wrong = client.post("/dang-nhap/", {"username": "0907111222", "password": "wrong-password"})
        assert "Wrong phone, e-mail or password" in wrong.content.decode()
    locked = client.post("/dang-nhap/", {"username": "0907 111 222", "password": PASSWORD})
    assert locked.status_code == 200 and "Too many wrong tries" in locked.content.decode()
    token = client.post("/api/v1/auth/token/", {"username": "+84907111222", "password": PASSWORD})
    assert token.status_code in (400, 401, 403, 429) and "token" not in token.json()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        from django.core.cache import cache

        cache.clear()  # the locmem cache's timeouts follow the real clock: clear what would have expired
        assert client.post("/dang-nhap/", {"username": "0907111222", "password": PASSWORD}).status_code == 302


def test_password_reset_by_e_mail_link(client, db):
    account_signup(SignUp(full_name="A", password=PASSWORD, email="hoa@example.vn"))
    client.post("/quen-mat-khau/", {"email": "hoa@example.vn"})
    link = re.search(r"/quen-mat-khau/[^/\s]+/[^/\s]+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    form = client.get(link.group(0), follow=True)
    new = "mot-mat-khau-moi-2027"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert User.objects.get().check_password(new)


def test_the_sign_in_page_states_the_lockout_as_configured(client, db, settings):
    settings.MOTCUA_SIGNIN_MAX_FAILURES, settings.MOTCUA_SIGNIN_LOCK_SECONDS = 3, 600
    account_signup(SignUp(full_name="A", password=PASSWORD, phone="0907111222"))
    client.cookies["django_language"] = "en"
    wrong = client.post("/dang-nhap/", {"username": "0907111222", "password": "wrong-password"}).content.decode()
    assert "After 3 wrong tries the account waits 10 minutes." in wrong
    for _ in range(2):
        client.post("/dang-nhap/", {"username": "0907111222", "password": "wrong-password"})
    locked = client.post("/dang-nhap/", {"username": "0907111222", "password": PASSWORD}).content.decode()
    assert "Too many wrong tries: wait 10 minutes" in locked
