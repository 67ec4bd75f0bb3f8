"""The national portal (DVCQG) dossier sync, through the adapter chosen by settings."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.integrations.national_portal.base import NationalPortal

PORTALS = {
    "fake": "motcua.integrations.national_portal.fake.FakeNationalPortal",
    "http": "motcua.integrations.national_portal.http.HttpNationalPortal",
}


def national_portal() -> NationalPortal:
    """The adapter of `MOTCUA_NATIONAL_PORTAL` (`fake` or `http`; `off` is checked by the caller)."""
    name = settings.MOTCUA_NATIONAL_PORTAL
    portal: type[NationalPortal] = import_string(PORTALS.get(name, name))
    return portal.from_settings()
