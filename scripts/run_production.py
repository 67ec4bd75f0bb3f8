"""Start the scaled stack on one machine, for evaluation and CI (docs/operators/deployment.md).

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python scripts/run_production.py [--port 8000]

It checks DATABASE_URL and REDIS_URL, migrates, collects the static files, then starts gunicorn with
motcua.conf.gunicorn, one `manage.py run_worker` (the beat: heartbeat, periodic jobs, outbox ticks) and
N Celery workers (MOTCUA_TASKS=celery), waits until GET /healthz answers status and worker "ok", and
stops everything on Ctrl-C or SIGTERM (and when any process dies). Every other setting comes from the
environment as in production (MOTCUA_ENV, MOTCUA_SECRET_KEY, MOTCUA_STORAGE, DATABASE_REPLICA_URL, …).
`make run` stays the embedded default; this script is not it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent


def _healthy(port: int) -> bool:
    # A Host the production settings allow; HTTPS as a TLS proxy would say, so no redirect answers instead.
    host = (os.environ.get("MOTCUA_ALLOWED_HOSTS", "").split(",")[0].strip() or "127.0.0.1").lstrip(".")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (a local URL)
            body = json.loads(response.read())
    except (OSError, ValueError, urllib.error.URLError):
        return False
    return body.get("status") == "ok" and body.get("worker") == "ok"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default=os.environ.get("GUNICORN_HOST", "127.0.0.1"))
    parser.add_argument(
        "--celery-workers", type=int, default=int(os.environ.get("MOTCUA_CELERY_WORKERS", "2")), help="processes"
    )
    parser.add_argument(
        "--concurrency", type=int, default=int(os.environ.get("MOTCUA_CELERY_CONCURRENCY", "2")), help="per worker"
    )
    parser.add_argument("--ready-timeout", type=float, default=120, help="seconds to wait for /healthz")
    parser.add_argument("--skip-migrate", action="store_true", help="no migrate and collectstatic")
    args = parser.parse_args()

    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        print(f"run_production: set {' and '.join(missing)} (PostgreSQL and Redis); see docs/operators/deployment.md")
        return 2
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        print("run_production: DATABASE_URL must be a PostgreSQL URL (postgres://…).")
        return 2

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "motcua.conf.base",
        "MOTCUA_TASKS": "celery",
        "PORT": str(args.port),
        "GUNICORN_HOST": args.host,
        "MOTCUA_OUTBOX_PARALLEL": os.environ.get("MOTCUA_OUTBOX_PARALLEL", str(args.celery_workers)),
    }
    python = sys.executable
    bin_dir = Path(python).parent
    if not args.skip_migrate:
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v0"]):
            done = subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=False)
            if done.returncode:
                print(f"run_production: manage.py {command[0]} failed.")
                return done.returncode

    children: list[subprocess.Popen[bytes]] = []

    def start(command: list[str]) -> None:
        # Each child leads its own process group: Ctrl-C reaches this script, which stops them in order.
        children.append(subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True))

    stopping = False

    def stop(signum: int = signal.SIGTERM, frame: FrameType | None = None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    start([str(bin_dir / "gunicorn"), "motcua.wsgi", "--config", "python:motcua.conf.gunicorn"])
    start([python, "manage.py", "run_worker"])
    for number in range(1, args.celery_workers + 1):
        start(
            [
                *(python, "-m", "celery", "-A", "motcua", "worker"),
                *("--concurrency", str(args.concurrency), "-n", f"motcua{number}@%h", "-l", "info"),
            ]
        )

    ready = False
    deadline = time.monotonic() + args.ready_timeout
    try:
        while not stopping and all(child.poll() is None for child in children):
            if not ready and _healthy(args.port):
                ready = True
                print(
                    f"MotCua (scaled) is ready at http://{args.host}:{args.port}: gunicorn, 1 beat worker, "
                    f"{args.celery_workers} Celery workers. Ctrl-C stops it.",
                    flush=True,
                )
            elif not ready and time.monotonic() > deadline:
                print(f"run_production: /healthz not ok after {args.ready_timeout:.0f} s; stopping.", flush=True)
                break
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)  # gunicorn and Celery finish their requests and tasks
        for child in children:
            try:
                child.wait(timeout=int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30")) + 5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    if not ready:
        return 1
    return 0 if stopping else max(child.returncode or 0 for child in children) or 1


if __name__ == "__main__":
    sys.exit(main())
