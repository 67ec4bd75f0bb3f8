"""The embedded background worker: a loop that beats and runs the registered periodic jobs.

`make run` starts it next to the web server. Later features register their jobs (outbox
delivery, reminders) with `periodic_job`; at scale the same jobs run under Celery.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import close_old_connections
from django.utils import timezone

from motcua.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


@dataclass
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[], None]
    next_run: float = field(default=0.0)


_JOBS: dict[str, PeriodicJob] = {}


def periodic_job(name: str, every_seconds: float) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(func: Callable[[], None]) -> Callable[[], None]:
        _JOBS[name] = PeriodicJob(name=name, every_seconds=every_seconds, run=func)
        return func

    return register


def beat(name: str = "default") -> None:
    WorkerHeartbeat.objects.update_or_create(
        name=name,
        defaults={"beat_at": timezone.now(), "pid": os.getpid(), "host": socket.gethostname()[:255]},
    )


def run_forever(
    *, stop: threading.Event, name: str = "default", tick_seconds: float = 1.0, beat_seconds: float = 5.0
) -> None:
    """Run due jobs every tick and beat every `beat_seconds` until `stop` is set. A failing job is logged."""
    clock = 0.0
    next_beat = 0.0
    while not stop.is_set():
        close_old_connections()
        if clock >= next_beat:
            next_beat = clock + beat_seconds
            try:
                beat(name)
            except Exception:
                logger.exception("worker heartbeat failed")
        for job in list(_JOBS.values()):
            if clock >= job.next_run:
                job.next_run = clock + job.every_seconds
                try:
                    job.run()
                except Exception:
                    logger.exception("periodic job %s failed", job.name)
        stop.wait(tick_seconds)
        clock += tick_seconds
