"""Official forms as PDF (DOMAIN.md §3): Vietnamese text from data, embedded fonts, A5.

The forms are legal documents and are always in Vietnamese, whatever the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.constants import DocumentCopy, StepActor
from motcua.core.templatetags.formats import dong, phone
from motcua.documents.amounts import in_words
from motcua.dossiers.constants import Action, Timeliness
from motcua.dossiers.models import Dossier, DossierStep
from motcua.payments.constants import PaymentMethod
from motcua.payments.models import Payment


class PdfUnavailable(RuntimeError):
    """WeasyPrint's system libraries (Pango) are missing on this machine."""


def html_to_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as exc:  # pragma: no cover - depends on the machine's libraries
        raise PdfUnavailable("PDF forms need the Pango library (Debian: libpango-1.0-0).") from exc
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A form for the browser to show (not cached: it carries personal data)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def lookup_url(dossier: Dossier) -> str:
    query = urlencode({"code": dossier.code, "secret": dossier.lookup_secret})
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{reverse('portal:lookup')}?{query}"


def qr_svg_data_uri(text: str) -> str:
    return str(segno.make(text, error="m").svg_data_uri(scale=3, border=2))


@dataclass(frozen=True)
class Moment:
    """A time written the way the forms write it: "10 giờ 20 phút, ngày 19 tháng 11 năm 2026"."""

    value: datetime

    def __str__(self) -> str:
        local = timezone.localtime(self.value)
        return f"{local:%H} giờ {local:%M} phút, ngày {local:%d} tháng {local:%m} năm {local:%Y}"


COPY_WORDS: dict[str, str] = {
    DocumentCopy.ORIGINAL: "bản chính",
    DocumentCopy.COPY: "bản sao",
    DocumentCopy.CERTIFIED_COPY: "bản sao có chứng thực",
    DocumentCopy.ORIGINAL_OR_COPY: "bản chính hoặc bản sao",
}


def register_number(dossier: Dossier) -> int:
    """The dossier's number in its desk's register of the year (form 07): by order of reception."""
    assert dossier.received_at is not None
    year = timezone.localtime(dossier.received_at).year
    earlier = Dossier.objects.filter(receiving_agency_id=dossier.receiving_agency_id, received_at__year=year).filter(
        Q(received_at__lt=dossier.received_at) | Q(received_at=dossier.received_at, id__lt=dossier.pk)
    )
    return earlier.count() + 1


class FormNotIssued(LookupError):
    """The dossier never went through the step that issues this form."""


def receipt_pdf(dossier: Dossier) -> bytes:
    """Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, two copies (Liên 1: lưu; Liên 2: giao người nộp)."""
    if dossier.received_at is None:
        raise FormNotIssued(_("The receipt is issued once the dossier is received."))
    version = dossier.procedure_version
    receiving = dossier.receiving_agency
    receiver = dossier.transitions.filter(action=Action.RECEIVE).select_related("actor").first()
    received_at = timezone.localtime(dossier.received_at or dossier.submitted_at or timezone.now())
    url = lookup_url(dossier)
    context = {
        "dossier": dossier,
        "version": version,
        "parent": receiving.parent,
        "receiving": receiving,
        "receiving_point": dossier.receiving_point,
        "documents": list(version.documents.all()),
        "uploaded": list(dossier.documents.all()),
        "fees": list(version.fees.all()),
        "received": Moment(received_at),
        "due": Moment(dossier.effective_due_at) if dossier.effective_due_at else None,
        "place_date": f"ngày {received_at:%d} tháng {received_at:%m} năm {received_at:%Y}",
        "receiver_name": str(receiver.actor) if receiver and receiver.actor else "",
        "lookup_url": url,
        "lookup_page": f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{reverse('portal:lookup')}",
        "qr": qr_svg_data_uri(url),
        "copies": ["Liên 1: Lưu", "Liên 2: Giao người nộp hồ sơ"],
        "handed": [
            {**doc, "copy_kind_label": COPY_WORDS.get(doc["copy_kind"], doc["copy_kind"])}
            for doc in dossier.paper_documents
        ],
        "register_book": received_at.year if dossier.received_at else "",
        "register_number": register_number(dossier) if dossier.received_at else "",
        "phone": phone(dossier.applicant_phone),
    }
    return html_to_pdf(render_to_string("documents/receipt.html", context))


# The notices issued by transitions: form name → (the actions that issue it, its template).
NOTICES: dict[str, tuple[frozenset[str], str]] = {
    "supplement-request": (frozenset({Action.REQUEST_SUPPLEMENT}), "documents/supplement_request.html"),  # 02
    # Form 03: refused at reception, or after appraisal through the desk (Decree 61/2018 Art. 19(8)).
    "refusal": (frozenset({Action.REFUSE_RECEPTION, Action.DENY}), "documents/refusal.html"),
    "apology": (frozenset({Action.EXTEND}), "documents/apology.html"),  # form 04
    "stop": (frozenset({Action.STOP}), "documents/stop.html"),  # form 05 (TT 03/2025)
}


def notice_pdf(dossier: Dossier, form: str) -> bytes:
    """Forms 02 to 05, from the transition that issued them (the latest one)."""
    actions, template = NOTICES[form]
    transition = dossier.transitions.filter(action__in=actions).select_related("actor").order_by("-at", "-id").first()
    if transition is None:
        raise FormNotIssued(form)
    # Forms 04 and 05 are the competent agency's letters; 02 and 03 the receiving desk's.
    issuer = dossier.competent_agency if transition.action in (Action.EXTEND, Action.STOP) else dossier.receiving_agency
    at = timezone.localtime(transition.at)
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "parent": issuer.parent,
        "issuer": issuer,
        "receiving": dossier.receiving_agency,
        "competent": dossier.competent_agency,
        "transition": transition,
        "pause": dossier.pauses.filter(reason=transition.action).order_by("-started_at").first(),
        "officer_name": str(transition.actor) if transition.actor else "",
        "phone": phone(dossier.applicant_phone),
        "place_date": f"ngày {at:%d} tháng {at:%m} năm {at:%Y}",
        "requested": Moment(transition.at),
        "when": Moment(transition.at),
        "received_date": f"{timezone.localtime(dossier.received_at):%d/%m/%Y}" if dossier.received_at else "",
        "original_due": Moment(dossier.due_at) if dossier.due_at else "",
        "new_due": Moment(dossier.extended_due_at) if dossier.extended_due_at else "",
    }
    return html_to_pdf(render_to_string(template, context))


TIMELINESS_WORDS: dict[str, str] = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}


@dataclass(frozen=True)
class SlipRow:
    giver: str
    receiver: str
    at: Moment
    giver_name: str
    receiver_name: str
    result: str
    note: str


def _holder_label(step: DossierStep) -> str:
    return step.unit.name if step.unit is not None else step.agency.name


def _person(user: User | None) -> str:
    return str(user) if user is not None else ""


def control_slip_rows(dossier: Dossier, steps: list[DossierStep]) -> list[SlipRow]:
    """One row per hand-over between holders, judged on the giver's step; then the consultations."""
    rows = [
        SlipRow(
            giver=_holder_label(given),
            receiver=_holder_label(taken),
            at=Moment(taken.started_at),
            giver_name=_person(given.ended_by),
            receiver_name=_person(taken.holder),
            result=TIMELINESS_WORDS.get(given.result, ""),
            note=" ".join(part for part in (given.name + ".", given.note) if part).strip()[:300],
        )
        for given, taken in pairwise(steps)
    ]
    for consultation in dossier.consultations.select_related("unit", "requested_by", "answered_by"):
        lead = dossier.processing_unit.name if dossier.processing_unit else dossier.competent_agency.name
        rows.append(
            SlipRow(
                giver=lead,
                receiver=consultation.unit.name,
                at=Moment(consultation.requested_at),
                giver_name=_person(consultation.requested_by),
                receiver_name=_person(consultation.answered_by),
                result=TIMELINESS_WORDS.get(consultation.result, ""),
                note=f"Xin ý kiến, hạn trả lời {timezone.localtime(consultation.due_at):%d/%m/%Y}.",
            )
        )
    return rows


def control_slip_pdf(dossier: Dossier) -> bytes:
    """Form 06 (TT 01/2018 form 05): Phiếu kiểm soát quá trình giải quyết hồ sơ."""
    now = timezone.localtime()
    steps = list(dossier.steps.select_related("agency", "unit", "holder", "ended_by"))
    partners = sorted({s.agency.name for s in steps if s.actor == StepActor.OTHER_AGENCY})
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "parent": dossier.receiving_agency.parent,
        "receiving": dossier.receiving_agency,
        "competent": dossier.competent_agency,
        "partners": partners,
        "rows": control_slip_rows(dossier, steps),
        "due": Moment(dossier.due_at) if dossier.due_at else "",
        "new_due": Moment(dossier.extended_due_at) if dossier.extended_due_at else "",
        "returned": Moment(dossier.returned_at) if dossier.returned_at else "",
        "place_date": f"ngày {now:%d} tháng {now:%m} năm {now:%Y}",
    }
    return html_to_pdf(render_to_string("documents/control_slip.html", context))


def payment_receipt_pdf(payment: Payment) -> bytes:
    """The receipt of fees paid for a dossier (online or in cash), with the amount in words."""
    dossier = payment.dossier
    paid_at = timezone.localtime(payment.paid_at or payment.created_at)
    context = {
        "payment": payment,
        "dossier": dossier,
        "version": dossier.procedure_version,
        "parent": dossier.competent_agency.parent,
        "issuer": dossier.competent_agency,
        "receiving": dossier.receiving_agency,
        "fees": list(dossier.procedure_version.fees.all()),
        "amount": dong(payment.amount),
        "amount_words": in_words(int(payment.amount)),
        "method": "Tiền mặt tại Bộ phận Một cửa" if payment.method == PaymentMethod.CASH else "Thanh toán trực tuyến",
        "paid_at": f"{paid_at:%H:%M} ngày {paid_at:%d/%m/%Y}",
        "place_date": f"ngày {paid_at:%d} tháng {paid_at:%m} năm {paid_at:%Y}",
        "collector": str(payment.recorded_by) if payment.recorded_by else "(thanh toán trực tuyến)",
    }
    return html_to_pdf(render_to_string("documents/payment_receipt.html", context))


def form_response(dossier: Dossier, form: str) -> HttpResponse:
    """Form 01 (`receipt`) or one of the notices 02–05 of a dossier as PDF; 404 if it was never issued."""
    try:
        if form == "receipt":
            return pdf_response(receipt_pdf(dossier), f"giay-tiep-nhan-{dossier.code}.pdf")
        if form not in NOTICES:
            raise Http404
        return pdf_response(notice_pdf(dossier, form), f"{form}-{dossier.code}.pdf")
    except FormNotIssued as exc:
        raise Http404(str(exc)) from exc


def payment_receipt_response(payment: Payment) -> HttpResponse:
    return pdf_response(payment_receipt_pdf(payment), f"bien-nhan-{payment.reference}.pdf")
