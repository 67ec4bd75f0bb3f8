"""`{% load formats %}`: amounts and rates written the Vietnamese way, for pages and forms."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def dong(amount: Decimal | int | None) -> str:
    """1500000 → '1.500.000 đ' (Vietnamese grouping)."""
    if amount is None:
        return ""
    return f"{int(amount):,}".replace(",", ".") + " đ"


@register.filter
def percent(rate: float) -> str:
    """0.5064 → '50,64 %' in Vietnamese, '50.64 %' in English."""
    return f"{number_format(round(rate * 100, 2), 2)} %"
