"""The Decision 766 index (reports/index766.py) for an agency with ~100,000 dossiers, and for a city.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/index766.py --name h5bench --keep
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/index766.py --database h5bench

Builds its database as `dashboard.py` does (`dossier_queue.generate`: the demo agency, 102,000
dossiers over seven years, 98 % of them the demo department's, with their steps), or reuses one
(`--database`, e.g. made by `dashboard.py --keep`), and adds once the rows the index reads besides
the dossiers (`RELATED`, in SQL): supplement requests (5 % of the dossiers, 1 % twice, the open
ones for the dossiers waiting now), payment requests (2 %), submitted files (90 %, half of them
two), result files (70 % of the approved), payments (40 %, half online, 90 % paid), ratings (10 %
of the ended dossiers, 13 % of them dissatisfied), national sync rows (95 %, 90 % acknowledged),
a VNeID link for the online applicant, a draft for every online dossier (30 % reusing a stored file).

Then it times in one process, best and median of `--repeat` runs after a first one (the server's
and the OS's caches are not emptied: the machine is shared), with the number of SQL queries:
`index766` of the demo department for this year to date (with the forecast), for last year, for
this month; `index766_by_division` for this year; the same for the city (the department's parent
with every agency under it); then through Django's test client the leaders' index page (with its
per-division table), the API and the public transparency page with its cache emptied.

`--save FILE` writes every result computed directly (judged at `--now`, default today 00:00 local
time) as JSON, `--compare FILE` checks them against such a file (and uses its `now`): a change to
index766.py must give the same numbers. `--explain` prints EXPLAIN ANALYZE of the year's queries.
bench/README.md §6 has the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from dossier_queue import bench_database, generate, with_database  # noqa: E402

# pick(k, n): a stable pseudo-random choice of n % of the dossiers, different for each k.
RELATED: tuple[tuple[str, str], ...] = (
    (
        "supplement requests",
        """INSERT INTO dossiers_dossierpause (dossier_id, reason, stage, started_at, ended_at, items)
        SELECT d.id, 'request_supplement', 'processing', d.received_at + interval '1 day',
            CASE WHEN d.status <> 'supplement_requested' THEN d.received_at + interval '3 days' END, ''
        FROM dossiers_dossier d
        WHERE d.received_at IS NOT NULL
            AND (d.status = 'supplement_requested' OR abs(hashint8(d.id * 7 + 1)) %% 100 < 5)
        """,
    ),
    (
        "second supplement requests",
        """INSERT INTO dossiers_dossierpause (dossier_id, reason, stage, started_at, ended_at, items)
        SELECT d.id, 'request_supplement', 'processing', d.received_at + interval '4 days',
            d.received_at + interval '5 days', ''
        FROM dossiers_dossier d
        WHERE d.received_at IS NOT NULL AND d.status <> 'supplement_requested'
            AND abs(hashint8(d.id * 7 + 1)) %% 100 < 1
        """,
    ),
    (
        "payment requests",
        """INSERT INTO dossiers_dossierpause (dossier_id, reason, stage, started_at, ended_at, items)
        SELECT d.id, 'request_payment', '', d.received_at + interval '2 days',
            d.received_at + interval '2 days 4 hours', ''
        FROM dossiers_dossier d
        WHERE d.received_at IS NOT NULL AND abs(hashint8(d.id * 7 + 2)) %% 100 < 2
        """,
    ),
    (
        "submitted files",
        """INSERT INTO dossiers_dossierdocument (dossier_id, kind, file, original_name, content_type, size, sha256,
            uploaded_by_id, uploaded_at, signed_by)
        SELECT d.id, 'submitted', 'x.pdf', 'x.pdf', 'application/pdf', 1, repeat('0', 64), %(desk)s, d.submitted_at, ''
        FROM dossiers_dossier d, generate_series(1, 2) AS n
        WHERE abs(hashint8(d.id * 7 + 3)) %% 100 < CASE n WHEN 1 THEN 90 ELSE 45 END
        """,
    ),
    (
        "result files",
        """INSERT INTO dossiers_dossierdocument (dossier_id, kind, file, original_name, content_type, size, sha256,
            uploaded_by_id, uploaded_at, signed_by)
        SELECT d.id, 'result', 'kq.pdf', 'kq.pdf', 'application/pdf', 1, repeat('1', 64), %(desk)s, d.processed_at, 'X'
        FROM dossiers_dossier d
        WHERE d.outcome = 'approved' AND abs(hashint8(d.id * 7 + 4)) %% 100 < 70
        """,
    ),
    (
        "payments",
        """INSERT INTO payments_payment (dossier_id, reference, amount, description, method, provider, status,
            created_at, paid_at, transaction_id, result_code)
        SELECT d.id, 'B' || d.id, 50000, 'Phí',
            CASE WHEN abs(hashint8(d.id * 7 + 6)) %% 2 = 0 THEN 'online' ELSE 'cash' END, '',
            CASE WHEN abs(hashint8(d.id * 7 + 7)) %% 10 = 0 THEN 'pending' ELSE 'paid' END,
            d.submitted_at, d.submitted_at, '', ''
        FROM dossiers_dossier d
        WHERE abs(hashint8(d.id * 7 + 5)) %% 100 < 40
        """,
    ),
    (
        "ratings",
        """INSERT INTO feedback_servicerating (dossier_id, satisfaction, contacts_to_complete, agencies_contacted,
            attitude, information_accurate, comment, channel, rated_at, flagged)
        SELECT d.id,
            CASE WHEN abs(hashint8(d.id * 7 + 9)) %% 100 < 10 THEN 'dissatisfied'
                WHEN abs(hashint8(d.id * 7 + 9)) %% 100 < 13 THEN 'very_dissatisfied' ELSE 'satisfied' END,
            '', '', '', true, '', 'online', coalesce(d.processed_at, d.returned_at, d.ended_at), false
        FROM dossiers_dossier d
        WHERE coalesce(d.processed_at, d.returned_at, d.ended_at) IS NOT NULL
            AND abs(hashint8(d.id * 7 + 8)) %% 100 < 10
        """,
    ),
    (
        "national sync",
        """INSERT INTO national_sync_nationalsync (dossier_id, state, state_hash, key, status, attempts,
            next_attempt_at, last_error, checked_at, acknowledged_hash, first_acknowledged_at, receipt_id)
        SELECT d.id, '{}'::jsonb, 'h', 'k',
            CASE WHEN abs(hashint8(d.id * 7 + 11)) %% 100 < 90 THEN 'synced' ELSE 'pending' END, 0,
            d.submitted_at, '', d.submitted_at, '',
            CASE WHEN abs(hashint8(d.id * 7 + 11)) %% 100 < 90 THEN d.submitted_at + interval '1 hour' END, ''
        FROM dossiers_dossier d
        WHERE d.received_at IS NOT NULL AND abs(hashint8(d.id * 7 + 10)) %% 100 < 95
        """,
    ),
    (
        "VNeID links",
        """INSERT INTO accounts_externalidentity (user_id, issuer, subject, linked_at, last_used_at)
        SELECT %(citizen)s, 'https://vneid.gov.vn', 'bench', now(), now()
        """,
    ),
    (
        "stored files",
        """INSERT INTO dossiers_storeddocument (owner_id, title, source, file, original_name, content_type, size,
            sha256, stored_at)
        SELECT u.id, 'CCCD', 'upload', 'cccd.pdf', 'cccd.pdf', 'application/pdf', 1, repeat('2', 64), now()
        FROM accounts_user u WHERE u.id IN (%(citizen)s, %(citizen2)s)
        """,
    ),
    (
        "drafts",
        """INSERT INTO dossiers_dossierdraft (owner_id, procedure_version_id, applicant, form_data, delivery,
            created_at, updated_at, dossier_id)
        SELECT d.owner_id, d.procedure_version_id, '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, d.created_at,
            d.submitted_at, d.id
        FROM dossiers_dossier d WHERE d.channel = 'online' AND d.owner_id IS NOT NULL
        """,
    ),
    (
        "draft files",
        """INSERT INTO dossiers_draftdocument (draft_id, stored_id)
        SELECT dr.id, s.id FROM dossiers_dossierdraft dr JOIN dossiers_storeddocument s ON s.owner_id = dr.owner_id
        WHERE abs(hashint8(dr.dossier_id * 7 + 12)) %% 100 < 30
        """,
    ),
)
RELATED_TABLES = (
    "dossiers_dossierpause",
    "dossiers_dossierdocument",
    "payments_payment",
    "feedback_servicerating",
    "national_sync_nationalsync",
    "accounts_externalidentity",
    "dossiers_storeddocument",
    "dossiers_dossierdraft",
    "dossiers_draftdocument",
)


def add_related() -> None:
    """The rows the index reads besides the dossiers, once (skipped when the files are there)."""
    from django.db import connection

    from motcua.accounts.models import User
    from motcua.dossiers.models import DossierDocument

    if DossierDocument.objects.exists():
        return
    params = {
        "desk": User.objects.get(username="desk1").pk,
        "citizen": User.objects.get(username="citizen1").pk,
        "citizen2": User.objects.get(username="citizen2").pk,
    }
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for label, sql in RELATED:
            begin = time.perf_counter()
            cursor.execute(sql, params)
            print(f"  {label}: {cursor.rowcount:,} rows in {time.perf_counter() - begin:.0f} s", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in RELATED_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, float, int, Any]:
    """(best ms, median ms, queries) of `repeat` runs after a first one, and the last result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings: list[float] = []
    result: Any = None
    queries = 0
    for i in range(repeat + 1):
        with CaptureQueriesContext(connection) as captured:
            begin = time.perf_counter()
            result = run()
            elapsed = (time.perf_counter() - begin) * 1000
        queries = len(captured)
        if i:
            timings.append(elapsed)
    return min(timings), statistics.median(timings), queries, result


def cases(now: datetime) -> list[tuple[str, Callable[[], Any]]]:
    """The computations timed directly, each judged at `now`."""
    from motcua.accounts.models import Agency
    from motcua.demo.seed import DEPARTMENT_CODE
    from motcua.reports.index766 import index766, index766_by_division
    from motcua.reports.period import Scope

    department = Agency.objects.get(code=DEPARTMENT_CODE)
    city = department.parent or department
    today = now.date()
    year = (date(today.year, 1, 1), today)
    last_year = (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    month = (date(today.year, today.month, 1), today)
    found: list[tuple[str, Callable[[], Any]]] = []
    for name, scope in (("department", Scope(department)), ("city", Scope(city, subordinates=True))):
        found += [
            (f"{name}: index766, this year to date", lambda s=scope: index766(s, *year, now=now)),
            (f"{name}: index766, last year", lambda s=scope: index766(s, *last_year, now=now)),
            (f"{name}: index766, this month to date", lambda s=scope: index766(s, *month, now=now)),
            (f"{name}: by division, this year", lambda s=scope: index766_by_division(s, *year, now=now)),
        ]
    return found


def pages() -> list[tuple[str | None, str, str]]:
    from django.utils import timezone

    from motcua.demo.seed import DEPARTMENT_CODE

    today = timezone.localdate()
    dates = f"from={today.year}-01-01&to={today.isoformat()}"
    return [
        ("leader1", "index page with divisions, this year", f"/mot-cua/bao-cao/chi-so-766/?{dates}"),
        ("leader1", "API index766, this year", f"/api/v1/reports/index766/?{dates}"),
        ("leader1", "API index766 by division, this year", f"/api/v1/reports/index766/?{dates}&by_division=1"),
        (None, "transparency page, not cached", f"/minh-bach/{DEPARTMENT_CODE}/"),
    ]


def measure(repeat: int, now: datetime, only: str) -> dict[str, Any]:
    from django.core.cache import cache
    from django.test import Client

    from motcua.accounts.models import User

    results: dict[str, Any] = {}
    print(f"\n| {'computation':48} | {'queries':>7} | {'best ms':>8} | {'median ms':>9} |")
    print(f"|{'-' * 50}|{'-' * 9}|{'-' * 10}|{'-' * 11}|")
    for label, run in cases(now):
        if only and only not in label:
            continue
        best, median, queries, result = timed(run, repeat)
        results[label] = result
        print(f"| {label:48} | {queries:>7} | {best:>8.0f} | {median:>9.0f} |", flush=True)
    for username, label, path in pages():
        if only and only not in label:
            continue
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))

        def get(client: Client = client, path: str = path) -> int:
            cache.clear()
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response.status_code

        best, median, queries, _status = timed(get, repeat)
        print(f"| {label:48} | {queries:>7} | {best:>8.0f} | {median:>9.0f} |", flush=True)
    return results


def explain(now: datetime) -> None:
    """EXPLAIN ANALYZE of every query of the department's index for this year."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.accounts.models import Agency
    from motcua.demo.seed import DEPARTMENT_CODE
    from motcua.reports.index766 import index766
    from motcua.reports.period import Scope

    department = Agency.objects.get(code=DEPARTMENT_CODE)
    with CaptureQueriesContext(connection) as captured:
        index766(Scope(department), date(now.year, 1, 1), now.date(), now=now)
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if float(query["time"]) < 0.02:
                continue
            print(f"\n--- {query['time']} s: {sql[:300]}")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=102_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--database", default="", help="an existing database (from this script or dashboard.py)")
    parser.add_argument("--name", default="", help="the name of the database to create")
    parser.add_argument("--now", default="", help="ISO moment the direct computations are judged at")
    parser.add_argument("--save", default="", help="write the results as JSON to this file")
    parser.add_argument("--compare", default="", help="check the results against this file")
    parser.add_argument("--only", default="", help="only the computations whose label contains this")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server (the script creates and drops its own database).")
        return 2
    name = args.database or args.name or f"motcua_bench_index766_{os.getpid()}"
    failed = False
    with bench_database(base_url, name, keep=args.keep):
        os.environ.update(
            DATABASE_URL=with_database(base_url, name), DJANGO_SETTINGS_MODULE="motcua.conf.test", MOTCUA_DEBUG="0"
        )
        os.environ.pop("REDIS_URL", None)  # the cache in process: the timing is the page's own
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from motcua.dossiers.models import Dossier

        call_command("migrate", verbosity=0)
        if not Dossier.objects.exists():
            started = time.perf_counter()
            call_command("seed_demo", verbosity=0)
            generate(args.dossiers)
            print(f"{args.dossiers:,} dossiers generated in {time.perf_counter() - started:.0f} s")
        add_related()
        expected: dict[str, Any] = {}
        if args.compare:
            expected = json.loads(Path(args.compare).read_text())
        moment = args.now or expected.get("now") or ""
        if moment:
            now = datetime.fromisoformat(moment)
        else:
            now = datetime.combine(timezone.localdate(), datetime.min.time(), tzinfo=timezone.get_current_timezone())
        if args.explain:
            explain(now)
            return 0
        before = os.getloadavg()
        results = measure(args.repeat, now, args.only)
        after = os.getloadavg()
        print(f"\nload average before {before[0]:.2f} {before[1]:.2f}, after {after[0]:.2f} {after[1]:.2f}")
        found = json.loads(json.dumps({"now": now.isoformat(), "results": results}, default=str))
        if args.save:
            Path(args.save).write_text(json.dumps(found, ensure_ascii=False, indent=1))
            print(f"results saved to {args.save} (judged at {now.isoformat()})")
        if expected:
            for label, result in found["results"].items():
                if label not in expected["results"]:
                    continue
                same = result == expected["results"][label]
                failed |= not same
                print(f"{'same' if same else 'DIFFERENT':9} {label}")
        connection.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
