"""`GET /api/v1/reports/summary/` and `/index766/`: the period report (CONTRACT.md §5) and the
Decision 766 index (§6) as JSON."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.reports.access import ReportForbidden, report_agencies, report_request
from motcua.reports.index766 import GROUPS as INDEX_GROUPS
from motcua.reports.index766 import index766
from motcua.reports.period import GROUPS, period_report


def _numbers(name: str) -> Any:
    count = serializers.IntegerField
    rate = serializers.FloatField(allow_null=True, help_text="A fraction with 4 decimals; null when nothing to divide.")
    return inline_serializer(
        name=name,
        fields={
            "received": inline_serializer(
                name=f"{name}Received",
                fields={
                    key: count()
                    for key in (
                        "total",
                        "carried_over",
                        "new",
                        "in_person",
                        "postal",
                        "online",
                        "online_partial",
                        "online_full",
                    )
                },
            ),
            "resolved": inline_serializer(
                name=f"{name}Resolved", fields={key: count() for key in ("total", "early", "on_time", "late")}
            ),
            "withdrawn": count(),
            "pending": inline_serializer(
                name=f"{name}Pending", fields={key: count() for key in ("total", "within_deadline", "overdue")}
            ),
            "online_rate": rate,
            "on_time_rate": serializers.FloatField(allow_null=True),
        },
    )


def _named(name: str) -> Any:
    return inline_serializer(
        name=name, fields={"code": serializers.CharField(), "name": serializers.CharField()}, allow_null=True
    )


SUMMARY = inline_serializer(
    name="PeriodReport",
    fields={
        "period": inline_serializer(
            name="ReportPeriod", fields={"from": serializers.DateField(), "to": serializers.DateField()}
        ),
        "scope": inline_serializer(
            name="ReportScope",
            fields={
                "agency": _named("ReportAgency"),
                "subordinates": serializers.BooleanField(),
                "division": _named("ReportDivision"),
                "field": _named("ReportField"),
                "procedure": _named("ReportProcedure"),
            },
        ),
        "group_by": serializers.ChoiceField(choices=GROUPS, allow_null=True),
        "options": serializers.DictField(),
        "total": _numbers("ReportNumbers"),
        "rows": serializers.ListField(
            child=serializers.DictField(), help_text="As `total`, with `group` (and `period` for years and months)."
        ),
        "breaches": serializers.ListField(
            child=inline_serializer(
                name="ReportBreach",
                fields={
                    "row": serializers.CharField(),
                    "identity": serializers.CharField(),
                    "left": serializers.IntegerField(),
                    "right": serializers.IntegerField(),
                },
            )
        ),
    },
)

PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day of the period (with `to`)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day of the period, included."),
    OpenApiParameter("period", str, description="Instead of the dates: 2026, 2026-H1, 2026-Q2 or 2026-M03."),
    OpenApiParameter("cut_off", bool, description="Official periods from the 15th to the 14th (Decree 09/2019)."),
    OpenApiParameter("agency", str, description="Agency code; by default the caller's."),
    OpenApiParameter("subordinates", bool, description="Include the agencies under it."),
    OpenApiParameter("division", str, description="A division code of the agency (`none`: not yet with a division)."),
    OpenApiParameter("field", str, description="A field code."),
    OpenApiParameter("procedure", str, description="A procedure's national code."),
    OpenApiParameter("group_by", str, enum=list(GROUPS)),
]


class ReportSummaryView(GenericAPIView):
    """The period report (CONTRACT.md §5): leaders, report viewers and desk officers of the agency."""

    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(parameters=PARAMETERS, responses={200: SUMMARY}, tags=["reports"], operation_id="reports_summary")
    def get(self, request: Request) -> Response:
        user: Any = request.user
        if not report_agencies(user):
            raise ReportForbidden(_("Reports are for leaders, report viewers and desk officers."))
        req = report_request(user, request.query_params)
        report = period_report(req.scope, req.period.start, req.period.end, req.group_by, cut_off=req.cut_off)
        return Response(report)


INDICATOR = inline_serializer(
    name="Index766Indicator",
    fields={
        "code": serializers.CharField(help_text="DOMAIN.md §7's code, e.g. 2.1."),
        "name": serializers.CharField(),
        "numerator": serializers.FloatField(allow_null=True),
        "denominator": serializers.IntegerField(allow_null=True),
        "rate": serializers.FloatField(allow_null=True, help_text="A fraction, 4 decimals; null when not computed."),
        "threshold": serializers.FloatField(),
        "points": serializers.FloatField(allow_null=True),
        "max": serializers.FloatField(help_text="0 for an indicator that is monitored, not scored."),
        "reason": serializers.CharField(allow_null=True, help_text="Why the rate is null, when it is."),
        "explained": serializers.CharField(allow_null=True),
        "dossiers": serializers.BooleanField(help_text="Its numerator and denominator are lists of dossiers."),
    },
)
INDEX = inline_serializer(
    name="Index766",
    fields={
        "period": inline_serializer(
            name="Index766Period", fields={"from": serializers.DateField(), "to": serializers.DateField()}
        ),
        "agency": inline_serializer(
            name="Index766Agency", fields={"code": serializers.CharField(), "name": serializers.CharField()}
        ),
        "subordinates": serializers.BooleanField(),
        "total": inline_serializer(
            name="Index766Total",
            fields={
                "points": serializers.FloatField(),
                "max": serializers.FloatField(),
                "computed_max": serializers.FloatField(),
            },
        ),
        "groups": serializers.ListField(
            child=inline_serializer(
                name="Index766Group",
                fields={
                    "code": serializers.ChoiceField(choices=[code for code, _name in INDEX_GROUPS]),
                    "name": serializers.CharField(),
                    "points": serializers.FloatField(),
                    "max": serializers.FloatField(),
                    "computed_max": serializers.FloatField(),
                    "indicators": serializers.ListField(child=INDICATOR),
                },
            )
        ),
        "extra": serializers.DictField(),
    },
)


class ReportIndex766View(GenericAPIView):
    """The Decision 766 index (CONTRACT.md §6): leaders, report viewers and desk officers of the agency."""

    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(
        parameters=[p for p in PARAMETERS if p.name not in ("group_by", "division", "field", "procedure")],
        responses={200: INDEX},
        tags=["reports"],
        operation_id="reports_index766",
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        if not report_agencies(user):
            raise ReportForbidden(_("Reports are for leaders, report viewers and desk officers."))
        req = report_request(user, request.query_params)
        return Response(index766(req.scope, req.period.start, req.period.end))
