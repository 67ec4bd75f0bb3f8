"""Load tests with Locust against the production stack, at a province's scale (10,000,000 dossiers).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/load_test.py --database h_load_10m --keep

Prepares, or reuses, its own database on that server (`--database`, default
motcua_bench_load_<pid>): `seed_demo`, then `--queue-dossiers` (default 300,000) dossiers of the
demo department and ward with the steps, assignments, consultations and hand-overs of their
internal process (bench/dossier_queue.py's generator: what the desk queues and the officials
need), then the rest of `--dossiers` (default 10,000,000 in all) as ten years of a province of 40
agencies (bench/reports_scale.py's generator, with the daily report rollup). A database that
already holds dossiers is reused as it is. Every run then makes (idempotently) the load users,
with a known password: citizens who apply, and officials of several agencies (desk officer,
specialist, division head, leader, report viewer).

Then it starts the production stack on loopback (`MOTCUA_ENV=production`, DEBUG off):
scripts/run_production.py (gunicorn with `--config python:motcua.conf.gunicorn`, `run_worker` and
a Celery worker on Redis). And it measures, in the same run:

a. the baseline of the web tier: `GET /healthz/live` (no database) with Locust at the same user
   count (`--users`, default 16), `--baseline-time` seconds;
b. the baseline of the database: `pgbench -S` (select-only) on the same database, the same client
   count, `--pgbench-time` seconds;
c. the read scenarios (bench/load/locustfile.py: CitizenUser and OfficialUser, weighted like
   reality) at `--users` users for `--time` seconds;
d. the application throughput: `--apply-users` citizens posting online applications with one
   200 KB PDF as fast as they can for `--apply-time` seconds (applications per second);
e. the capacity: the same read scenarios at `--users` users without any pause between requests
   for `--saturated-time` seconds (0 skips it): the requests per second 2 cores serve at most for
   this mix, from which docs/operators/deployment.md's sizing table is computed.

It prints, per task name: requests, failures, p50, p95, p99, requests per second, p50 and p95 as a
ratio to the bare view's, the throughput as a ratio to pgbench's transactions per second; and the
memory: each gunicorn worker's resident memory (max over the run, sampled every second), the
Celery and `run_worker` processes, PostgreSQL (PSS summed over its processes, from
/proc/<pid>/smaps_rollup), Redis, and the total. bench/README.md §7 describes the data and the
figures.

Options: --dossiers N, --queue-dossiers N, --database NAME, --keep, --prepare-only,
--users N, --time S, --apply-users N, --apply-time S, --saturated-time S, --baseline-time S, --pgbench-time S,
--workers N (WEB_CONCURRENCY, default 2 × cores + 1 as the gunicorn config), --out DIR.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import dossier_queue  # noqa: E402
import reports_scale  # noqa: E402
from dossier_queue import bench_database, with_database  # noqa: E402
from load.stack import BIN, MemorySampler, Stack, free_port, production_env  # noqa: E402

LOAD_PASSWORD = "motcua-load-2026"  # noqa: S105 - the load users' password, on a bench database only


def prepare(total: int, queue: int) -> None:
    """Generate the data when the database holds no dossier (in this process, Django set up)."""
    from django.core.management import call_command

    from motcua.dossiers.models import Dossier

    call_command("migrate", verbosity=0)
    if Dossier.objects.exists():
        return
    started = time.perf_counter()
    call_command("seed_demo", verbosity=0)
    queue = min(queue, total)
    print(f"generating {queue:,} dossiers with their steps (load {reports_scale.load_average()})", flush=True)
    dossier_queue.generate(queue)
    if total > queue:
        print(f"generating {total - queue:,} dossiers of ten years (load {reports_scale.load_average()})", flush=True)
        reports_scale.generate(total - queue)  # ends with the daily rollup of every day before today
    else:
        reports_scale.roll_up()
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


SEARCHES = ["du lịch", "du lich", "karaoke", "giấy phép", "thể thao", "di sản", "lữ hành", "biểu diễn", "quảng cáo", ""]
CITIZENS = 200
OTHER_AGENCIES = ("000.00.40.H13", "000.00.41.H13")  # two of reports_scale's departments (when they exist)


def _answer(spec: dict[str, Any]) -> Any:
    """A valid answer to one question of an online form (JSON Schema)."""
    if "enum" in spec:
        return spec["enum"][0]
    kind = spec.get("type")
    if kind == "string":
        if spec.get("format") == "date":
            return "2026-11-20"
        if spec.get("format") == "email":
            return "nguoinop@example.vn"
        return "Nội dung thử tải"[: spec.get("maxLength") or 200]
    if kind in ("integer", "number"):
        return spec.get("minimum", 1)
    if kind == "boolean":
        return True
    return None


def load_data(path: Path) -> dict[str, Any]:
    """Make the load users (idempotent) and write what the locustfile needs (Django set up)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.db import connection, transaction
    from django.utils import timezone
    from jsonschema import Draft202012Validator

    from motcua.accounts.constants import Role, UnitKind, UserKind
    from motcua.accounts.models import Agency, RoleAssignment, Unit, User
    from motcua.catalog.models import ProcedureVersion
    from motcua.demo.seed import DEMO_PASSWORD

    # Hashed as production hashes (PBKDF2; this process may run with the test settings' MD5).
    hasher = PBKDF2PasswordHasher()
    hashed = hasher.encode(LOAD_PASSWORD, hasher.salt())
    citizens = [f"load_citizen_{i}" for i in range(1, CITIZENS + 1)]
    officials = [
        {"username": name, "password": DEMO_PASSWORD, "role": role}
        for name, role in (
            ("desk1", "desk_officer"),  # in this order: a run with two officials has a desk and a leader
            ("leader1", "agency_leader"),
            ("specialist1", "specialist"),
            ("head1", "division_head"),
            ("viewer1", "report_viewer"),
            ("desk2", "desk_officer"),
        )
    ]
    with transaction.atomic():
        demo_hash = hasher.encode(DEMO_PASSWORD, hasher.salt())
        User.objects.filter(username__in=[o["username"] for o in officials]).update(password=demo_hash)
        User.objects.filter(username__startswith="load_").update(password=hashed)
        existing = set(User.objects.filter(username__in=citizens).values_list("username", flat=True))
        User.objects.bulk_create(
            [
                User(username=name, password=hashed, kind=UserKind.CITIZEN, full_name=f"Công dân thử tải {name[13:]}")
                for name in citizens
                if name not in existing
            ]
        )
        for user in User.objects.filter(username__in=citizens).exclude(role_assignments__role=Role.CITIZEN):
            RoleAssignment.objects.get_or_create(user=user, role=Role.CITIZEN)
        for code in OTHER_AGENCIES:
            agency = Agency.objects.filter(code=code).first()
            division = Unit.objects.filter(agency=agency, kind=UnitKind.DIVISION).order_by("id").first()
            if agency is None or division is None:
                continue
            for role, unit in (
                (Role.DESK_OFFICER, None),
                (Role.SPECIALIST, division),
                (Role.DIVISION_HEAD, division),
            ):
                name = f"load_{role}_{code[7:9]}"
                user, _ = User.objects.get_or_create(
                    username=name, defaults={"password": hashed, "kind": UserKind.OFFICIAL, "full_name": name}
                )
                RoleAssignment.objects.get_or_create(user=user, role=role, agency=agency, unit=unit)
                officials.append({"username": name, "password": LOAD_PASSWORD, "role": str(role)})
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM dossiers_dossier")
        low, high = cursor.fetchone()
        rng = random.Random(7)
        ids = [rng.randint(low, high) for _ in range(2000)]
        cursor.execute(
            "SELECT code, lookup_secret FROM dossiers_dossier WHERE id = ANY(%s) AND status <> 'draft' LIMIT 500",
            [ids],
        )
        lookups = [list(row) for row in cursor.fetchall()]
    today = timezone.localdate()
    versions = ProcedureVersion.objects.in_force(today).select_related("procedure").order_by("procedure__code")
    procedures = sorted({v.procedure.code for v in versions})
    apply = []
    for version in versions.filter(service_level__in=["partial", "full"]):
        schema = version.form_schema or {}
        answers = {
            name: _answer(spec)
            for name, spec in (schema.get("properties") or {}).items()
            if name in set(schema.get("required", [])) and isinstance(spec, dict)
        }
        if not schema or Draft202012Validator(schema).is_valid(answers):
            apply.append({"procedure": version.procedure.code, "form_data": answers})
    result = {
        "password": LOAD_PASSWORD,
        "citizens": citizens,
        "officials": officials,
        "lookups": lookups,
        "procedures": procedures,
        "apply": apply,
        "searches": SEARCHES,
    }
    path.write_text(json.dumps(result, ensure_ascii=False))
    return result


def read_stats(prefix: Path) -> list[dict[str, Any]]:
    rows = []
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append(row)
    return rows


def run_locust(
    url: str,
    data: Path,
    prefix: Path,
    users: int,
    seconds: int,
    classes: list[str],
    *,
    locustfile: str = "",
    wait: str = "",
) -> list[dict[str, Any]]:
    command = [str(BIN / "locust"), "-f", locustfile or str(ROOT / "bench" / "load" / "locustfile.py")]
    command += ["--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", url]
    command += ["--csv", str(prefix), "--only-summary", "--stop-timeout", "5", "--exit-code-on-error", "0", *classes]
    env = {**os.environ, "MOTCUA_LOAD_DATA": str(data), "MOTCUA_LOAD_STEADY": "1"}
    if wait:
        env["MOTCUA_LOAD_WAIT"] = wait  # the longest pause between a user's requests, in seconds
    with open(f"{prefix}.log", "wb") as log:
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=log)
    return read_stats(prefix)


BASELINE_LOCUSTFILE = """
from locust import HttpUser, constant, task


class BareView(HttpUser):
    wait_time = constant(0)

    @task
    def live(self):
        self.client.get("/healthz/live", name="bare view (GET /healthz/live)")
"""


def pgbench(url: str, clients: int, seconds: int) -> float:
    """Transactions per second of `pgbench -S` (select-only) on the same database (its own tables,
    made with `pgbench -i -s 10` under a `pgbench_` prefix in that database, dropped after)."""
    from urllib.parse import urlparse

    parts = urlparse(url)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    name = parts.path.lstrip("/")
    exe = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
    subprocess.run([exe, "-i", "-s", "10", "-q", *args, name], check=True, capture_output=True)
    try:
        out = subprocess.run(
            [exe, "-S", "-c", str(clients), "-j", "2", "-T", str(seconds), "-n", *args, name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        subprocess.run([exe, "-i", "-I", "d", *args, name], check=False, capture_output=True)
    line = next(line for line in out.splitlines() if line.startswith("tps"))
    return float(line.split("=")[1].split()[0])


def table(rows: list[dict[str, Any]], bare: dict[str, Any], tps: float) -> None:
    bare50, bare95 = float(bare["50%"]), float(bare["95%"])
    print(
        f"{'endpoint':44} {'requests':>8} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}"
        f" {'p50×bare':>8} {'p95×bare':>8} {'req/s÷pgbench':>13}"
    )
    for row in rows:
        if row["50%"] in ("", "N/A"):  # a sign-in row emptied by the steady-state reset
            continue
        p50, p95 = float(row["50%"]), float(row["95%"])
        rps = float(row["Requests/s"])
        print(
            f"{row['Name'][:44]:44} {int(row['Request Count']):>8} {int(row['Failure Count']):>5}"
            f" {p50:>6.0f} {p95:>6.0f} {float(row['99%']):>6.0f} {rps:>7.1f}"
            f" {p50 / max(bare50, 1):>8.1f} {p95 / max(bare95, 1):>8.1f} {rps / tps:>13.4f}"
        )


def measure(args: argparse.Namespace, url: str, data: Path, out: Path) -> None:
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")
    env = production_env(
        database_url=url, redis_url=redis_url, data_dir=out / "data", port=free_port(), workers=args.workers
    )
    (out / "data").mkdir(parents=True, exist_ok=True)
    stack = Stack(env=env, log_dir=out / "logs").start()
    print(f"stack: {stack.how}; {args.workers} web workers; {stack.url}", flush=True)
    sampler = MemorySampler(stack)
    sampler.start()
    loads = [reports_scale.load_average()]
    try:
        baseline_file = out / "baseline_locustfile.py"
        baseline_file.write_text(BASELINE_LOCUSTFILE)
        bare = run_locust(
            stack.url, data, out / "bare", args.users, args.baseline_time, [], locustfile=str(baseline_file)
        )
        loads.append(reports_scale.load_average())
        tps = pgbench(url, args.users, args.pgbench_time)
        loads.append(reports_scale.load_average())
        print(f"pgbench -S, {args.users} clients, {args.pgbench_time} s: {tps:,.0f} tps", flush=True)
        reads = run_locust(stack.url, data, out / "reads", args.users, args.time, ["CitizenUser", "OfficialUser"])
        loads.append(reports_scale.load_average())
        applies = run_locust(stack.url, data, out / "apply", args.apply_users, args.apply_time, ["ApplicantUser"])
        loads.append(reports_scale.load_average())
        saturated: list[dict[str, Any]] = []
        if args.saturated_time:
            readers = ["CitizenUser", "OfficialUser"]
            seconds = args.saturated_time
            saturated = run_locust(stack.url, data, out / "saturated", args.users, seconds, readers, wait="0")
            loads.append(reports_scale.load_average())
    finally:
        memory = sampler.stop()
        stack.stop()
    bare_row = next(r for r in bare if r["Name"] != "Aggregated")
    print(
        f"\nbaseline: bare view {float(bare_row['Requests/s']):,.0f} req/s, p50 {bare_row['50%']} ms, "
        f"p95 {bare_row['95%']} ms; pgbench -S {tps:,.0f} tps (same {args.users} clients)"
    )
    print(f"\nread scenarios: {args.users} users (CitizenUser 3 : OfficialUser 2), {args.time} s, ms:")
    table(reads, bare_row, tps)
    print(f"\napplications: {args.apply_users} ApplicantUsers without wait, {args.apply_time} s, ms:")
    table(applies, bare_row, tps)
    done = next((r for r in applies if r["Name"] == "apply: upload 200 KB document (API)"), None)
    if done:
        ok = int(done["Request Count"]) - int(done["Failure Count"])
        print(f"applications with their document: {ok:,} in {args.apply_time} s = {ok / args.apply_time:.1f}/s")
    if saturated:
        print(f"\ncapacity: the read scenarios, {args.users} users without pause, {args.saturated_time} s, ms:")
        table(saturated, bare_row, tps)
        mix = next(r for r in saturated if r["Name"] == "Aggregated")
        print(f"the read mix at saturation: {float(mix['Requests/s']):,.1f} req/s on {os.cpu_count()} cores")
    print("\nmemory (max over the run):")
    for label, value in sorted(memory["workers"].items()):
        print(f"  {label}: {value / 2**20:.0f} MB resident")
    total = 0
    for role, value in sorted(memory["roles"].items()):
        total += value
        how = "PSS, every process of the server" if role in ("PostgreSQL", "Redis") else "RSS, summed"
        print(f"  {role}: {value / 2**20:.0f} MB ({how})")
    print(f"  total: {total / 2**20:.0f} MB")
    print(f"load average (1/5/15 min) before and after each phase: {' → '.join(loads)}")
    errors = [
        line
        for line in (out / "logs").glob("*.log")
        for line in line.read_text(errors="replace").splitlines()
        if "Traceback" in line or " 500 " in line
    ]
    print(f"server logs: {len(errors)} tracebacks or 500s ({out / 'logs'})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--queue-dossiers", type=int, default=300_000)
    parser.add_argument("--database", default="")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--time", type=int, default=60)
    parser.add_argument("--apply-users", type=int, default=16)
    parser.add_argument("--apply-time", type=int, default=30)
    parser.add_argument("--saturated-time", type=int, default=30)
    parser.add_argument("--baseline-time", type=int, default=20)
    parser.add_argument("--pgbench-time", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--out", default="")
    parser.add_argument("--data-only", default="", help=argparse.SUPPRESS)  # write the users' JSON there, stop
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.test")
    os.environ["MOTCUA_DEBUG"] = "0"
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server (the script makes or reuses its own database).")
        return 2
    if args.data_only:  # DATABASE_URL names the database itself (the CI load run)
        import django

        django.setup()
        load_data(Path(args.data_only))
        return 0
    name = args.database or f"motcua_bench_load_{os.getpid()}"
    url = with_database(base_url, name)
    os.environ["DATABASE_URL"] = url
    out = Path(args.out or tempfile.mkdtemp(prefix="motcua-load-"))
    out.mkdir(parents=True, exist_ok=True)
    with bench_database(base_url, name, keep=args.keep):
        import django

        django.setup()
        from django.db import connection

        prepare(args.dossiers, args.queue_dossiers)
        if args.prepare_only:
            return 0
        data = out / "load_data.json"
        info = load_data(data)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM dossiers_dossier")
            total = cursor.fetchone()[0]
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
            size, server = cursor.fetchone()
        connection.close()
        print(
            f"database {name}: {total:,} dossiers, {size}; {server.split(' on ')[0]}; {os.cpu_count()} cores; "
            f"{len(info['apply'])} procedures to apply to, {len(info['officials'])} officials; "
            f"load {reports_scale.load_average()}; today {date.today()}",
            flush=True,
        )
        measure(args, url, data, out)
        print(f"outputs (Locust CSV, logs): {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
