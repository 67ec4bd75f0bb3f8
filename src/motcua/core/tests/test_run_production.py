"""scripts/run_production.py starts the scaled stack (gunicorn, the beat worker, Celery workers) and stops it.

Runs only with DATABASE_URL (PostgreSQL) and REDIS_URL: it starts the stack on this test's PostgreSQL
database, with MOTCUA_ENV=production, a connection pool and Celery on a queue of its own.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[4]

needs_services = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"),
    reason="the scaled stack needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **headers}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (a local URL)
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def _wait_ready(process: subprocess.Popen[str], port: int, limit: float) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert process.poll() is None, f"run_production.py exited with {process.returncode}"
        try:
            status, _, body = _get(port, "/healthz")
            health = json.loads(body)
            if status == 200 and health.get("worker") == "ok":
                return health
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"/healthz not ok within {limit} s")


@needs_services
@pytest.mark.django_db(transaction=True)
def test_the_scaled_stack_starts_serves_and_stops_cleanly(tmp_path):
    assert connection.vendor == "postgresql"
    port = _free_port()
    database = {**connection.settings_dict}
    url = f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:{database['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{url}/{database['NAME']}",  # this test's database, already migrated
        "MOTCUA_ENV": "production",
        "MOTCUA_SECRET_KEY": "run-production-test-" + "x" * 50,
        "MOTCUA_ALLOWED_HOSTS": "127.0.0.1",
        "MOTCUA_BEHIND_PROXY": "1",
        "MOTCUA_DATA_DIR": str(tmp_path),
        "MOTCUA_SMS_GATEWAY": "http",
        "MOTCUA_SMS_URL": "http://127.0.0.1:9/send",
        "MOTCUA_PAYMENT_PROVIDERS": "gateway",
        "MOTCUA_CELERY_QUEUE": f"motcua-run-production-{os.getpid()}",  # not the other tests' queue
        "MOTCUA_DB_POOL_MAX": "4",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG_ENABLED": "0",
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    command = [sys.executable, "scripts/run_production.py", "--port", str(port), "--celery-workers", "1"]
    process = subprocess.Popen([*command, "--concurrency", "1"], cwd=ROOT, env=env, text=True)
    try:
        health = _wait_ready(process, port, limit=180)  # migrate, collectstatic (brotli), boot
        assert health["status"] == "ok" and health["database"] == "ok"

        status, _, page = _get(port, "/", **{"Accept-Language": "vi"})
        assert status == 200 and b"<html" in page

        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
        original = next(name for name in sorted(manifest) if name.endswith(".css"))
        hashed = manifest[original]
        assert hashed != original  # a content-hashed name, cached for ever
        status, headers, _ = _get(port, f"/static/{hashed}", **{"Accept-Encoding": "br, gzip"})
        assert status == 200 and headers.get("content-encoding") in {"br", "gzip"}
        assert "immutable" in headers.get("cache-control", "")

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        with pytest.raises(OSError):
            _get(port, "/healthz")  # nothing listens any more
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_without_postgresql_and_redis_the_script_says_what_is_missing():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    done = subprocess.run(
        [sys.executable, "scripts/run_production.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert "DATABASE_URL and REDIS_URL" in done.stdout
