"""Desk queues and the dossier list API with 1,000,000 dossiers in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/dossier_queue.py

Creates its own database (motcua_bench_queue_<pid>) on that server, migrates, loads the demo
agency, generates the dossiers in SQL (generate_series: seven years of a department's work, the
statuses of a real mix, a tenth still open), then times, in one process through Django's test
client (the whole request: middleware, permissions, queries, templates or serializers), each
page as the demo officials see it. Drops the database at the end. Target: p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

GENERATE = """
INSERT INTO dossiers_dossier (
    code, lookup_secret, procedure_version_id, rule_version, competent_agency_id, receiving_agency_id,
    processing_unit_id, channel, online_level, status, paused_from, outcome, applicant_kind, applicant_name,
    applicant_id_number, applicant_tax_code, applicant_phone, applicant_email, applicant_address,
    representative_name, form_data, submitted_at, received_at, transferred_at, processed_at, returned_at,
    clock_started_at, due_at, created_at, updated_at, owner_id
)
SELECT
    %(agency_code)s || '-' || to_char(t.at, 'YYMMDD') || '-' || lpad((g %% 10000)::text, 4, '0') || '-' || g,
    upper(substr(md5(g::text), 1, 8)),
    (%(versions)s::bigint[])[1 + (g %% %(n_versions)s)],
    '118/2025', %(agency)s, %(agency)s,
    CASE WHEN s.status IN ('in_processing', 'processed', 'returned') THEN %(unit)s END,
    CASE WHEN g %% 10 < 6 THEN 'online' ELSE 'in_person' END,
    CASE WHEN g %% 10 < 6 THEN 'partial' ELSE '' END,
    s.status, '', CASE WHEN s.status IN ('processed', 'returned') THEN 'approved' ELSE '' END,
    'person', 'Người nộp ' || g, lpad((g %% 1000000000000)::text, 12, '0'), '',
    '+8490' || lpad((g %% 10000000)::text, 7, '0'),
    '', '', '', '{}'::jsonb,
    t.at, t.at, t.at + interval '1 day',
    CASE WHEN s.status IN ('processed', 'returned') THEN t.at + interval '5 days' END,
    CASE WHEN s.status = 'returned' THEN t.at + interval '6 days' END,
    t.at, t.at + interval '7 days', t.at, t.at,
    CASE WHEN g %% 10 < 6 THEN %(citizen)s END
FROM generate_series(1, %(count)s) AS g
CROSS JOIN LATERAL (SELECT now() - (g::double precision / %(count)s) * interval '7 years' AS at) AS t
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN g %% 100 < 88 THEN 'returned'
        WHEN g %% 100 < 91 THEN 'processed'
        WHEN g %% 100 < 96 THEN 'in_processing'
        WHEN g %% 100 < 98 THEN 'received'
        ELSE 'submitted' END AS status
) AS s
"""

PAGES = [
    ("desk1", "desk queue: my work", "/mot-cua/"),
    ("desk1", "desk queue: overdue", "/mot-cua/?queue=overdue"),
    ("desk1", "desk queue: all", "/mot-cua/?queue=all"),
    ("desk1", "desk queue: search by phone", "/mot-cua/?queue=all&q=0900012345"),
    ("head1", "division head: my work", "/mot-cua/"),
    ("desk1", "API list, page 1", "/api/v1/dossiers/"),
    ("leader1", "API list, in processing", "/api/v1/dossiers/?status=in_processing"),
    ("citizen1", "API list: a citizen's own", "/api/v1/dossiers/"),
]


def with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server (the script creates and drops its own database).")
        return 2
    import psycopg

    name = f"motcua_bench_queue_{os.getpid()}"
    admin = psycopg.connect(base_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        os.environ.update(
            DATABASE_URL=with_database(base_url, name),
            DJANGO_SETTINGS_MODULE="motcua.conf.test",
            MOTCUA_THROTTLE_USER="1000000/s",
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from motcua.accounts.models import Agency, Unit, User
        from motcua.catalog.models import ProcedureVersion

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        agency = Agency.objects.get(code="000.00.21.H13")
        versions = list(ProcedureVersion.objects.filter(agency=agency).values_list("id", flat=True))
        with connection.cursor() as cursor:
            cursor.execute(
                GENERATE,
                {
                    "agency_code": agency.code,
                    "versions": versions,
                    "n_versions": len(versions),
                    "agency": agency.pk,
                    "unit": Unit.objects.get(agency=agency, code="QLDL").pk,
                    "citizen": User.objects.get(username="citizen1").pk,
                    "count": args.dossiers,
                },
            )
            cursor.execute("ANALYZE dossiers_dossier")
        print(f"{args.dossiers:,} dossiers generated and analysed in {time.perf_counter() - started:.0f} s")

        print(f"\n{'page':42} {'user':9} {'p50 ms':>8} {'p95 ms':>8}")
        worst = 0.0
        for username, label, path in PAGES:
            client = Client()
            client.force_login(User.objects.get(username=username))
            client.get(path)  # warm caches and the connection
            timings = []
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            for _ in range(args.repeat):
                begin = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - begin) * 1000)
            p95 = percentile(timings, 0.95)
            worst = max(worst, p95)
            print(f"{label:42} {username:9} {statistics.median(timings):8.1f} {p95:8.1f}")
        print(f"\ntarget p95 < 100 ms: {'met' if worst < 100 else 'NOT met'} (worst p95 {worst:.1f} ms)")
        connection.close()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
