"""MotCua settings: everything comes from the environment (12-factor).

`MOTCUA_ENV=dev` (default) runs the embedded profile: SQLite in WAL mode and files under
`MOTCUA_DATA_DIR` (default `var/`). `MOTCUA_ENV=production` turns DEBUG off, requires secrets
and enables every `check --deploy` protection.
"""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua.conf.s3 import s3_storages

BASE_DIR = Path(__file__).resolve().parents[3]
SRC_DIR = BASE_DIR / "src" / "motcua"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


MOTCUA_ENV = env("MOTCUA_ENV", "dev")
if MOTCUA_ENV not in {"dev", "production"}:
    raise ImproperlyConfigured("MOTCUA_ENV must be 'dev' or 'production'.")
IS_PRODUCTION = MOTCUA_ENV == "production"

DATA_DIR = Path(env("MOTCUA_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("MOTCUA_DEBUG", default=not IS_PRODUCTION)

SECRET_KEY = env("MOTCUA_SECRET_KEY")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("MOTCUA_SECRET_KEY is required when MOTCUA_ENV=production.")
    SECRET_KEY = "dev-only-insecure-key-motcua-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver")
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("MOTCUA_ALLOWED_HOSTS is required when MOTCUA_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS")

# The dossier lists' covering indexes (INCLUDE columns) are for PostgreSQL; SQLite, the embedded
# default, builds them without the extra columns, which is correct, and Django warns about it.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "motcua.core",
    "motcua.accounts",
    "motcua.workdays",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.payments",
    "motcua.feedback",
    "motcua.notifications",
    "motcua.news",
    "motcua.reports",
    "motcua.dashboards",
    "motcua.alerts",
    "motcua.national_sync",
    "motcua.outreach",
    "motcua.backups",
    "motcua.api",
    "motcua.portal",
    "motcua.desk",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.VietnameseFirstLocaleMiddleware",
    "motcua.core.nul.RefuseNulMiddleware",  # PostgreSQL stores no NUL: refused before any view reads it
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "motcua.core.middleware.SecurityHeadersMiddleware",
    "motcua.news.middleware.VisitCounterMiddleware",  # a day and a number, nothing personal
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "motcua.sqlite3"


def postgres_database(url: str) -> dict:
    """One PostgreSQL alias; with MOTCUA_DB_POOL_MAX > 0, a psycopg connection pool per process."""
    pool_max = int(env("MOTCUA_DB_POOL_MAX", "0"))
    config: dict = dict(dj_database_url.parse(url, conn_max_age=0 if pool_max else 60, conn_health_checks=True))
    options = config.setdefault("OPTIONS", {})
    if pool_max > 0:  # a pool holds its connections itself: CONN_MAX_AGE must be 0
        options["pool"] = {
            "min_size": min(int(env("MOTCUA_DB_POOL_MIN", "1")), pool_max),
            "max_size": pool_max,
            "timeout": float(env("MOTCUA_DB_POOL_TIMEOUT", "10")),  # then the request fails (PoolTimeout)
            "max_idle": 300,
        }
    if env_bool("MOTCUA_DB_PGBOUNCER"):  # pgbouncer in transaction mode keeps no cursor across transactions
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    return config


if env("DATABASE_URL"):
    DATABASES = {"default": postgres_database(env("DATABASE_URL"))}
    # A streaming-replication standby for the reports' and dashboards' heavy reads (motcua.core.db).
    if env("DATABASE_REPLICA_URL"):
        DATABASES["replica"] = postgres_database(env("DATABASE_REPLICA_URL"))
elif env("DATABASE_REPLICA_URL"):
    raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL (PostgreSQL).")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "CONN_MAX_AGE": 60,  # reuse the connection (and its WAL set-up) across requests
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock
                # at BEGIN so two writers queue instead of failing with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The alias the report selectors (@reporting_reads) read from; writes always go to "default".
MOTCUA_REPORTS_DATABASE = "replica" if "replica" in DATABASES else "default"
DATABASE_ROUTERS = ["motcua.core.db.ReplicaRouter"]

# --- Cache (throttling, sessions stay in the database) -------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "motcua"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
AUTHENTICATION_BACKENDS = ["motcua.accounts.backends.PhoneEmailBackend"]
# Sign-in through an OpenID Connect provider (the national electronic identity, VNeID), when configured.
MOTCUA_OIDC_CLIENT_ID = env("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_ISSUER = env("MOTCUA_OIDC_ISSUER", "")
MOTCUA_OIDC_LABEL = env("MOTCUA_OIDC_LABEL", "VNeID")
MOTCUA_OIDC_ID_NUMBER_CLAIM = env("MOTCUA_OIDC_ID_NUMBER_CLAIM", "id_number")
if MOTCUA_OIDC_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("motcua.accounts.oidc.NationalIdentityBackend")
OIDC_RP_CLIENT_ID = MOTCUA_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = env("MOTCUA_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("MOTCUA_OIDC_AUTHORIZATION_URL", "")
OIDC_OP_TOKEN_ENDPOINT = env("MOTCUA_OIDC_TOKEN_URL", "")
OIDC_OP_USER_ENDPOINT = env("MOTCUA_OIDC_USERINFO_URL", "")
OIDC_OP_JWKS_ENDPOINT = env("MOTCUA_OIDC_JWKS_URL", "")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env("MOTCUA_OIDC_SCOPES", "openid profile phone email")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 15
LOGIN_REDIRECT_URL_FAILURE = "/dang-nhap/?oidc=failed"
MOTCUA_SIGNIN_MAX_FAILURES = int(env("MOTCUA_SIGNIN_MAX_FAILURES", "5"))  # then the identifier is locked
MOTCUA_SIGNIN_LOCK_SECONDS = int(env("MOTCUA_SIGNIN_LOCK_SECONDS", "900"))
LOGIN_REDIRECT_URL = "portal:signed-in"
LOGOUT_REDIRECT_URL = "portal:home"

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [SRC_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
# MOTCUA_STORAGE: a folder for uploaded files (default MOTCUA_DATA_DIR/media), or s3://bucket[/prefix]
# with MOTCUA_S3_* (an S3-compatible object store: documents under prefix/private, media under prefix/media).
_storage = env("MOTCUA_STORAGE")
_s3 = _storage.startswith("s3://")
MEDIA_ROOT = Path(_storage).resolve() if _storage and not _s3 else DATA_DIR / "media"
# Dossier documents: never under MEDIA_ROOT, never served without a permission check.
MOTCUA_PRIVATE_DIR = Path(env("MOTCUA_PRIVATE_DIR", str(DATA_DIR / "private"))).resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Dossier documents (motcua.core.storage.document_storage): a private folder or a private bucket.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MOTCUA_PRIVATE_DIR), "base_url": None},
    },
    **(s3_storages(_storage, dict(os.environ)) if _s3 else {}),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the CSRF token is read from the form, not from JavaScript
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A signed-in session ends after this long, used or not (OWASP ASVS 3.3.2: 12 hours at level 2).
SESSION_COOKIE_AGE = int(env("MOTCUA_SESSION_SECONDS", str(12 * 3600)))
# Reverse proxies in front of the web server that append the client's address to X-Forwarded-For.
# 0 (the default unless MOTCUA_BEHIND_PROXY): the header is ignored, since any client can send it;
# rate limits and sign-in lockouts count by the connection's address (motcua/core/clients.py).
MOTCUA_PROXY_COUNT = int(env("MOTCUA_PROXY_COUNT", "1" if env_bool("MOTCUA_BEHIND_PROXY") else "0"))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix: browsers keep such a cookie only if it is Secure, for the whole site (path /)
    # and set by this host alone (no Domain), so a sibling sub-domain cannot plant one (OWASP ASVS 3.4.4).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("MOTCUA_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("MOTCUA_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("MOTCUA_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?$"]

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "motcua.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "motcua.api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "motcua.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("MOTCUA_THROTTLE_ANON", "600/min"),
        "user": env("MOTCUA_THROTTLE_USER", "1200/min"),
        "auth_token": env("MOTCUA_THROTTLE_AUTH", "10/min"),
        "lookup": env("MOTCUA_THROTTLE_LOOKUP", "30/min"),
    },
    "EXCEPTION_HANDLER": "motcua.api.errors.exception_handler",
    # Throttles take the client's address as motcua/core/clients.py does (never a spoofed X-Forwarded-For).
    "NUM_PROXIES": MOTCUA_PROXY_COUNT,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MotCua API",
    "DESCRIPTION": "One-stop administrative procedures: catalog, dossiers, calendar and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "motcua.dossiers.constants.Status",
        "ApplicantKindEnum": "motcua.dossiers.constants.ApplicantKind",
        "ServiceLevelEnum": "motcua.catalog.constants.ServiceLevel",
        "DocumentKindEnum": "motcua.dossiers.constants.DocumentKind",
        "StepActorEnum": "motcua.catalog.constants.StepActor",
        "TimelinessEnum": "motcua.dossiers.constants.Timeliness",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- MotCua ---------------------------------------------------------------------------------
# The calendar snapshot covers these years; deadlines outside them are refused with a clear error.
MOTCUA_CALENDAR_FIRST_YEAR = int(env("MOTCUA_CALENDAR_FIRST_YEAR", "2010"))
MOTCUA_CALENDAR_YEARS_AHEAD = int(env("MOTCUA_CALENDAR_YEARS_AHEAD", "6"))
# The worker counts as stale when its last heartbeat is older than this.
MOTCUA_WORKER_STALE_SECONDS = int(env("MOTCUA_WORKER_STALE_SECONDS", "60"))
# Dossier codes (TT 01/2018 Art. 19): receiving agency's identifier code, YYMMDD, 4-digit daily sequence.
MOTCUA_DOSSIER_CODE_FORMAT = env("MOTCUA_DOSSIER_CODE_FORMAT", "{agency}-{date:%y%m%d}-{seq:04d}")
# The agency the public portal speaks for (its identifier code): its name, address and hotline in the
# header and footer. Empty: the only top-level active agency, if there is exactly one.
MOTCUA_PORTAL_AGENCY = env("MOTCUA_PORTAL_AGENCY", "")
# The address citizens reach the portal at: printed (and QR-coded) on receipts.
MOTCUA_PUBLIC_URL = env("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000")
# A supplement during appraisal must be asked within this many working days of reception
# (Decree 61/2018 Art. 19(4); sectoral law may differ). 0 lifts the limit.
MOTCUA_SUPPLEMENT_APPRAISAL_DAYS = int(env("MOTCUA_SUPPLEMENT_APPRAISAL_DAYS", "3"))
# Decree 61/2018 Art. 15(3), 19(4): a supplement is asked once, fully, at reception and once at appraisal.
MOTCUA_SUPPLEMENTS_PER_STAGE = int(env("MOTCUA_SUPPLEMENTS_PER_STAGE", "1"))
MOTCUA_UPLOAD_MAX_BYTES = int(env("MOTCUA_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
MOTCUA_UPLOAD_MAX_FILES_PER_DOSSIER = int(env("MOTCUA_UPLOAD_MAX_FILES_PER_DOSSIER", "40"))
MOTCUA_STORE_MAX_FILES = int(env("MOTCUA_STORE_MAX_FILES", "200"))  # per applicant's document store
# The daily cleanup removes stored files that no row references once they are this old (an upload in
# flight has written its file but not yet committed its row).
MOTCUA_ORPHAN_FILE_GRACE_HOURS = float(env("MOTCUA_ORPHAN_FILE_GRACE_HOURS", "24"))
if MOTCUA_ORPHAN_FILE_GRACE_HOURS < 0:
    raise ImproperlyConfigured("MOTCUA_ORPHAN_FILE_GRACE_HOURS must be 0 or more.")

# --- Messages --------------------------------------------------------------------------------
# E-mail: SMTP when MOTCUA_EMAIL_HOST is set; otherwise files under var/mail/ that a developer reads.
if env("MOTCUA_EMAIL_HOST", ""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("MOTCUA_EMAIL_HOST", "")
    EMAIL_PORT = int(env("MOTCUA_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("MOTCUA_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env("MOTCUA_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env("MOTCUA_EMAIL_TLS", "1") in {"1", "true", "yes"}
    EMAIL_TIMEOUT = 15
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = env("MOTCUA_EMAIL_FROM", "MotCua <no-reply@motcua.invalid>")
# SMS: `fake` (records, development) or `http` (a brand-name gateway; see integrations/sms/http.py).
MOTCUA_SMS_GATEWAY = env("MOTCUA_SMS_GATEWAY", "fake")
MOTCUA_SMS_URL = env("MOTCUA_SMS_URL", "")
MOTCUA_SMS_API_KEY = env("MOTCUA_SMS_API_KEY", "")
MOTCUA_SMS_BRAND = env("MOTCUA_SMS_BRAND", "MOTCUA")
MOTCUA_SMS_TIMEOUT = float(env("MOTCUA_SMS_TIMEOUT", "10"))
# A second SMS gateway that takes what the first cannot take for a temporary reason: "" (none), `http`, `fake`.
MOTCUA_SMS_FAILOVER_GATEWAY = env("MOTCUA_SMS_FAILOVER_GATEWAY", "")
MOTCUA_SMS_FAILOVER_URL = env("MOTCUA_SMS_FAILOVER_URL", "")
MOTCUA_SMS_FAILOVER_API_KEY = env("MOTCUA_SMS_FAILOVER_API_KEY", "")
MOTCUA_SMS_FAILOVER_BRAND = env("MOTCUA_SMS_FAILOVER_BRAND", "")
# The gateways report delivery to /thong-bao/sms/trang-thai/ with this shared secret (empty: no callback).
MOTCUA_SMS_CALLBACK_SECRET = env("MOTCUA_SMS_CALLBACK_SECRET", "")

# --- Outbox and background work (docs/adr/0008-outbox-and-worker.md) --------------------------
# `embedded`: the `run_worker` process delivers (make run). `celery`: Celery workers on MOTCUA_CELERY_BROKER
# (default REDIS_URL) deliver; `run_worker` then only beats and schedules.
MOTCUA_TASKS = env("MOTCUA_TASKS", "embedded")
if MOTCUA_TASKS not in {"embedded", "celery"}:
    raise ImproperlyConfigured("MOTCUA_TASKS must be 'embedded' or 'celery'.")
MOTCUA_CELERY_BROKER = env("MOTCUA_CELERY_BROKER", "") or REDIS_URL or "redis://127.0.0.1:6379/0"
MOTCUA_OUTBOX_BATCH = int(env("MOTCUA_OUTBOX_BATCH", "100"))  # rows claimed at once by one worker
MOTCUA_OUTBOX_LEASE_SECONDS = float(env("MOTCUA_OUTBOX_LEASE_SECONDS", "120"))  # then another worker may retry
MOTCUA_OUTBOX_RETRY_BASE_SECONDS = float(env("MOTCUA_OUTBOX_RETRY_BASE_SECONDS", "10"))
MOTCUA_OUTBOX_RETRY_MAX_SECONDS = float(env("MOTCUA_OUTBOX_RETRY_MAX_SECONDS", "1800"))
MOTCUA_OUTBOX_MAX_ATTEMPTS = int(env("MOTCUA_OUTBOX_MAX_ATTEMPTS", "15"))  # about 5 hours of retries
# Celery mode: how many drain tasks one tick sends when rows are due (about the number of workers).
MOTCUA_OUTBOX_PARALLEL = int(env("MOTCUA_OUTBOX_PARALLEL", "2"))
# Per-agency rate limit, messages per second (0: none); bursts up to one second's worth.
MOTCUA_OUTBOX_AGENCY_RATE = float(env("MOTCUA_OUTBOX_AGENCY_RATE", "0"))
CELERY_BROKER_URL = MOTCUA_CELERY_BROKER
CELERY_RESULT_BACKEND = MOTCUA_CELERY_BROKER
CELERY_RESULT_EXPIRES = 600
CELERY_TASK_DEFAULT_QUEUE = env("MOTCUA_CELERY_QUEUE", "motcua")
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False


# --- Staff alerts (motcua.alerts) -------------------------------------------------------------
def _clock(name: str, default: str) -> time:
    try:
        return time.fromisoformat(env(name, default))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a time of day, e.g. {default}.") from None


# The daily digest to each official (and the escalation of overdue dossiers) from this local time on
# these weekdays (0 = Monday … 6 = Sunday).
MOTCUA_STAFF_DIGEST_TIME = _clock("MOTCUA_STAFF_DIGEST_TIME", "07:30")
MOTCUA_STAFF_DIGEST_WEEKDAYS = frozenset(int(day) for day in env_list("MOTCUA_STAFF_DIGEST_WEEKDAYS", "0,1,2,3,4"))
# The weekly administrative-reform report for the leaders' meeting: weekday (0 = Monday) and local time.
MOTCUA_REFORM_REPORT_WEEKDAY = int(env("MOTCUA_REFORM_REPORT_WEEKDAY", "4"))
MOTCUA_REFORM_REPORT_TIME = _clock("MOTCUA_REFORM_REPORT_TIME", "15:00")
if not 0 <= MOTCUA_REFORM_REPORT_WEEKDAY <= 6 or not set(range(7)) >= MOTCUA_STAFF_DIGEST_WEEKDAYS:
    raise ImproperlyConfigured("Weekdays are numbers from 0 (Monday) to 6 (Sunday).")

# --- Outreach campaigns (motcua.outreach; docs/adr/0010-outreach-campaigns.md) -------------------
# No campaign message is queued between these local times (the default of a new campaign; each campaign
# may set its own).
MOTCUA_CAMPAIGN_QUIET_FROM = _clock("MOTCUA_CAMPAIGN_QUIET_FROM", "21:00")
MOTCUA_CAMPAIGN_QUIET_UNTIL = _clock("MOTCUA_CAMPAIGN_QUIET_UNTIL", "07:00")
# Messages a campaign queues per minute by default, and the most an agency may set.
MOTCUA_CAMPAIGN_RATE_PER_MINUTE = int(env("MOTCUA_CAMPAIGN_RATE_PER_MINUTE", "30"))
MOTCUA_CAMPAIGN_MAX_RATE_PER_MINUTE = int(env("MOTCUA_CAMPAIGN_MAX_RATE_PER_MINUTE", "600"))
# Online applications within this many days of the message count as its effect (default of a new campaign).
MOTCUA_CAMPAIGN_EFFECT_DAYS = int(env("MOTCUA_CAMPAIGN_EFFECT_DAYS", "90"))

# --- National portal sync (motcua.national_sync; integrations/national_portal) ----------------------
# `fake` (records, development), `http` (the portal's sync API at MOTCUA_NATIONAL_PORTAL_URL) or `off`
# (the default in production until the agency has its credentials for the portal).
MOTCUA_NATIONAL_PORTAL = env("MOTCUA_NATIONAL_PORTAL", "off" if IS_PRODUCTION else "fake")
if MOTCUA_NATIONAL_PORTAL not in {"fake", "http", "off"}:
    raise ImproperlyConfigured("MOTCUA_NATIONAL_PORTAL must be 'fake', 'http' or 'off'.")
MOTCUA_NATIONAL_PORTAL_URL = env("MOTCUA_NATIONAL_PORTAL_URL", "")
MOTCUA_NATIONAL_PORTAL_TOKEN = env("MOTCUA_NATIONAL_PORTAL_TOKEN", "")
MOTCUA_NATIONAL_PORTAL_TIMEOUT = float(env("MOTCUA_NATIONAL_PORTAL_TIMEOUT", "15"))
MOTCUA_NATIONAL_SYNC_BATCH = int(env("MOTCUA_NATIONAL_SYNC_BATCH", "200"))  # dossiers pushed per run

# --- Payments --------------------------------------------------------------------------------
# The providers offered to applicants: `fake` (a page of our own, development) and/or `gateway`
# (a signed-redirect gateway of the VNPay kind: integrations/payment_providers/signed_redirect.py).
MOTCUA_PAYMENT_PROVIDERS = [p for p in env("MOTCUA_PAYMENT_PROVIDERS", "fake").split(",") if p.strip()]
MOTCUA_PAYMENT_GATEWAY_URL = env("MOTCUA_PAYMENT_GATEWAY_URL", "")
MOTCUA_PAYMENT_QUERY_URL = env("MOTCUA_PAYMENT_QUERY_URL", "")
MOTCUA_PAYMENT_MERCHANT = env("MOTCUA_PAYMENT_MERCHANT", "")
MOTCUA_PAYMENT_SECRET = env("MOTCUA_PAYMENT_SECRET", "")
MOTCUA_PAYMENT_ABANDON_HOURS = int(env("MOTCUA_PAYMENT_ABANDON_HOURS", "24"))

# --- Electronic results ---------------------------------------------------------------------------
# The agency's signing certificate and key (PKCS#12); without it, development signs with a self-signed
# demo certificate made under MOTCUA_DATA_DIR/signing/, and production returns results unsigned.
MOTCUA_SIGNING_P12 = env("MOTCUA_SIGNING_P12", "")
MOTCUA_SIGNING_P12_PASSWORD = env("MOTCUA_SIGNING_P12_PASSWORD", "")
