"""The thin task interface of ADR 0008: who delivers the outbox, in which mode.

- `embedded` (default, `make run`): the `run_worker` process drains the outbox every second.
- `celery`: Celery workers drain it; `run_worker` only beats, sweeps and sends a nudge when rows
  are due. A commit that wrote messages nudges too (debounced: one nudge a second at most).

Either way the outbox table is the queue; a task or a tick only says "drain what is due". A lost
nudge (a broker restart, a worker killed) delays a message by a tick, it never loses one.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

_NUDGE_KEY = "motcua:outbox:nudge"
DELIVER_TASK = "motcua.notifications.deliver_due"


def celery_mode() -> bool:
    return settings.MOTCUA_TASKS == "celery"


def nudge_after_commit() -> None:
    """Called on commit of a transaction that wrote messages."""
    if celery_mode():
        send_nudges(1)


def send_nudges(count: int) -> None:
    """Ask Celery workers to drain the outbox, at most once a second from this whole site."""
    if not cache.add(_NUDGE_KEY, 1, timeout=1):
        return
    from motcua.celery import app

    try:
        for _ in range(count):
            app.send_task(DELIVER_TASK)
    except Exception:
        logger.warning("could not nudge the Celery workers; the outbox waits for the next tick", exc_info=True)
