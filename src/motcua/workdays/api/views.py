from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.models import Agency
from motcua.core.errors import NotFoundError
from motcua.workdays.domain import VIETNAM
from motcua.workdays.presenters import explanation_data
from motcua.workdays.selectors import agency_calendar


@extend_schema_field(OpenApiTypes.DATETIME)
class FlexibleDateTimeField(serializers.Field):
    """ISO 8601; a '+' that a query string turned into a space is put back; no offset = Vietnam time."""

    default_error_messages = {"invalid": gettext_lazy("Enter a date and time such as 2026-11-26T10:20:00+07:00.")}

    def to_internal_value(self, data: Any) -> datetime:
        text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", str(data).strip())
        try:
            value = parse_datetime(text)
        except ValueError:
            value = None
        if value is None:
            self.fail("invalid")
        assert value is not None
        return value if value.tzinfo else value.replace(tzinfo=VIETNAM)

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()


class DueQuerySerializer(serializers.Serializer[Any]):
    start = FlexibleDateTimeField(help_text="ISO 8601 date and time of receipt of the complete dossier")
    working_days = serializers.IntegerField(required=False, min_value=0, max_value=365)
    working_hours = serializers.FloatField(required=False, min_value=0, max_value=2000)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=32)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("working_days" in attrs) == ("working_hours" in attrs):
            message = _("Give exactly one of working_days or working_hours.")
            raise serializers.ValidationError({"working_days": [message]})
        return attrs


class DueDateView(APIView):
    """The due date of a period counted on an agency's working calendar, with its explanation."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[DueQuerySerializer],
        responses={
            200: inline_serializer(
                "DueDate",
                {
                    "due_at": serializers.DateTimeField(),
                    "agency": inline_serializer(
                        "DueAgency", {"code": serializers.CharField(), "name": serializers.CharField()}, allow_null=True
                    ),
                    "explanation": serializers.DictField(),
                },
            )
        },
        tags=["calendar"],
    )
    def get(self, request: Request) -> Response:
        params = DueQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        agency = None
        if data.get("agency"):
            agency = Agency.objects.select_related("calendar").filter(code=data["agency"]).first()
            if agency is None:
                raise NotFoundError(
                    _("No agency with code %(code)s.") % {"code": data["agency"]}, code="agency-not-found"
                )
        calendar = agency_calendar(agency)
        if "working_days" in data:
            explanation = calendar.explain(data["start"], data["working_days"], "working_days")
        else:
            explanation = calendar.explain(data["start"], data["working_hours"], "working_hours")
        return Response(
            {
                "due_at": explanation.due_at.isoformat(),
                "agency": {"code": agency.code, "name": agency.name} if agency else None,
                "explanation": explanation_data(explanation),
            }
        )
