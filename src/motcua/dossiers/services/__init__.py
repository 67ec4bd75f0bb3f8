"""Writes to dossiers. `dossier_transition` is the only function that changes a dossier's status."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.accounts.constants import Role, UnitKind
from motcua.accounts.models import Agency, Organisation, Unit, User
from motcua.catalog.constants import Channel, DocumentCopy, ServiceLevel
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.online_form import check_answers
from motcua.core.addresses import check_address
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.i18n import record_text
from motcua.core.nul import refuse_nul
from motcua.core.validation import normalise_vietnamese_phone
from motcua.dossiers.constants import INTERNAL_ACTIONS, Action, DocumentKind, ResultDelivery, Status, SupplementStage
from motcua.dossiers.models import (
    Dossier,
    DossierAccessLog,
    DossierCodeCounter,
    DossierDocument,
    DossierPause,
    DossierTransition,
    StoredDocument,
    StoredDocumentSource,
)
from motcua.dossiers.permissions import roles_on_dossier
from motcua.dossiers.services.delivery import Delivery, apply_delivery, delivery_problems
from motcua.dossiers.services.notices import dossier_notify
from motcua.dossiers.services.steps import advance
from motcua.dossiers.states import STEP_HOLDERS, Clock, TransitionRefused, acting_roles, rule_for, target_status
from motcua.dossiers.uploads import check_upload, new_files_removed_on_error, save_new_file, storage_name
from motcua.integrations.signing import pdf_signer
from motcua.integrations.signing.base import SigningError
from motcua.workdays.selectors import agency_calendar

logger = logging.getLogger(__name__)


class TransitionConflict(DomainError):
    """A stale or illegal action: the API answers 409 with the dossier's current status."""

    code = "transition-not-allowed"
    status = 409

    def __init__(self, message: str, *, current_status: str):
        super().__init__(message)
        self.current_status = current_status


# --- dossier codes (DOMAIN.md §3.3) --------------------------------------------------------------


def _next_sequence(agency: Agency, day: date) -> int:
    """Atomically take the next number of `agency`'s `day` (one statement, safe under concurrency)."""
    table = DossierCodeCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - table name is ours
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def dossier_code_next(agency: Agency, at: datetime) -> str:
    """`<agency identifier>-YYMMDD-XXXX`, the sequence restarting every day (TT 01/2018 Art. 19)."""
    day = timezone.localtime(at).date()
    sequence = _next_sequence(agency, day)
    return settings.MOTCUA_DOSSIER_CODE_FORMAT.format(agency=agency.code, date=day, seq=sequence)


# --- intake --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantData:
    kind: str
    name: str
    id_number: str = ""
    tax_code: str = ""
    phone: str = ""
    email: str = ""
    province: int | None = None
    commune: int | None = None
    address: str = ""
    representative_name: str = ""


@dataclass(frozen=True)
class PaperDocument:
    """One line of the desk's checklist: a required document handed in, in which form, how many."""

    required_document_id: int
    copy_kind: str
    quantity: int = 1


def _checklist(version: ProcedureVersion, handed: list[PaperDocument]) -> tuple[list[dict[str, Any]], list[str]]:
    """What was handed in (as stored on the dossier) and the names of the mandatory documents missing."""
    required = {doc.pk: doc for doc in version.documents.all()}
    rows = []
    for item in handed:
        doc = required.get(item.required_document_id)
        if doc is None:
            raise ValidationError({"documents": [_("A document in the checklist is not asked by this procedure.")]})
        if item.copy_kind not in DocumentCopy.values or not 1 <= item.quantity <= 99:
            raise ValidationError({"documents": [_("Say for each document whether it is an original or a copy.")]})
        rows.append({"document": doc.pk, "name": doc.name, "copy_kind": item.copy_kind, "quantity": item.quantity})
    given = {item.required_document_id for item in handed}
    missing = [doc.name for doc in required.values() if doc.mandatory and doc.pk not in given]
    return rows, missing


def _procedure_in_force(code: str, at: datetime) -> ProcedureVersion:
    version = (
        ProcedureVersion.objects.in_force(timezone.localtime(at).date())
        .select_related("agency__calendar", "procedure")
        .filter(procedure__code=code)
        .first()
    )
    if version is None:
        raise NotFoundError(
            _("No procedure with code %(code)s is in force.") % {"code": code}, code="procedure-not-found"
        )
    return version


def _desk_agency(user: User, preferred: str = "") -> Agency:
    qs = Agency.objects.filter(role_assignments__user=user, role_assignments__role=Role.DESK_OFFICER)
    if preferred:
        qs = qs.filter(code=preferred)
    agency = qs.distinct().first()
    if agency is None:
        raise PermissionDenied(_("Only a desk officer of the receiving agency can receive a dossier."))
    return agency


@transaction.atomic
def dossier_create(
    *,
    actor: User,
    procedure_code: str,
    applicant: ApplicantData,
    channel: str,
    form_data: dict[str, Any] | None = None,
    receiving_agency_code: str = "",
    paper_documents: list[PaperDocument] | None = None,
    guidance_if_incomplete: bool = False,
    delivery: Delivery | None = None,
    assisted_by: User | None = None,
    organisation: Organisation | None = None,
    now: datetime | None = None,
) -> Dossier:
    """A citizen submits online, or a desk officer takes a paper dossier.

    At the desk, with the checklist (`paper_documents`): a complete dossier is received at once;
    an incomplete one is refused, or — `guidance_if_incomplete` — recorded with a supplement request
    listing what is missing (form 02, DOMAIN.md §2.3 item 3(a)). Online, `assisted_by` is the guide
    who helped at the office, `organisation` the one the applicant represents; `delivery` says how
    the result is received (the desk, if not given).
    """
    refuse_nul(form_data=form_data)
    now = now or timezone.now()
    version = _procedure_in_force(procedure_code, now)
    is_desk = actor.role_assignments.filter(role=Role.DESK_OFFICER).exists()
    if is_desk:
        receiving = _desk_agency(actor, receiving_agency_code)
        if channel not in (Channel.IN_PERSON, Channel.POSTAL):
            raise ValidationError({"channel": [_("The desk receives dossiers in person or by post.")]})
    else:
        if channel != Channel.ONLINE:
            raise ValidationError(
                {"channel": [_("Applicants submit online; paper dossiers are received at the desk.")]}
            )
        if version.service_level == ServiceLevel.INFORMATION:
            raise DomainError(_("This procedure is not offered online."), code="not-offered-online")
        receiving = version.agency
    dossier = Dossier(
        procedure_version=version,
        competent_agency=version.agency,
        receiving_agency=receiving,
        receiving_point=receiving.receiving_points.filter(is_active=True).first(),
        owner=None if is_desk else actor,
        assisted_by=assisted_by,
        organisation=organisation,
        channel=channel,
        online_level=version.service_level if channel == Channel.ONLINE else "",
        status=Status.SUBMITTED,
        submitted_at=now,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number,
        applicant_tax_code=applicant.tax_code,
        applicant_phone=_phone(applicant.phone),
        applicant_email=applicant.email,
        applicant_province=applicant.province,
        applicant_commune=applicant.commune,
        applicant_address=applicant.address,
        representative_name=applicant.representative_name,
        form_data=form_data or {},
        code="pending",
    )
    missing: list[str] = []
    if is_desk and paper_documents is not None:
        dossier.paper_documents, missing = _checklist(version, paper_documents)
        if missing and not guidance_if_incomplete:
            raise ValidationError(
                {
                    "documents": [
                        _(
                            "The dossier is incomplete; missing: %(missing)s. Receive only a complete dossier, or give "
                            "the applicant the guidance to complete it (form 02)."
                        )
                        % {"missing": "; ".join(missing)}
                    ]
                }
            )
    if channel == Channel.ONLINE and version.form_schema:
        answers = check_answers(version.form_schema, form_data or {})
        if answers:
            raise ValidationError({f"form_data.{question}": messages for question, messages in answers.items()})
    if delivery is not None:
        problems = delivery_problems(version, delivery)
        if problems:
            raise ValidationError(problems)
        apply_delivery(dossier, delivery)
    dossier.full_clean(exclude=["code", "procedure_version", "competent_agency", "receiving_agency", "owner"])
    check_address(applicant.province, applicant.commune)
    dossier.code = dossier_code_next(receiving, now)
    dossier.save()
    DossierTransition.objects.create(
        dossier=dossier,
        action=Action.SUBMIT,
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
        actor=actor,
        actor_role=Role.DESK_OFFICER if is_desk else Role.CITIZEN,
        at=now,
    )
    if not is_desk:
        dossier_notify(dossier=dossier, action=Action.SUBMIT, actor=actor, note="", now=now)
    if is_desk and missing:
        note = record_text(gettext_noop("Please complete the dossier with: %(missing)s."), missing="; ".join(missing))
        return dossier_transition(code=dossier.code, action=Action.REQUEST_SUPPLEMENT, actor=actor, note=note, now=now)
    if is_desk:
        dossier = dossier_transition(code=dossier.code, action=Action.RECEIVE, actor=actor, now=now)
    return dossier


def _phone(raw: str) -> str:
    if not raw:
        return ""
    try:
        return normalise_vietnamese_phone(raw)
    except ValidationError as exc:
        raise ValidationError({"applicant_phone": exc.messages}) from exc


# --- transitions ---------------------------------------------------------------------------------


def _due(dossier: Dossier, start: datetime) -> datetime | None:
    version = dossier.procedure_version
    if version.processing_time is None:
        return None
    calendar = agency_calendar(dossier.competent_agency)
    return calendar.due(start, float(version.processing_time), version.processing_unit)


@new_files_removed_on_error()  # the signed copies of a result, if the transition fails
@transaction.atomic
def dossier_transition(
    *,
    code: str,
    action: str,
    actor: User | None,
    note: str = "",
    internal_note: str = "",
    system_role: str = "",
    new_due_at: datetime | None = None,
    unit_code: str = "",
    assignee_username: str = "",
    agency_code: str = "",
    expected_status: str = "",
    expected_step: int | None = None,
    tracking_number: str = "",
    now: datetime | None = None,
) -> Dossier:
    """Take `action` on dossier `code` as `actor`: lock, check, apply, log. The only writer of status.

    Without an actor, a service acts in `system_role` (e.g. `PAYMENT_PROVIDER`), a role no user holds.
    A result returned by post needs the postal item's `tracking_number`.
    """
    now = now or timezone.now()
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "competent_agency__calendar", "receiving_agency", "current_step")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFoundError(_("No dossier with code %(code)s.") % {"code": code}, code="dossier-not-found")
    current = dossier.status
    # A form or client states what it saw (status, and the step: 0 for none); a replay or a stale page conflicts.
    stale_step = expected_step is not None and expected_step != (dossier.current_step_id or 0)
    if (expected_status and expected_status != current) or stale_step:
        raise TransitionConflict(
            _("The dossier changed in the meantime: it is now “%(status)s”.")
            % {"status": dossier.get_status_display()},
            current_status=current,
        )
    step = dossier.current_step
    stage = step.actor if step is not None else ""
    label = Action(action).label if action in Action.values else action
    try:
        rule = rule_for(action, current, stage)
    except TransitionRefused as exc:
        if exc.stage:
            message = _("“%(action)s” cannot be done while the dossier is at the step “%(step)s”.") % {
                "action": label,
                "step": step.name if step else "",
            }
        else:
            message = _("“%(action)s” cannot be done on a dossier that is “%(status)s”.") % {
                "action": label,
                "status": dossier.get_status_display(),
            }
        raise TransitionConflict(message, current_status=current) from exc
    held = roles_on_dossier(actor, dossier) if actor is not None else frozenset({system_role})
    roles = acting_roles(rule, held, current, stage)
    if not roles:
        raise PermissionDenied(_("Your role does not allow this action on this dossier."))
    if roles == {Role.SPECIALIST} and stage and actor is not None and dossier.assignee_id != actor.pk:
        raise PermissionDenied(_("Only the specialist assigned by the division head can act on this dossier."))
    if rule.needs_note and not note.strip():
        raise ValidationError({"note": [_("Give the reason; the applicant will read it.")]})
    if action == Action.APPROVE and not dossier.documents.filter(kind=DocumentKind.RESULT).exists():
        raise DomainError(
            _("Attach the result document (the signed result or its scan) before approving."),
            code="result-missing",
        )

    if action == Action.TRANSFER:
        unit = Unit.objects.filter(agency=dossier.competent_agency, code=unit_code, kind=UnitKind.DIVISION).first()
        if unit is None:
            raise ValidationError({"unit": [_("Choose a division of the competent agency.")]})
        dossier.processing_unit = unit
    elif action == Action.ASSIGN:
        assignee = User.objects.filter(
            username=assignee_username,
            role_assignments__role=Role.SPECIALIST,
            role_assignments__unit=dossier.processing_unit,
        ).first()
        if assignee is None:
            raise ValidationError({"assignee": [_("Choose a specialist of the processing division.")]})
        dossier.assignee = assignee
    target = target_status(rule, paused_from=dossier.paused_from)
    _apply_clock(dossier, rule.clock, action=action, now=now, note=note, new_due_at=new_due_at)
    if target in (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED):
        dossier.paused_from = current
    elif current in (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED):
        dossier.paused_from = ""
    if rule.outcome:
        dossier.outcome = rule.outcome
    if action == Action.RETURN_RESULT:
        _post_result(dossier, tracking_number)
    advance(dossier, action, target=target, now=now, actor=actor, note=note.strip(), agency_code=agency_code)
    if action in INTERNAL_ACTIONS:  # a note between officials never reaches the applicant
        internal_note = "\n".join(part for part in (note.strip(), internal_note.strip()) if part)
        note = ""
    _stamp(dossier, action, now)
    dossier.status = target
    dossier.save()
    if action == Action.RETURN_RESULT:
        _sign_results(dossier, actor, now)
        if dossier.owner_id is not None:
            _keep_results_in_store(dossier, now)
    DossierTransition.objects.create(
        dossier=dossier,
        action=action,
        from_status=current,
        to_status=target,
        actor=actor,
        actor_role=sorted(roles)[0],
        at=now,
        note=note.strip(),
        internal_note=internal_note.strip(),
        due_at=dossier.effective_due_at,
    )
    dossier_notify(dossier=dossier, action=action, actor=actor, note=note.strip(), now=now)
    return dossier


def _sign_results(dossier: Dossier, actor: User | None, now: datetime) -> None:
    """The electronic result: a digitally signed copy of each result PDF (the original stays for the record).

    A result that is not a PDF pyHanko can read (a photo of a paper result) is returned as it is.
    """
    signer = pdf_signer()
    if signer is None:
        return
    results = list(dossier.documents.filter(kind=DocumentKind.RESULT, signed_by="", content_type="application/pdf"))
    for original in results:
        with original.file.open("rb") as source:
            content = source.read()
        try:
            signed = signer.sign(
                content,
                reason=record_text(
                    gettext_noop("Result of the administrative procedure, dossier %(code)s"), code=dossier.code
                ),
                location=dossier.competent_agency.name,
            )
        except SigningError as exc:
            logger.warning("dossier %s: result %s not signed: %s", dossier.code, original.pk, exc)
            continue
        copy = DossierDocument(
            dossier=dossier,
            kind=DocumentKind.RESULT,
            required_document=None,
            original_name=original.original_name.removesuffix(".pdf")[:100] + "-ky-so.pdf",
            content_type="application/pdf",
            size=len(signed),
            sha256=hashlib.sha256(signed).hexdigest(),
            uploaded_by=actor or original.uploaded_by,
            uploaded_at=now,
            signed_by=signer.signer_name,
        )
        save_new_file(copy.file, storage_name("pdf"), ContentFile(signed))
        copy.save()


def _keep_results_in_store(dossier: Dossier, now: datetime) -> None:
    """The electronic result goes to its applicant's personal document store, to be reused (DOMAIN.md §4)."""
    owner_id = dossier.owner_id
    assert owner_id is not None
    results = dossier.documents.filter(kind=DocumentKind.RESULT)
    if results.exclude(signed_by="").exists():
        results = results.exclude(signed_by="")  # the signed e-result, not the scan it was made from
    for document in results:
        StoredDocument.objects.get_or_create(
            owner_id=owner_id,
            sha256=document.sha256,
            defaults={
                # A result's or procedure's name may take 500 characters: cut to what the title holds.
                "title": record_text(
                    gettext_noop("Result of dossier %(code)s: %(name)s"),
                    code=dossier.code,
                    name=dossier.procedure_version.result_name or dossier.procedure_version.name,
                )[: StoredDocument._meta.get_field("title").max_length],
                "source": StoredDocumentSource.RESULT,
                "dossier": dossier,
                "file": document.file.name,
                "original_name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "stored_at": now,
            },
        )


def _post_result(dossier: Dossier, tracking_number: str) -> None:
    """A result returned by post: the tracking number of the item, for the applicant to follow it."""
    if dossier.result_delivery != ResultDelivery.POST:
        return
    number = tracking_number.strip().upper()
    if not 6 <= len(number) <= 40 or not number.replace("-", "").isalnum():
        raise ValidationError(
            {"tracking_number": [_("The result goes by post: enter the tracking number of the postal item.")]}
        )
    dossier.postal_tracking_number = number


def _stamp(dossier: Dossier, action: str, now: datetime) -> None:
    if action == Action.TRANSFER:
        dossier.transferred_at = now
    elif action in (Action.APPROVE, Action.DENY):
        dossier.processed_at = now
    elif action == Action.RETURN_RESULT:
        dossier.returned_at = now
    elif action in (Action.WITHDRAW, Action.STOP, Action.REFUSE_RECEPTION):
        dossier.ended_at = now


def _check_supplement_once(dossier: Dossier, stage: str) -> None:
    """Decree 61/2018 Art. 15(3), 19(4): what is missing is asked once, fully and accurately, per stage."""
    limit = settings.MOTCUA_SUPPLEMENTS_PER_STAGE
    if limit and dossier.pauses.filter(reason=Action.REQUEST_SUPPLEMENT, stage=stage).count() >= limit:
        raise DomainError(
            _(
                "A supplement has already been requested at this stage; the law asks for everything missing at once. "
                "Process the dossier, or refuse it with reasons."
            ),
            code="supplement-already-requested",
        )


def _check_appraisal_supplement_in_time(dossier: Dossier, now: datetime) -> None:
    """Decree 61/2018 Art. 19(4): a supplement during appraisal is asked within N working days of reception."""
    limit = settings.MOTCUA_SUPPLEMENT_APPRAISAL_DAYS
    if not limit or dossier.received_at is None:
        return
    calendar = agency_calendar(dossier.competent_agency)
    deadline = calendar.due_after_working_days(dossier.received_at, limit)
    if now > deadline:
        message = _(
            "A supplement during appraisal must be asked within %(n)s working days of reception (by %(deadline)s); "
            "process the dossier or refuse it with reasons."
        ) % {"n": limit, "deadline": timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M")}
        raise DomainError(message, code="supplement-too-late")


def _apply_clock(
    dossier: Dossier, clock: Clock, *, action: str, now: datetime, note: str, new_due_at: datetime | None
) -> None:
    if clock == Clock.START:
        dossier.received_at = dossier.clock_started_at = now
        dossier.due_at = _due(dossier, now)
    elif clock == Clock.PAUSE:
        stage = SupplementStage.RECEPTION if dossier.status == Status.SUBMITTED else SupplementStage.APPRAISAL
        if action == Action.REQUEST_SUPPLEMENT:
            _check_supplement_once(dossier, stage)
        if action == Action.REQUEST_SUPPLEMENT and stage == SupplementStage.APPRAISAL:
            _check_appraisal_supplement_in_time(dossier, now)
        DossierPause.objects.create(dossier=dossier, reason=action, stage=stage, started_at=now, items=note)
    elif clock in (Clock.RESTART, Clock.RESUME):
        pause = dossier.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
        if pause is not None:
            pause.ended_at = now
            pause.save(update_fields=["ended_at"])
        # A supplement during appraisal restarts the period from zero (Decree 61/2018 Art. 19(4)).
        if clock == Clock.RESTART and pause is not None and pause.stage == SupplementStage.APPRAISAL:
            dossier.clock_started_at = now
            dossier.due_at = _due(dossier, now)
            dossier.extended_due_at = None
            dossier.apology_prompted_at = None
    elif clock == Clock.EXTEND:
        if dossier.extended_due_at is not None:
            raise DomainError(
                _("The date has already been extended once; it cannot be extended again."), code="already-extended"
            )
        if new_due_at is None or dossier.due_at is None or new_due_at <= dossier.due_at:
            raise ValidationError({"new_due_at": [_("Give a new date after the current due date.")]})
        if now.astimezone(dossier.due_at.tzinfo).date() >= dossier.due_at.date():
            raise DomainError(
                _("The apology and new date must be issued at least one day before the due date."),
                code="extension-too-late",
            )
        dossier.extended_due_at = new_due_at


# --- documents -----------------------------------------------------------------------------------

# Who may add files of each kind, and while the dossier is in which status.
UPLOAD_ROLES: dict[str, dict[str, set[str]]] = {
    DocumentKind.SUBMITTED: {
        Role.CITIZEN: {Status.DRAFT, Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED},
        Role.DESK_OFFICER: {Status.SUBMITTED, Status.RECEIVED, Status.SUPPLEMENT_REQUESTED},
    },
    # The division drafts the result, the leader signs it; it is attached before approval.
    DocumentKind.RESULT: {
        Role.SPECIALIST: {Status.IN_PROCESSING},
        Role.DIVISION_HEAD: {Status.IN_PROCESSING},
        Role.AGENCY_LEADER: {Status.IN_PROCESSING},
    },
}


def document_kinds_allowed(dossier: Dossier, roles: frozenset[str]) -> list[str]:
    """The kinds of file someone holding `roles` may attach to the dossier now."""
    kinds = []
    for kind, allowed in UPLOAD_ROLES.items():
        acting = set(roles)
        if kind == DocumentKind.RESULT:  # only whoever holds the dossier now works on its result
            acting &= STEP_HOLDERS.get(dossier.current_step.actor if dossier.current_step else "", frozenset())
        if any(dossier.status in allowed.get(role, ()) for role in acting):
            kinds.append(kind)
    return kinds


@new_files_removed_on_error()
@transaction.atomic
def dossier_supplement_provide(*, code: str, actor: User, files: list[UploadedFile], note: str = "") -> Dossier:
    """The applicant's answer to a supplement request: the files asked for and the dossier back, or nothing."""
    if not files:
        raise ValidationError({"file": [_("Attach the documents that were asked for.")]})
    for file in files:
        try:
            dossier_document_add(code=code, actor=actor, file=file)
        except ValidationError as exc:
            raise ValidationError({"file": [f"{file.name}: {message}" for message in exc.messages]}) from exc
    return dossier_transition(
        code=code, action=Action.PROVIDE_SUPPLEMENT, actor=actor, note=note, expected_status=Status.SUPPLEMENT_REQUESTED
    )


@new_files_removed_on_error()  # never a file without its row
@transaction.atomic
def dossier_document_add(
    *,
    code: str,
    actor: User,
    file: UploadedFile,
    required_document_id: int | None = None,
    kind: str = DocumentKind.SUBMITTED,
) -> DossierDocument:
    """Attach one checked file to a dossier: for one of its procedure's required documents, or its result."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "current_step")
        .get(code=code)
    )
    if kind not in document_kinds_allowed(dossier, roles_on_dossier(actor, dossier)):
        raise PermissionDenied(_("Documents cannot be added to this dossier now, or not by you."))
    if dossier.documents.count() >= settings.MOTCUA_UPLOAD_MAX_FILES_PER_DOSSIER:
        raise ValidationError(
            {"file": [_("A dossier holds at most %(n)s files.") % {"n": settings.MOTCUA_UPLOAD_MAX_FILES_PER_DOSSIER}]}
        )
    required = None
    if required_document_id is not None:
        required = dossier.procedure_version.documents.filter(pk=required_document_id).first()
        if required is None:
            raise ValidationError({"required_document": [_("This document is not asked by the dossier's procedure.")]})
    try:
        checked = check_upload(
            file, name=file.name or "", size=file.size or 0, accepted=required.accepted_file_types if required else []
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    if dossier.documents.filter(sha256=checked.sha256, kind=kind).exists():
        raise ValidationError({"file": [_("This file is already attached to the dossier.")]})
    document = DossierDocument(
        dossier=dossier,
        kind=kind,
        required_document=required,
        original_name=checked.safe_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    save_new_file(document.file, storage_name(checked.kind), file)
    document.save()
    return document


def dossier_access_record(*, dossier: Dossier, user: User, what: str) -> None:
    """Officials leave a record when they read a dossier's personal data or a document."""
    if dossier.owner_id != user.pk:
        DossierAccessLog.objects.create(dossier=dossier, user=user, what=what)


# --- about to be late ----------------------------------------------------------------------------

# Tết can close offices for nine days in a row: dossiers due within this horizon are checked exactly.
_PROMPT_HORIZON = timedelta(days=12)


def dossier_prompt_apologies(*, now: datetime | None = None) -> list[str]:
    """Prompt the competent unit on dossiers about to be late (Decree 61/2018 Art. 19(9)).

    From the working day before the due date on, a dossier still in processing, never extended and
    not yet prompted gets a reminder in its history and appears in the "about to be late" list: the
    apology and new date (form 04) must be issued that day at the latest. Returns the codes prompted.
    """
    now = now or timezone.now()
    candidates = (
        Dossier.objects.filter(
            status=Status.IN_PROCESSING,
            extended_due_at__isnull=True,
            apology_prompted_at__isnull=True,
            due_at__isnull=False,
            due_at__lte=now + _PROMPT_HORIZON,
        )
        .select_related("competent_agency__calendar")
        .only("pk", "code", "status", "due_at", "extended_due_at", "competent_agency__calendar")
    )
    prompted: list[str] = []
    for dossier in candidates.iterator(chunk_size=500):
        assert dossier.due_at is not None
        calendar = agency_calendar(dossier.competent_agency)
        due_day = timezone.localtime(dossier.due_at).date()
        if timezone.localtime(now).date() < calendar.previous_working_day(due_day):
            continue
        with transaction.atomic():
            updated = Dossier.objects.filter(pk=dossier.pk, apology_prompted_at__isnull=True).update(
                apology_prompted_at=now
            )
            if not updated:
                continue  # another worker prompted it meanwhile
            DossierTransition.objects.create(
                dossier=dossier,
                action=Action.APOLOGY_PROMPT,
                from_status=dossier.status,
                to_status=dossier.status,
                at=now,
                internal_note=_(
                    "Due on %(due)s. If the result cannot be ready, issue the apology and new date (form 04) "
                    "by %(day)s at the latest."
                )
                % {
                    "due": timezone.localtime(dossier.due_at).strftime("%d/%m/%Y %H:%M"),
                    "day": calendar.previous_working_day(due_day).strftime("%d/%m/%Y"),
                },
                due_at=dossier.due_at,
            )
        prompted.append(dossier.code)
    return prompted
