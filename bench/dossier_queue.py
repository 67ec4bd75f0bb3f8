"""Desk queues and the dossier list API with 1,000,000 dossiers in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/dossier_queue.py

Creates its own database (motcua_bench_queue_<pid>) on that server, migrates, loads the demo
agency, generates the dossiers in SQL (generate_series: seven years of a department's and a
ward's work, the statuses of a real mix, about a tenth still open), each with the steps of its
internal process (the current one open and pointed to by `Dossier.current_step`), consultations
of other divisions and hand-overs to another agency (liên thông); then times, in one process
through Django's test client (the whole request: middleware, permissions, queries, templates or
serializers; DEBUG off as in production), every work list for every official role and the list
API for every role, 30 times each after one warm-up request. Prints, per page, what the page
says it holds (the desk's lists count up to 10,000 and then say "more than"; the API's `count`
is exact), the number of SQL queries, p50 and p95. Drops the database at the end unless `--keep`.
Target: p95 under 100 ms. bench/README.md §3 describes the data and the figures.

Options: --dossiers N (default 1,000,000), --repeat N (timed requests per page, default 30),
--keep (keep the database and print its name), --database NAME (time an existing database made
with --keep: no generation; migrations are applied), --only TEXT (pages whose label contains TEXT),
--users NAMES (only these users' pages, comma-separated: e.g. specialist1,head1).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# One row per dossier to make: everything the dossier, its steps and its consultations are derived
# from. `g` runs from the newest (1) to the oldest dossier; independent "digits" of g choose the
# status (g % 100), the division ((g / 100) % 20), the step an open dossier is at ((g / 2000) % 20) ...
PLAN = """
CREATE TEMP TABLE bench_plan AS
SELECT g, at, status, agency, partner, unit, online, actor, lt,
    CASE
        WHEN status = 'submitted' THEN 0
        WHEN status = 'received' THEN 1
        WHEN status = 'supplement_requested' THEN 3
        WHEN status = 'in_processing' THEN CASE actor
            WHEN 'division' THEN 2 WHEN 'division_head' THEN 3 WHEN 'leader' THEN 4 ELSE 3 END
            + CASE WHEN lt AND actor IN ('division_head', 'leader') THEN 1 ELSE 0 END
        WHEN lt THEN 6
        ELSE 5 END AS n_steps,
    CASE
        WHEN status = 'supplement_requested' OR (status = 'in_processing' AND actor = 'one_stop_desk') THEN 'sup'
        WHEN lt THEN 'lt'
        ELSE 'std' END AS path,
    status IN ('received', 'in_processing', 'processed') AS open,
    CASE
        WHEN unit <> %(qldl)s THEN NULL
        WHEN status IN ('processed', 'returned') THEN %(specialist)s
        WHEN status = 'in_processing' AND actor IN ('division_head', 'leader', 'other_agency', 'one_stop_desk')
            THEN %(specialist)s
        WHEN status = 'in_processing' AND actor = 'division' AND (g / 40000) %% 3 <> 0 THEN %(specialist)s
        END AS assignee,
    CASE WHEN NOT online THEN NULL WHEN g %% 99991 = 0 THEN %(citizen2)s ELSE %(citizen1)s END AS owner,
    agency = %(department)s AND (g / 100) %% 33 = 3
        AND (status IN ('processed', 'returned') OR (status = 'in_processing' AND actor <> 'one_stop_desk'))
        AS consulted,
    status = 'in_processing' AND (g / 100) %% 7 = 0 AS prompted,
    status = 'in_processing' AND (g / 100) %% 14 = 0 AS extended
FROM (
    SELECT g, now() - (g::double precision / %(count)s) * interval '7 years' AS at,
        CASE
            WHEN g %% 100 < 86 THEN 'returned'
            WHEN g %% 100 = 86 THEN 'withdrawn'
            WHEN g %% 100 = 87 THEN 'not_accepted'
            WHEN g %% 100 < 91 THEN 'processed'
            WHEN g %% 100 < 96 THEN 'in_processing'
            WHEN g %% 100 = 96 THEN 'received'
            WHEN g %% 100 = 97 THEN 'supplement_requested'
            ELSE 'submitted' END AS status,
        CASE WHEN (g / 100) %% 50 = 1 THEN %(ward)s ELSE %(department)s END AS agency,
        CASE WHEN (g / 100) %% 50 = 1 THEN %(department)s ELSE %(ward)s END AS partner,
        CASE
            WHEN (g / 100) %% 50 = 1 THEN %(ward_division)s
            ELSE (%(divisions)s::bigint[])[1 + (g / 100) %% 20] END AS unit,
        (g / 7) %% 10 < 6 OR g %% 99991 = 0 AS online,
        CASE (g / 2000) %% 20
            WHEN 0 THEN 'division' WHEN 1 THEN 'division' WHEN 2 THEN 'division' WHEN 3 THEN 'division'
            WHEN 4 THEN 'division' WHEN 5 THEN 'division' WHEN 6 THEN 'division' WHEN 7 THEN 'division'
            WHEN 8 THEN 'division_head' WHEN 9 THEN 'division_head' WHEN 10 THEN 'division_head'
            WHEN 11 THEN 'division_head' WHEN 12 THEN 'leader' WHEN 13 THEN 'leader' WHEN 14 THEN 'leader'
            WHEN 15 THEN 'leader' WHEN 16 THEN 'other_agency' WHEN 17 THEN 'other_agency'
            ELSE 'one_stop_desk' END AS actor,
        (g / 100) %% 50 = 7 AS lt_digit
    FROM generate_series(1, %(count)s) AS g
) AS base0
CROSS JOIN LATERAL (
    -- liên thông: 2 %% of the dossiers pass another agency after the division (all of those at that step now)
    SELECT lt_digit OR (status = 'in_processing' AND actor = 'other_agency') AS lt
) AS base
"""

DOSSIERS = """
INSERT INTO dossiers_dossier (
    code, lookup_secret, procedure_version_id, rule_version, competent_agency_id, receiving_agency_id,
    processing_unit_id, assignee_id, channel, online_level, status, paused_from, outcome, applicant_kind,
    applicant_name, applicant_id_number, applicant_tax_code, applicant_phone, applicant_email, applicant_address,
    representative_name, form_data, supplement_proposal, submitted_at, received_at, transferred_at, processed_at,
    returned_at, ended_at, clock_started_at, due_at, extended_due_at, apology_prompted_at, created_at, updated_at,
    owner_id{other_columns}
)
SELECT
    CASE WHEN p.agency = %(ward)s THEN %(ward_code)s ELSE %(department_code)s END
        || '-' || to_char(p.at, 'YYMMDD') || '-' || lpad((p.g %% 10000)::text, 4, '0') || '-' || p.g,
    upper(substr(md5(p.g::text), 1, 8)),
    CASE WHEN p.agency = %(ward)s THEN (%(ward_versions)s::bigint[])[1 + p.g %% %(n_ward_versions)s]
        ELSE (%(versions)s::bigint[])[1 + p.g %% %(n_versions)s] END,
    '118/2025', p.agency, p.agency,
    CASE WHEN p.status IN ('in_processing', 'processed', 'returned', 'supplement_requested') THEN p.unit END,
    p.assignee,
    CASE WHEN p.online THEN 'online' ELSE 'in_person' END,
    CASE WHEN p.online THEN 'partial' ELSE '' END,
    p.status,
    CASE WHEN p.status = 'supplement_requested' THEN 'in_processing' ELSE '' END,
    CASE WHEN p.status IN ('processed', 'returned') THEN 'approved' ELSE '' END,
    'person', 'Người nộp ' || p.g, lpad((p.g %% 1000000000000)::text, 12, '0'), '',
    '+8490' || lpad((p.g %% 10000000)::text, 7, '0'),
    '', '', '', '{}'::jsonb, '',
    p.at,
    CASE WHEN p.status NOT IN ('submitted', 'not_accepted') THEN p.at END,
    CASE WHEN p.n_steps > 1 THEN p.at + interval '1 day' END,
    CASE WHEN p.status IN ('processed', 'returned') THEN p.at + interval '5 days' END,
    CASE WHEN p.status = 'returned' THEN p.at + interval '6 days' END,
    CASE WHEN p.status IN ('withdrawn', 'not_accepted') THEN p.at + interval '2 days' END,
    CASE WHEN p.status <> 'submitted' THEN p.at END,
    CASE WHEN p.status NOT IN ('submitted', 'not_accepted') THEN p.at + interval '7 days' END,
    CASE WHEN p.extended THEN p.at + interval '12 days' END,
    CASE WHEN p.prompted THEN p.at + interval '6 days' END,
    p.at, p.at, p.owner{other_values}
FROM bench_plan AS p
ORDER BY p.g DESC
"""

# The internal process: the desk receives, a division appraises, its head checks, the leader
# approves, the desk returns; liên thông ("lt") passes another agency after the division; "sup" is
# a supplement the division proposed and the desk issues (the desk step stands in for step 1).
STEPS = """
INSERT INTO dossiers_dossierstep (
    dossier_id, plan_index, name, actor, agency_id, unit_id, holder_id, duration, duration_unit, started_at,
    due_at, ended_at, ended_by_id, ended_with, result, task, note
)
SELECT
    d.id, s.plan_index, s.name, s.actor,
    CASE WHEN s.actor = 'other_agency' THEN p.partner ELSE p.agency END,
    CASE s.actor
        WHEN 'one_stop_desk' THEN CASE WHEN p.agency = %(ward)s THEN %(ward_desk)s ELSE %(desk_unit)s END
        WHEN 'leader' THEN CASE WHEN p.agency = %(ward)s THEN %(ward_leadership)s ELSE %(leadership)s END
        WHEN 'other_agency' THEN NULL
        ELSE p.unit END,
    CASE WHEN s.actor = 'division' THEN p.assignee END,
    1, 'working_days',
    p.at + s.seq * interval '1 day',
    p.at + (s.seq + 1) * interval '1 day',
    CASE WHEN NOT p.open OR s.seq < p.n_steps - 1 THEN p.at + s.seq * interval '1 day' + interval '20 hours' END,
    NULL,
    CASE WHEN NOT p.open OR s.seq < p.n_steps - 1 THEN 'forward' ELSE '' END,
    CASE WHEN NOT p.open OR s.seq < p.n_steps - 1 THEN 'on_time' ELSE '' END,
    CASE WHEN s.actor = 'other_agency' THEN 'Cho ý kiến phối hợp' ELSE '' END,
    ''
FROM dossiers_dossier AS d
JOIN bench_plan AS p ON p.g = split_part(d.code, '-', 4)::int
JOIN (VALUES
    ('std', 0, 0, 'one_stop_desk', 'Tiếp nhận, kiểm tra và chuyển hồ sơ'),
    ('std', 1, 1, 'division', 'Thẩm định hồ sơ'),
    ('std', 2, 2, 'division_head', 'Lãnh đạo phòng xem xét'),
    ('std', 3, 3, 'leader', 'Phê duyệt, ký kết quả'),
    ('std', 4, 4, 'one_stop_desk', 'Trả kết quả'),
    ('lt', 0, 0, 'one_stop_desk', 'Tiếp nhận, kiểm tra và chuyển hồ sơ'),
    ('lt', 1, 1, 'division', 'Thẩm định hồ sơ'),
    ('lt', 2, 2, 'other_agency', 'Cơ quan phối hợp giải quyết'),
    ('lt', 3, 3, 'division_head', 'Lãnh đạo phòng xem xét'),
    ('lt', 4, 4, 'leader', 'Phê duyệt, ký kết quả'),
    ('lt', 5, 5, 'one_stop_desk', 'Trả kết quả'),
    ('sup', 0, 0, 'one_stop_desk', 'Tiếp nhận, kiểm tra và chuyển hồ sơ'),
    ('sup', 1, 1, 'division', 'Thẩm định hồ sơ'),
    ('sup', 2, 1, 'one_stop_desk', 'Phát hành phiếu yêu cầu bổ sung (mẫu 02)')
) AS s (path, seq, plan_index, actor, name) ON s.path = p.path AND s.seq < p.n_steps
WHERE d.code LIKE '%%-%%-%%-%%'
ORDER BY d.id, s.seq
"""

CONSULTATIONS = """
INSERT INTO dossiers_dossierconsultation (
    dossier_id, unit_id, question, requested_by_id, requested_at, due_at, answer, answered_by_id, answered_at, result
)
SELECT
    d.id, CASE WHEN p.unit = %(qldl)s THEN %(qlvh)s ELSE %(qldl)s END, 'Đề nghị cho ý kiến', %(specialist)s,
    p.at + interval '1 day 2 hours', p.at + interval '3 days',
    CASE WHEN open_question THEN '' ELSE 'Thống nhất' END,
    CASE WHEN open_question THEN NULL ELSE %(head)s END,
    CASE WHEN open_question THEN NULL ELSE p.at + interval '2 days' END,
    CASE WHEN open_question THEN '' ELSE 'early' END
FROM dossiers_dossier AS d
JOIN bench_plan AS p ON p.g = split_part(d.code, '-', 4)::int
CROSS JOIN LATERAL (SELECT p.status = 'in_processing' AND p.actor = 'division' AS open_question) AS o
WHERE d.code LIKE '%%-%%-%%-%%' AND p.consulted
"""

CURRENT_STEP = """
UPDATE dossiers_dossier AS d SET current_step_id = s.id {stage}
FROM dossiers_dossierstep AS s
WHERE s.dossier_id = d.id AND s.ended_at IS NULL
"""


def pages(search: dict[str, str]) -> list[tuple[str, str, str]]:
    """(user, label, path): every work list for every official role, then the list API for every role."""
    queues = ["mine", "online", "due_soon", "overdue", "apology", "supplement", "ready", "all"]
    rows: list[tuple[str, str, str]] = []
    for user in ("desk1", "specialist1", "head1", "leader1", "desk2"):
        for queue in queues if user != "desk2" else ["mine", "all"]:
            rows.append((user, f"queue {queue}", f"/mot-cua/?queue={queue}"))
    rows += [
        ("desk1", "queue all, page 3", "/mot-cua/?queue=all&page=3"),
        ("desk1", "queue overdue, page 40", "/mot-cua/?queue=overdue&page=40"),
        ("desk1", "queue all, search by phone", f"/mot-cua/?queue=all&q={search['phone']}"),
        ("desk1", "queue all, search by ID number", f"/mot-cua/?queue=all&q={search['id_number']}"),
        ("desk1", "queue all, search by code", f"/mot-cua/?queue=all&q={search['code']}"),
        ("desk1", "queue all, search by name", f"/mot-cua/?queue=all&q={search['name']}"),
    ]
    for user in ("desk1", "specialist1", "head1", "leader1", "desk2", "citizen1", "citizen2"):
        rows.append((user, "API list", "/api/v1/dossiers/"))
    rows += [
        ("desk1", "API list, page 2", "/api/v1/dossiers/?page=2"),
        ("desk1", "API list, page_size=500", "/api/v1/dossiers/?page_size=500"),
        ("desk1", "API list, status=received", "/api/v1/dossiers/?status=received"),
        ("desk1", "API list, one procedure", f"/api/v1/dossiers/?procedure={search['procedure']}"),
        ("desk1", "API list, received in a month", "/api/v1/dossiers/?received_from=2025-03-01&received_to=2025-03-31"),
        ("leader1", "API list, status=in_processing", "/api/v1/dossiers/?status=in_processing"),
        ("head1", "API list, status=returned", "/api/v1/dossiers/?status=returned"),
        ("citizen1", "API list, status=submitted", "/api/v1/dossiers/?status=submitted"),
    ]
    return rows


def with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


@contextmanager
def bench_database(base_url: str, name: str, *, keep: bool) -> Iterator[str]:
    """The URL of the bench database `name` on `base_url`'s server. Made when missing, and then
    dropped at the end unless `keep`; one that already existed (made with --keep) is used and kept."""
    import psycopg

    server = with_database(base_url, "postgres")
    with psycopg.connect(server, autocommit=True) as admin:
        existed = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if not existed:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(base_url, name)
    finally:
        if keep or existed:
            print(f"database kept: {name}")
        else:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def with_other_columns(sql: str, params: dict[str, Any]) -> str:
    """`sql`, an INSERT INTO dossiers_dossier that names its columns before SELECT and ends both lists
    with `{other_columns}` and `{other_values}`, completed with the columns it does not name (added
    since): NULL where allowed, else the field's default (put into `params`). Shared by the benches
    that generate dossiers in SQL (reports_scale.py)."""
    from django.db import connection

    from motcua.dossiers.models import Dossier

    named = set(re.findall(r"[a-z_]+", sql.split("SELECT", 1)[0]))
    other = [f for f in Dossier._meta.concrete_fields if f.column not in named and f.column != "id" and not f.null]
    for i, field in enumerate(other):
        params[f"other_{i}"] = field.get_db_prep_save(field.get_default(), connection)
    return sql.replace("{other_columns}", "".join(f", {f.column}" for f in other)).replace(
        "{other_values}", "".join(f", %(other_{i})s" for i in range(len(other)))
    )


def generate(count: int) -> None:
    from django.db import connection

    from motcua.accounts.models import Agency, Unit, User
    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers.models import Dossier

    department = Agency.objects.get(code="000.00.21.H13")
    ward = Agency.objects.get(code="000.21.01.H13")

    def unit(agency: Agency, code: str) -> int:
        return Unit.objects.get(agency=agency, code=code).pk

    def user(name: str) -> int:
        return User.objects.get(username=name).pk

    def versions(agency: Agency) -> list[int]:
        return list(ProcedureVersion.objects.filter(agency=agency).order_by("id").values_list("id", flat=True))

    qldl = unit(department, "QLDL")
    # The tourism division (head1, specialist1) gets 40 % of the department's dossiers, the four others 15 % each.
    divisions = [qldl] * 8 + [unit(department, c) for c in ("QLVH", "QLDS", "QLTDTT", "BCXB") for _ in range(3)]
    params: dict[str, Any] = {
        "count": count,
        "department": department.pk,
        "department_code": department.code,
        "ward": ward.pk,
        "ward_code": ward.code,
        "versions": versions(department),
        "n_versions": len(versions(department)),
        "ward_versions": versions(ward),
        "n_ward_versions": len(versions(ward)),
        "divisions": divisions,
        "qldl": qldl,
        "qlvh": unit(department, "QLVH"),
        "ward_division": unit(ward, "VHXH"),
        "desk_unit": unit(department, "MC"),
        "ward_desk": unit(ward, "MC"),
        "leadership": unit(department, "BGD"),
        "ward_leadership": unit(ward, "LD"),
        "specialist": user("specialist1"),
        "head": user("head1"),
        "citizen1": user("citizen1"),
        "citizen2": user("citizen2"),
    }
    has_stage = any(f.name == "stage" for f in Dossier._meta.get_fields())
    dossiers = with_other_columns(DOSSIERS, params)
    with connection.cursor() as cursor:
        # The rows are consistent by construction: skip the per-row foreign-key triggers while loading.
        cursor.execute("SET session_replication_role = replica")
        for label, sql in (("plan", PLAN), ("dossiers", dossiers), ("steps", STEPS), ("consultations", CONSULTATIONS)):
            begin = time.perf_counter()
            cursor.execute(sql, params)
            print(f"  {label}: {cursor.rowcount:,} rows in {time.perf_counter() - begin:.0f} s", flush=True)
        begin = time.perf_counter()
        cursor.execute(CURRENT_STEP.format(stage=", stage = s.actor" if has_stage else ""))
        print(f"  current steps: {cursor.rowcount:,} rows in {time.perf_counter() - begin:.0f} s", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("DROP TABLE bench_plan")
        begin = time.perf_counter()
        for table in ("dossiers_dossier", "dossiers_dossierstep", "dossiers_dossierconsultation"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"  vacuum analyse: {time.perf_counter() - begin:.0f} s", flush=True)


def search_terms() -> dict[str, str]:
    from motcua.dossiers.models import Dossier

    sample = Dossier.objects.filter(status="in_processing", code__contains="-").order_by("-id")[123]
    return {
        "phone": "0" + sample.applicant_phone.removeprefix("+84"),
        "id_number": sample.applicant_id_number,
        "code": sample.code.split("-", 1)[1],
        "name": sample.applicant_name.split()[-1],
        "procedure": sample.procedure_version.procedure.code,
    }


def measure(repeat: int, only: str, users: frozenset[str] = frozenset()) -> float:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.accounts.models import User

    print(f"\n| {'page':36} | {'user':11} | {'rows':>9} | {'queries':>7} | {'p50 ms':>7} | {'p95 ms':>7} |")
    print(f"|{'-' * 38}|{'-' * 13}|{'-' * 11}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    worst = 0.0
    for username, label, path in pages(search_terms()):
        if (only and only not in label) or (users and username not in users):
            continue
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.cookies["django_language"] = "en"
        client.get(path)  # warm caches and the connection
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        n_queries = len(queries)
        assert response.status_code == 200, (path, response.status_code)
        if path.startswith("/api/"):
            rows = str(response.json()["count"])
        else:  # what the page says, e.g. "1,234 dossiers"
            said = re.search(r'class="result-count"[^>]*>([^<]*)<', response.content.decode())
            rows = said.group(1).replace(" dossiers", "").replace(" dossier", "").strip() if said else "?"
            rows = rows.replace("More than ", "> ").replace(".", ",")
        timings = []
        for _ in range(repeat):
            begin = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - begin) * 1000)
        p95 = percentile(timings, 0.95)
        worst = max(worst, p95)
        shown = f"{int(rows):,}" if rows.isdigit() else rows  # "> 10,000": the page counts no further
        print(
            f"| {label:36} | {username:11} | {shown:>9} | {n_queries:>7} | "
            f"{statistics.median(timings):7.1f} | {p95:7.1f} |",
            flush=True,
        )
    return worst


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--database", default="", help="time an existing database made with --keep")
    parser.add_argument("--only", default="", help="only the pages whose label contains this")
    parser.add_argument("--users", default="", help="only these users' pages (comma-separated)")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server (the script creates and drops its own database).")
        return 2
    name = args.database or f"motcua_bench_queue_{os.getpid()}"
    with bench_database(base_url, name, keep=args.keep):
        os.environ.update(
            DATABASE_URL=with_database(base_url, name),
            DJANGO_SETTINGS_MODULE="motcua.conf.test",
            MOTCUA_DEBUG="0",  # as in production: no query log
            MOTCUA_THROTTLE_USER="1000000/s",
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        if not args.database:
            call_command("seed_demo", verbosity=0)
            generate(args.dossiers)
            print(f"{args.dossiers:,} dossiers generated and analysed in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM dossiers_dossier")
            total = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM dossiers_dossierstep")
            steps = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM dossiers_dossierconsultation")
            consultations = cursor.fetchone()[0]
            cursor.execute("SELECT version()")
            server = cursor.fetchone()[0].split(" on ")[0]
        print(f"database {name}: {total:,} dossiers, {steps:,} steps, {consultations:,} consultations; {server}")
        # The machine may be shared: how busy it was (1-minute load average, 2 cores here) says
        # how far to trust a run.
        before = os.getloadavg()[0]
        worst = measure(args.repeat, args.only, frozenset(filter(None, args.users.split(","))))
        after = os.getloadavg()[0]
        print(f"\ntarget p95 < 100 ms: {'met' if worst < 100 else 'NOT met'} (worst p95 {worst:.1f} ms)")
        print(f"load average (1 min) before the timing {before:.2f}, after it {after:.2f}")
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
