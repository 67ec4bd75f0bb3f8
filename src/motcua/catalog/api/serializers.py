from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.catalog.constants import ServiceLevel
from motcua.catalog.models import Fee, ProcedureVersion, ProcessingTimeByChannel, ProcessStep, RequiredDocument
from motcua.workdays.constants import PeriodUnit


class AgencyRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class FieldRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcessingTimeSerializer(serializers.Serializer[Any]):
    amount = serializers.FloatField(allow_null=True, help_text="null while the time has not been published")
    unit = serializers.ChoiceField(choices=PeriodUnit.choices)


class ProcedureListSerializer(serializers.ModelSerializer[ProcedureVersion]):
    code = serializers.CharField(source="procedure.code")
    field = FieldRefSerializer()
    agency = AgencyRefSerializer()
    processing_time = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    is_demo_data = serializers.BooleanField()

    class Meta:
        model = ProcedureVersion
        fields = [
            "code",
            "name",
            "field",
            "agency",
            "service_level",
            "legacy_level",
            "channels",
            "processing_time",
            "is_demo_data",
            "url",
        ]

    @extend_schema_field(ProcessingTimeSerializer)
    def get_processing_time(self, obj: ProcedureVersion) -> dict[str, Any]:
        amount = None if obj.processing_time is None else float(obj.processing_time)
        return {"amount": amount, "unit": obj.processing_unit}

    def get_url(self, obj: ProcedureVersion) -> str:
        return reverse("api-procedure-detail", args=[obj.procedure.code])


class FeeSerializer(serializers.ModelSerializer[Fee]):
    amount = serializers.IntegerField()

    class Meta:
        model = Fee
        fields = ["name", "amount"]


class RequiredDocumentSerializer(serializers.ModelSerializer[RequiredDocument]):
    template_url = serializers.SerializerMethodField()

    class Meta:
        model = RequiredDocument
        fields = ["order", "name", "copy_kind", "quantity", "mandatory", "accepted_file_types", "template_url", "note"]

    def get_template_url(self, obj: RequiredDocument) -> str | None:
        return obj.template.url if obj.template else None


class ProcessStepSerializer(serializers.ModelSerializer[ProcessStep]):
    duration = serializers.FloatField()

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "actor", "duration", "unit"]


class ChannelTimeSerializer(serializers.ModelSerializer[ProcessingTimeByChannel]):
    amount = serializers.FloatField()

    class Meta:
        model = ProcessingTimeByChannel
        fields = ["channel", "amount", "unit"]


class ProcedureDetailSerializer(ProcedureListSerializer):
    fees = FeeSerializer(many=True)
    documents = RequiredDocumentSerializer(many=True)
    steps = ProcessStepSerializer(many=True)
    channel_times = ChannelTimeSerializer(many=True)

    class Meta(ProcedureListSerializer.Meta):
        fields = [
            *ProcedureListSerializer.Meta.fields,
            "valid_from",
            "valid_to",
            "implementation_level",
            "applicant_types",
            "processing_note",
            "channel_times",
            "fees",
            "fee_note",
            "documents",
            "result_name",
            "result_forms",
            "legal_basis",
            "conditions",
            "steps_description",
            "steps",
            "form_schema",
            "publication_decision",
            "source_url",
            "demo_fields",
        ]


class ProcedureQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    level = serializers.ChoiceField(
        choices=ServiceLevel.choices,
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": _("Choose one of: information, partial, full.")},
    )
    field = serializers.SlugField(required=False, allow_blank=True, max_length=80)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=32)
