"""Loopback servers (an SMS gateway that honours idempotency keys, an SMTP server) and a database that
worker subprocesses share with the test."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connections

from motcua.core.testing.loopback import Handler, LoopbackServer

ROOT = Path(__file__).resolve().parents[4]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class GatewayState:
    """What the loopback gateway saw: every request at the wire, and each key delivered once."""

    wire: list[str] = field(default_factory=list)
    delivered: dict[str, dict] = field(default_factory=dict)
    down: bool = False  # answer 503 to everything
    refused_numbers: set[str] = field(default_factory=set)  # answer 400 (a permanent refusal)
    # From this many delivered keys on (0: never), hold each answer until `released` is set: the
    # sender is then surely in the middle of a batch, with a message taken but not answered.
    hold_from: int = 0
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def duplicates_at_wire(self) -> int:
        with self.lock:
            return len(self.wire) - len(set(self.wire))


def gateway_handler(state: GatewayState) -> type[Handler]:
    class SmsGatewayHandler(Handler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # answer at once on a kept-alive connection

        def do_POST(self) -> None:
            body = json.loads(self.read_body())
            if state.down:
                self.send_json(503, {"error": "maintenance"})
                return
            if body["to"] in state.refused_numbers:
                self.send_json(400, {"error": "number not in service"})
                return
            key = body["request_id"]
            with state.lock:
                state.wire.append(key)
                state.delivered.setdefault(key, body)  # a repeated request id is dropped, as real gateways do
                held = bool(state.hold_from) and len(state.delivered) >= state.hold_from
            if held:
                state.released.wait(30)
            self.send_json(200, {"message_id": f"gw-{key}"})

    return SmsGatewayHandler


@pytest.fixture
def gateway() -> Iterator[tuple[str, GatewayState]]:
    state = GatewayState()
    with LoopbackServer(gateway_handler(state)) as server:
        yield server.url, state


@pytest.fixture
def http_sms(settings, gateway):
    url, state = gateway
    settings.MOTCUA_SMS_GATEWAY = "http"
    settings.MOTCUA_SMS_URL = url
    settings.MOTCUA_SMS_TIMEOUT = 5
    return state


def redis_reachable(url: str = REDIS_URL) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def shared_db(transactional_db, tmp_path) -> Iterator[dict[str, str]]:
    """A database worker subprocesses see too; yields the environment that points them at it.

    PostgreSQL: the test database itself (committed rows, `transactional_db`). SQLite: the in-memory test
    database is copied to a file (with its tables), and this process uses that file for the test.
    """
    conn = connections["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "motcua.conf.base", "PYTHONPATH": str(ROOT / "src")})
    if conn.vendor == "postgresql":
        s = conn.settings_dict
        env["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        env["MOTCUA_DATA_DIR"] = str(tmp_path)
        yield env
        return
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "motcua.sqlite3"
    conn.ensure_connection()
    target = sqlite3.connect(path)
    conn.connection.backup(target)
    target.close()
    wrapper = DatabaseWrapper({**conn.settings_dict, "NAME": str(path)}, alias="default")
    connections["default"] = wrapper
    env["MOTCUA_DATA_DIR"] = str(tmp_path)
    try:
        yield env
    finally:
        wrapper.close()
        connections["default"] = conn


def worker_env(env: dict[str, str], gateway_url: str, **extra: str) -> dict[str, str]:
    return {
        **env,
        "MOTCUA_SMS_GATEWAY": "http",
        "MOTCUA_SMS_URL": gateway_url,
        "MOTCUA_OUTBOX_LEASE_SECONDS": "2",
        "MOTCUA_OUTBOX_BATCH": "50",
        **extra,
    }


@pytest.fixture
def celery_queue() -> str:
    if not redis_reachable():
        pytest.skip(f"Celery path skipped: Redis is unreachable at {REDIS_URL}")
    return f"motcua-test-{uuid.uuid4().hex[:8]}"


def celery_command(queue: str) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "motcua", "worker", "--pool", "solo", "-Q", queue,
        "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning",
    ]  # fmt: skip


def celery_env(env: dict[str, str], queue: str) -> dict[str, str]:
    return {**env, "MOTCUA_TASKS": "celery", "MOTCUA_CELERY_BROKER": REDIS_URL, "MOTCUA_CELERY_QUEUE": queue}


def seed_default_templates() -> None:
    """The data migrations' templates again: a transactional test elsewhere may have flushed them."""
    import importlib

    from django.apps import apps

    for migration in ("0002_default_templates", "0003_early_return_notice"):
        importlib.import_module(f"motcua.notifications.migrations.{migration}").seed(apps, None)


@pytest.fixture(autouse=True)
def _default_templates(request) -> None:
    if request.node.get_closest_marker("django_db"):
        seed_default_templates()
