"""The payments' periodic job, run by the embedded worker (`run_worker`)."""

from __future__ import annotations

from motcua.core.worker import periodic_job
from motcua.payments.services import payments_reconcile


@periodic_job("payments.reconcile", every_seconds=900)
def reconcile() -> None:
    payments_reconcile()
