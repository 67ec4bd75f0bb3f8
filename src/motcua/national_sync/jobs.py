"""The national portal sync's periodic job, run by the embedded worker (`run_worker`)."""

from __future__ import annotations

from motcua.core.worker import periodic_job
from motcua.national_sync.services import national_sync_run


@periodic_job("national_sync.push", every_seconds=60)
def push_to_national_portal() -> None:
    """Every minute: compute the changed dossiers' records and push those the portal lacks."""
    national_sync_run()
