"""Settings for the test suite: a throw-away data folder, fast password hashing."""

import os
import tempfile

# One throw-away data folder per test process: under pytest-xdist each worker has its own (uploads,
# the demo signing certificate, mail files), as it has its own test database.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker or "MOTCUA_DATA_DIR" not in os.environ:
    os.environ["MOTCUA_DATA_DIR"] = tempfile.mkdtemp(prefix=f"motcua-test-{_worker}-")

from motcua.conf.base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min", "auth_token": "10/min", "lookup": "30/min"},
}
