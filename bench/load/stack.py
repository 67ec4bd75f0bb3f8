"""The production stack on loopback for the load runs (bench/load_test.py, tests/load/).

`Stack` starts scripts/run_production.py (it migrates, collects the static files, starts gunicorn
with `--config python:motcua.conf.gunicorn`, `run_worker` and a Celery worker), waits for /healthz and
stops every process it started (the process group) on exit. `MemorySampler` samples, every second, the
resident memory of each gunicorn worker and of the workers, and PostgreSQL's and Redis's PSS.

No Django and no locust here: the pytest process imports this module.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
BIN = Path(PYTHON).parent
RUN_PRODUCTION = ROOT / "scripts" / "run_production.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(
    *, database_url: str, redis_url: str, data_dir: Path, port: int, workers: int, celery_workers: int = 1
) -> dict[str, str]:
    """The environment of the production profile on loopback (no TLS terminator in front)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_", "GUNICORN_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.conf.base",
            "PYTHONPATH": str(ROOT / "src"),
            "MOTCUA_ENV": "production",
            "MOTCUA_DEBUG": "0",
            "MOTCUA_SECRET_KEY": "load-" + "x" * 60,
            "MOTCUA_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MOTCUA_SSL_REDIRECT": "0",
            "MOTCUA_SESSION_COOKIE_SECURE": "0",
            "MOTCUA_DATA_DIR": str(data_dir),
            "MOTCUA_STORAGE": str(data_dir / "media"),
            "MOTCUA_TASKS": "celery",
            "MOTCUA_CELERY_BROKER": redis_url,
            # Its own queue: other Celery workers on the same Redis (another run, CI's other tests)
            # must not take this stack's tasks.
            "MOTCUA_CELERY_QUEUE": f"motcua-load-{port}",
            "MOTCUA_OUTBOX_PARALLEL": str(celery_workers),
            # Every simulated user comes from 127.0.0.1: per-address throttles would stop the load
            # itself (rates per second: see bench/README.md §2 on the throttle's cost).
            "MOTCUA_THROTTLE_ANON": "1000000/s",
            "MOTCUA_THROTTLE_USER": "1000000/s",
            "MOTCUA_THROTTLE_AUTH": "1000000/s",
            "MOTCUA_THROTTLE_LOOKUP": "1000000/s",
            "MOTCUA_LOG_LEVEL": "WARNING",
            # As behind the reverse proxy: the client's address is the last X-Forwarded-For entry.
            "MOTCUA_PROXY_COUNT": "1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PORT": str(port),
            "WEB_CONCURRENCY": str(workers),
            "CELERY_CONCURRENCY": str(celery_workers),
            "GUNICORN_ACCESS_LOG_ENABLED": "0",
        }
    )
    return env


@dataclass
class Stack:
    env: dict[str, str]
    log_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    how: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['PORT']}"

    def _start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(process)
        return process

    def start(self, timeout: float = 120) -> Stack:
        """The scaled stack as operators start it: `scripts/run_production.py` (gunicorn with
        motcua.conf.gunicorn, one `run_worker`, a Celery worker), then wait for /healthz."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.how = "scripts/run_production.py"
        celery = self.env.get("CELERY_CONCURRENCY", "1")
        self._start("stack", [PYTHON, str(RUN_PRODUCTION), "--celery-workers", "1", "--concurrency", celery])
        return self._wait(timeout)

    def _wait(self, timeout: float) -> Stack:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"{process.args!r} exited with {process.returncode}; logs in {self.log_dir}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the stack did not answer /healthz within {timeout:.0f} s; logs in {self.log_dir}")

    def stop(self) -> None:
        """SIGTERM to each process group (run_production.py then stops its children in order)."""
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=70)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Every `interval` seconds: the resident memory (RSS) of each process of the stack, by role,
    and the PSS of PostgreSQL's and Redis's processes summed; keeps the maxima."""

    def __init__(self, stack: Stack, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.stack, self.interval = stack, interval
        self.stopping = threading.Event()
        self.max_rss: dict[str, int] = {}  # "gunicorn worker <pid>" … -> bytes
        self.max_total: dict[str, int] = {}  # role -> bytes (the sum over its processes at one moment)

    def _roles(self) -> dict[str, list[tuple[str, int, bool]]]:
        import psutil

        roles: dict[str, list[tuple[str, int, bool]]] = {}
        for root in self.stack.processes:
            try:
                tree = [psutil.Process(root.pid), *psutil.Process(root.pid).children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for process in tree:
                try:
                    line = " ".join(process.cmdline())
                    parent_line = " ".join(process.parent().cmdline()) if process.parent() else ""
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                if "gunicorn" in line or "motcua-web" in line or "motcua.wsgi" in line:
                    is_master = "gunicorn" not in parent_line and "motcua-web" not in parent_line
                    role = "gunicorn master" if is_master else "gunicorn worker"
                elif "celery" in line:
                    role = "Celery"
                elif "run_worker" in line:
                    role = "run_worker"
                else:
                    continue
                roles.setdefault(role, []).append((f"{role} {process.pid}", process.pid, False))
        for role, names in (("PostgreSQL", ("postgres",)), ("Redis", ("redis-server",))):
            for process in psutil.process_iter(["name"]):
                if process.info["name"] in names:
                    roles.setdefault(role, []).append((f"{role} {process.pid}", process.pid, True))
        return roles

    def sample(self) -> None:
        import psutil

        for role, members in self._roles().items():
            total = 0
            for label, pid, shared in members:
                try:
                    value = _pss_kb(pid) * 1024 if shared else psutil.Process(pid).memory_info().rss
                except psutil.NoSuchProcess:
                    continue
                total += value
                self.max_rss[label] = max(self.max_rss.get(label, 0), value)
            self.max_total[role] = max(self.max_total.get(role, 0), total)

    def run(self) -> None:
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(self.interval)

    def stop(self) -> dict[str, Any]:
        self.stopping.set()
        self.join(timeout=10)
        workers = {k: v for k, v in self.max_rss.items() if k.startswith("gunicorn worker")}
        return {"workers": workers, "roles": dict(self.max_total)}
