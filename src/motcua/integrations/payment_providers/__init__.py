"""Payment providers chosen by settings: `MOTCUA_PAYMENT_PROVIDERS` lists the ones offered to applicants."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.integrations.payment_providers.base import PaymentProvider

PROVIDERS = {
    "fake": "motcua.integrations.payment_providers.fake.FakePaymentProvider",
    "gateway": "motcua.integrations.payment_providers.signed_redirect.SignedRedirectGateway",
}


def payment_provider(name: str) -> PaymentProvider:
    """One of the configured providers by name; LookupError for any other name."""
    if name not in settings.MOTCUA_PAYMENT_PROVIDERS:
        raise LookupError(name)
    provider: type[PaymentProvider] = import_string(PROVIDERS.get(name, name))
    return provider.from_settings()
