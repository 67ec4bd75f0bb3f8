"""The fake national portal records pushes instead of sending them: never in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def production_national_portal_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.IS_PRODUCTION and settings.MOTCUA_NATIONAL_PORTAL == "fake":
        return [
            Error(
                "The national portal is the fake one: no dossier reaches the national portal.",
                hint="Set MOTCUA_NATIONAL_PORTAL=http with MOTCUA_NATIONAL_PORTAL_URL and _TOKEN, or =off.",
                id="motcua.E002",
            )
        ]
    return []
