"""Texts that are kept in the records (notes, titles), as opposed to texts shown on a screen."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation


def record_text(message: str, **params: Any) -> str:
    """`message` (marked with `gettext_noop`) in the site's language, whoever's screen caused it.

    A note written when the desk officer's interface is in English is still read by the applicant,
    the register and the national portal in Vietnamese.
    """
    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(message)
    return text % params if params else text
