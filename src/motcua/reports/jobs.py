"""The reports' periodic job, run by the embedded worker (`run_worker`)."""

from __future__ import annotations

from motcua.core.worker import periodic_job
from motcua.reports.rollup import refresh_daily_counts


@periodic_job("reports.daily-receipts", every_seconds=3600)
def roll_up_receipts() -> None:
    refresh_daily_counts()
