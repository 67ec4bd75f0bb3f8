from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.catalog.api.serializers import AgencyRefSerializer
from motcua.catalog.constants import Channel
from motcua.dossiers.constants import ApplicantKind, Status
from motcua.dossiers.models import Dossier, DossierDocument, DossierTransition
from motcua.dossiers.states import allowed_actions


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
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
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
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True)
    assignee = serializers.CharField(max_length=150, required=False, allow_blank=True, help_text="username")
    expected_status = serializers.ChoiceField(choices=Status.choices, required=False)


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


class DocumentSerializer(serializers.ModelSerializer[DossierDocument]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = DossierDocument
        fields = ["id", "original_name", "required_document", "content_type", "size", "uploaded_at", "url"]

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


class DossierDetailSerializer(DossierListSerializer):
    history = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    processing_unit = serializers.CharField(source="processing_unit.name", allow_null=True, default=None)
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "lookup_secret",
            "applicant_kind",
            "applicant_id_number",
            "applicant_tax_code",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "representative_name",
            "form_data",
            "processing_unit",
            "assignee",
            "transferred_at",
            "processed_at",
            "returned_at",
            "ended_at",
            "clock_started_at",
            "documents",
            "history",
            "allowed_actions",
        ]

    def get_history(self, obj: Dossier) -> list[dict[str, Any]]:
        roles = self.context.get("roles", frozenset())
        official = bool(roles - {"citizen", "organisation_representative"})
        serializer = OfficialTransitionSerializer if official else TransitionSerializer
        return list(serializer(obj.transitions.select_related("actor").all(), many=True).data)

    def get_allowed_actions(self, obj: Dossier) -> list[str]:
        return allowed_actions(obj.status, self.context.get("roles", frozenset()))


class LookupSerializer(serializers.ModelSerializer[Dossier]):
    """What anyone with the code and secret may see: no personal data."""

    procedure = serializers.CharField(source="procedure_version.name")
    agency = serializers.CharField(source="competent_agency.name")
    status_label = serializers.CharField(source="get_status_display")
    national_status = serializers.IntegerField(read_only=True, allow_null=True)
    due_at = serializers.DateTimeField(source="effective_due_at", allow_null=True)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "status",
            "status_label",
            "national_status",
            "procedure",
            "agency",
            "received_at",
            "due_at",
            "returned_at",
        ]
