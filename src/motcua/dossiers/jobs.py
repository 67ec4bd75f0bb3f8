"""The dossiers' periodic jobs, run by the embedded worker (`run_worker`)."""

from __future__ import annotations

from motcua.core.worker import periodic_job
from motcua.dossiers.services import dossier_prompt_apologies


@periodic_job("dossiers.apology-prompts", every_seconds=600)
def prompt_apologies() -> None:
    dossier_prompt_apologies()
