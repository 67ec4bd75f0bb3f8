"""Validators shared by every app: Vietnamese phone numbers, text normalisation."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from unidecode import unidecode


def normalise_vietnamese_phone(raw: str) -> str:
    """`0931 015 119` → `+84931015119`; raise ValidationError with what to fix."""
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a phone number such as 0931 015 119.")) from exc
    if not phonenumbers.is_valid_number(number) or number.country_code != 84:
        raise ValidationError(_("%(value)s is not a valid Vietnamese phone number.") % {"value": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def fold(text: str) -> str:
    """Fold Vietnamese text for search: NFC, no diacritics (đ → d), lower case, single spaces.

    `du lich`, `DU LỊCH` and `du lịch` (NFC or NFD) all fold to `du lich`.
    """
    return " ".join(unidecode(unicodedata.normalize("NFC", text)).lower().split())


def search_words(text: str) -> list[str]:
    """The folded words of `text` for search: letters, digits and the dots of codes like 1.001029."""
    return re.findall(r"[a-z0-9]+(?:\.[a-z0-9]+)*", fold(text))
