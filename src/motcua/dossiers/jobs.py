"""The dossiers' periodic jobs, run by the embedded worker (`run_worker`)."""

from __future__ import annotations

from motcua.core.worker import periodic_job
from motcua.dossiers.services import dossier_prompt_apologies
from motcua.dossiers.services.orphans import orphan_files_remove


@periodic_job("dossiers.apology-prompts", every_seconds=600)
def prompt_apologies() -> None:
    dossier_prompt_apologies()


@periodic_job("dossiers.orphan-files", every_seconds=24 * 3600)
def remove_orphan_files() -> None:
    """Daily: stored files that no row references, older than MOTCUA_ORPHAN_FILE_GRACE_HOURS (services/orphans.py)."""
    orphan_files_remove()
