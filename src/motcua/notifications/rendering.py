"""Templates to text: the message an applicant reads, and the preview an administrator checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation
from django.utils.functional import Promise

from motcua.integrations.sms.base import SmsSegments, sms_segments, without_diacritics
from motcua.notifications.constants import Event, MessageChannel
from motcua.notifications.models import NotificationTemplate


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def template_for(event: str, channel: str, language: str) -> NotificationTemplate | None:
    """The template of `event` in `language`, else in the site's language, else the status-change one."""
    candidates = NotificationTemplate.objects.filter(
        event__in={event, Event.STATUS_CHANGED}, channel=channel, language__in={language, settings.LANGUAGE_CODE}
    )
    ranked = sorted(
        candidates,
        key=lambda t: (t.event != event, t.language != language),
    )
    return ranked[0] if ranked else None


def render(template: NotificationTemplate, context: Mapping[str, Any]) -> Rendered:
    """Render in the template's language; an SMS loses its diacritics when the template says so."""
    with translation.override(template.language):
        values = {key: str(value) if isinstance(value, Promise) else value for key, value in context.items()}
        subject = Template(template.subject).render(Context(values, autoescape=False)).strip()
        body = Template(template.body).render(Context(values, autoescape=False)).strip()
    if template.channel == MessageChannel.SMS:
        body = " ".join(body.split())
        if template.without_diacritics:
            body = without_diacritics(body)
    return Rendered(subject=" ".join(subject.split()), body=body)


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str
    segments: SmsSegments | None
    error: str = ""


def preview(template: NotificationTemplate, context: Mapping[str, Any]) -> Preview:
    try:
        rendered = render(template, context)
    except TemplateSyntaxError as exc:
        return Preview(subject="", body="", segments=None, error=str(exc))
    segments = sms_segments(rendered.body) if template.channel == MessageChannel.SMS else None
    return Preview(subject=rendered.subject, body=rendered.body, segments=segments)


# The variables a template may use, with the values the admin's preview shows.
VARIABLES: dict[str, str] = {
    "code": "000.00.00.H00-260512-0001",
    "applicant": "Nguyễn Văn An",
    "procedure": "Cấp giấy phép tổ chức biểu diễn nghệ thuật",
    "agency": "Sở Văn hóa, Thể thao và Du lịch",
    "officer": "Trần Thị Bình",
    "status": "Đang xử lý",
    "received_at": "12/05/2026 09:30",
    "processed_at": "13/05/2026 14:05",
    "return_at": "19/05/2026 16:30",
    "new_due_at": "22/05/2026 16:30",
    "note": "Bổ sung bản sao kịch bản có xác nhận",
    "lookup_url": "https://dichvucong.example.gov.vn/tra-cuu/",
}
