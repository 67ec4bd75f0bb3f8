"""The officials' workspace: queues, paper intake, a dossier with its actions. Thin views over services."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.constants import OFFICIAL_ROLES, Role, UnitKind
from motcua.accounts.models import Agency, RoleAssignment, Unit, User
from motcua.catalog.constants import StepActor
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.replay import consume_form_token, form_result, issue_form_token, remember_result
from motcua.core.web import report_errors
from motcua.desk.forms import (
    ActionForm,
    ConsultationForm,
    IntakeForm,
    ProcedureChoiceForm,
    UploadForm,
    version_for_intake,
)
from motcua.documents.forms import (
    NOTICES,
    control_slip_pdf,
    form_response,
    payment_receipt_response,
    pdf_response,
)
from motcua.documents.register import register_csv, register_pdf, register_rows, register_xlsx
from motcua.dossiers.constants import INTERNAL_ACTIONS, Action, DocumentKind, ResultDelivery, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import UNIT_SCOPED, roles_on_dossier
from motcua.dossiers.selectors import QUEUES, dossier_fees_due, dossier_for_user, dossier_queue
from motcua.dossiers.services import (
    ApplicantData,
    document_kinds_allowed,
    dossier_access_record,
    dossier_create,
    dossier_document_add,
    dossier_transition,
)
from motcua.dossiers.services.consultations import consultation_answer, consultation_request
from motcua.dossiers.services.delivery import Delivery
from motcua.dossiers.services.steps import next_planned_step
from motcua.dossiers.states import RULES, allowed_actions
from motcua.feedback.selectors import ratings_for
from motcua.feedback.services import rating_reviewed
from motcua.outreach.services.consent import consent_at_desk
from motcua.payments.constants import PaymentStatus
from motcua.payments.services import payment_record_cash

QUEUE_LABELS = {
    "mine": gettext_lazy("My work"),
    "online": gettext_lazy("Online dossiers to check"),
    "due_soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
    "apology": gettext_lazy("About to be late"),
    "supplement": gettext_lazy("Awaiting supplement"),
    "ready": gettext_lazy("Ready to return"),
    "all": gettext_lazy("All"),
}


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views below are only reached signed in)."""
    assert isinstance(request.user, User)
    return request.user


NOTICE_LABELS = {
    "supplement-request": gettext_lazy("Supplement request (form 02, PDF)"),
    "refusal": gettext_lazy("Refusal (form 03, PDF)"),
    "apology": gettext_lazy("Apology and new date (form 04, PDF)"),
    "stop": gettext_lazy("Stop notice (form 05, PDF)"),
}


def official_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, and holding at least one official role."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not RoleAssignment.objects.filter(user=_user(request), role__in=OFFICIAL_ROLES).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@official_required
def queue(request: HttpRequest) -> HttpResponse:
    from motcua.dossiers.selectors import QUEUE_COUNT_LIMIT  # read at each call: tests lower it

    name = request.GET.get("queue", "mine")
    if name not in QUEUES:
        name = "mine"
    q = request.GET.get("q", "")[:100]
    dossiers = dossier_queue(user=_user(request), queue=name, q=q)
    # Counted up to QUEUE_COUNT_LIMIT (10,000) dossiers, further when a later page is asked for: past
    # that the page says "more than 10,000", which is true, instead of reading the whole list.
    wanted = request.GET.get("page", "")
    limit = max(QUEUE_COUNT_LIMIT, min(int(wanted) if wanted.isdecimal() and len(wanted) < 10 else 1, 1_000_000) * 25)
    paginator = Paginator(dossiers, 25)
    paginator.count = dossiers.count_upto(limit)
    page = paginator.get_page(wanted)
    return render(
        request,
        "desk/queue.html",
        {
            "queue": name,
            "queues": [(key, QUEUE_LABELS[key]) for key in QUEUES],
            "q": q,
            "page": page,
            "query": urlencode({"queue": name, "q": q}),
            "more_than": limit if paginator.count > limit else None,
        },
    )


@official_required
def intake(request: HttpRequest) -> HttpResponse:
    """A paper dossier: choose the procedure, tick its documents, record the applicant, issue the receipt."""
    agency_ids = list(
        RoleAssignment.objects.filter(user=_user(request), role="desk_officer").values_list("agency_id", flat=True)
    )
    if not agency_ids:
        raise PermissionDenied
    code = request.POST.get("procedure") or request.GET.get("procedure", "")
    chooser = ProcedureChoiceForm(initial={"procedure": code}, agency_ids=agency_ids)
    version = version_for_intake(agency_ids, code)
    if version is None:
        if code:
            messages.error(request, _("Choose a procedure of your agency."))
        return render(request, "desk/intake.html", {"chooser": chooser})
    form = IntakeForm(request.POST or None, version=version)
    token = request.POST.get("form_token", "")
    context: dict[str, Any] = {"chooser": chooser, "form": form, "version": version}
    if request.method == "POST" and not consume_form_token(request, token):
        made = form_result(request, token)
        if made:
            messages.warning(request, _("This dossier was already received; the receipt is below."))
            return redirect("desk:dossier", code=made)
        messages.error(request, _("The form had expired; check the values and send it again."))
        return render(request, "desk/intake.html", {**context, "form_token": issue_form_token(request)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the dossier and the applicant's consent, or neither
                dossier = dossier_create(
                    actor=_user(request),
                    procedure_code=version.procedure.code,
                    channel=data["channel"],
                    applicant=ApplicantData(
                        kind=data["applicant_kind"],
                        name=data["applicant_name"],
                        id_number=data["applicant_id_number"],
                        tax_code=data["applicant_tax_code"],
                        phone=data["applicant_phone"],
                        email=data["applicant_email"],
                        province=data["applicant_province"],
                        commune=data["applicant_commune"],
                        address=data["applicant_address"],
                        representative_name=data["representative_name"],
                    ),
                    paper_documents=form.paper_documents(),
                    guidance_if_incomplete=request.POST.get("decision") == "guidance",
                    delivery=Delivery(
                        method=ResultDelivery.POST,
                        recipient=data["applicant_name"],
                        phone=data["applicant_phone"],
                        province=data["applicant_province"],
                        commune=data["applicant_commune"],
                        address=data["applicant_address"],
                    )
                    if data["result_by_post"]
                    else None,
                )
                if data["outreach_consent"]:
                    consent_at_desk(dossier=dossier, actor=_user(request))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(_form_field(field), errors)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            remember_result(request, token, dossier.code)
            if dossier.status == Status.SUPPLEMENT_REQUESTED:
                message = _("Dossier %(code)s is incomplete: print the guidance (form 02) for the applicant.")
            else:
                message = _("Dossier %(code)s received. Print the receipt for the applicant.")
            messages.success(request, message % {"code": dossier.code})
            return redirect("desk:dossier", code=dossier.code)
    return render(request, "desk/intake.html", {**context, "form_token": issue_form_token(request)})


def _form_field(field: str) -> str | None:
    """The intake form's field for a model field named in a service error."""
    return field if field in IntakeForm.base_fields else None


def _visible(request: HttpRequest, code: str) -> Dossier:
    try:
        return dossier_for_user(user=_user(request), code=code)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc


@official_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    dossier = _visible(request, code)
    dossier_access_record(dossier=dossier, user=user, what="dossier")
    roles = roles_on_dossier(user, dossier)
    step = dossier.current_step
    actions = [
        (a, Action(a).label, RULES[a].needs_note, a in INTERNAL_ACTIONS)
        for a in allowed_actions(dossier.status, roles, step.actor if step else "")
    ]
    following = next_planned_step(dossier)
    taken = set(dossier.transitions.values_list("action", flat=True))
    divisions = Unit.objects.filter(agency=dossier.competent_agency, kind=UnitKind.DIVISION, is_active=True)
    my_units = RoleAssignment.objects.filter(user=user, role__in=UNIT_SCOPED).values_list("unit_id", flat=True)
    consultations = list(dossier.consultations.select_related("unit", "requested_by", "answered_by"))
    upload_kinds = document_kinds_allowed(dossier, roles)
    can_consult = (
        dossier.status == Status.IN_PROCESSING
        and step is not None
        and step.actor == StepActor.DIVISION
        and bool(Role.DIVISION_HEAD in roles or (Role.SPECIALIST in roles and dossier.assignee_id == user.pk))
    )
    return render(
        request,
        "desk/dossier.html",
        {
            "dossier": dossier,
            "payment_due": dossier_fees_due(dossier) if dossier.status == Status.PAYMENT_REQUESTED else None,
            "payments": dossier.payments.select_related("recorded_by"),
            "can_consult": can_consult,
            "form_token": issue_form_token(request) if can_consult else "",
            "step": step,
            "actions": actions,
            "next_step": following,
            "partner_agencies": Agency.objects.filter(is_active=True).exclude(pk=dossier.competent_agency_id)
            if following is not None and following.actor == StepActor.OTHER_AGENCY
            else Agency.objects.none(),
            "divisions": divisions,
            "specialists": User.objects.filter(
                role_assignments__role="specialist", role_assignments__unit_id=dossier.processing_unit_id
            ).distinct()
            if dossier.processing_unit_id
            else User.objects.none(),
            "steps": dossier.steps.select_related("agency", "unit", "holder"),
            "consultations": consultations,
            "answerable": {c.pk for c in consultations if c.answered_at is None and c.unit_id in set(my_units)},
            "consult_units": divisions.exclude(pk=dossier.processing_unit_id or 0),
            "upload_kinds": [(kind, DocumentKind(kind).label) for kind in upload_kinds],
            "required_documents": dossier.procedure_version.documents.all(),
            "history": dossier.transitions.select_related("actor"),
            "documents": dossier.documents.all(),
            "pauses": dossier.pauses.all(),
            "notices": [(form, label) for form, label in NOTICE_LABELS.items() if NOTICES[form][0] & taken],
        },
    )


def _form_errors(form: forms.Form) -> str:
    """A refused form's errors in one message, each after its field's label, for a page that redirects."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        parts += [f"{label}: {error}" if label else str(error) for error in errors]
    return " ".join(parts)


@official_required
@require_POST
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    _visible(request, code)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("desk:dossier", code=code)
    data = form.cleaned_data
    report_errors(
        request,
        lambda: dossier_transition(
            code=code,
            action=action,
            actor=_user(request),
            note=data["note"],
            internal_note=data["internal_note"],
            unit_code=data["unit"],
            assignee_username=data["assignee"],
            agency_code=data["agency"],
            new_due_at=data["new_due_at"],
            expected_status=data["expected_status"],
            expected_step=data["expected_step"],
            tracking_number=data["tracking_number"],
        ),
        _("Done: %(action)s.") % {"action": Action(action).label if action in Action.values else action},
    )
    return redirect("desk:dossier", code=code)


@official_required
@require_POST
def cash_payment(request: HttpRequest, code: str) -> HttpResponse:
    """The desk received the fees in cash: recorded, and the dossier's payment request settled."""
    _visible(request, code)
    raw = request.POST.get("amount", "").replace(".", "").replace(",", "").replace(" ", "").strip()
    if not raw.isdecimal() or len(raw) > 12:
        messages.error(request, _("Enter the amount received, in đồng."))
        return redirect("desk:dossier", code=code)
    report_errors(
        request,
        lambda: payment_record_cash(code=code, actor=_user(request), amount=Decimal(raw)),
        _("Payment recorded; the processing time runs again."),
    )
    return redirect("desk:dossier", code=code)


@official_required
def payment_receipt(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    dossier = _visible(request, code)
    payment = dossier.payments.filter(reference=reference, status=PaymentStatus.PAID).first()
    if payment is None:
        raise Http404
    return payment_receipt_response(payment)


@official_required
@require_POST
def upload(request: HttpRequest, code: str) -> HttpResponse:
    """Scans at the desk, or the result document of the division and the leader."""
    _visible(request, code)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("desk:dossier", code=code)
    data = form.cleaned_data
    report_errors(
        request,
        lambda: dossier_document_add(
            code=code,
            actor=_user(request),
            file=data["file"],
            kind=data["kind"],
            required_document_id=data["required_document"],
        ),
        _("File attached."),
    )
    return redirect("desk:dossier", code=code)


@official_required
@require_POST
def consult(request: HttpRequest, code: str) -> HttpResponse:
    _visible(request, code)
    form = ConsultationForm(request.POST)
    if not consume_form_token(request, request.POST.get("form_token", "")):
        messages.error(request, _("This form was already sent; the page below shows the result."))
    elif form.is_valid():
        data = form.cleaned_data
        report_errors(
            request,
            lambda: consultation_request(
                code=code,
                actor=_user(request),
                unit_id=data["unit"],
                question=data["question"],
                working_days=data["working_days"],
            ),
            _("The unit has been asked."),
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("desk:dossier", code=code)


@official_required
@require_POST
def answer(request: HttpRequest, code: str, consultation_id: int) -> HttpResponse:
    _visible(request, code)
    text = request.POST.get("answer", "")[:4000]
    report_errors(
        request,
        lambda: consultation_answer(consultation_id=consultation_id, actor=_user(request), answer=text),
        _("Your unit's opinion has been sent."),
    )
    return redirect("desk:dossier", code=code)


@official_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    return form_response(_visible(request, code), "receipt")


@official_required
def notice(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """Forms 02 (supplement request), 03 (refusal), 04 (apology and new date), 05 (stop) as PDF."""
    return form_response(_visible(request, code), form)


@official_required
def control_slip(request: HttpRequest, code: str) -> HttpResponse:
    """Form 06: every hand-over with its time and whether the giver was early, on time or late."""
    dossier = _visible(request, code)
    return pdf_response(control_slip_pdf(dossier), f"phieu-kiem-soat-{dossier.code}.pdf")


REGISTER_FORMATS = {
    "pdf": (register_pdf, "application/pdf"),
    "csv": (register_csv, "text/csv; charset=utf-8"),
    "xlsx": (register_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@official_required
def ratings(request: HttpRequest) -> HttpResponse:
    """The applicants' ratings for the agency's leaders and desk: unhappy ones first, until seen."""
    user = _user(request)
    listing = ratings_for(user)
    if request.method == "POST":
        seen = request.POST.get("seen", "")
        rating = listing.filter(pk=int(seen)).first() if seen.isdecimal() and len(seen) < 12 else None
        if rating is None:
            raise Http404
        rating_reviewed(rating=rating, by=user)
        return redirect("desk:ratings")
    page = Paginator(listing, 50).get_page(request.GET.get("page"))
    return render(request, "desk/ratings.html", {"page": page})


@official_required
def register(request: HttpRequest) -> HttpResponse:
    """Form 07: the register of the year, for the desk and the leaders of the receiving agency."""
    agencies = Agency.objects.filter(
        role_assignments__user=_user(request), role_assignments__role__in=[Role.DESK_OFFICER, Role.AGENCY_LEADER]
    ).distinct()
    if not agencies:
        raise PermissionDenied
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year)
    agency = agencies.filter(code=request.GET.get("agency", "")).first() or agencies.first()
    assert agency is not None
    export = request.GET.get("format", "")
    if export in REGISTER_FORMATS:
        build, content_type = REGISTER_FORMATS[export]
        response = HttpResponse(build(agency, year), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="so-theo-doi-{agency.code}-{year}.{export}"'
        response["Cache-Control"] = "private, no-store"
        return response
    page = Paginator(list(register_rows(agency, year)), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/register.html",
        {
            "agency": agency,
            "agencies": agencies,
            "year": year,
            "query": urlencode({"agency": agency.code, "year": year}),
            "years": range(this_year, this_year - 6, -1),
            "page": page,
        },
    )
