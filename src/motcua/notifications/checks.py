"""System checks of the outbox: no fake channel in production, a broker for Celery mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

_FAKE_MAIL_BACKENDS = ("filebased", "locmem", "console", "dummy")


@register(Tags.security, deploy=True)
def production_channels_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if not settings.IS_PRODUCTION:
        return errors
    if settings.MOTCUA_SMS_FAILOVER_GATEWAY == "fake":
        errors.append(
            Error(
                "The failover SMS gateway is the fake one: messages it takes reach nobody.",
                hint="Set MOTCUA_SMS_FAILOVER_GATEWAY=http with the MOTCUA_SMS_FAILOVER_* settings, or leave it empty.",
                id="motcua.E002",
            )
        )
    if any(name in settings.EMAIL_BACKEND for name in _FAKE_MAIL_BACKENDS):
        errors.append(
            Error(
                "E-mail is written to files, not sent: applicants would receive nothing.",
                hint="Set MOTCUA_EMAIL_HOST (and MOTCUA_EMAIL_PORT, _USER, _PASSWORD) to an SMTP server.",
                id="motcua.E002",
            )
        )
    return errors
