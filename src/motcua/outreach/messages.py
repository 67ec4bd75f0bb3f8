"""A campaign's words: the placeholders a leader may write, and the message one person receives.

Placeholders are `{link}`, `{procedure}` and `{agency}` (constants.PLACEHOLDERS). Every message ends
with the line that withdraws the person's consent in one click, whatever the text says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.integrations.sms.base import SmsSegments, sms_segments, without_diacritics
from motcua.notifications.constants import MessageChannel
from motcua.outreach.constants import PLACEHOLDERS

_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


def text_problems(text: str) -> list[str]:
    """What is wrong with a campaign's text: unknown placeholders, or no `{link}`."""
    problems: list[str] = []
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        problems.append(
            _("Unknown placeholder(s): %(names)s. Use {link}, {procedure} or {agency}.")
            % {"names": ", ".join("{" + name + "}" for name in unknown)}
        )
    if "{link}" not in text:
        problems.append(_("The text must contain {link}: the person's link to the online application."))
    return problems


def _fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def public_url(path: str) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{path}"


def link_urls(token: str) -> tuple[str, str]:
    """(the tracked link, the withdrawal link) of one recipient: nothing personal in them."""
    return (
        public_url(reverse("links:follow", args=[token])),
        public_url(reverse("links:opt-out", args=[token])),
    )


@dataclass(frozen=True)
class CampaignMessage:
    subject: str
    body: str

    @property
    def segments(self) -> SmsSegments:
        return sms_segments(self.body)


def campaign_message(
    *,
    channel: str,
    text: str,
    subject: str,
    without_marks: bool,
    token: str,
    procedure: str,
    agency: str,
) -> CampaignMessage:
    """The message one person receives: the text with its placeholders filled and the withdrawal line.

    Public messages speak the site's language (Vietnamese), like the printed outreach.
    """
    link, opt_out = link_urls(token)
    values = {"link": link, "procedure": procedure, "agency": agency}
    with translation.override(settings.LANGUAGE_CODE):
        stop_line = _("To stop these messages: %(url)s") % {"url": opt_out}
    body = _fill(text, values).strip()
    if channel == MessageChannel.SMS:
        body = " ".join(f"{body} {stop_line}".split())
        if without_marks:
            body = without_diacritics(body)
    else:
        body = f"{body}\n\n--\n{stop_line}"
    return CampaignMessage(subject=" ".join(_fill(subject, values).split())[:255], body=body)
