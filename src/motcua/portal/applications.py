"""The citizen's side: apply online, follow one's dossiers, answer a supplement request, withdraw.

Thin views: read the request, call a service or a selector, render. What may be done to a dossier
and by whom is decided by the dossier services and the state machine, never here.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.models import Organisation, User
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.online_form import form_fields, read_answers
from motcua.catalog.selectors import procedure_detail
from motcua.core.addresses import communes, provinces
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.replay import consume_form_token, issue_form_token
from motcua.core.web import private_file_response, report_errors
from motcua.documents.forms import NOTICES, form_response
from motcua.dossiers.constants import FINAL_STATUSES, INTERNAL_ACTIONS, Action, DocumentKind, ResultDelivery, Status
from motcua.dossiers.models import Dossier, DossierDocument, DossierDraft, StoredDocument
from motcua.dossiers.selectors import applicant_dossier, dossier_document_for, dossier_fees_due, dossiers_of_applicant
from motcua.dossiers.services import dossier_supplement_provide, dossier_transition
from motcua.dossiers.services.delivery import DELIVERY_FIELDS, Delivery, delivery_methods, dossier_delivery_change
from motcua.dossiers.services.drafts import (
    APPLICANT_FIELDS,
    draft_delivery,
    draft_for_user,
    draft_problems,
    draft_remove_document,
    draft_reuse,
    draft_save,
    draft_start,
    draft_submit,
    draft_upload,
    store_upload,
)
from motcua.dossiers.states import APPLICANT, allowed_actions
from motcua.feedback.models import ServiceRating
from motcua.feedback.services import RATEABLE
from motcua.portal.forms import RatingForm
from motcua.workdays.selectors import agency_calendar


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _draft(request: HttpRequest, draft_id: int) -> DossierDraft:
    try:
        return draft_for_user(user=_user(request), draft_id=draft_id)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc


def own_dossier(request: HttpRequest, code: str) -> Dossier:
    """One of the signed-in applicant's dossiers, or 404 (for the portal's dossier pages)."""
    try:
        return applicant_dossier(user=_user(request), code=code)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc


@login_required
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    """From the procedure page: what to have ready, the unfinished applications to resume, and Start.

    Only the button (a POST) makes a draft: following a link never does.
    """
    user = _user(request)
    if request.method == "POST":
        organisation = request.POST.get("organisation", "")
        draft = report_errors(
            request,
            lambda: draft_start(
                owner=user,
                procedure_code=code,
                organisation_id=int(organisation) if organisation.isdecimal() and len(organisation) < 12 else None,
            ),
            "",
        )
        if draft is not None:
            return redirect("portal:draft", draft_id=draft.pk)
        return redirect("portal:procedure-detail", code=code)
    try:
        version = procedure_detail(code)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    drafts = DossierDraft.objects.filter(
        owner=user, procedure_version__procedure__code=code, dossier__isnull=True
    ).select_related("procedure_version")
    organisations = Organisation.objects.filter(members__user=user).order_by("name")
    return render(
        request, "portal/apply_start.html", {"version": version, "drafts": drafts, "organisations": organisations}
    )


def _then(request: HttpRequest, url: str) -> HttpResponse:
    """Where to go after a form: a redirect, or for the upload script (forms.js) the address to go to."""
    if request.headers.get("X-Upload-Progress") == "1":
        return JsonResponse({"location": url})
    return redirect(url)


def _number(value: str) -> int:
    """An id sent by a button; anything else is no id (0) and matches nothing."""
    return int(value) if value.isdecimal() and len(value) < 12 else 0


def _posted_applicant(request: HttpRequest) -> dict[str, Any]:
    return {name: request.POST.get(f"applicant-{name}", "").strip()[:500] for name in APPLICANT_FIELDS}


def _posted_delivery(request: HttpRequest) -> dict[str, Any] | None:
    """How to receive the result, if the form sent a choice (older pages did not)."""
    if "delivery-method" not in request.POST:
        return None
    return {name: request.POST.get(f"delivery-{name}", "").strip()[:500] for name in DELIVERY_FIELDS}


@login_required
def draft_page(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The application form: applicant, the procedure's questions, its documents; saved on every send."""
    draft = _draft(request, draft_id)
    if draft.dossier_id is not None:
        return redirect("portal:my-dossier", code=draft.dossier.code)  # type: ignore[union-attr]
    version = draft.procedure_version
    if request.method == "POST":
        answers, unreadable = read_answers(version.form_schema or {}, request.POST)
        saved = report_errors(
            request,
            lambda: draft_save(
                draft=draft, applicant=_posted_applicant(request), form_data=answers, delivery=_posted_delivery(request)
            ),
            "",
        )
        failed = saved is None or bool(unreadable)
        titles = {field.name: field.title for field in form_fields(version.form_schema or {})}
        for question, errors in unreadable.items():
            messages.error(request, f"{titles.get(question, question)}: {' '.join(errors)}")
        failed |= _take_files(request, draft)
        here = reverse("portal:draft", args=[draft.pk])
        if "remove" in request.POST:
            report_errors(
                request,
                lambda: draft_remove_document(draft=draft, draft_document_id=_number(request.POST["remove"])),
                _("The file was taken off the application (it stays in your document store)."),
            )
            return _then(request, here + "#documents")
        if request.POST.get("next") == "review" and not failed:
            return _then(request, reverse("portal:draft-review", args=[draft.pk]))
        if not failed:
            messages.success(request, _("Saved. You can come back to this application from any device."))
        return _then(request, here + ("#documents" if request.FILES else ""))
    return render(request, "portal/draft.html", _draft_context(draft, problems=None, viewer=_user(request)))


def _take_files(request: HttpRequest, draft: DossierDraft) -> bool:
    """The files chosen or picked from the store for each document; True if one was refused.

    Only the applicant picks from their store; a guide helping them uploads what they hand over.
    """
    refused = False
    own = draft.owner_id == _user(request).pk
    for required in [*draft.procedure_version.documents.all(), None]:
        key = str(required.pk) if required else "other"
        required_id = required.pk if required else None
        for file in request.FILES.getlist(f"files-{key}"):
            if (
                report_errors(
                    request, partial(draft_upload, draft=draft, file=file, required_document_id=required_id), ""
                )
                is None
            ):
                refused = True
                name = required.name if required else _("Other document")
                messages.error(request, _("Not attached to «%(doc)s»: %(file)s") % {"doc": name, "file": file.name})
        stored_id = request.POST.get(f"reuse-{key}", "")
        if own and stored_id.isdecimal():
            reuse = partial(draft_reuse, draft=draft, stored_id=_number(stored_id), required_document_id=required_id)
            refused |= report_errors(request, reuse, "") is None
    return refused


# The names of the delivery's fields, for the review's list of what is still missing.
DELIVERY_LABELS = {
    "method": gettext_lazy("Receiving the result"),
    "recipient": gettext_lazy("Recipient"),
    "phone": gettext_lazy("Recipient's phone"),
    "province": gettext_lazy("Postal address"),
    "address": gettext_lazy("House number and street"),
}

# The names of the applicant's fields, for the review's list of what is still missing.
APPLICANT_LABELS = {
    "kind": gettext_lazy("Applying as"),
    "name": gettext_lazy("Name"),
    "id_number": gettext_lazy("Citizen ID number"),
    "tax_code": gettext_lazy("Tax code"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "province": gettext_lazy("Province or city"),
    "commune": gettext_lazy("Commune or ward"),
    "address": gettext_lazy("House number and street"),
    "representative_name": gettext_lazy("Representative or proxy"),
}


def _delivery_context(version: ProcedureVersion, delivery: dict[str, Any], applicant: dict[str, Any]) -> dict[str, Any]:
    """The result-delivery fields (portal/_delivery_fields.html); by post to the applicant's address unless changed."""
    if not (delivery.get("province") or delivery.get("address")):
        delivery = delivery | {name: applicant.get(name) for name in ("province", "commune", "address")}
    methods = delivery_methods(version)
    province = str(delivery.get("province") or "")
    return {
        "delivery": delivery,
        "delivery_choices": [(value, label) for value, label in ResultDelivery.choices if value in methods],
        "delivery_communes": communes(int(province)) if province.isdecimal() and len(province) < 10 else [],
        "communes_url": reverse("api-communes", args=[0]).replace("/0/", "/{province}/"),
        "applicant": applicant,
    }


def _draft_context(draft: DossierDraft, problems: dict[str, list[str]] | None, viewer: User) -> dict[str, Any]:
    """The draft's pages; for a guide helping the applicant (`viewer` is not its owner) without their store."""
    version = draft.procedure_version
    guiding = draft.owner_id != viewer.pk
    given: dict[int | None, list[Any]] = {}
    for document in draft.documents.select_related("stored"):
        given.setdefault(document.required_document_id, []).append(document)
    fields = form_fields(version.form_schema or {})
    required_documents = list(version.documents.all())
    # What each problem is about (`applicant-<field>`, `form-<question>`, `document-<id>`), by its name.
    labels: dict[str, str] = {f"applicant-{name}": str(label) for name, label in APPLICANT_LABELS.items()}
    labels |= {f"form-{field.name}": field.title for field in fields}
    labels |= {f"document-{required.pk}": required.name for required in required_documents}
    labels |= {f"delivery-{name}": str(label) for name, label in DELIVERY_LABELS.items()}
    labels["declaration"] = _("Declaration")
    problems = problems or {}
    return {
        "draft": draft,
        "version": version,
        "questions": [(field, draft.form_data.get(field.name, "")) for field in fields],
        "documents": [(required, given.get(required.pk, [])) for required in required_documents],
        "other_documents": given.get(None, []),
        "store": []
        if guiding
        else StoredDocument.objects.filter(owner=draft.owner_id).only("id", "title", "original_name"),
        "guiding": guiding,
        "provinces": provinces(),
        **_delivery_context(version, draft_delivery(draft).as_data(), draft.applicant),
        "communes": communes(int(province))
        if (province := str(draft.applicant.get("province") or "")).isdecimal() and len(province) < 10
        else [],
        "problems": [(labels.get(key, _("Application")), " ".join(messages)) for key, messages in problems.items()],
        # Only the declaration is missing: the form to give it is shown.
        "ready": set(problems) <= {"declaration"},
    }


@login_required
def draft_review(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Everything the agency will receive, what is still missing, the declaration, and submit."""
    draft = _draft(request, draft_id)
    if draft.dossier_id is not None:
        return redirect("portal:submitted", code=draft.dossier.code)  # type: ignore[union-attr]
    if request.method == "POST":
        if not consume_form_token(request, request.POST.get("form_token", "")):
            messages.error(request, _("This form was already sent; the page below shows the result."))
            return redirect("portal:draft-review", draft_id=draft.pk)
        try:
            dossier = draft_submit(draft=draft, declaration=request.POST.get("declaration") == "yes")
        except ValidationError as exc:
            problems = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            context = _draft_context(draft, problems, viewer=_user(request))
            context["form_token"] = issue_form_token(request)
            return render(request, "portal/draft_review.html", context, status=400)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("portal:draft-review", draft_id=draft.pk)
        return redirect("portal:submitted", code=dossier.code)
    context = _draft_context(draft, draft_problems(draft), viewer=_user(request))
    context["form_token"] = issue_form_token(request)
    return render(request, "portal/draft_review.html", context)


@login_required
@require_POST
def draft_delete(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    if draft.dossier_id is None:
        draft.delete()
        messages.success(request, _("The unfinished application was deleted; your stored files are kept."))
    if draft.owner_id != _user(request).pk:
        return redirect("desk:guidance")
    return redirect("portal:my-dossiers")


@login_required
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    """The confirmation: the dossier's code and lookup secret, and what happens next."""
    user = _user(request)
    # A guide sees the codes to hand over on the day of the application, not later.
    recent = timezone.now() - timedelta(days=1)
    dossier = (
        Dossier.objects.filter(code=code, assisted_by=user, submitted_at__gte=recent)
        .select_related("competent_agency")
        .first()
    )
    guiding = dossier is not None and dossier.owner_id != user.pk
    return render(
        request,
        "portal/submitted.html",
        {"dossier": dossier if guiding else own_dossier(request, code), "guiding": guiding},
    )


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    drafts = DossierDraft.objects.filter(owner=user, dossier__isnull=True).select_related("procedure_version")
    return render(
        request,
        "portal/my_dossiers.html",
        {"drafts": drafts, "dossiers": dossiers_of_applicant(user)[:200]},
    )


def _due_explanation(dossier: Dossier) -> Any:
    """Why the due date is what it is: from the moment the clock last (re)started, in working days."""
    version = dossier.procedure_version
    if dossier.due_at is None or version.processing_time is None:
        return None
    start = dossier.transitions.filter(due_at__isnull=False).order_by("-at", "-id").values_list("at", flat=True)
    started = start.first()
    if started is None:
        return None
    return agency_calendar(dossier.competent_agency).explain(
        started, float(version.processing_time), version.processing_unit
    )


def _results(dossier: Dossier) -> list[DossierDocument]:
    """The result to hand the applicant: the digitally signed e-result where there is one."""
    results = list(dossier.documents.filter(kind=DocumentKind.RESULT).order_by("id"))
    signed = [document for document in results if document.signed_by]
    return signed or results


@login_required
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    dossier = own_dossier(request, code)
    history = dossier.transitions.exclude(action__in=INTERNAL_ACTIONS).order_by("at", "id")
    issued = set(dossier.transitions.values_list("action", flat=True))
    forms = [name for name, (actions, _template) in NOTICES.items() if issued & actions]
    actions = allowed_actions(dossier.status, APPLICANT, dossier.stage)
    rating = ServiceRating.objects.filter(dossier=dossier).first()
    supplement = (
        dossier.transitions.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-at", "-id").first()
        if Action.PROVIDE_SUPPLEMENT in actions
        else None
    )
    return render(
        request,
        "portal/my_dossier.html",
        {
            "dossier": dossier,
            "history": history,
            "forms": forms,
            "supplement": supplement,
            "documents": dossier.documents.order_by("uploaded_at", "id"),
            "results": _results(dossier) if dossier.status == Status.RETURNED else [],
            "explanation": _due_explanation(dossier),
            "actions": actions,
            "payment_due": dossier_fees_due(dossier) if dossier.status == Status.PAYMENT_REQUESTED else None,
            "fees": dossier.procedure_version.fees.all(),
            "payments": dossier.payments.all(),
            "providers": settings.MOTCUA_PAYMENT_PROVIDERS,
            "rating": rating,
            "rating_form": RatingForm() if rating is None and dossier.status in RATEABLE else None,
            "form_token": issue_form_token(request),
            "provinces": provinces(),
            "delivery_open": dossier.status not in FINAL_STATUSES,
            **_delivery_context(
                dossier.procedure_version,
                {"method": dossier.result_delivery, **dossier.postal_address},
                {
                    "name": dossier.applicant_name,
                    "phone": dossier.applicant_phone,
                    "province": dossier.applicant_province,
                    "commune": dossier.applicant_commune,
                    "address": dossier.applicant_address,
                },
            ),
        },
    )


@login_required
@require_POST
def change_delivery(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant changes how they receive the result, until it is returned."""
    dossier = own_dossier(request, code)
    delivery = Delivery.from_data(_posted_delivery(request) or {})
    try:
        dossier_delivery_change(code=dossier.code, user=_user(request), delivery=delivery)
    except ValidationError as exc:
        for key, errors in exc.message_dict.items():
            messages.error(request, f"{DELIVERY_LABELS.get(key.removeprefix('delivery-'), '')}: {' '.join(errors)}")
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Saved: the result will be delivered as you chose."))
    return redirect(reverse("portal:my-dossier", args=[dossier.code]) + "#delivery-title")


@login_required
@require_POST
def answer_supplement(request: HttpRequest, code: str) -> HttpResponse:
    """The documents asked for, then the dossier goes back (same dossier, its history kept, clock restarted)."""
    dossier = own_dossier(request, code)
    user = _user(request)
    if not consume_form_token(request, request.POST.get("form_token", "")):
        messages.error(request, _("This form was already sent; the page below shows the result."))
        return redirect("portal:my-dossier", code=code)
    report_errors(
        request,
        lambda: dossier_supplement_provide(
            code=dossier.code,
            actor=user,
            files=request.FILES.getlist("files"),
            note=request.POST.get("note", "").strip()[:4000],
        ),
        _("Your documents were sent. The agency has been told, and the processing time starts again."),
    )
    return redirect("portal:my-dossier", code=code)


@login_required
@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    dossier = own_dossier(request, code)
    reason = request.POST.get("note", "").strip()[:4000]
    if not reason:
        messages.error(request, _("Say why you withdraw the dossier."))
        return redirect("portal:my-dossier", code=code)
    report_errors(
        request,
        lambda: dossier_transition(
            code=dossier.code, action=Action.WITHDRAW, actor=_user(request), note=reason, expected_status=dossier.status
        ),
        _("The dossier was withdrawn."),
    )
    return redirect("portal:my-dossier", code=code)


@login_required
def my_form(request: HttpRequest, code: str, form: str = "receipt") -> HttpResponse:
    """The receipt (form 01) or a notice (02–05) of one's own dossier, once issued."""
    return form_response(own_dossier(request, code), form)


@login_required
def my_document(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """A file of one's own dossier: what one sent, and the electronic result once returned."""
    dossier = own_dossier(request, code)
    try:
        document = dossier_document_for(user=_user(request), dossier=dossier, document_id=document_id)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    return private_file_response(document.file, name=document.original_name, content_type=document.content_type)


@login_required
def document_store(request: HttpRequest) -> HttpResponse:
    """The personal document store: files uploaded once and reused in later applications."""
    user = _user(request)
    if request.method == "POST":
        if "delete" in request.POST:
            deleted, _rows = StoredDocument.objects.filter(owner=user, pk=_number(request.POST["delete"])).delete()
            if deleted:
                messages.success(request, _("Removed from your store; dossiers that used it keep their copy."))
        else:
            for file in request.FILES.getlist("files"):
                title = request.POST.get("title", "").strip()[:255] or file.name or _("Document")
                report_errors(
                    request,
                    partial(store_upload, owner=user, file=file, title=title),
                    _("Stored: %(name)s") % {"name": file.name},
                )
        return _then(request, reverse("portal:store"))
    return render(request, "portal/store.html", {"documents": StoredDocument.objects.filter(owner=user)})


@login_required
def stored_file(request: HttpRequest, stored_id: int) -> FileResponse:
    stored = StoredDocument.objects.filter(owner=_user(request), pk=stored_id).first()
    if stored is None:
        raise Http404
    return private_file_response(stored.file, name=stored.original_name, content_type=stored.content_type)
