"""Done-when of issue 5: a worker killed with SIGKILL mid-batch and started again delivers each of
1,000 messages exactly once by idempotency key; the same with Celery workers on Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from motcua.notifications.constants import MessageChannel, MessageStatus
from motcua.notifications.models import OutboxMessage
from motcua.notifications.tests.conftest import ROOT, celery_command, celery_env, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

BATCH = 1000


def _enqueue(count: int) -> set[str]:
    rows = [
        OutboxMessage(
            channel=MessageChannel.SMS,
            agency_code=f"AG{i % 3}",
            recipient=f"+8490{i:07d}",
            body=f"Ho so {i} da duoc tiep nhan",
        )
        for i in range(count)
    ]
    OutboxMessage.objects.bulk_create(rows)
    return {row.idempotency_key for row in OutboxMessage.objects.all()}


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _assert_exactly_once(keys: set[str], state) -> None:
    assert set(state.delivered) == keys, "every message reached the gateway"
    assert OutboxMessage.objects.filter(status=MessageStatus.SENT).count() == BATCH
    # Retried after the kill with the same key: the gateway dropped it. At the wire, at most the
    # message in flight when the worker died arrives twice (ADR 0008, the residual window).
    assert state.duplicates_at_wire <= 1, state.duplicates_at_wire


def _kill_mid_batch(process: subprocess.Popen, state) -> None:
    """SIGKILL once a quarter is delivered, while the gateway holds its answer to the next message:
    the worker is surely in the middle of a batch (claims taken, a message sent but not recorded)."""
    _wait_for(lambda: len(state.delivered) >= BATCH // 4, 60, "the first quarter")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    state.released.set()
    assert len(state.delivered) < BATCH, "killed in the middle of the batch"
    assert OutboxMessage.objects.filter(status=MessageStatus.SENDING).exists(), "the dead worker held claims"


def test_embedded_worker_killed_mid_batch_delivers_each_message_once(shared_db, gateway):
    url, state = gateway
    state.hold_from = BATCH // 4
    keys = _enqueue(BATCH)
    env = worker_env(shared_db, url)
    command = [sys.executable, "manage.py", "run_worker", "--tick", "0.2"]
    first = _start(command, env)
    try:
        _kill_mid_batch(first, state)
    finally:
        _stop(first)
    second = _start(command, env)
    try:
        _wait_for(lambda: len(state.delivered) == BATCH, 60, "every message")
        _wait_for(lambda: not OutboxMessage.objects.exclude(status=MessageStatus.SENT).exists(), 10, "every outcome")
    finally:
        _stop(second)
    _assert_exactly_once(keys, state)


def test_celery_workers_killed_mid_batch_deliver_each_message_once(shared_db, gateway, celery_queue):
    url, state = gateway
    state.hold_from = BATCH // 4
    keys = _enqueue(BATCH)
    env = celery_env(worker_env(shared_db, url), celery_queue)
    # The scheduler (run_worker in Celery mode) sweeps dead claims and nudges the Celery workers.
    scheduler = _start([sys.executable, "manage.py", "run_worker", "--tick", "0.2"], env)
    first = _start(celery_command(celery_queue), env)
    workers: list[subprocess.Popen] = []
    try:
        _kill_mid_batch(first, state)
        # Two workers now: they claim disjoint rows (SKIP LOCKED on PostgreSQL, one writer on SQLite).
        workers = [_start(celery_command(celery_queue), env) for _ in range(2)]
        _wait_for(lambda: len(state.delivered) == BATCH, 60, "every message")
        _wait_for(lambda: not OutboxMessage.objects.exclude(status=MessageStatus.SENT).exists(), 10, "every outcome")
    finally:
        for process in [first, scheduler, *workers]:
            _stop(process)
    _assert_exactly_once(keys, state)
