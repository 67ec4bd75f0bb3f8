"""The leaders' dashboard and the public transparency page for an agency with ~100,000 dossiers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/dashboard.py

Creates its own database (motcua_bench_dashboard_<pid>) on that server, migrates, loads the demo
agency and generates the dossiers as `dossier_queue.py` does (seven years, 98 % of them the demo
department's, each with its steps; about a tenth open), then times in one process through Django's
test client (DEBUG off) the dashboard for the department's leader, its division head and report
viewer (the step times over the default 30 days and over a whole year), a list behind a number,
and the transparency page with its cache emptied before each request. Prints the number of SQL
queries, p50 and p95 per page. Drops the database at the end unless `--keep`.
Target: p95 well under 1 s for the dashboard.

Options: --dossiers N (default 102,000: 100,000 for the department), --repeat N (default 10),
--keep, --database NAME (time an existing database made with --keep), --name NAME (the database
to create).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from dossier_queue import bench_database, generate, percentile, with_database  # noqa: E402


def measure(repeat: int) -> float:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from motcua.accounts.models import User
    from motcua.demo.seed import DEPARTMENT_CODE

    year_ago = (timezone.localdate() - timedelta(days=364)).isoformat()
    pages = [
        ("leader1", "dashboard", "/mot-cua/bao-cao/dieu-hanh/"),
        ("leader1", "dashboard, step times over a year", f"/mot-cua/bao-cao/dieu-hanh/?from={year_ago}"),
        ("head1", "dashboard of a division", "/mot-cua/bao-cao/dieu-hanh/"),
        ("viewer1", "dashboard", "/mot-cua/bao-cao/dieu-hanh/"),
        ("leader1", "list: overdue now", "/mot-cua/bao-cao/dieu-hanh/ho-so/?list=now&figure=overdue"),
        (None, "transparency page, not cached", f"/minh-bach/{DEPARTMENT_CODE}/"),
    ]
    worst = 0.0
    print(f"\n{'user':10} {'page':40} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for username, label, path in pages:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        timings = []
        queries = 0
        for i in range(repeat + 1):
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if i:  # the first request warms up
                timings.append(elapsed)
            queries = len(captured)
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        if "dashboard" in label:
            worst = max(worst, p95)
        print(f"{username or '-':10} {label:40} {queries:>7} {p50:>8.0f} {p95:>8.0f}")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=102_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--database", default="")
    parser.add_argument("--name", default="", help="the name of the database to create")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server (the script creates and drops its own database).")
        return 2
    name = args.database or args.name or f"motcua_bench_dashboard_{os.getpid()}"
    with bench_database(base_url, name, keep=args.keep):
        os.environ.update(
            DATABASE_URL=with_database(base_url, name), DJANGO_SETTINGS_MODULE="motcua.conf.test", MOTCUA_DEBUG="0"
        )
        os.environ.pop("REDIS_URL", None)  # the cache in process: the timing is the page's own
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        if not args.database:
            call_command("seed_demo", verbosity=0)
            generate(args.dossiers)
            print(f"{args.dossiers:,} dossiers generated in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.code, count(*) FROM dossiers_dossier d JOIN accounts_agency a ON a.id = d.competent_agency_id"
                " GROUP BY a.code ORDER BY 2 DESC"
            )
            for code, count in cursor.fetchall():
                print(f"agency {code}: {count:,} dossiers")
            cursor.execute("SELECT count(*) FROM dossiers_dossierstep")
            print(f"{cursor.fetchone()[0]:,} steps")
        before = os.getloadavg()[0]
        worst = measure(args.repeat)
        print(f"\nworst dashboard p95 {worst:.0f} ms; load average before {before:.2f}, after {os.getloadavg()[0]:.2f}")
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
