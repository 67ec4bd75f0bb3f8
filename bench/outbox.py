"""Messages delivered per second through the outbox to a local HTTP SMS gateway.

    .venv/bin/python bench/outbox.py                      # embedded worker, SQLite (make run's set-up)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/outbox.py
    .venv/bin/python bench/outbox.py --mode celery --workers 2   # Celery on REDIS_URL (default db 0)

Creates its own database (a temporary SQLite file, or motcua_bench_outbox_<pid> on the PostgreSQL
server of DATABASE_URL, dropped at the end) and migrates it; writes N SMS rows into the outbox; starts
the worker(s) as the operator would (`manage.py run_worker`, or `celery -A motcua worker` processes
plus `run_worker` as their scheduler); and times from the first request the gateway receives to the
last row recorded as sent. The gateway is a threaded HTTP server on 127.0.0.1 in this process that
answers 200 with a message id and deduplicates by idempotency key. Target: above 500 messages/s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


class Gateway:
    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.requests = 0
        self.first = 0.0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # answer at once on a kept-alive connection

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.requests += 1
                    gateway.first = gateway.first or time.monotonic()
                    gateway.keys.add(body["request_id"])
                data = json.dumps({"message_id": body["request_id"]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--mode", choices=["embedded", "celery"], default="embedded")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (celery mode)")
    parser.add_argument("--agencies", type=int, default=3)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="motcua-bench-outbox-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "motcua.conf.base", "PYTHONPATH": str(ROOT / "src")})
    env["MOTCUA_DATA_DIR"] = str(data_dir)
    database = ""
    if os.environ.get("DATABASE_URL"):
        import psycopg

        server = urlparse(os.environ["DATABASE_URL"])
        database = f"motcua_bench_outbox_{os.getpid()}"
        admin_url = server._replace(path="/postgres").geturl()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = server._replace(path=f"/{database}").geturl()
    gateway = Gateway()
    env.update({"MOTCUA_SMS_GATEWAY": "http", "MOTCUA_SMS_URL": gateway.url, "MOTCUA_SMS_TIMEOUT": "5"})
    queue = f"motcua-bench-{uuid.uuid4().hex[:6]}"
    if args.mode == "celery":
        redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        env.update({"MOTCUA_TASKS": "celery", "MOTCUA_CELERY_BROKER": redis, "MOTCUA_CELERY_QUEUE": queue})
        env["MOTCUA_OUTBOX_PARALLEL"] = str(args.workers)
    processes: list[subprocess.Popen] = []
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        os.environ.update({k: v for k, v in env.items() if k.startswith(("MOTCUA_", "DATABASE_URL", "DJANGO_"))})
        import django

        django.setup()
        from motcua.notifications.constants import MessageChannel, MessageStatus
        from motcua.notifications.models import OutboxMessage

        OutboxMessage.objects.bulk_create(
            [
                OutboxMessage(
                    channel=MessageChannel.SMS,
                    agency_code=f"AG{i % args.agencies}",
                    recipient=f"+8490{i:07d}",
                    body=f"So VHTTDL: Ho so 000.00.21.H13-261119-{i:04d}: Da tiep nhan. Hen tra 27/11/2026 17:00.",
                )
                for i in range(args.messages)
            ],
            batch_size=1000,
        )
        if args.mode == "celery":
            for _ in range(args.workers):
                processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "celery",
                            "-A",
                            "motcua",
                            "worker",
                            "--pool",
                            "solo",
                            "-Q",
                            queue,
                            "--without-heartbeat",
                            "--without-gossip",
                            "--without-mingle",
                            "-l",
                            "error",
                        ],
                        cwd=ROOT,
                        env=env,
                        stderr=subprocess.DEVNULL,
                    )
                )
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "run_worker", "--tick", "0.2"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        )
        deadline = time.monotonic() + 600
        while OutboxMessage.objects.filter(status=MessageStatus.SENT).count() < args.messages:
            if time.monotonic() > deadline:
                raise SystemExit("timed out")
            time.sleep(0.1)
        elapsed = time.monotonic() - gateway.first
        vendor = "PostgreSQL" if database else "SQLite"
        workers = f"{args.workers} Celery workers" if args.mode == "celery" else "embedded worker"
        print(
            f"{args.mode} ({workers}, {vendor}): {args.messages} messages in {elapsed:.2f} s = "
            f"{args.messages / elapsed:,.0f} messages/s; at the wire {gateway.requests} requests, "
            f"{len(gateway.keys)} distinct keys"
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)
        if database:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
