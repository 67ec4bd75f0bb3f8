"""Text messages to Vietnamese mobile phones through a gateway chosen by settings."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.integrations.sms.base import SmsGateway

GATEWAYS = {
    "fake": "motcua.integrations.sms.fake.FakeSmsGateway",
    "http": "motcua.integrations.sms.http.HttpSmsGateway",
}


def sms_gateway() -> SmsGateway:
    """The gateway of `MOTCUA_SMS_GATEWAY` (`fake` or `http`), built from its settings."""
    name = settings.MOTCUA_SMS_GATEWAY
    gateway: type[SmsGateway] = import_string(GATEWAYS.get(name, name))
    return gateway.from_settings()
