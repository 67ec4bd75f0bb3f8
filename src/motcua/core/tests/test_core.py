"""Health, security headers, the production profile and the API base."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.tests.factories import UserFactory
from motcua.core.models import WorkerHeartbeat
from motcua.core.worker import beat

ROOT = Path(__file__).resolve().parents[4]
pytestmark = pytest.mark.django_db


def test_healthz_reports_a_stale_worker_then_a_live_one(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json().items() >= {"status": "ok", "database": "ok", "worker": "stale"}.items()
    beat("default")
    assert client.get("/healthz").json()["worker"] == "ok"
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/healthz").json()["worker"] == "stale"


def test_healthz_answers_503_when_the_database_is_gone(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_unknown_api_address_answers_json_and_unknown_page_answers_html(client, settings):
    settings.DEBUG = False
    api = client.get("/api/v1/nothing-here/")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not-found"
    page = client.get("/nothing-here/")
    assert page.status_code == 404 and b"<html" in page.content


def test_token_then_bearer_authentication():
    UserFactory(username="desk9", password="correct horse battery")
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "desk9", "password": "correct horse battery"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    # A bad token is refused with the error envelope, a good one is accepted.
    assert client.get("/api/v1/procedures/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    refused = client.get("/api/v1/procedures/")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "authentication-failed"


def test_wrong_password_and_missing_fields():
    UserFactory(username="desk9", password="correct horse battery")
    client = APIClient()
    wrong = client.post("/api/v1/auth/token/", {"username": "desk9", "password": "nope"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid-credentials"
    missing = client.post("/api/v1/auth/token/", {"username": "desk9"}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()["error"]["fields"]


def test_token_endpoint_is_throttled():
    from django.core.cache import cache

    cache.clear()
    client = APIClient()
    statuses = [  # a name per try: the sign-in lockout of one name (after five) is another guard
        client.post("/api/v1/auth/token/", {"username": f"x{i}", "password": "y"}, format="json").status_code
        for i in range(12)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    cache.clear()


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.conf.base",
            "PYTHONPATH": str(ROOT / "src"),
            "MOTCUA_ENV": "production",
            "MOTCUA_SECRET_KEY": "x" * 60 + "-production-check-key-with-enough-entropy",
            "MOTCUA_ALLOWED_HOSTS": "motcua.example.gov.vn",
            "DATABASE_URL": "postgres://check@127.0.0.1:1/none",
            "MOTCUA_SMS_GATEWAY": "http",
            "MOTCUA_SMS_URL": "https://sms.example.vn/send",
            "MOTCUA_PAYMENT_PROVIDERS": "gateway",
            "MOTCUA_EMAIL_HOST": "smtp.example.vn",
            "REDIS_URL": "redis://127.0.0.1:6379/0",  # rate limits shared by every process (motcua.W003)
            **extra,
        }
    )
    return env


def test_check_deploy_is_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "fake",
    [
        {"MOTCUA_SMS_GATEWAY": "fake"},
        {"MOTCUA_PAYMENT_PROVIDERS": "gateway,fake"},
        {"MOTCUA_SMS_FAILOVER_GATEWAY": "fake"},
        {"MOTCUA_EMAIL_HOST": ""},
    ],
)
def test_production_refuses_the_fakes(fake):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=production_env(**fake),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "motcua.E002" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["MOTCUA_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "MOTCUA_SECRET_KEY is required" in result.stderr


def test_production_on_sqlite_must_be_a_conscious_choice():
    env = production_env()
    del env["DATABASE_URL"]
    env["MOTCUA_DATA_DIR"] = str(ROOT / "var" / "deploy-check")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "motcua.E001" in result.stdout + result.stderr
