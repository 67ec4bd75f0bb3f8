"""Online applications: a draft saved as the applicant goes, its files from the personal store, one submission.

The draft accepts anything the applicant has typed so far (it is theirs to finish); `draft_problems`
says what still stops it, and `draft_submit` refuses to make a dossier while anything does.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.accounts.constants import Role, UserKind
from motcua.accounts.models import Organisation, User, VerificationCode
from motcua.accounts.services import guide_agency_ids, verification_confirm
from motcua.catalog.constants import Channel, ServiceLevel
from motcua.catalog.models import RequiredDocument
from motcua.catalog.online_form import check_answers
from motcua.core.addresses import check_address
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.i18n import record_text
from motcua.core.nul import refuse_nul
from motcua.dossiers.constants import ApplicantKind, DocumentKind
from motcua.dossiers.models import Dossier, DossierDocument, DossierDraft, DraftDocument, StoredDocument
from motcua.dossiers.services import ApplicantData, _procedure_in_force, dossier_create
from motcua.dossiers.services.delivery import Delivery, default_delivery, delivery_problems
from motcua.dossiers.uploads import EXTENSIONS, check_upload, new_files_removed_on_error, save_new_file, storage_name

APPLICANT_FIELDS = [f.name for f in fields(ApplicantData)]


def _applicant_from_account(user: User, organisation: Organisation | None = None) -> dict[str, Any]:
    """The applicant's fields as far as the account knows them: the person, or the organisation they represent."""
    person = {
        "kind": ApplicantKind.PERSON,
        "name": str(user),
        "id_number": user.id_number,
        "tax_code": user.tax_code,
        "phone": user.phone,
        "email": user.email,
        "province": None,
        "commune": None,
        "address": "",
        "representative_name": "",
    }
    if organisation is not None:
        return person | {
            "kind": ApplicantKind.ORGANISATION,
            "name": organisation.name,
            "id_number": "",
            "tax_code": organisation.tax_code,
            "address": organisation.address,
            "representative_name": str(user),
        }
    if user.kind == UserKind.ORGANISATION:
        name = user.organisation_name or str(user)
        return person | {"kind": ApplicantKind.ORGANISATION, "name": name, "representative_name": str(user)}
    return person


def _applicant_user(user: User) -> None:
    if user.role_assignments.exclude(role__in=[Role.CITIZEN, Role.ORGANISATION_REPRESENTATIVE]).exists():
        raise PermissionDenied(
            _("Officials receive dossiers at the desk; apply online with a citizen or organisation account.")
        )


def draft_start(
    *, owner: User, procedure_code: str, assisted_by: User | None = None, organisation_id: int | None = None
) -> DossierDraft:
    """A new draft for the procedure in force, prefilled from the applicant's account.

    With `organisation_id`, for an organisation that `owner` represents: its representatives all follow the dossier.
    """
    _applicant_user(owner)
    organisation = None
    if organisation_id is not None:
        organisation = Organisation.objects.filter(pk=organisation_id, members__user=owner).first()
        if organisation is None:
            raise PermissionDenied(_("You do not represent this organisation."))
    now = timezone.now()
    version = _procedure_in_force(procedure_code, now)
    if version.service_level == ServiceLevel.INFORMATION or Channel.ONLINE not in (version.channels or []):
        raise DomainError(_("This procedure is not offered online."), code="not-offered-online")
    return DossierDraft.objects.create(
        owner=owner,
        organisation=organisation,
        assisted_by=assisted_by,
        procedure_version=version,
        applicant=_applicant_from_account(owner, organisation),
        form_data={},
        delivery=default_delivery(version).as_data(),
        created_at=now,
        updated_at=now,
    )


def assisted_draft_start(*, guide: User, applicant: User, code: str, procedure_code: str) -> DossierDraft:
    """A guide at the desk starts an online application in the applicant's name (the guidance desk).

    The applicant agrees by reading out the code just sent to their phone. The dossier it becomes is
    online, in their account, and marked as assisted so that reports can show it apart. Not one
    transaction: a wrong code must stay counted as an attempt.
    """
    agencies = guide_agency_ids(guide)
    if not agencies:
        raise PermissionDenied(_("Only desk officers and volunteer guides help people apply at the desk."))
    version = _procedure_in_force(procedure_code, timezone.now())
    if version.agency_id not in agencies:
        raise DomainError(_("This procedure is not one of your agency's."), code="not-your-agency")
    verification_confirm(
        user=applicant, channel=VerificationCode.Channel.PHONE, code=code, purpose=VerificationCode.Purpose.ASSIST
    )
    return draft_start(owner=applicant, procedure_code=procedure_code, assisted_by=guide)


def draft_for_user(*, user: User, draft_id: int) -> DossierDraft:
    """The applicant's own draft, or one that `user` is filling in for an applicant as their guide.

    A guide reaches the draft only while it is unsubmitted; the applicant's store and files stay theirs.
    """
    draft = (
        DossierDraft.objects.select_related(
            "procedure_version__procedure", "procedure_version__agency", "dossier", "owner"
        )
        .filter(Q(owner=user) | Q(assisted_by=user, dossier__isnull=True), pk=draft_id)
        .first()
    )
    if draft is None:
        raise NotFoundError(_("No such application among yours."), code="draft-not-found")
    return draft


def _open(draft: DossierDraft) -> None:
    if draft.dossier_id is not None:
        raise DomainError(_("This application was already submitted."), code="draft-submitted")


@transaction.atomic
def draft_save(
    *,
    draft: DossierDraft,
    applicant: dict[str, Any],
    form_data: dict[str, Any],
    delivery: dict[str, Any] | None = None,
) -> DossierDraft:
    """Keep what the applicant typed (unfinished answers included)."""
    refuse_nul(applicant=applicant, form_data=form_data, delivery=delivery)
    draft = DossierDraft.objects.select_for_update().get(pk=draft.pk)
    _open(draft)
    draft.applicant = {name: applicant.get(name, draft.applicant.get(name)) for name in APPLICANT_FIELDS}
    draft.form_data = form_data
    if delivery is not None:
        draft.delivery = Delivery.from_data(delivery).as_data()
    draft.updated_at = timezone.now()
    draft.save(update_fields=["applicant", "form_data", "delivery", "updated_at"])
    return draft


def draft_delivery(draft: DossierDraft) -> Delivery:
    """How the draft's applicant wants the result (the procedure's default until they choose)."""
    if not draft.delivery:
        return default_delivery(draft.procedure_version)
    return Delivery.from_data(draft.delivery)


def _required_of(draft: DossierDraft, required_document_id: int | None) -> RequiredDocument | None:
    if required_document_id is None:
        return None
    required = RequiredDocument.objects.filter(version=draft.procedure_version_id, pk=required_document_id).first()
    if required is None:
        raise ValidationError({"required_document": [_("This document is not asked by the procedure.")]})
    return required


@new_files_removed_on_error()  # never a file without its row
def store_upload(*, owner: User, file: UploadedFile, title: str, accepted: list[str] | None = None) -> StoredDocument:
    """A checked file into the owner's store; the same file twice is stored once."""
    try:
        checked = check_upload(file, name=file.name or "", size=file.size or 0, accepted=accepted or [])
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    existing = StoredDocument.objects.filter(owner=owner, sha256=checked.sha256).first()
    if existing is not None:
        return existing
    if StoredDocument.objects.filter(owner=owner).count() >= settings.MOTCUA_STORE_MAX_FILES:
        raise ValidationError(
            {
                "file": [
                    _("Your store holds at most %(n)s files; remove some first.")
                    % {"n": settings.MOTCUA_STORE_MAX_FILES}
                ]
            }
        )
    stored = StoredDocument(
        owner=owner,
        title=title[:255],
        original_name=checked.safe_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        stored_at=timezone.now(),
    )
    save_new_file(stored.file, storage_name(checked.kind), file)
    stored.save()
    return stored


def _attach(draft: DossierDraft, required: RequiredDocument | None, stored: StoredDocument) -> DraftDocument:
    if draft.documents.count() >= settings.MOTCUA_UPLOAD_MAX_FILES_PER_DOSSIER:
        raise ValidationError(
            {"file": [_("A dossier holds at most %(n)s files.") % {"n": settings.MOTCUA_UPLOAD_MAX_FILES_PER_DOSSIER}]}
        )
    if required is not None and required.accepted_file_types:
        allowed = {EXTENSIONS[t] for t in required.accepted_file_types if t in EXTENSIONS}
        if EXTENSIONS.get(stored.original_name.rsplit(".", 1)[-1].lower()) not in allowed:
            raise ValidationError(
                {"file": [_("Send a %(types)s file.") % {"types": ", ".join(sorted(allowed)).upper()}]}
            )
    document, _created = DraftDocument.objects.get_or_create(draft=draft, required_document=required, stored=stored)
    DossierDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    return document


@new_files_removed_on_error()  # the stored file, if it cannot be given to the draft
@transaction.atomic
def draft_upload(*, draft: DossierDraft, file: UploadedFile, required_document_id: int | None = None) -> DraftDocument:
    """A file for one of the procedure's documents: checked, kept in the applicant's store, given to the draft."""
    draft = DossierDraft.objects.select_for_update().get(pk=draft.pk)
    _open(draft)
    required = _required_of(draft, required_document_id)
    stored = store_upload(
        owner=draft.owner,
        file=file,
        title=required.name if required else record_text(gettext_noop("Other document")),
        accepted=required.accepted_file_types if required else [],
    )
    return _attach(draft, required, stored)


@transaction.atomic
def draft_reuse(*, draft: DossierDraft, stored_id: int, required_document_id: int | None = None) -> DraftDocument:
    """A file already in the applicant's store, given for one of the procedure's documents."""
    draft = DossierDraft.objects.select_for_update().get(pk=draft.pk)
    _open(draft)
    stored = StoredDocument.objects.filter(owner=draft.owner_id, pk=stored_id).first()
    if stored is None:
        raise ValidationError({"stored": [_("Choose a file from your own store.")]})
    return _attach(draft, _required_of(draft, required_document_id), stored)


@transaction.atomic
def draft_remove_document(*, draft: DossierDraft, draft_document_id: int) -> None:
    draft = DossierDraft.objects.select_for_update().get(pk=draft.pk)
    _open(draft)
    draft.documents.filter(pk=draft_document_id).delete()


def _applicant_data(draft: DossierDraft) -> ApplicantData:
    values = {name: draft.applicant.get(name) for name in APPLICANT_FIELDS}
    for name in ("province", "commune"):
        try:
            values[name] = int(values[name]) if values[name] not in (None, "") else None
        except (TypeError, ValueError):
            values[name] = None
    text = {name: str(value or "").strip() for name, value in values.items() if name not in ("province", "commune")}
    return ApplicantData(**{**text, "province": values["province"], "commune": values["commune"]})


def draft_problems(draft: DossierDraft) -> dict[str, list[str]]:
    """What stops the draft from being submitted, by field: `applicant-<name>`, `form-<question>`, `document-<id>`."""
    problems: dict[str, list[str]] = {}
    applicant = _applicant_data(draft)
    if not applicant.name:
        problems["applicant-name"] = [_("Enter the applicant's name.")]
    if applicant.kind == ApplicantKind.ORGANISATION and not applicant.tax_code:
        problems["applicant-tax_code"] = [_("An organisation is identified by its tax code.")]
    if not (applicant.phone or applicant.email):
        problems["applicant-phone"] = [_("Give a phone number or an e-mail address, so that the agency can reach you.")]
    try:
        check_address(applicant.province, applicant.commune)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            problems[f"applicant-{name.removeprefix('applicant_')}"] = messages
    version = draft.procedure_version
    for question, messages in check_answers(version.form_schema or {}, draft.form_data).items():
        problems[f"form-{question}"] = messages
    organisation = draft.organisation
    if organisation is not None and (
        applicant.kind != ApplicantKind.ORGANISATION or applicant.tax_code != organisation.tax_code
    ):
        problems["applicant-tax_code"] = [
            _("You apply for %(name)s: the applicant is that organisation, tax code %(tax_code)s.")
            % {"name": organisation.name, "tax_code": organisation.tax_code}
        ]
    problems |= delivery_problems(version, draft_delivery(draft))
    given = set(draft.documents.values_list("required_document_id", flat=True))
    for required in version.documents.all():
        if required.mandatory and required.pk not in given:
            problems[f"document-{required.pk}"] = [_("Attach this document.")]
    return problems


@transaction.atomic
def draft_submit(*, draft: DossierDraft, declaration: bool) -> Dossier:
    """The dossier from the draft, with its documents, in one transaction; a second submission returns it."""
    draft = (
        DossierDraft.objects.select_for_update()
        .select_related("owner", "procedure_version__procedure")
        .get(pk=draft.pk)
    )
    if draft.dossier_id is not None:
        return Dossier.objects.get(pk=draft.dossier_id)
    problems = draft_problems(draft)
    if not declaration:
        problems["declaration"] = [_("Confirm that the information you give is true.")]
    if problems:
        raise ValidationError(problems)
    if _procedure_in_force(draft.procedure_version.procedure.code, timezone.now()).pk != draft.procedure_version_id:
        # A new version came into force since the draft was started: its documents may differ.
        raise DomainError(
            _("The procedure changed since you started; start a new application with its current documents."),
            code="procedure-changed",
        )
    dossier = dossier_create(
        actor=draft.owner,
        procedure_code=draft.procedure_version.procedure.code,
        applicant=_applicant_data(draft),
        channel=Channel.ONLINE,
        form_data=draft.form_data,
        delivery=draft_delivery(draft),
        assisted_by=draft.assisted_by,
        organisation=draft.organisation,
    )
    now = timezone.now()
    DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier=dossier,
            kind=DocumentKind.SUBMITTED,
            required_document_id=given.required_document_id,
            file=given.stored.file.name,
            original_name=given.stored.original_name,
            content_type=given.stored.content_type,
            size=given.stored.size,
            sha256=given.stored.sha256,
            uploaded_by=draft.owner,
            uploaded_at=now,
        )
        for given in draft.documents.select_related("stored")
    )
    draft.dossier = dossier
    draft.updated_at = now
    draft.save(update_fields=["dossier", "updated_at"])
    return dossier
