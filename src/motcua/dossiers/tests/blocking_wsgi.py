"""The production WSGI application with one pause, for test_faults_upload.py only (never deployed).

`gunicorn motcua.dossiers.tests.blocking_wsgi` serves `motcua.wsgi.application` unchanged, except that
the first dossier document row written (its file already stored, its transaction still open) writes
the worker's pid to the file MOTCUA_TEST_PAUSE_MARK and sleeps, so that the test kills that worker at
exactly that point. Later documents (in a new worker) go through without a pause.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models.signals import post_save

from motcua.wsgi import application  # sets Django up

__all__ = ["application"]

MARK = Path(os.environ["MOTCUA_TEST_PAUSE_MARK"])


def _pause_inside_the_transaction(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not MARK.exists():
        assert connection.in_atomic_block
        written = MARK.with_suffix(".tmp")
        written.write_text(str(os.getpid()))
        written.replace(MARK)  # whole, at once
        time.sleep(120)  # the test kills this worker here


post_save.connect(_pause_inside_the_transaction, sender=apps.get_model("dossiers", "DossierDocument"), weak=False)
