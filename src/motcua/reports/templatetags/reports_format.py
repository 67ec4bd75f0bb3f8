"""Rates as the pages show them: a percentage with 2 decimals (CONTRACT.md §5)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from motcua.reports.access import SCORE_ROLES, report_agencies

register = template.Library()


@register.filter
def percent(rate: Any) -> str:
    """0.61435 → "61,44 %" (in Vietnamese); None → "—"."""
    if rate is None or rate == "":
        return "—"
    return f"{number_format(float(rate) * 100, 2)} %"


@register.filter
def points(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return number_format(float(value), 2)


@register.simple_tag(takes_context=True)
def reads_scores(context: Any) -> bool:
    """Whether the signed-in user may read the TT 01/2018 scores (for the reports' tabs)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and report_agencies(user, SCORE_ROLES))
