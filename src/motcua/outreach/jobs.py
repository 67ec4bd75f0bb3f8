"""The campaigns' periodic job, run by the embedded worker (`run_worker`; in Celery mode too, as the scheduler)."""

from __future__ import annotations

from motcua.core.worker import periodic_job
from motcua.outreach.services.campaigns import campaigns_send_due


@periodic_job("outreach.campaigns", every_seconds=10)
def send_campaigns() -> None:
    """Every ten seconds: the next slice of each campaign that is sending (throttled, outside quiet hours)."""
    campaigns_send_due()
