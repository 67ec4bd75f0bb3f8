"""A short load run against the production stack: gunicorn + PostgreSQL + Redis + Celery.

Runs only when DATABASE_URL (PostgreSQL) and REDIS_URL are set. The test makes its own database
`h_load_ci_<pid>` on that server (dropped at the end), migrates it and seeds the demo with 200
dossiers, starts the stack as an operator does (scripts/run_production.py, bench/load/stack.py),
and runs Locust headless for 20 s as a subprocess (never imported here: it patches the standard
library with gevent) with citizens, officials and applicants (bench/load/locustfile.py). Then:
no request failed, every task was exercised, and every application Locust completed is a
dossier in the database, submitted online, with its one 200 KB document.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not (DATABASE_URL.startswith("postgres") and REDIS_URL),
    reason="the load run needs DATABASE_URL (PostgreSQL) and REDIS_URL",
)

# Every task of the three kinds of users (the 409 of a stale transition is a race, not a task).
TASKS = {
    ("POST", "sign in (API token)"),
    ("GET", "sign in (page)"),
    ("POST", "sign in (page)"),
    ("GET", "catalog search (page)"),
    ("GET", "catalog search (API)"),
    ("GET", "procedure page"),
    ("GET", "lookup (API)"),
    ("GET", "lookup (page)"),
    ("GET", "my dossiers (API)"),
    ("POST", "apply: create dossier (API)"),
    ("POST", "apply: upload 200 KB document (API)"),
    ("GET", "desk queue"),
    ("GET", "dossier list (API)"),
    ("GET", "dossier page (desk)"),
    ("GET", "report page"),
    ("GET", "dossier list (API), submitted"),
    ("POST", "transition: receive (API)"),
}


def _with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@pytest.fixture
def load_database() -> Iterator[str]:
    import psycopg

    name = f"h_load_ci_{os.getpid()}"
    with psycopg.connect(_with_database(DATABASE_URL, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(DATABASE_URL, name)
    finally:
        with psycopg.connect(_with_database(DATABASE_URL, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_short_load_run_on_the_production_stack(load_database: str, tmp_path: Path) -> None:
    import psycopg
    from load.stack import PYTHON, Stack, free_port, production_env

    env = production_env(
        database_url=load_database, redis_url=REDIS_URL, data_dir=tmp_path / "data", port=free_port(), workers=2
    )
    (tmp_path / "data").mkdir()
    seed_env = {**env, "DJANGO_SETTINGS_MODULE": "motcua.conf.test", "MOTCUA_ENV": "dev"}
    data = tmp_path / "load_data.json"
    for command in (
        ["manage.py", "migrate", "-v0"],
        ["manage.py", "seed_demo", "--dossiers", "50", "-v0"],
        ["bench/load_test.py", "--data-only", str(data)],
    ):
        step = subprocess.run([PYTHON, *command], cwd=ROOT, env=seed_env, capture_output=True, text=True)
        assert step.returncode == 0, f"{command}: {step.stdout[-1000:]} {step.stderr[-3000:]}"

    with Stack(env=env, log_dir=tmp_path / "logs") as stack:
        locust = [str(Path(PYTHON).parent / "locust"), "-f", "bench/load/locustfile.py", "--headless"]
        locust += ["-u", "6", "-r", "6", "-t", "20s", "--host", stack.url, "--csv", str(tmp_path / "run")]
        locust += ["--only-summary", "--stop-timeout", "5", "CitizenUser", "OfficialUser", "ApplicantUser"]
        done = subprocess.run(
            locust,
            cwd=ROOT,
            env={**os.environ, "MOTCUA_LOAD_DATA": str(data), "MOTCUA_LOAD_WAIT": "0.05"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    with open(tmp_path / "run_stats.csv", encoding="utf-8") as handle:
        rows = {(row["Type"], row["Name"]): row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"}
    failures = (tmp_path / "run_failures.csv").read_text(encoding="utf-8")
    assert sum(int(row["Failure Count"]) for row in rows.values()) == 0, failures
    assert done.returncode == 0, done.stderr[-2000:]
    assert not TASKS - set(rows), f"never exercised: {sorted(TASKS - set(rows))}"

    created = int(rows[("POST", "apply: create dossier (API)")]["Request Count"])
    uploaded = int(rows[("POST", "apply: upload 200 KB document (API)")]["Request Count"])
    with psycopg.connect(load_database) as connection:
        applied, with_document, submitted = connection.execute(
            """SELECT count(DISTINCT d.id), count(DISTINCT x.dossier_id), count(DISTINCT x.dossier_id) FILTER (
                WHERE d.channel = 'online' AND d.submitted_at IS NOT NULL AND d.status IN ('submitted', 'received'))
            FROM dossiers_dossier AS d
            LEFT JOIN dossiers_dossierdocument AS x ON x.dossier_id = d.id AND x.size = 204800 AND x.kind = 'submitted'
            WHERE d.applicant_name LIKE 'Người nộp thử %%'"""
        ).fetchone()
    # Every application Locust saw answered is there, online, with its one document (requests under
    # way when Locust stops its users may be answered after its statistics are written: more may be
    # there); at most one per user stopped between its dossier and its document.
    assert uploaded <= with_document == submitted
    assert created <= applied <= with_document + 6
