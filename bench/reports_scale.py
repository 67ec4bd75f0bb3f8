"""The yearly report, the dossier-list export and the history import at a city's scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h4 .venv/bin/python bench/reports_scale.py \\
        --database h4bench --keep

Builds, in its own database on that server (`--database`, default motcua_bench_reports_<pid>),
a province-like city: the demo's province with 40 agencies under it (the demo department and
ward, 20 more departments, 17 more wards, the service centre), ten calendar years of dossiers
(default 10,000,000) generated in SQL with generate_series as bench/dossier_queue.py does (the
columns it does not name filled by the same helper): weekdays, a seasonal wave, the end-of-month
peaks and the Tết dip, growth from year to year, the online share rising from 3 % to ~64 %
(partial and full), a few % by post, supplements (a `DossierPause`, the due date moved by the
pause) on 3 %, early / on-time / late resolutions, withdrawals, refusals at the desk, the last
weeks' dossiers and a few stuck ones still pending. The indexes of the dossier table are dropped
during the load and built again after it. A database that already holds dossiers is reused
(no generation): keep one with `--keep`.

Then it times, best and median of `--repeat` runs after a first "cold" run in a new connection
(the server's and the OS's caches are not emptied: the machine is shared):

1. the yearly report (`--year`, default last year) for the whole city (`Scope(subordinates=True)`)
   and for one agency (the demo department): the period report of the year (totals), the same
   grouped by month, and the online rate per year (yearly.py); target under 1 s each;
2. the CSV export of a report number's dossiers (`/bao-cao/ho-so/?format=csv`, the city's new
   dossiers of the year, ~1,000,000 rows) in a child process through Django's test client,
   reading the whole streamed body, with the child's peak resident memory; target flat, < 300 MB;
3. `import_dossiers` of a generated CSV of `--import-rows` (default 1,000,000) historical
   records (CONTRACT.md §4) for 2007–2016; target under 2 minutes; the imported rows are deleted
   again afterwards so that the database can be reused;
4. unless `--no-sqlite`: the same reports on SQLite with `--sqlite-dossiers` (default
   1,000,000) of these dossiers (every tenth, copied into a fresh SQLite database in a temporary
   folder, and rolled up), and the export of the city's new dossiers of the ten years (~1,000,000
   rows) in a child process.

Options: --dossiers N, --year Y, --repeat N (default 5), --keep, --database NAME,
--only reports|export|import|sqlite (one part only), --explain (EXPLAIN ANALYZE of the city's
queries). bench/README.md §5 describes the data and the figures.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from dossier_queue import bench_database, with_database, with_other_columns  # noqa: E402

YEARS = 10
# The online share (per mille) of each of the ten years, oldest first.
ONLINE_PER_MILLE = [30, 60, 110, 190, 290, 390, 480, 560, 610, 640]
FULL_PERCENT = 45  # of the online dossiers, at the full level
DEPARTMENTS = 20  # besides the demo department
WARDS = 17  # besides the demo ward

# Every day of the ten years with its weight; `lo` is the share of the dossiers received before it.
DAYS = """
CREATE TEMP TABLE bench_days AS
WITH weighted AS (
    SELECT day::date AS day,
        CASE extract(isodow FROM day) WHEN 7 THEN 0 WHEN 6 THEN 0.1 ELSE 1 END
        * (1 + 0.2 * cos(2 * pi() * (extract(month FROM day) - 4) / 12))
        * CASE WHEN extract(month FROM day) = 2 AND extract(day FROM day) < 12 THEN 0.35 ELSE 1 END
        * CASE WHEN day >= date_trunc('month', day) + interval '1 month' - interval '4 days' THEN 1.8 ELSE 1 END
        * (1 + 0.08 * (extract(year FROM day) - %(first_year)s)) AS w
    FROM generate_series(%(first_day)s::date, %(last_day)s::date, interval '1 day') AS day
)
SELECT day, (sum(w) OVER (ORDER BY day) - w) / sum(w) OVER () AS lo FROM weighted
"""

# One row per dossier, g = 1 (oldest) .. count (newest); independent hashes of g choose the rest.
PLAN = """
CREATE TEMP TABLE bench_plan AS
SELECT g, slot, at, online, full_level, postal, kind, due_days, took, supplement,
    at + due_days * interval '1 day' + CASE WHEN supplement THEN interval '3 days' ELSE interval '0' END AS due
FROM (
    SELECT g,
        (%(slots)s::int[])[1 + abs(hashint8(g * 11 + 1)) %% %(n_slots)s] AS slot,
        (d.day + time '07:30' + (abs(hashint8(g * 11 + 2)) %% 34200) * interval '1 second')
            AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at,
        abs(hashint8(g * 11 + 3)) %% 1000
            < (%(online)s::int[])[1 + extract(year FROM d.day)::int - %(first_year)s] AS online,
        abs(hashint8(g * 11 + 4)) %% 100 < %(full)s AS full_level,
        abs(hashint8(g * 11 + 5)) %% 100 < 4 AS postal,
        -- 0-24 early, 25-91 on the due day, 92-96 late, 97-98 withdrawn, 99 refused at the desk;
        -- 1 in 400 never ends (stuck, still pending)
        CASE WHEN abs(hashint8(g * 11 + 6)) %% 400 = 0 THEN 'stuck' ELSE
        CASE WHEN abs(hashint8(g * 11 + 7)) %% 100 < 25 THEN 'early'
            WHEN abs(hashint8(g * 11 + 7)) %% 100 < 92 THEN 'on_time'
            WHEN abs(hashint8(g * 11 + 7)) %% 100 < 97 THEN 'late'
            WHEN abs(hashint8(g * 11 + 7)) %% 100 < 99 THEN 'withdrawn'
            ELSE 'refused' END END AS kind,
        5 + abs(hashint8(g * 11 + 8)) %% 11 AS due_days,
        abs(hashint8(g * 11 + 9)) %% 1000 AS took,
        abs(hashint8(g * 11 + 10)) %% 100 < 3 AS supplement
    FROM generate_series(%(g_from)s::bigint, %(g_to)s::bigint) AS g
    CROSS JOIN LATERAL (
        SELECT (%(days)s::date[])[width_bucket((g - 0.5) / %(count)s, %(los)s::float8[])] AS day
    ) AS d
) AS p
"""

# When each kind ends: early 1 to 3 days before the due day, on time a few hours before the due
# time, late 1 to 10 days after it; a withdrawal 2 days after reception; a supplement adds 3 days.
ENDS = """
CREATE TEMP TABLE bench_ends AS
SELECT p.*, a.agency, a.unit, a.code AS agency_code,
    CASE p.kind
        WHEN 'early' THEN p.due - (1 + p.took %% 3) * interval '1 day' - interval '2 hours'
        WHEN 'on_time' THEN p.due - (1 + p.took %% 5) * interval '1 hour'
        WHEN 'late' THEN p.due + (1 + p.took %% 10) * interval '1 day'
        WHEN 'withdrawn' THEN p.at + interval '2 days'
        WHEN 'refused' THEN p.at + interval '1 hour'
        END AS end_at
FROM bench_plan AS p
JOIN (SELECT * FROM unnest(%(agencies)s::bigint[], %(units)s::bigint[], %(codes)s::text[])
    WITH ORDINALITY AS x (agency, unit, code, slot)) AS a ON a.slot = p.slot
"""

DOSSIERS = """
INSERT INTO dossiers_dossier (
    code, lookup_secret, procedure_version_id, rule_version, competent_agency_id, receiving_agency_id,
    processing_unit_id, channel, online_level, status, paused_from, outcome, applicant_kind,
    applicant_name, applicant_id_number, applicant_tax_code, applicant_phone, applicant_email, applicant_address,
    representative_name, form_data, supplement_proposal, submitted_at, received_at, processed_at,
    returned_at, ended_at, clock_started_at, due_at, extended_due_at, created_at, updated_at{other_columns}
)
SELECT
    e.agency_code || '-' || to_char(e.at, 'YYMMDD') || '-' || e.g,
    upper(substr(md5(e.g::text), 1, 8)),
    (%(versions)s::bigint[])[1 + e.g %% %(n_versions)s],
    '118/2025', e.agency, e.agency,
    CASE WHEN e.kind <> 'refused' THEN e.unit END,
    CASE WHEN e.online THEN 'online' WHEN e.postal THEN 'postal' ELSE 'in_person' END,
    CASE WHEN NOT e.online THEN '' WHEN e.full_level THEN 'full' ELSE 'partial' END,
    CASE
        WHEN e.kind = 'refused' THEN 'not_accepted'
        WHEN e.end_at IS NULL OR e.end_at > now() THEN
            CASE WHEN e.supplement AND e.at + interval '4 days' > now() THEN 'supplement_requested'
                WHEN e.at + interval '1 day' > now() THEN 'received' ELSE 'in_processing' END
        WHEN e.kind = 'withdrawn' THEN 'withdrawn'
        WHEN e.end_at + interval '1 day' > now() THEN 'processed'
        ELSE 'returned' END,
    CASE WHEN e.supplement AND e.at + interval '4 days' > now() THEN 'in_processing' ELSE '' END,
    CASE
        WHEN e.end_at IS NULL OR e.end_at > now() THEN ''
        WHEN e.kind = 'refused' THEN 'not_accepted'
        WHEN e.kind = 'withdrawn' THEN 'withdrawn'
        WHEN e.took < 8 THEN 'denied'
        ELSE 'approved' END,
    'person', 'Công dân ' || e.g, '', '', '', '', '', '', '{}'::jsonb, '',
    e.at,
    CASE WHEN e.kind <> 'refused' THEN e.at END,
    CASE WHEN e.kind IN ('early', 'on_time', 'late') AND e.end_at <= now() THEN e.end_at END,
    CASE WHEN e.kind IN ('early', 'on_time', 'late') AND e.end_at + interval '1 day' <= now()
        THEN e.end_at + interval '1 day' END,
    CASE WHEN e.kind IN ('withdrawn', 'refused') AND e.end_at <= now() THEN e.end_at END,
    CASE WHEN e.kind <> 'refused' THEN e.at END,
    CASE WHEN e.kind <> 'refused' THEN e.due END,
    CASE WHEN e.kind = 'late' AND e.took %% 10 = 0 THEN e.due + interval '10 days' END,
    e.at, e.at{other_values}
FROM bench_ends AS e
ORDER BY e.g
"""

# The supplements: the clock paused for 3 days from the day after reception (still open for the
# dossiers that wait for it now).
PAUSES = """
INSERT INTO dossiers_dossierpause (dossier_id, reason, stage, started_at, ended_at, items)
SELECT d.id, 'request_supplement', 'processing', d.received_at + interval '1 day',
    CASE WHEN d.received_at + interval '4 days' <= now() THEN d.received_at + interval '4 days' END,
    'Bổ sung giấy tờ'
FROM dossiers_dossier AS d
WHERE d.id > %(after)s AND d.received_at IS NOT NULL
    AND d.received_at + interval '1 day' <= now()
    AND abs(hashint8(split_part(d.code, '-', 3)::bigint * 11 + 10)) %% 100 < 3
"""


def load_average() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM, which starts again at exec (getrusage's
    ru_maxrss keeps the parent's peak across fork and exec on Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def city() -> dict[str, Any]:
    """The demo's province with 40 agencies under it, each with a division (idempotent)."""
    from motcua.accounts.constants import AgencyKind, UnitKind
    from motcua.accounts.models import Agency, Unit
    from motcua.demo.seed import PROVINCE_CODE

    province = Agency.objects.get(code=PROVINCE_CODE)
    for i in range(DEPARTMENTS):
        Agency.objects.get_or_create(
            code=f"000.00.{40 + i}.H13",
            defaults={"name": f"Sở số {i + 1}", "kind": AgencyKind.DEPARTMENT, "parent": province},
        )
    for i in range(WARDS):
        Agency.objects.get_or_create(
            code=f"000.21.{i + 2:02d}.H13",
            defaults={"name": f"Ủy ban nhân dân phường số {i + 2}", "kind": AgencyKind.COMMUNE, "parent": province},
        )
    agencies = list(Agency.objects.filter(parent=province).exclude(kind=AgencyKind.SERVICE_CENTRE).order_by("code"))
    units = []
    for agency in agencies:
        unit = Unit.objects.filter(agency=agency, kind=UnitKind.DIVISION).order_by("id").first()
        if unit is None:
            unit = Unit.objects.create(agency=agency, code="CM", name="Phòng chuyên môn", kind=UnitKind.DIVISION)
        units.append(unit.pk)
    return {"province": province, "agencies": agencies, "units": units}


def indexes_off(cursor: Any, table: str) -> list[str]:
    """Drop the indexes of `table` but its primary key; the statements that make them again."""
    cursor.execute(
        """SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint AS c
        WHERE c.conrelid = %s::regclass AND c.contype = 'u'""",
        [table],
    )
    unique = cursor.fetchall()
    again = [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in unique]
    for name, _definition in unique:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes AS i
        WHERE i.tablename = %s AND i.indexname NOT IN (
            SELECT c.conname FROM pg_constraint AS c WHERE c.conrelid = %s::regclass)""",
        [table, table],
    )
    for name, definition in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{name}"')
        again.append(definition)
    return again


def generate(count: int) -> None:
    from django.db import connection

    from motcua.catalog.models import ProcedureVersion

    built = city()
    agencies = built["agencies"]
    # Departments receive more than wards; the demo department most.
    slots: list[int] = []
    for i, agency in enumerate(agencies, start=1):
        weight = 6 if agency.code == "000.00.21.H13" else 3 if agency.kind == "department" else 2
        slots += [i] * weight
    versions = list(ProcedureVersion.objects.order_by("id").values_list("id", flat=True))
    today = date.today()
    first_year = today.year - YEARS + 1
    params: dict[str, Any] = {
        "count": count,
        "first_year": first_year,
        "first_day": date(first_year, 1, 1),
        "last_day": today,
        "slots": slots,
        "n_slots": len(slots),
        "online": ONLINE_PER_MILLE,
        "full": FULL_PERCENT,
        "agencies": [a.pk for a in agencies],
        "units": built["units"],
        "codes": [a.code for a in agencies],
        "versions": versions,
        "n_versions": len(versions),
    }
    dossiers = with_other_columns(DOSSIERS, params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM dossiers_dossier")
        params["after"] = cursor.fetchone()[0]
        cursor.execute("SET session_replication_role = replica")  # consistent by construction: no FK triggers
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute(DAYS, params)
        cursor.execute("SELECT array_agg(day ORDER BY day), array_agg(lo ORDER BY day) FROM bench_days")
        params["days"], params["los"] = cursor.fetchone()
        params["los"] = params["los"][1:]  # width_bucket(x, bounds) = i when bounds[i-1] <= x < bounds[i]
        begin = time.perf_counter()
        rebuild = indexes_off(cursor, "dossiers_dossier")
        step = 1_000_000
        for g_from in range(1, count + 1, step):
            params["g_from"], params["g_to"] = g_from, min(count, g_from + step - 1)
            cursor.execute(PLAN, params)
            cursor.execute(ENDS, params)
            cursor.execute(dossiers, params)
            cursor.execute("DROP TABLE bench_plan; DROP TABLE bench_ends")
            print(f"  dossiers: {params['g_to']:,} in {time.perf_counter() - begin:.0f} s", flush=True)
        begin = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        for statement in rebuild:
            cursor.execute(statement)
        print(f"  {len(rebuild)} indexes built in {time.perf_counter() - begin:.0f} s", flush=True)
        begin = time.perf_counter()
        cursor.execute(PAUSES, params)
        print(f"  pauses: {cursor.rowcount:,} rows in {time.perf_counter() - begin:.0f} s", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("DROP TABLE bench_days")
        begin = time.perf_counter()
        for table in ("dossiers_dossier", "dossiers_dossierpause"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"  vacuum analyse: {time.perf_counter() - begin:.0f} s", flush=True)
    roll_up()


def roll_up() -> None:
    """The daily rollup of every day before today (what the worker does every hour, all at once)."""
    from motcua.reports.rollup import refresh_daily_counts

    begin = time.perf_counter()
    rows = refresh_daily_counts(rebuild=True)
    print(f"  rollup: {rows:,} agency-days in {time.perf_counter() - begin:.0f} s", flush=True)


def check_rollup(year: int) -> None:
    """The reports from the rollup equal the reports counted from the dossiers (the rollup's reach
    removed inside a transaction that is rolled back)."""
    from django.db import transaction

    from motcua.accounts.models import Agency
    from motcua.demo.seed import DEPARTMENT_CODE, PROVINCE_CODE
    from motcua.reports.models import RollupMark
    from motcua.reports.period import Scope, period_report

    start, end = date(year, 1, 1), date(year, 12, 31)
    city_scope = Scope(Agency.objects.get(code=PROVINCE_CODE), subordinates=True)
    department = Scope(Agency.objects.get(code=DEPARTMENT_CODE))
    cases = [(city_scope, None), (department, None), (department, "month")]
    rolled = [period_report(scope, start, end, group) for scope, group in cases]
    begin = time.perf_counter()
    with transaction.atomic():
        RollupMark.objects.all().delete()
        live = [period_report(scope, start, end, group) for scope, group in cases]
        transaction.set_rollback(True)
    same = rolled == live
    print(
        f"rollup == live for the city's {year} and the department's {year} (total, by month): {same} "
        f"(live counting took {time.perf_counter() - begin:.0f} s)",
        flush=True,
    )


def timed(run: Callable[[], Any], repeat: int, *, fresh: Callable[[], None]) -> tuple[float, float, float, Any]:
    """(first run after `fresh`, best, median of `repeat` more) in ms, and the last result."""
    fresh()
    begin = time.perf_counter()
    result = run()
    cold = (time.perf_counter() - begin) * 1000
    runs = []
    for _ in range(repeat):
        begin = time.perf_counter()
        result = run()
        runs.append((time.perf_counter() - begin) * 1000)
    return cold, min(runs), statistics.median(runs), result


def measure_reports(year: int, repeat: int, explain: bool) -> None:
    from django.db import connection

    from motcua.accounts.models import Agency
    from motcua.demo.seed import DEPARTMENT_CODE, PROVINCE_CODE
    from motcua.reports.period import Scope, period_report
    from motcua.reports.yearly import online_rate_by_year

    province, department = Agency.objects.get(code=PROVINCE_CODE), Agency.objects.get(code=DEPARTMENT_CODE)
    start, end = date(year, 1, 1), date(year, 12, 31)
    cases: list[tuple[str, Callable[[], Any]]] = []
    for who, agency, subordinates in (("city", province, True), ("one agency", department, False)):
        scope = Scope(agency, subordinates=subordinates)
        cases += [
            (f"{who}: period report {year}", lambda s=scope: period_report(s, start, end)),
            (f"{who}: period report {year} by month", lambda s=scope: period_report(s, start, end, "month")),
            (
                f"{who}: online rate per year",
                lambda a=agency, sub=subordinates: online_rate_by_year(a, subordinates=sub),
            ),
        ]
    if explain:
        explain_city(province, start, end)
    check_rollup(year)
    print(f"\n| {'report':42} | {'cold ms':>8} | {'best ms':>8} | {'median ms':>9} | {'dossiers':>10} | load |")
    print(f"|{'-' * 44}|{'-' * 10}|{'-' * 10}|{'-' * 11}|{'-' * 12}|------|")
    for label, run in cases:
        load = os.getloadavg()[0]
        cold, best, median, result = timed(run, repeat, fresh=connection.close)
        counted = result["total"]["received"]
        counted = counted["total"] if isinstance(counted, dict) else counted
        verdict = "" if best < 1000 else " NOT met"
        print(
            f"| {label:42} | {cold:8.0f} | {best:8.0f} | {median:9.0f} | {counted:10,} | {load:.1f} |{verdict}",
            flush=True,
        )


def explain_city(province: Any, start: date, end: date) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the city's queries of the yearly report."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.reports.period import Scope, period_report
    from motcua.reports.yearly import online_rate_by_year

    for label, run in (
        ("period report", lambda: period_report(Scope(province, subordinates=True), start, end)),
        ("by month", lambda: period_report(Scope(province, subordinates=True), start, end, "month")),
        ("online rate", lambda: online_rate_by_year(province, subordinates=True)),
    ):
        with CaptureQueriesContext(connection) as queries:
            run()
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, SETTINGS) " + slowest["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\n--- {label}: {len(queries)} queries, slowest {slowest['time']} s:\n{plan[:6000]}\n", flush=True)


def export_in_child(year: int, database_env: dict[str, str], *, whole: bool = False) -> None:
    """Runs `--phase export` in a new process and prints its report."""
    env = {**os.environ, **database_env}
    command = [sys.executable, __file__, "--phase", "export", "--year", str(year)] + (["--whole"] if whole else [])
    completed = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
    sys.stdout.write(completed.stdout)
    if completed.returncode:
        sys.stdout.write(completed.stderr[-3000:])


def export_phase(year: int, whole: bool) -> None:
    """In a fresh process: stream the CSV of the city's new dossiers of `year` (of the ten years
    when `whole`) through the view."""
    from django.test import Client
    from django.urls import reverse

    from motcua.accounts.constants import Role, UserKind
    from motcua.accounts.models import Agency, RoleAssignment, User
    from motcua.demo.seed import PROVINCE_CODE
    from motcua.reports.period import agency_tree

    # A report viewer of the city who may see its dossiers: the role at each agency of the city
    # (a dossier is seen through its own agency's roles, dossiers/permissions.py).
    user, _ = User.objects.get_or_create(username="bench_city_viewer", defaults={"kind": UserKind.OFFICIAL})
    for agency_id in agency_tree(Agency.objects.get(code=PROVINCE_CODE)):
        RoleAssignment.objects.get_or_create(user=user, role=Role.REPORT_VIEWER, agency_id=agency_id)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    url = reverse("reports:dossiers")
    first = date.today().year - YEARS + 1 if whole else year
    last = date.today().year if whole else year
    query = f"agency=000.00.00.H13&subordinates=1&from={first}-01-01&to={last}-12-31&column=received.new&format=csv"
    client.get(f"{url}?{query.replace(f'{last}-12-31', f'{first}-01-01')}")  # warm: a day's list
    before = peak_rss_mb()
    load = os.getloadavg()[0]
    begin = time.perf_counter()
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200 and response.streaming, response.status_code
    rows, size, samples = 0, 0, []
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += chunk.count(b"\n")
        if rows // 100_000 > len(samples):
            samples.append(round(peak_rss_mb()))
    seconds = time.perf_counter() - begin
    peak = peak_rss_mb()
    verdict = "met" if peak < 300 else "NOT met"
    print(
        f"export CSV of the city's new dossiers of {first}–{last}: {rows - 1:,} rows, "
        f"{size / 1e6:.0f} MB in {seconds:.1f} s; "
        f"peak RSS {before:.0f} MB before, {peak:.0f} MB after (target < 300 MB: {verdict}); "
        f"peak RSS every 100,000 rows: {samples}; load {load:.1f}",
        flush=True,
    )


def write_history_csv(path: Path, rows: int, agencies: list[str], procedures: list[str]) -> None:
    """`rows` historical records (CONTRACT.md §4) received 2007–2016, a tenth online (legacy 3/4)."""
    from motcua.reports.importing import COLUMNS

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        seconds = 10 * 365 * 86400
        base = datetime(2007, 1, 1).timestamp()
        for i in range(rows):
            moment = datetime.fromtimestamp(base + i * seconds // rows)
            online = i % 10 == 0
            received = moment.strftime("%Y-%m-%dT%H:%M:%S+07:00")
            due = datetime.fromtimestamp(moment.timestamp() + 7 * 86400).strftime("%Y-%m-%d")
            resolved = datetime.fromtimestamp(moment.timestamp() + (i % 9) * 86400).strftime("%Y-%m-%dT%H:%M:%S+07:00")
            writer.writerow(
                [
                    f"LS-{i:08d}",
                    procedures[i % len(procedures)],
                    agencies[i % len(agencies)],
                    "online" if online else ("postal" if i % 50 == 1 else "in_person"),
                    ("4" if i % 20 == 0 else "3") if online else "",
                    received,
                    due,
                    resolved if i % 100 else "",
                    resolved if i % 100 else "",
                    ("withdrawn" if i % 97 == 0 else "approved") if i % 100 else "",
                ]
            )


def import_phase(rows: int) -> None:
    from django.core.management import call_command

    from motcua.catalog.models import Procedure
    from motcua.reports.models import HistoricalDossier

    HistoricalDossier.objects.all().delete()
    agencies = [a.code for a in city()["agencies"]]
    procedures = list(Procedure.objects.order_by("code").values_list("code", flat=True)[:200])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lich-su.csv"
        begin = time.perf_counter()
        write_history_csv(path, rows, agencies, procedures)
        megabytes = path.stat().st_size / 1e6
        print(f"\nhistory CSV: {rows:,} rows, {megabytes:.0f} MB written in {time.perf_counter() - begin:.0f} s")
        load = os.getloadavg()[0]
        before = peak_rss_mb()
        begin = time.perf_counter()
        call_command("import_dossiers", str(path), stdout=sys.stdout)
        seconds = time.perf_counter() - begin
    imported = HistoricalDossier.objects.count()
    verdict = "met" if seconds < 120 else "NOT met"
    print(
        f"import_dossiers: {imported:,} rows in {seconds:.1f} s (target < 120 s: {verdict}); "
        f"peak RSS {before:.0f} MB before, {peak_rss_mb():.0f} MB after; load {load:.1f}",
        flush=True,
    )
    HistoricalDossier.objects.all().delete()


def copy_rows(source: Any, target: Any, model: Any, where: str) -> None:
    """Copy the rows of `model` that `where` selects from the PostgreSQL `source` (a psycopg
    connection) to the SQLite `target` (a Django cursor), 20,000 at a time."""
    from django.db import connection

    fields = model._meta.concrete_fields
    columns = ", ".join(f.column for f in fields)
    table = model._meta.db_table
    insert = "INSERT INTO " + table + f" ({columns}) VALUES ({', '.join('%s' for _ in fields)})"  # noqa: S608
    with source.cursor(name=f"copy_{model._meta.model_name}") as rows:
        rows.itersize = 20_000
        rows.execute("SELECT " + columns + " FROM " + table + " WHERE " + where + " ORDER BY id")  # noqa: S608
        batch: list[list[Any]] = []
        for row in rows:
            batch.append([f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)])
            if len(batch) == 20_000:
                target.executemany(insert, batch)
                batch = []
        if batch:
            target.executemany(insert, batch)


def sqlite_phase(source_url: str, count: int, year: int, repeat: int) -> None:
    """In a fresh process with a SQLite database: copy every n-th dossier (and its pauses) of the
    PostgreSQL bench database, then time the same reports and the export."""
    import psycopg
    from django.core.management import call_command
    from django.db import connection, transaction

    from motcua.dossiers.models import Dossier, DossierPause

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    city()
    source = psycopg.connect(source_url)
    fingerprint = "SELECT string_agg(code, ',' ORDER BY id) FROM accounts_agency"
    mine = connection.cursor()
    mine.execute("SELECT group_concat(code, ',') FROM (SELECT code FROM accounts_agency ORDER BY id)")
    assert source.execute(fingerprint).fetchone()[0] == mine.fetchone()[0], "agency ids differ"
    total = source.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
    every = max(1, total // count)
    begin = time.perf_counter()
    with transaction.atomic():
        for model, where in ((Dossier, f"id % {every} = 0"), (DossierPause, f"dossier_id % {every} = 0")):
            copy_rows(source, mine, model, where)
    mine.execute("ANALYZE")
    roll_up()
    print(
        f"SQLite: {Dossier.objects.count():,} dossiers, {DossierPause.objects.count():,} pauses copied "
        f"in {time.perf_counter() - begin:.0f} s",
        flush=True,
    )
    measure_reports(year, repeat, explain=False)
    connection.close()
    export_in_child(year, {}, whole=True)  # the ten years: ~1,000,000 rows, in a fresh process


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--sqlite-dossiers", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=date.today().year - 1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--database", default="", help="the database to make, or to reuse when it has dossiers")
    parser.add_argument("--only", choices=["reports", "export", "import", "sqlite"], default="")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--phase", default="", help=argparse.SUPPRESS)
    parser.add_argument("--source", default="", help=argparse.SUPPRESS)
    parser.add_argument("--whole", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.test")
    os.environ["MOTCUA_DEBUG"] = "0"
    if args.phase:
        import django

        django.setup()
        if args.phase == "export":
            export_phase(args.year, args.whole)
        elif args.phase == "sqlite":
            sqlite_phase(args.source, args.sqlite_dossiers, args.year, args.repeat)
        return 0
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server (the script makes or reuses its own database).")
        return 2
    name = args.database or f"motcua_bench_reports_{os.getpid()}"
    url = with_database(base_url, name)
    os.environ["DATABASE_URL"] = url
    with bench_database(base_url, name, keep=args.keep):
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from motcua.dossiers.models import Dossier

        call_command("migrate", verbosity=0)
        if not Dossier.objects.exists():
            started = time.perf_counter()
            call_command("seed_demo", verbosity=0)
            print(f"generating {args.dossiers:,} dossiers in {name} (load {load_average()})", flush=True)
            generate(args.dossiers)
            print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM dossiers_dossier")
            total = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM dossiers_dossierpause")
            pauses = cursor.fetchone()[0]
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
            size, server = cursor.fetchone()
        print(f"database {name}: {total:,} dossiers, {pauses:,} pauses, {size}; {server.split(' on ')[0]}")
        print(f"load average before: {load_average()}")
        if args.only in ("", "reports"):
            measure_reports(args.year, args.repeat, args.explain)
        if args.only in ("", "export"):
            connection.close()
            export_in_child(args.year, {"DATABASE_URL": url})
        if args.only in ("", "import"):
            import_phase(args.import_rows)
        if args.only in ("", "sqlite") and not args.no_sqlite:
            connection.close()
            with tempfile.TemporaryDirectory() as folder:
                env = {**os.environ, "MOTCUA_DATA_DIR": folder}
                env.pop("DATABASE_URL")
                command = [sys.executable, __file__, "--phase", "sqlite", "--source", url]
                command += ["--sqlite-dossiers", str(args.sqlite_dossiers), "--year", str(args.year)]
                command += ["--repeat", str(args.repeat)]
                print(f"\nSQLite, {args.sqlite_dossiers:,} dossiers:", flush=True)
                subprocess.run(command, env=env, check=False)
        print(f"load average after: {load_average()}")
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
