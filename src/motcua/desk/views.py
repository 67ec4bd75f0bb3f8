"""The officials' workspace: queues, paper intake, a dossier with its actions. Thin views over services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.constants import OFFICIAL_ROLES, UnitKind
from motcua.accounts.models import RoleAssignment, Unit, User
from motcua.core.errors import DomainError, NotFoundError
from motcua.desk.forms import ActionForm, IntakeForm
from motcua.documents.forms import NOTICES, FormNotIssued, notice_pdf, pdf_response, receipt_pdf
from motcua.dossiers.constants import Action
from motcua.dossiers.permissions import roles_on_dossier
from motcua.dossiers.selectors import QUEUES, dossier_for_user, dossier_queue
from motcua.dossiers.services import (
    ApplicantData,
    dossier_access_record,
    dossier_create,
    dossier_transition,
)
from motcua.dossiers.states import RULES, allowed_actions

QUEUE_LABELS = {
    "mine": gettext_lazy("My work"),
    "online": gettext_lazy("Online dossiers to check"),
    "due_soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
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
    name = request.GET.get("queue", "mine")
    if name not in QUEUES:
        name = "mine"
    q = request.GET.get("q", "")[:100]
    page = Paginator(dossier_queue(user=_user(request), queue=name, q=q), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/queue.html",
        {"queue": name, "queues": [(key, QUEUE_LABELS[key]) for key in QUEUES], "q": q, "page": page},
    )


@official_required
def intake(request: HttpRequest) -> HttpResponse:
    agency_ids = list(
        RoleAssignment.objects.filter(user=_user(request), role="desk_officer").values_list("agency_id", flat=True)
    )
    if not agency_ids:
        raise PermissionDenied
    form = IntakeForm(request.POST or None, agency_ids=agency_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = dossier_create(
                actor=_user(request),
                procedure_code=data["procedure"],
                channel=data["channel"],
                applicant=ApplicantData(
                    kind=data["applicant_kind"],
                    name=data["applicant_name"],
                    id_number=data["applicant_id_number"],
                    tax_code=data["applicant_tax_code"],
                    phone=data["applicant_phone"],
                    email=data["applicant_email"],
                    address=data["applicant_address"],
                    representative_name=data["representative_name"],
                ),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(_form_field(field), errors)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request, _("Dossier %(code)s received. Print the receipt for the applicant.") % {"code": dossier.code}
            )
            return redirect("desk:dossier", code=dossier.code)
    return render(request, "desk/intake.html", {"form": form})


def _form_field(field: str) -> str | None:
    """The intake form's field for a model field named in a service error."""
    return field if field in IntakeForm.base_fields else None


@official_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = dossier_for_user(user=_user(request), code=code)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    dossier_access_record(dossier=dossier, user=_user(request), what="dossier")
    roles = roles_on_dossier(_user(request), dossier)
    actions = [(a, Action(a).label, RULES[a].needs_note) for a in allowed_actions(dossier.status, roles)]
    taken = set(dossier.transitions.values_list("action", flat=True))
    divisions = Unit.objects.filter(agency=dossier.competent_agency, kind=UnitKind.DIVISION, is_active=True)
    return render(
        request,
        "desk/dossier.html",
        {
            "dossier": dossier,
            "actions": actions,
            "divisions": divisions,
            "specialists": User.objects.filter(
                role_assignments__role="specialist", role_assignments__unit_id=dossier.processing_unit_id
            ).distinct()
            if dossier.processing_unit_id
            else User.objects.none(),
            "history": dossier.transitions.select_related("actor"),
            "documents": dossier.documents.all(),
            "pauses": dossier.pauses.all(),
            "notices": [(form, label) for form, label in NOTICE_LABELS.items() if NOTICES[form][0] in taken],
        },
    )


@official_required
@require_POST
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the values you entered."))
        return redirect("desk:dossier", code=code)
    try:
        dossier_for_user(user=_user(request), code=code)
        dossier_transition(
            code=code,
            action=action,
            actor=_user(request),
            note=form.cleaned_data["note"],
            internal_note=form.cleaned_data["internal_note"],
            unit_code=form.cleaned_data["unit"],
            assignee_username=form.cleaned_data["assignee"],
            new_due_at=form.cleaned_data["new_due_at"],
            expected_status=form.cleaned_data["expected_status"],
        )
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    except PermissionDenied:
        messages.error(request, _("Your role does not allow this action on this dossier."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
    return redirect("desk:dossier", code=code)


@official_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = dossier_for_user(user=_user(request), code=code)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    if dossier.received_at is None:
        raise Http404(_("The receipt is issued once the dossier is received."))
    return pdf_response(receipt_pdf(dossier), f"giay-tiep-nhan-{dossier.code}.pdf")


@official_required
def notice(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """Forms 02 (supplement request), 03 (refusal), 04 (apology and new date) as PDF."""
    if form not in NOTICES:
        raise Http404
    try:
        dossier = dossier_for_user(user=_user(request), code=code)
        pdf = notice_pdf(dossier, form)
    except (NotFoundError, FormNotIssued) as exc:
        raise Http404(str(exc)) from exc
    return pdf_response(pdf, f"{form}-{dossier.code}.pdf")
