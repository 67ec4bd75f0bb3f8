"""Settings for the test suite: a throw-away data folder, fast password hashing."""

import os
import tempfile
from urllib.parse import urlsplit

# One throw-away data folder per test process: under pytest-xdist each worker has its own (uploads,
# the demo signing certificate, mail files), as it has its own test database.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker or "MOTCUA_DATA_DIR" not in os.environ:
    os.environ["MOTCUA_DATA_DIR"] = tempfile.mkdtemp(prefix=f"motcua-test-{_worker}-")

from motcua.conf.base import *  # noqa: E402, F403

if REDIS_URL:  # noqa: F405
    # The cache gets a Redis database of its own per test process: tests clear the cache (FLUSHDB),
    # which must wipe neither another process's cache nor the Celery queues and results on REDIS_URL's
    # own database (a Celery test's task vanished when a parallel process cleared the cache).
    _url = urlsplit(REDIS_URL)  # noqa: F405
    _db = int(_url.path.strip("/") or 0) + 1 + int(_worker.removeprefix("gw") or 0)
    CACHES = {"default": {**CACHES["default"], "LOCATION": _url._replace(path=f"/{_db % 16}").geturl()}}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min", "auth_token": "10/min", "lookup": "30/min"},
}

# A read-replica alias as a test mirror of "default" (same database, its own connection), so that the
# router's tests can turn reporting reads to it (override MOTCUA_REPORTS_DATABASE); off by default, so
# every other test reads and writes one database whatever DATABASE_REPLICA_URL says.
DATABASES = {**DATABASES, "replica": {**DATABASES["default"], "TEST": {"MIRROR": "default"}}}  # noqa: F405
MOTCUA_REPORTS_DATABASE = "default"

# Tests travel in time across days (time_machine) within one signed-in session: the 12-hour session
# of the real settings would end in the middle of them. Its own tests set it back.
SESSION_COOKIE_AGE = 14 * 24 * 3600
