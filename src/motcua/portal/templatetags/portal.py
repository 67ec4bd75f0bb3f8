"""Template helpers of the portal: search highlighting, amounts in đồng."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from unidecode import unidecode

from motcua.core.addresses import full_address

register = template.Library()


@register.filter
def highlight(text: str, tokens: list[str]) -> SafeString:
    """Wrap the words of `text` that match folded search `tokens` in <mark>, keeping diacritics."""
    text = unicodedata.normalize("NFC", str(text))
    if not tokens:
        return mark_safe(escape(text))  # noqa: S308 - escaped just above
    # Fold character by character so that positions in the folded text map back to the original.
    folded_chars: list[str] = []
    owner: list[int] = []
    for index, char in enumerate(text):
        for folded in unidecode(char).lower():
            folded_chars.append(folded)
            owner.append(index)
    folded = "".join(folded_chars)
    marked = [False] * len(text)
    for token in tokens:
        start = folded.find(token)
        while start != -1:
            if start == 0 or not folded[start - 1].isalnum():  # where a word starts, as search matches
                for position in range(start, start + len(token)):
                    marked[owner[position]] = True
            start = folded.find(token, start + 1)
    html: list[str] = []
    open_mark = False
    for char, is_marked in zip(text, marked, strict=True):
        if is_marked and not open_mark:
            html.append("<mark>")
            open_mark = True
        elif not is_marked and open_mark:
            html.append("</mark>")
            open_mark = False
        html.append(escape(char))
    if open_mark:
        html.append("</mark>")
    return mark_safe("".join(html))  # noqa: S308 - every character escaped above


DEMO_FIELD_LABELS = {
    "processing_time": _("processing time"),
    "fees": _("fees"),
    "documents": _("documents"),
    "service_level": _("online service level"),
    "channels": _("channels"),
    "applicant_types": _("applicant types"),
    "result_forms": _("result forms"),
    "steps": _("internal process steps"),
    "form_schema": _("online form"),
}


@register.filter
def demo_labels(fields: list[str]) -> str:
    """The names, in the active language, of the parts of a procedure filled with demo values."""
    return ", ".join(str(DEMO_FIELD_LABELS.get(name, name)) for name in fields)


@register.filter
def applicant_address(applicant: dict[str, Any]) -> str:
    """A draft's address in full: house and street, commune, province."""

    def code(name: str) -> int | None:
        value = str(applicant.get(name) or "")
        return int(value) if value.isdecimal() and len(value) < 10 else None

    return full_address(str(applicant.get("address") or ""), code("commune"), code("province"))
