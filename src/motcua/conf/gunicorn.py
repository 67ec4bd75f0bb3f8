"""gunicorn settings for the scaled deployment (docs/operators/deployment.md), read from the environment.

Start the web tier with::

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=motcua.conf.base \
        .venv/bin/gunicorn motcua.wsgi --config python:motcua.conf.gunicorn

Every setting has a variable (`GUNICORN_*`, plus the conventional `WEB_CONCURRENCY` and `PORT`), so a
systemd unit or a container sets numbers without editing this file. A command-line flag given after
`--config` still wins over this module.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _str(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


_cores = os.cpu_count() or 1

# --- Where to listen -------------------------------------------------------------------------------
# Behind a reverse proxy on the same machine: 127.0.0.1 (the default). GUNICORN_BIND overrides all.
bind = [_str("GUNICORN_BIND", f"{_str('GUNICORN_HOST', '127.0.0.1')}:{_int('PORT', 8000)}")]
backlog = _int("GUNICORN_BACKLOG", 2048)

# --- Workers ---------------------------------------------------------------------------------------
# Processes: the classic 2 × cores + 1. Each process holds its own database connection (or pool),
# so workers × threads × pool size must stay under PostgreSQL's max_connections (or pgbouncer's pool).
workers = _int("WEB_CONCURRENCY", 2 * _cores + 1)
# gthread with a few threads per process absorbs slow clients and slow I/O (S3, PDF rendering) without
# more memory; sync (threads=1) is the simplest and fits a proxy that buffers requests (nginx does).
threads = _int("GUNICORN_THREADS", 2)
worker_class = _str("GUNICORN_WORKER_CLASS", "gthread" if threads > 1 else "sync")
worker_connections = _int("GUNICORN_WORKER_CONNECTIONS", 1000)

# A request that takes longer than this is killed (its worker restarts); exports and reports stay
# well under it. Graceful: the time a worker gets to finish its requests on reload or stop.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Restart each worker after about this many requests (jitter spreads the restarts) against slow
# memory growth; 0 turns it off.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max(max_requests // 10, 0))

# Load Django once in the master and fork: faster starts and shared memory. Database connections
# are opened lazily per request, so none is shared across the fork.
preload_app = _bool("GUNICORN_PRELOAD", True)

# --- Hostile input -------------------------------------------------------------------------------
# A request line (method, path and query) and headers beyond these are refused with 4xx before
# Django sees them. Upload size is Django's (MOTCUA_UPLOAD_MAX_BYTES) and the proxy's.
limit_request_line = _int("GUNICORN_LIMIT_REQUEST_LINE", 4094)
limit_request_fields = _int("GUNICORN_LIMIT_REQUEST_FIELDS", 100)
limit_request_field_size = _int("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 8190)

# --- Proxy ---------------------------------------------------------------------------------------
# The addresses whose X-Forwarded-* headers are trusted (the reverse proxy); "*" only when gunicorn
# is reachable from nothing but the proxy.
forwarded_allow_ips = _str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Logs ----------------------------------------------------------------------------------------
# "-" is standard output (journald, the container log). %(M)s is the request time in milliseconds.
# The path is logged without its query string, and without the referrer: the public lookup carries
# the receipt's secret in its query (ASVS 7.1.1, no secrets in logs).
accesslog = _str("GUNICORN_ACCESS_LOG", "-") if _bool("GUNICORN_ACCESS_LOG_ENABLED", True) else None
errorlog = _str("GUNICORN_ERROR_LOG", "-")
loglevel = _str("GUNICORN_LOG_LEVEL", "info")
access_log_format = _str(
    "GUNICORN_ACCESS_LOG_FORMAT",
    '%({x-forwarded-for}i)s %(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"',
)
proc_name = _str("GUNICORN_PROC_NAME", "motcua-web")

# Worker heartbeat files on a RAM disk when there is one (a slow /tmp makes healthy workers time out).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
