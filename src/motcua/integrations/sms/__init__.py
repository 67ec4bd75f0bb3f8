"""Text messages to Vietnamese mobile phones through a gateway chosen by settings."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.integrations.sms.base import SmsGateway
from motcua.integrations.sms.failover import FailoverSmsGateway
from motcua.integrations.sms.http import HttpSmsGateway

GATEWAYS = {
    "fake": "motcua.integrations.sms.fake.FakeSmsGateway",
    "http": "motcua.integrations.sms.http.HttpSmsGateway",
}


def sms_gateway() -> SmsGateway:
    """The gateway of `MOTCUA_SMS_GATEWAY` (`fake` or `http`), built from its settings.

    With `MOTCUA_SMS_FAILOVER_GATEWAY` set, a second gateway takes what the first cannot take for a
    temporary reason (`http`: from the `MOTCUA_SMS_FAILOVER_*` settings).
    """
    name = settings.MOTCUA_SMS_GATEWAY
    gateway: type[SmsGateway] = import_string(GATEWAYS.get(name, name))
    primary = gateway.from_settings()
    failover = getattr(settings, "MOTCUA_SMS_FAILOVER_GATEWAY", "")
    if not failover:
        return primary
    if failover == "http":
        secondary: SmsGateway = HttpSmsGateway(
            url=settings.MOTCUA_SMS_FAILOVER_URL,
            api_key=settings.MOTCUA_SMS_FAILOVER_API_KEY,
            brand=settings.MOTCUA_SMS_FAILOVER_BRAND or settings.MOTCUA_SMS_BRAND,
            timeout=settings.MOTCUA_SMS_TIMEOUT,
            name="http-failover",
        )
    else:
        secondary = import_string(GATEWAYS.get(failover, failover)).from_settings()
    return FailoverSmsGateway(primary, secondary)
