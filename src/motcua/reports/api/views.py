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

from motcua.reports.access import SCORE_ROLES, ReportForbidden, report_agencies, report_request
from motcua.reports.index766 import GROUPS as INDEX_GROUPS
from motcua.reports.index766 import index766, index766_by_division
from motcua.reports.period import GROUPS, period_report
from motcua.reports.tt01 import tt01_scores


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
        "level": serializers.CharField(help_text="`division`: narrowed to the division's dossiers; else `agency`."),
        "level_reason": serializers.CharField(
            allow_null=True, help_text="Why a division's index shows the agency's figure here."
        ),
        "factor": serializers.FloatField(required=False, allow_null=True, help_text="3.3 only: the sync rate of 1.4."),
        "value": serializers.FloatField(required=False, allow_null=True, help_text="2.2 only: the average in days."),
    },
)
FORECAST = inline_serializer(
    name="Index766Forecast",
    allow_null=True,
    help_text="Only for a period not over: the dossier indicators at its end. A forecast, never an actual figure.",
    fields={
        "as_of": serializers.DateTimeField(),
        "window_days": serializers.IntegerField(),
        "method": serializers.CharField(),
        "open": serializers.IntegerField(),
        "open_late": serializers.IntegerField(),
        "open_safe": serializers.IntegerField(),
        "indicators": serializers.ListField(
            child=inline_serializer(
                name="Index766ForecastIndicator",
                fields={
                    "code": serializers.CharField(),
                    "name": serializers.CharField(),
                    "numerator": serializers.FloatField(allow_null=True),
                    "denominator": serializers.FloatField(allow_null=True),
                    "rate": serializers.FloatField(allow_null=True),
                    "points": serializers.FloatField(allow_null=True),
                    "max": serializers.FloatField(),
                    "basis": serializers.CharField(
                        help_text="`received`: fixed at receipt; `recent`: from the dossiers ended recently."
                    ),
                    "reason": serializers.CharField(allow_null=True),
                },
            )
        ),
        "total": inline_serializer(
            name="Index766ForecastTotal", fields={"points": serializers.FloatField(), "max": serializers.FloatField()}
        ),
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
        "division": inline_serializer(
            name="Index766Division",
            fields={"code": serializers.CharField(), "name": serializers.CharField()},
            allow_null=True,
        ),
        "judged_at": serializers.DateTimeField(help_text="Open dossiers are judged at this moment."),
        "forecast": FORECAST,
        "divisions": serializers.ListField(
            child=serializers.DictField(),
            required=False,
            help_text="With `by_division`: per division, `division`, `total` and `indicators` (by code).",
        ),
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
        parameters=[
            *(p for p in PARAMETERS if p.name not in ("group_by", "field", "procedure")),
            OpenApiParameter("by_division", bool, description="Add `divisions`: each division's points."),
        ],
        responses={200: INDEX},
        tags=["reports"],
        operation_id="reports_index766",
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        if not report_agencies(user):
            raise ReportForbidden(_("Reports are for leaders, report viewers and desk officers."))
        req = report_request(user, request.query_params)
        index = index766(req.scope, req.period.start, req.period.end)
        if str(request.query_params.get("by_division", "")).lower() in ("1", "true", "yes"):
            index["divisions"] = index766_by_division(req.scope, req.period.start, req.period.end)
        return Response(index)


def _index_figure(name: str) -> Any:
    return inline_serializer(
        name=name,
        fields={
            "value": serializers.FloatField(allow_null=True, help_text="Σ scores / dossiers with data, 1 decimal."),
            "sum": serializers.IntegerField(),
            "count": serializers.IntegerField(help_text="Dossiers with data for the index."),
            "reason": serializers.CharField(allow_null=True, help_text="Why the index has no value."),
            "level": serializers.CharField(help_text="`unit`, or `agency`: a division shows its agency's score."),
            "level_reason": serializers.CharField(allow_null=True),
        },
    )


def _score_row(name: str, who: Any, maximum: int) -> Any:
    return inline_serializer(
        name=name,
        fields={
            **who,
            "dossiers": serializers.IntegerField(),
            "indices": serializers.DictField(child=_index_figure(f"{name}Index"), help_text="By index number."),
            "total": serializers.FloatField(help_text="The sum of the indices with a value (Art. 15(4))."),
            "max": serializers.IntegerField(help_text=f"{maximum}"),
            "computed_max": serializers.IntegerField(),
            "classification": serializers.CharField(allow_null=True),
            "classification_label": serializers.CharField(),
        },
    )


TT01 = inline_serializer(
    name="TT01Scores",
    fields={
        "period": inline_serializer(
            name="TT01Period", fields={"from": serializers.DateField(), "to": serializers.DateField()}
        ),
        "agency": inline_serializer(
            name="TT01Agency", fields={"code": serializers.CharField(), "name": serializers.CharField()}
        ),
        "subordinates": serializers.BooleanField(),
        "dossiers": serializers.IntegerField(help_text="Dossiers resolved in the period: the ones scored."),
        "indices": serializers.ListField(
            child=inline_serializer(
                name="TT01Index",
                fields={
                    "code": serializers.CharField(),
                    "name": serializers.CharField(),
                    "source": serializers.CharField(help_text="What MotCua computes it from, or why it is left out."),
                },
            )
        ),
        "units": serializers.ListField(
            child=_score_row(
                "TT01Unit",
                {
                    "unit": inline_serializer(
                        name="TT01UnitName",
                        fields={
                            "kind": serializers.CharField(help_text="`agency` or `division`."),
                            "code": serializers.CharField(),
                            "name": serializers.CharField(),
                        },
                    )
                },
                18,
            )
        ),
        "officials": serializers.ListField(
            child=_score_row(
                "TT01Official",
                {
                    "official": inline_serializer(
                        name="TT01OfficialName",
                        fields={"id": serializers.IntegerField(), "name": serializers.CharField()},
                    )
                },
                10,
            )
        ),
    },
)


class ReportTT01View(GenericAPIView):
    """TT 01/2018 scores per unit and official (quarterly, yearly): leaders, report viewers, administrators."""

    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(
        parameters=[p for p in PARAMETERS if p.name not in ("group_by", "division", "field", "procedure")],
        responses={200: TT01},
        tags=["reports"],
        operation_id="reports_tt01",
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        if not report_agencies(user, SCORE_ROLES):
            raise ReportForbidden(_("The scores are for leaders, report viewers and administrators."))
        req = report_request(user, request.query_params, roles=SCORE_ROLES)
        return Response(tt01_scores(req.scope, req.period.start, req.period.end))
