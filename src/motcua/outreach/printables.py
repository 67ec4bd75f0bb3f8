"""Printable outreach: leaflets (A5, A4), a poster (A3) and a roadside banner pointing to the online service.

Each one names a procedure (or a field and its procedures), says "Nộp hồ sơ trực tuyến", lists the
steps in short, gives the agency's hotline and carries a QR code to the online application page.
The material is for the public of a Vietnamese agency: it is always in Vietnamese, like the forms.

The banner is for a 6 m × 3 m roadside panel; it is drawn on a 600 mm × 300 mm page (1:10, the same
proportions) for the print shop to scale up: a vector PDF loses nothing when enlarged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.catalog.models import Field, ProcedureVersion
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.templatetags.formats import phone
from motcua.documents.forms import html_to_pdf
from motcua.outreach.selectors import online_versions


@dataclass(frozen=True)
class PrintFormat:
    label: object
    width_mm: int
    height_mm: int
    base_pt: float  # the size of body text; every other size is relative to it
    template: str
    max_procedures: int  # a field's procedures listed by name, the rest counted


FORMATS: dict[str, PrintFormat] = {
    "leaflet-a5": PrintFormat(_("Leaflet, A5"), 148, 210, 10, "outreach/print_portrait.html", 6),
    "leaflet-a4": PrintFormat(_("Leaflet, A4"), 210, 297, 14, "outreach/print_portrait.html", 8),
    "poster-a3": PrintFormat(_("Poster, A3"), 297, 420, 20, "outreach/print_portrait.html", 8),
    "banner": PrintFormat(
        _("Roadside banner, 6 m × 3 m (drawn at 1:10, 600 × 300 mm)"),
        600,
        300,
        30,
        "outreach/print_banner.html",
        0,
    ),
}

STEPS = [
    "Quét mã QR hoặc truy cập địa chỉ in bên dưới.",
    "Đăng nhập hoặc đăng ký tài khoản.",
    "Điền tờ khai, tải lên giấy tờ và nộp phí, lệ phí (nếu có).",
    "Theo dõi hồ sơ và nhận thông báo kết quả qua tin nhắn, thư điện tử.",
]
SHORT_STEPS = ["Quét mã QR", "Đăng nhập", "Điền tờ khai, tải giấy tờ", "Nhận kết quả"]


@dataclass(frozen=True)
class Subject:
    """What one piece of printed material is about."""

    kind: str  # "procedure" or "field"
    key: str  # the procedure's code or the field's code
    title: str
    agency: Agency
    url: str
    field_name: str = ""
    processing: str = ""
    procedures: list[str] = field(default_factory=list)

    @property
    def hotline(self) -> str:
        agency = self.agency
        number = agency.phone or (agency.parent.phone if agency.parent_id and agency.parent else "")
        return phone(number)


def public_url(path: str) -> str:
    """An absolute address on the public site (MOTCUA_PUBLIC_URL, as the receipts' QR codes use)."""
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{path}"


def _processing(version: ProcedureVersion) -> str:
    if version.processing_time is None:
        return ""
    amount = f"{version.processing_time.normalize():f}".replace(".", ",")
    with translation.override("vi"):
        return f"{amount} {version.get_processing_unit_display()}"


def procedure_subject(*, code: str, agency_ids: list[int]) -> Subject:
    """The online-applicable procedure `code` of one of `agency_ids`."""
    version = online_versions(agency_ids).filter(procedure__code=code).first()
    if version is None:
        raise NotFoundError(_("Choose a procedure of your agency that can be applied for online."))
    return Subject(
        kind="procedure",
        key=version.procedure.code,
        title=version.name,
        agency=version.agency,
        url=public_url(reverse("portal:apply", args=[version.procedure.code])),
        field_name=version.field.name,
        processing=_processing(version),
    )


def field_subject(*, code: str, agency_ids: list[int]) -> Subject:
    """Field `code` and its online-applicable procedures, at the first of `agency_ids` that has some."""
    versions = list(online_versions(agency_ids).filter(field__code=code).order_by("agency__code", "name"))
    if not versions:
        raise NotFoundError(_("Choose a field with procedures of your agency that can be applied for online."))
    agency = versions[0].agency
    the_field: Field = versions[0].field
    query = urlencode({"field": the_field.code, "agency": agency.code})
    return Subject(
        kind="field",
        key=the_field.code,
        title=f"Lĩnh vực {the_field.name}",
        agency=agency,
        url=public_url(f"{reverse('portal:procedure-list')}?{query}"),
        field_name=the_field.name,
        procedures=[v.name for v in versions if v.agency_id == agency.pk],
    )


def printable_pdf(subject: Subject, format_key: str) -> bytes:
    """The PDF of `subject` in format `format_key` (a key of FORMATS)."""
    fmt = FORMATS.get(format_key)
    if fmt is None:
        raise DomainError(_("Choose one of the formats offered."), code="invalid", fields={"format": []})
    listed = subject.procedures[: fmt.max_procedures]
    qr = segno.make(subject.url, error="m")
    context = {
        "subject": subject,
        "format": fmt,
        "key": format_key,
        "qr": qr.svg_data_uri(scale=4, border=2),
        "steps": STEPS,
        "short_steps": SHORT_STEPS,
        "listed": listed,
        "more": len(subject.procedures) - len(listed),
        "display_url": subject.url.split("://", 1)[-1],
        "printed_on": timezone.localdate(),
    }
    with translation.override("vi"):
        return html_to_pdf(render_to_string(fmt.template, context))


def printable_filename(subject: Subject, format_key: str) -> str:
    return f"truyen-thong-{subject.key}-{format_key}.pdf"
