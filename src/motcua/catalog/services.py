"""Writes to the catalog: import (all-or-nothing) and export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency
from motcua.catalog.constants import LEGACY_LEVEL_TO_SERVICE_LEVEL, Channel, ServiceLevel
from motcua.catalog.importing import CatalogImportError, ProcedureRecord
from motcua.catalog.models import Fee, Field, Procedure, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.core.importing import RowError
from motcua.core.validation import fold

# Plain attributes copied from a record to a version when the record gives them.
VERSION_ATTRIBUTES = [
    "name",
    "implementation_level",
    "service_level",
    "legacy_level",
    "channels",
    "applicant_types",
    "processing_time",
    "processing_unit",
    "processing_note",
    "fee_note",
    "result_name",
    "result_forms",
    "legal_basis",
    "conditions",
    "steps_description",
    "form_schema",
    "publication_decision",
    "source_url",
    "demo_fields",
]


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    new_versions: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.new_versions


def field_get_or_create(name: str, national_code: str = "") -> Field:
    found = Field.objects.filter(name=name).first()
    if found:
        if national_code and not found.national_code:
            found.national_code = national_code
            found.save(update_fields=["national_code", "updated_at"])
        return found
    base = slugify(fold(name))[:70] or "field"
    code, n = base, 1
    while Field.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return Field.objects.create(name=name, code=code, national_code=national_code)


def _apply(version: ProcedureVersion, record: ProcedureRecord) -> None:
    for attribute in VERSION_ATTRIBUTES:
        value = getattr(record, attribute)
        if value is not None:
            setattr(version, attribute, value)
    if record.legacy_level is not None and record.service_level is None:
        version.service_level = LEGACY_LEVEL_TO_SERVICE_LEVEL[record.legacy_level]
    if not version.service_level:
        version.service_level = ServiceLevel.INFORMATION
    if not version.channels:
        version.channels = [Channel.IN_PERSON, Channel.POSTAL] + (
            [Channel.ONLINE] if version.service_level != ServiceLevel.INFORMATION else []
        )


def _replace_children(version: ProcedureVersion, record: ProcedureRecord) -> None:
    if record.documents is not None:
        version.documents.all().delete()
        RequiredDocument.objects.bulk_create(
            RequiredDocument(
                version=version,
                order=i,
                name=d.name,
                copy_kind=d.copy_kind,
                quantity=d.quantity,
                mandatory=d.mandatory,
                template_name=d.template_name,
                accepted_file_types=d.accepted_file_types,
                note=d.note,
            )
            for i, d in enumerate(record.documents, start=1)
        )
    if record.fees is not None:
        version.fees.all().delete()
        Fee.objects.bulk_create(
            Fee(version=version, order=i, name=f.name, amount=f.amount) for i, f in enumerate(record.fees, start=1)
        )
    if record.steps is not None:
        version.steps.all().delete()
        ProcessStep.objects.bulk_create(
            ProcessStep(version=version, order=i, name=s.name, actor=s.actor, duration=s.duration, unit=s.unit)
            for i, s in enumerate(record.steps, start=1)
        )


def _copy_children(source: ProcedureVersion, target: ProcedureVersion) -> None:
    """A new version starts with the documents, fees and steps of the one it replaces."""
    documents = list(source.documents.all())
    fees = list(source.fees.all())
    steps = list(source.steps.all())
    for document in documents:
        document.pk, document.version = None, target
    for fee in fees:
        fee.pk, fee.version = None, target
    for step in steps:
        step.pk, step.version = None, target
    RequiredDocument.objects.bulk_create(documents)
    Fee.objects.bulk_create(fees)
    ProcessStep.objects.bulk_create(steps)


def _validated(version: ProcedureVersion, record: ProcedureRecord, errors: list[RowError]) -> bool:
    try:
        version.full_clean(exclude=["procedure", "field", "agency"], validate_unique=False)
    except ValidationError as exc:
        for column, messages in exc.message_dict.items():
            errors.extend(RowError(record.row, column, message) for message in messages)
        return False
    return True


def _children_errors(record: ProcedureRecord) -> list[RowError]:
    """What the database would refuse in a record's field and lists (too long, too large), by column."""
    candidates: list[tuple[str, Any]] = [("field", Field(name=record.field_name, code="x"))]
    if record.field_code:
        candidates.append(("field_code", Field(name="x", code="x", national_code=record.field_code)))
    candidates += [
        ("documents", RequiredDocument(name=d.name, template_name=d.template_name, note=d.note))
        for d in record.documents or []
    ]
    candidates += [("fees", Fee(name=f.name, amount=f.amount)) for f in record.fees or []]
    candidates += [
        ("steps", ProcessStep(name=s.name, actor=s.actor, duration=s.duration, unit=s.unit)) for s in record.steps or []
    ]
    errors: list[RowError] = []
    for column, instance in candidates:
        try:
            instance.clean_fields(exclude=["version", "procedure", "code", "accepted_file_types"])
        except ValidationError as exc:
            errors += [
                RowError(record.row, column, f"{instance._meta.get_field(name).verbose_name}: {message}")
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
    return errors


@transaction.atomic
def catalog_import(records: list[ProcedureRecord], *, today: date | None = None) -> ImportSummary:
    """Write validated records: all of them, or (on any error) none, with every error reported."""
    today = today or timezone.localdate()
    agencies = {a.code: a for a in Agency.objects.filter(code__in={r.agency_code for r in records})}
    errors = [
        RowError(r.row, "agency_code", _("no agency with code %(code)s") % {"code": r.agency_code})
        for r in records
        if r.agency_code not in agencies
    ]
    errors += [error for r in records for error in _children_errors(r)]
    if errors:
        raise CatalogImportError(errors)
    summary = ImportSummary()
    fields_by_name: dict[str, Field] = {}
    for record in records:
        if record.field_name not in fields_by_name:
            fields_by_name[record.field_name] = field_get_or_create(record.field_name, record.field_code)
        procedure, created = Procedure.objects.get_or_create(code=record.code)
        current = None if created else procedure.versions.in_force(today).first() or procedure.versions.first()
        if current is not None and not (record.valid_from and record.valid_from > current.valid_from):
            version = current  # a correction of the version in force
        else:
            version = ProcedureVersion(procedure=procedure, valid_from=record.valid_from or today)
            if current is not None:  # a new version: it starts as a copy of the one it replaces
                for attribute in VERSION_ATTRIBUTES:
                    setattr(version, attribute, getattr(current, attribute))
        version.field = fields_by_name[record.field_name]
        version.agency = agencies[record.agency_code]
        _apply(version, record)
        if not _validated(version, record, errors):
            continue
        if version is current:
            summary.updated += 1
        elif current is not None:
            current.valid_to = version.valid_from - timedelta(days=1)
            current.save(update_fields=["valid_to", "updated_at"])
            summary.new_versions += 1
        else:
            summary.created += 1
        version.save()
        if current is not None and version is not current:
            _copy_children(current, version)
        _replace_children(version, record)
    if errors:
        raise CatalogImportError(errors)  # rolls the whole file back
    return summary


def version_as_record(version: ProcedureVersion) -> dict[str, Any]:
    """A version in the MotCua import layout (what export writes and import reads back)."""
    data: dict[str, Any] = {
        "code": version.procedure.code,
        "field": version.field.name,
        "field_code": version.field.national_code,
        "agency_code": version.agency.code,
        "valid_from": version.valid_from.isoformat(),
        "processing_time": (
            None if version.processing_time is None else format(version.processing_time.normalize(), "f")
        ),
        "fees": [{"name": f.name, "amount": int(f.amount)} for f in version.fees.all()],
        "documents": [
            {
                "name": d.name,
                "copy_kind": d.copy_kind,
                "quantity": d.quantity,
                "mandatory": d.mandatory,
                "template_name": d.template_name,
                "accepted_file_types": d.accepted_file_types,
                "note": d.note,
            }
            for d in version.documents.all()
        ],
        "steps": [
            {"name": s.name, "actor": s.actor, "duration": float(s.duration), "unit": s.unit}
            for s in version.steps.all()
        ],
    }
    for attribute in VERSION_ATTRIBUTES:
        if attribute not in data:
            data[attribute] = getattr(version, attribute)
    return data


def catalog_export(*, on: date | None = None, agency_code: str = "") -> list[dict[str, Any]]:
    qs = (
        ProcedureVersion.objects.in_force(on or timezone.localdate())
        .select_related("procedure", "field", "agency")
        .prefetch_related("fees", "documents", "steps")
        .order_by("procedure__code")
    )
    if agency_code:
        qs = qs.filter(agency__code=agency_code)
    return [version_as_record(v) for v in qs]
