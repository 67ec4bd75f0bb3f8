"""`{% undelivered_notices dossier.code %}`: the desk's "not delivered" block on a dossier page."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.notifications.selectors import undelivered_for_dossier

register = template.Library()


@register.inclusion_tag("notifications/_undelivered.html")
def undelivered_notices(dossier_code: str) -> dict[str, Any]:
    return {"undelivered": undelivered_for_dossier(dossier_code)}
