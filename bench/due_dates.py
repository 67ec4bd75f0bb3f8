"""Benchmark: due-date computation on the working calendar, in one process.

Run from the repository root:  .venv/bin/python bench/due_dates.py [--calls 100000] [--repeat 7]

Target: more than 200,000 `WorkCalendarSnapshot.due_after_working_days` calls per second.

The snapshot is built the way production builds it (`workdays.services.build_snapshot`): national
days off and make-up Saturdays of 2010..2032 from the `holidays` package, weekend Saturday and
Sunday, office hours 7:30-11:30 / 13:00-17:00, cut-off 15:00, zone Asia/Ho_Chi_Minh. No database
is used. The inputs are a fixed, seeded list of aware reception datetimes (80% Asia/Ho_Chi_Minh,
20% UTC, on every day of the week and at any minute, so after-cut-off, weekend and holiday receptions
all occur) with periods of 0..30 working days. The digest of the results is printed so that an
optimisation of `workdays/domain.py` can be checked to give exactly the same due dates.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGET_PER_SECOND = 200_000
FIRST_YEAR, LAST_YEAR = 2010, 2032
SEED = 20261126


def setup_django(data_dir: str) -> None:
    # `motcua.workdays.services` imports models, so Django needs settings (but no database).
    os.environ["MOTCUA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.conf.test"
    import django

    django.setup()


def production_snapshot():  # type: ignore[no-untyped-def]
    """Same inputs as `build_snapshot` for a calendar with no year kept in the database."""
    from motcua.workdays.domain import WorkCalendarSnapshot, WorkingHours
    from motcua.workdays.services import national_days

    days_off: dict[date, str] = {}
    working: dict[date, str] = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        off, extra = national_days(year)
        days_off.update({day: name for day, (_kind, name) in off.items()})
        working.update(extra)
    return WorkCalendarSnapshot(
        first_day=date(FIRST_YEAR, 1, 1),
        last_day=date(LAST_YEAR, 12, 31),
        days_off=days_off,
        extra_working_days=working,
        hours=WorkingHours(),
    )


def inputs(count: int) -> list[tuple[datetime, int]]:
    """Seeded reception moments in 2011..2031 (so that +30 working days stays in range)."""
    from motcua.workdays.domain import VIETNAM

    rng = random.Random(SEED)
    start = datetime(2011, 1, 1, tzinfo=VIETNAM)
    span_minutes = (datetime(2031, 12, 1, tzinfo=VIETNAM) - start) // timedelta(minutes=1)
    result = []
    for _ in range(count):
        local = start + timedelta(minutes=rng.randrange(span_minutes), seconds=rng.randrange(60))
        moment = local.astimezone(UTC) if rng.random() < 0.2 else local
        result.append((moment, rng.randrange(31)))
    return result


def best_of(repeat: int, run) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--explain-calls", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as data_dir:
        setup_django(data_dir)
        started = time.perf_counter()
        snapshot = production_snapshot()
        build_seconds = time.perf_counter() - started
        cases = inputs(args.calls)
        due = snapshot.due_after_working_days
        explain = snapshot.explain

        def run_due() -> None:
            for received, n in cases:
                due(received, n)

        results = [due(received, n) for received, n in cases]  # warm-up, and the digest
        digest = hashlib.sha256("\n".join(r.isoformat() for r in results).encode()).hexdigest()[:16]
        seconds = best_of(args.repeat, run_due)
        per_second = len(cases) / seconds

        explain_cases = cases[: args.explain_calls]

        def run_explain() -> None:
            for received, n in explain_cases:
                explain(received, n)

        assert all(explain(r, n).due_at == results[i] for i, (r, n) in enumerate(explain_cases[:1000]))
        explain_seconds = best_of(max(3, args.repeat // 2), run_explain)
        explain_per_second = len(explain_cases) / explain_seconds

    print(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}")
    print(
        f"snapshot: {snapshot.first_day}..{snapshot.last_day}, {len(snapshot.days_off)} days off, "
        f"{len(snapshot.extra_working_days)} make-up days, built in {build_seconds * 1000:.0f} ms"
    )
    print(f"inputs: {len(cases):,} receptions (seed {SEED}), periods 0..30 working days; results digest {digest}")
    print(
        f"due_after_working_days: {per_second:,.0f} calls/s, {seconds / len(cases) * 1e6:.2f} µs/call "
        f"(best of {args.repeat} runs of {len(cases):,})"
    )
    print(
        f"explain (not on the hot path): {explain_per_second:,.0f} calls/s, "
        f"{explain_seconds / len(explain_cases) * 1e6:.1f} µs/call (best of {max(3, args.repeat // 2)} runs "
        f"of {len(explain_cases):,})"
    )
    met = per_second > TARGET_PER_SECOND
    print(f"target > {TARGET_PER_SECOND:,}/s: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
