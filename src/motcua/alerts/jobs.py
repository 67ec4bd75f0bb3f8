"""The staff alerts' periodic job, run by the embedded worker (`run_worker`)."""

from __future__ import annotations

from motcua.alerts.services import alerts_run_due
from motcua.core.worker import periodic_job


@periodic_job("alerts.staff", every_seconds=300)
def staff_alerts() -> None:
    """Every five minutes: whatever digest, escalation or weekly report is due and not yet sent."""
    alerts_run_due()
