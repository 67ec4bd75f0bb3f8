"""`{% load formats %}`: amounts and rates written the Vietnamese way, for pages and forms."""

from __future__ import annotations

from decimal import Decimal

import phonenumbers
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


@register.filter
def phone(e164: str) -> str:
    """+84912345678 → 0912 345 678, as Vietnamese offices write phone numbers."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
