"""`{% pakn_figures_panel %}`: this year's PAKN figures of the signed-in official's agency, for any desk page
(the leader's ratings page shows them next to the ratings)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils import timezone

from motcua.accounts.models import User
from motcua.feedback.selectors import pakn_agencies, pakn_figures

register = template.Library()


@register.inclusion_tag("desk/feedback_panel.html", takes_context=True)
def pakn_figures_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"figures": None}
    agency = pakn_agencies(user).order_by("name").first()
    if agency is None:
        return {"figures": None}
    today = timezone.localdate()
    return {"figures": pakn_figures(agency=agency, start=date(today.year, 1, 1), end=today)}
