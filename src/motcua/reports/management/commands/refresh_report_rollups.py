"""`manage.py refresh_report_rollups [--rebuild]`: the daily rollup of receptions (reports/rollup.py)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.reports.rollup import refresh_daily_counts


class Command(BaseCommand):
    help = (
        "Roll up the dossiers received per agency and day for the days that have ended (the worker does it "
        "every hour); --rebuild recomputes every day, after dossiers were loaded or changed in the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="recompute every day, not only the last ones")

    def handle(self, *args: Any, **options: Any) -> None:
        begin = time.perf_counter()
        rows = refresh_daily_counts(rebuild=options["rebuild"])
        self.stdout.write(f"{rows} agency-days rolled up in {time.perf_counter() - begin:.1f} s.")
