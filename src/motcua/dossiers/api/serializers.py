from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.catalog.api.serializers import AgencyRefSerializer
from motcua.catalog.constants import Channel
from motcua.dossiers.constants import INTERNAL_ACTIONS, NATIONAL_CODE, ApplicantKind, Status
from motcua.dossiers.models import Dossier, DossierConsultation, DossierDocument, DossierStep, DossierTransition
from motcua.dossiers.states import APPLICANT, allowed_actions


class ApplicantSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ApplicantKind.choices)
    name = serializers.CharField(max_length=255)
    id_number = serializers.RegexField(
        r"^\d{12}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": _("A citizen ID (CCCD) number has 12 digits.")},
    )
    tax_code = serializers.RegexField(
        r"^\d{10}(-\d{3})?$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": _("A tax code has 10 digits, or 10 digits, a dash and 3 digits.")},
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    province = serializers.IntegerField(
        required=False, allow_null=True, help_text="province code (GSO, two-level units from 01/07/2025), e.g. 92"
    )
    commune = serializers.IntegerField(
        required=False, allow_null=True, help_text="commune or ward code of that province, e.g. 31135"
    )
    address = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="house number and street"
    )
    representative_name = serializers.CharField(max_length=255, required=False, allow_blank=True)


class DossierCreateSerializer(serializers.Serializer[Any]):
    procedure = serializers.RegexField(r"^\d{1,2}\.\d{6}$", help_text="National procedure code, e.g. 2.001628")
    channel = serializers.ChoiceField(choices=Channel.choices)
    applicant = ApplicantSerializer()
    form_data = serializers.DictField(required=False)
    receiving_agency = serializers.CharField(max_length=32, required=False, allow_blank=True)


class DossierActionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    internal_note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    new_due_at = serializers.DateTimeField(required=False)
    tracking_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="return_result by post: the postal item's number"
    )
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True)
    assignee = serializers.CharField(max_length=150, required=False, allow_blank=True, help_text="username")
    agency = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="code of the other agency (liên thông)"
    )
    expected_status = serializers.ChoiceField(choices=Status.choices, required=False)
    expected_step = serializers.IntegerField(
        required=False, min_value=0, help_text="id of the current step as last seen (0: none); guards against replays"
    )


class DossierListSerializer(serializers.ModelSerializer[Dossier]):
    procedure = serializers.SerializerMethodField()
    agency = AgencyRefSerializer(source="competent_agency")
    national_status = serializers.IntegerField(read_only=True, allow_null=True)
    due_at = serializers.DateTimeField(source="effective_due_at", allow_null=True)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "status",
            "national_status",
            "procedure",
            "agency",
            "channel",
            "online_level",
            "applicant_name",
            "submitted_at",
            "received_at",
            "due_at",
            "outcome",
        ]

    def get_procedure(self, obj: Dossier) -> dict[str, str]:
        return {"code": obj.procedure_version.procedure.code, "name": obj.procedure_version.name}


_DATETIME = serializers.DateTimeField()

# The columns `list_row` reads (a test compares its rows with DossierListSerializer's output).
LIST_COLUMNS = (
    "code",
    "status",
    "channel",
    "online_level",
    "applicant_name",
    "submitted_at",
    "received_at",
    "due_at",
    "extended_due_at",
    "outcome",
    "procedure_version__name",
    "procedure_version__procedure__code",
    "competent_agency__code",
    "competent_agency__name",
)


def list_row(row: dict[str, Any]) -> dict[str, Any]:
    """What DossierListSerializer gives for a dossier, from its LIST_COLUMNS as a `values()` row.

    A page of 500 dossiers as model instances through the serializer's fields takes longer than its SQL.
    """

    def moment(value: Any) -> str | None:
        return None if value is None else _DATETIME.to_representation(value)

    return {
        "code": row["code"],
        "status": row["status"],
        "national_status": NATIONAL_CODE[row["status"]],
        "procedure": {"code": row["procedure_version__procedure__code"], "name": row["procedure_version__name"]},
        "agency": {"code": row["competent_agency__code"], "name": row["competent_agency__name"]},
        "channel": row["channel"],
        "online_level": row["online_level"],
        "applicant_name": row["applicant_name"],
        "submitted_at": moment(row["submitted_at"]),
        "received_at": moment(row["received_at"]),
        "due_at": moment(row["extended_due_at"] or row["due_at"]),
        "outcome": row["outcome"],
    }


class DocumentSerializer(serializers.ModelSerializer[DossierDocument]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = DossierDocument
        fields = ["id", "kind", "original_name", "required_document", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, obj: DossierDocument) -> str:
        return reverse("api-dossier-document", args=[obj.dossier.code, obj.pk])


class TransitionSerializer(serializers.ModelSerializer[DossierTransition]):
    class Meta:
        model = DossierTransition
        fields = ["action", "from_status", "to_status", "at", "actor_role", "note", "due_at"]


class OfficialTransitionSerializer(TransitionSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta(TransitionSerializer.Meta):
        fields = [*TransitionSerializer.Meta.fields, "actor", "internal_note"]


class StepSerializer(serializers.ModelSerializer[DossierStep]):
    """One step of the internal process; the applicant sees where the dossier is and whether it is on time."""

    agency = AgencyRefSerializer()
    unit = serializers.CharField(source="unit.name", allow_null=True, default=None)

    class Meta:
        model = DossierStep
        fields = ["plan_index", "name", "actor", "agency", "unit", "started_at", "due_at", "ended_at", "result"]


class OfficialStepSerializer(StepSerializer):
    holder = serializers.CharField(source="holder.username", allow_null=True, default=None)

    class Meta(StepSerializer.Meta):
        fields = [*StepSerializer.Meta.fields, "holder", "ended_with", "task", "note"]


class ConsultationSerializer(serializers.ModelSerializer[DossierConsultation]):
    unit = serializers.CharField(source="unit.name")

    class Meta:
        model = DossierConsultation
        fields = ["id", "unit", "question", "requested_at", "due_at", "answer", "answered_at", "result"]


def _is_official(roles: frozenset[str]) -> bool:
    return bool(roles - APPLICANT)


class DossierDetailSerializer(DossierListSerializer):
    history = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)
    steps = serializers.SerializerMethodField()
    consultations = serializers.SerializerMethodField()
    current_step = serializers.IntegerField(source="current_step_id", allow_null=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    processing_unit = serializers.CharField(source="processing_unit.name", allow_null=True, default=None)
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    assisted = serializers.SerializerMethodField(help_text="applied online with a guide's help at the office")
    organisation_tax_code = serializers.CharField(source="organisation.tax_code", allow_null=True, default=None)

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "lookup_secret",
            "applicant_kind",
            "applicant_id_number",
            "applicant_tax_code",
            "applicant_phone",
            "applicant_email",
            "applicant_province",
            "applicant_commune",
            "applicant_address",
            "applicant_full_address",
            "representative_name",
            "form_data",
            "assisted",
            "organisation_tax_code",
            "result_delivery",
            "postal_address",
            "postal_tracking_number",
            "processing_unit",
            "assignee",
            "transferred_at",
            "processed_at",
            "returned_at",
            "ended_at",
            "clock_started_at",
            "documents",
            "current_step",
            "steps",
            "consultations",
            "history",
            "allowed_actions",
        ]

    def get_assisted(self, obj: Dossier) -> bool:
        return obj.assisted_by_id is not None

    def get_history(self, obj: Dossier) -> list[dict[str, Any]]:
        if _is_official(self.context.get("roles", frozenset())):
            transitions = obj.transitions.select_related("actor")
            return list(OfficialTransitionSerializer(transitions, many=True).data)
        public = obj.transitions.exclude(action__in=INTERNAL_ACTIONS)
        return list(TransitionSerializer(public, many=True).data)

    def get_steps(self, obj: Dossier) -> list[dict[str, Any]]:
        steps = obj.steps.select_related("agency", "unit", "holder")
        official = _is_official(self.context.get("roles", frozenset()))
        return list((OfficialStepSerializer if official else StepSerializer)(steps, many=True).data)

    def get_consultations(self, obj: Dossier) -> list[dict[str, Any]]:
        if not _is_official(self.context.get("roles", frozenset())):
            return []
        return list(ConsultationSerializer(obj.consultations.select_related("unit"), many=True).data)

    def get_allowed_actions(self, obj: Dossier) -> list[str]:
        stage = obj.current_step.actor if obj.current_step else ""
        return allowed_actions(obj.status, self.context.get("roles", frozenset()), stage)


class LookupSerializer(serializers.ModelSerializer[Dossier]):
    """What anyone with the code and secret may see: no personal data."""

    procedure = serializers.CharField(source="procedure_version.name")
    agency = serializers.CharField(source="competent_agency.name")
    status_label = serializers.CharField(source="get_status_display")
    national_status = serializers.IntegerField(read_only=True, allow_null=True)
    due_at = serializers.DateTimeField(source="effective_due_at", allow_null=True)
    step = serializers.CharField(source="current_step.name", allow_null=True, default=None)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "status",
            "status_label",
            "step",
            "national_status",
            "procedure",
            "agency",
            "received_at",
            "due_at",
            "returned_at",
        ]
