"""System checks for the production profile."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def production_database_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    # SQLite is allowed in production (a small commune can run on it) but must be a conscious choice.
    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    allowed = os.environ.get("MOTCUA_ALLOW_SQLITE_IN_PRODUCTION", "") in {"1", "true", "yes"}
    if settings.IS_PRODUCTION and on_sqlite and not allowed:
        return [
            Error(
                "Production runs on SQLite.",
                hint="Set DATABASE_URL to PostgreSQL, or MOTCUA_ALLOW_SQLITE_IN_PRODUCTION=1 for one small office.",
                id="motcua.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def production_fakes_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Fakes of the integrations record messages instead of sending them: never in production."""
    errors: list[Error] = []
    if settings.IS_PRODUCTION and settings.MOTCUA_SMS_GATEWAY == "fake":
        errors.append(
            Error(
                "The SMS gateway is the fake one: applicants would receive nothing.",
                hint="Set MOTCUA_SMS_GATEWAY=http with MOTCUA_SMS_URL, MOTCUA_SMS_API_KEY and MOTCUA_SMS_BRAND.",
                id="motcua.E002",
            )
        )
    if settings.IS_PRODUCTION and "fake" in settings.MOTCUA_PAYMENT_PROVIDERS:
        errors.append(
            Error(
                "The fake payment provider is offered: applicants would 'pay' without paying.",
                hint="Set MOTCUA_PAYMENT_PROVIDERS=gateway with the MOTCUA_PAYMENT_GATEWAY_* settings.",
                id="motcua.E002",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def production_shared_cache_check(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Rate limits (the public lookup, the API, feedback, SMS codes) count in the cache: one for all processes."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.IS_PRODUCTION and backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return [
            Warning(
                "The cache is each process's own memory: every web process counts rate limits by itself.",
                hint="Set REDIS_URL (one Redis for every process and server), or silence motcua.W003 for one process.",
                id="motcua.W003",
            )
        ]
    return []
