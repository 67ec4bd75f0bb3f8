"""HTTP security headers on every kind of response, caching of personal data, production cookies and HSTS.

OWASP ASVS 4.0.3 V14.4 (HTTP security headers), V3.4 (cookies) and V8.2 (no personal data in caches);
docs/security/asvs-l2.md lists where each requirement is met.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.tests.factories import UserFactory
from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.core.tests.test_core import production_env
from motcua.dossiers.tests.flow import PDF, api, intake

ROOT = Path(__file__).resolve().parents[4]
pytestmark = pytest.mark.django_db


def assert_hardened(response) -> None:
    """The headers every response carries, whatever made it (page, API, file, error)."""
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in response["Permissions-Policy"]


def no_store(response) -> bool:
    value = response.get("Cache-Control", "")
    return "no-store" in value and "private" in value


@pytest.fixture
def procedure():
    return ProcedureVersionFactory(procedure__code="1.000001").procedure


CACHEABLE = {"/", "/thu-tuc/", "/thu-tuc/1.000001/", "/api/v1/procedures/", "/api/v1/procedures/1.000001/"}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/thu-tuc/", 200),
        ("/thu-tuc/1.000001/", 200),
        ("/tra-cuu/", 200),
        ("/dang-nhap/", 200),
        ("/dang-ky/", 200),
        ("/lich-lam-viec/", 200),
        ("/api/v1/procedures/", 200),
        ("/api/v1/procedures/1.000001/", 200),
        ("/api/schema/", 200),
        ("/api/docs/", 200),
        ("/nothing-here/", 404),
        ("/api/v1/nothing-here/", 404),
        ("/ca-nhan/", 302),  # to the sign-in page
    ],
)
def test_anonymous_pages_and_api_carry_the_headers(client, settings, procedure, path, status):
    settings.DEBUG = False
    response = client.get(path)
    assert response.status_code == status
    assert_hardened(response)
    if path in CACHEABLE:
        assert not no_store(response)  # the public catalog may be kept by browsers and proxies


def test_the_api_docs_run_without_inline_script(client):
    """Swagger UI is served in the split form (its start script is a file), so the strict policy holds."""
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")


def test_the_admin_has_a_policy_too_loosened_only_for_its_inline_code(client):
    response = client.get("/admin/login/")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy and "form-action 'self'" in policy
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_a_403_a_429_and_a_500_carry_the_headers(client, settings, monkeypatch):
    settings.DEBUG = False
    citizen = UserFactory(username="citizen-headers")
    client.force_login(citizen)
    forbidden = client.get("/mot-cua/")
    assert forbidden.status_code == 403  # a citizen at the officials' desk
    assert_hardened(forbidden)
    assert no_store(forbidden)

    cache.clear()
    anonymous, api_throttled = Client(), APIClient()
    with time_machine.travel(timezone.now().replace(second=1), tick=False):  # one rate-limit window
        for _ in range(31):
            throttled = anonymous.get("/tra-cuu/", {"code": "X-1", "secret": "WRONG123"})
        for _ in range(31):
            api_answer = api_throttled.get("/api/v1/lookup/", {"code": "X-1", "secret": "WRONG123"})
    assert throttled.status_code == 429
    assert_hardened(throttled)
    assert no_store(throttled)  # a lookup by the receipt's secret is never kept by a cache
    assert api_answer.status_code == 429 and api_answer.json()["error"]["code"]
    assert_hardened(api_answer)
    assert no_store(api_answer)
    cache.clear()

    import motcua.portal.views as portal_views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(portal_views, "render", broken)
    failing = Client(raise_request_exception=False)
    error = failing.get("/")
    assert error.status_code == 500
    assert_hardened(error)
    from rest_framework.authtoken.models import Token

    UserFactory(username="token-user", password="a-long-password-2026")
    monkeypatch.setattr(Token.objects, "get_or_create", broken)
    api_error = APIClient(raise_request_exception=False).post(
        "/api/v1/auth/token/", {"username": "token-user", "password": "a-long-password-2026"}, format="json"
    )
    assert api_error.status_code == 500 and api_error.json()["error"]["code"]
    assert_hardened(api_error)


def test_pages_and_api_answers_for_a_signed_in_person_are_never_cached(client, office):
    body = intake(office)
    client.force_login(office.desk)
    desk_page = client.get("/mot-cua/")
    assert desk_page.status_code == 200
    assert_hardened(desk_page)
    assert no_store(desk_page)
    detail = api(office.desk).get(f"/api/v1/dossiers/{body['code']}/")
    assert detail.status_code == 200
    assert_hardened(detail)
    assert no_store(detail)
    # Through a token (Authorization header) as well as through the session.
    token_client = APIClient()
    office.desk.set_password("a-long-password-2026")
    office.desk.save()
    issued = token_client.post(
        "/api/v1/auth/token/", {"username": "desk", "password": "a-long-password-2026"}, format="json"
    )
    assert issued.status_code == 200 and "no-store" in issued["Cache-Control"]  # a credential
    token = issued.json()["token"]
    token_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    listed = token_client.get("/api/v1/dossiers/")
    assert listed.status_code == 200 and no_store(listed)
    # Public data that a view marked public keeps its cache lifetime, even for someone signed in.
    provinces = token_client.get("/api/v1/provinces/")
    assert provinces.status_code == 200
    assert "public" in provinces["Cache-Control"] and "no-store" not in provinces["Cache-Control"]


def test_a_dossier_document_download_carries_the_headers_and_is_never_cached(office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = intake(office)
    uploaded = api(office.desk).post(
        f"/api/v1/dossiers/{body['code']}/documents/",
        {"file": SimpleUploadedFile("don.pdf", PDF)},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.json()
    download = api(office.desk).get(uploaded.json()["url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert_hardened(download)
    assert no_store(download)
    assert download["Content-Disposition"].startswith("attachment")


PRODUCTION_SETTINGS = """
import json
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
request = RequestFactory().get("/", secure=True, HTTP_HOST="motcua.example.gov.vn")
response = SecurityMiddleware(lambda r: HttpResponse("ok"))(request)
print(json.dumps({
    "hsts": response.get("Strict-Transport-Security", ""),
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "session_samesite": settings.SESSION_COOKIE_SAMESITE,
    "cookie_names": [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME],
    "session_age": settings.SESSION_COOKIE_AGE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "csrf_samesite": settings.CSRF_COOKIE_SAMESITE,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "debug": settings.DEBUG,
    "num_proxies": settings.REST_FRAMEWORK["NUM_PROXIES"],
}))
"""


def test_production_sends_hsts_with_subdomains_and_secure_cookies():
    """The production profile built as `make check` builds it: HTTPS only, cookies never sent in clear."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PRODUCTION_SETTINGS],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["hsts"].startswith("max-age=31536000") and "includeSubDomains" in found["hsts"]
    assert found["session_secure"] and found["session_httponly"] and found["session_samesite"] == "Lax"
    assert found["csrf_secure"] and found["csrf_samesite"] == "Lax"
    assert found["cookie_names"] == ["__Host-sessionid", "__Host-csrftoken"]  # secure, whole site, this host only
    assert found["ssl_redirect"] and not found["debug"]
    assert found["session_age"] <= 12 * 3600
    assert found["num_proxies"] == 0  # X-Forwarded-For is not trusted unless a proxy is declared


def test_production_warns_when_rate_limits_would_count_per_process():
    env = production_env()
    del env["REDIS_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "motcua.W003" in result.stdout + result.stderr


def test_the_session_cookie_is_http_only_and_same_site_renewed_at_sign_in_and_ended_at_sign_out(client, db, settings):
    from django.contrib.sessions.models import Session

    settings.SESSION_COOKIE_AGE = 12 * 3600  # the real default (the test settings keep sessions longer)

    UserFactory(username="cookie-user", password="a-long-password-2026")
    before = client.session
    before["seen"] = True
    before.save()
    response = client.post("/dang-nhap/", {"username": "cookie-user", "password": "a-long-password-2026"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) <= 12 * 3600
    assert cookie.value != before.session_key  # no session fixation: a new key once signed in
    assert not Session.objects.filter(session_key=before.session_key).exists()
    client.post("/dang-xuat/")
    assert not Session.objects.filter(session_key=cookie.value).exists()  # signing out ends it on the server


def test_text_people_typed_is_escaped_in_pages(client):
    """ASVS 5.3.3: a procedure named like a script shows as text, never runs (autoescaping)."""
    ProcedureVersionFactory(procedure__code="1.000002", name='<script>alert("x")</script> Cấp phép')
    page = client.get("/thu-tuc/1.000002/").content.decode()
    assert "&lt;script&gt;alert(" in page and '<script>alert("x")' not in page


def test_sign_in_never_sends_anyone_to_another_site(client):
    """ASVS 5.1.5: `next` leads only to our own pages (no open redirect after signing in)."""
    UserFactory(username="redirect-user", password="a-long-password-2026")
    response = client.post(
        "/dang-nhap/?next=https://evil.example/phish",
        {"username": "redirect-user", "password": "a-long-password-2026", "next": "https://evil.example/phish"},
    )
    assert response.status_code == 302 and "evil.example" not in response["Location"]
