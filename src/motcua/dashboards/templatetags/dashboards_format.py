"""Working time as the dashboard shows it: hours with one decimal, and the same in working days."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def hours(value: Any) -> str:
    """12.25 → "12,3" (in Vietnamese); None → "—"."""
    if value is None or value == "":
        return "—"
    return str(number_format(round(float(value), 1), 1))


@register.filter
def workdays(value: Any, hours_per_day: Any) -> str:
    """Working hours as working days, one decimal: 12 hours of an 8-hour day → "1,5"."""
    if value is None or value == "" or not hours_per_day:
        return "—"
    return str(number_format(round(float(value) / float(hours_per_day), 1), 1))


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`mapping[key]` in a template (keys with dots, such as "received.new")."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return ""
