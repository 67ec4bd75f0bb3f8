"""The Celery application (MOTCUA_TASKS=celery): `celery -A motcua worker` runs the outbox's workers.

Settings come from Django's, prefixed CELERY_ (motcua.conf.base). See docs/adr/0008-outbox-and-worker.md.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.base")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["motcua.notifications"])
