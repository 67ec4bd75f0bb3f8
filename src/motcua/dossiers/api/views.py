from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from motcua.core.errors import DomainError
from motcua.core.web import private_file_response
from motcua.documents.forms import FormNotIssued, pdf_response, receipt_pdf
from motcua.dossiers.api.serializers import (
    LIST_COLUMNS,
    DocumentSerializer,
    DossierActionSerializer,
    DossierCreateSerializer,
    DossierDetailSerializer,
    DossierListSerializer,
    LookupSerializer,
    list_row,
)
from motcua.dossiers.constants import Action, DocumentKind, Status
from motcua.dossiers.permissions import roles_on_dossier
from motcua.dossiers.selectors import dossier_document_for, dossier_for_user, dossier_list, dossier_public_lookup
from motcua.dossiers.services import (
    ApplicantData,
    dossier_access_record,
    dossier_create,
    dossier_document_add,
    dossier_transition,
)
from motcua.dossiers.uploads import CONTENT_TYPES


class DossierQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    procedure = serializers.RegexField(r"^\d{1,2}\.\d{6}$", required=False)
    received_from = serializers.DateField(required=False)
    received_to = serializers.DateField(required=False)


def _detail(request: Request, code: str, http_status: int = status.HTTP_200_OK) -> Response:
    dossier = dossier_for_user(user=request.user, code=code)  # type: ignore[arg-type]
    roles = roles_on_dossier(request.user, dossier)  # type: ignore[arg-type]
    dossier_access_record(dossier=dossier, user=request.user, what="dossier")  # type: ignore[arg-type]
    return Response(DossierDetailSerializer(dossier, context={"roles": roles}).data, status=http_status)


class DossierListView(GenericAPIView):
    """The dossiers the caller may see (a citizen their own, an official their agency's or unit's)."""

    permission_classes = [IsAuthenticated]
    serializer_class = DossierListSerializer
    api_error_statuses = {"POST": (404,)}  # no procedure in force with this code (motcua.api.schema)

    @extend_schema(
        parameters=[DossierQuerySerializer],
        responses={200: DossierListSerializer(many=True)},  # paginated: {"count", "next", "previous", "results"}
        tags=["dossiers"],
        operation_id="dossiers_list",
    )
    def get(self, request: Request) -> Response:
        params = DossierQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = dossier_list(user=request.user, **params.validated_data)  # type: ignore[arg-type]
        page = self.paginate_queryset(qs.rows(*LIST_COLUMNS))
        assert page is not None
        return self.get_paginated_response([list_row(row) for row in page])

    @extend_schema(request=DossierCreateSerializer, responses={201: DossierDetailSerializer}, tags=["dossiers"])
    def post(self, request: Request) -> Response:
        data = DossierCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dossier = dossier_create(
            actor=request.user,  # type: ignore[arg-type]
            procedure_code=values["procedure"],
            applicant=ApplicantData(**values["applicant"]),
            channel=values["channel"],
            form_data=values.get("form_data"),
            receiving_agency_code=values.get("receiving_agency", ""),
        )
        return _detail(request, dossier.code, status.HTTP_201_CREATED)


class DossierDetailView(GenericAPIView):
    """One dossier with its history (applicants do not see internal notes)."""

    permission_classes = [IsAuthenticated]
    serializer_class = DossierDetailSerializer
    pagination_class = None

    @extend_schema(tags=["dossiers"])
    def get(self, request: Request, code: str) -> Response:
        return _detail(request, code)


class DossierActionView(GenericAPIView):
    """One state transition. 409 with `current_status` when the action is stale or illegal."""

    permission_classes = [IsAuthenticated]
    serializer_class = DossierActionSerializer
    pagination_class = None
    api_error_statuses = (409,)  # a stale or illegal transition (motcua.api.schema)

    @extend_schema(
        request=DossierActionSerializer,
        responses={200: DossierDetailSerializer},
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=Action.values)],
        tags=["dossiers"],
    )
    def post(self, request: Request, code: str, action: str) -> Response:
        dossier_for_user(user=request.user, code=code)  # type: ignore[arg-type]  # 404 before anything else
        data = DossierActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dossier_transition(
            code=code,
            action=action,
            actor=request.user,  # type: ignore[arg-type]
            note=values.get("note", ""),
            internal_note=values.get("internal_note", ""),
            new_due_at=values.get("new_due_at"),
            unit_code=values.get("unit", ""),
            assignee_username=values.get("assignee", ""),
            agency_code=values.get("agency", ""),
            expected_status=values.get("expected_status", ""),
            expected_step=values.get("expected_step"),
            tracking_number=values.get("tracking_number", ""),
        )
        return _detail(request, code)


class LookupQuerySerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=64)
    secret = serializers.CharField(max_length=16)


class LookupView(GenericAPIView):
    """Public status of a dossier from the code and the secret printed on the receipt; no personal data."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "lookup"
    serializer_class = LookupSerializer
    pagination_class = None
    api_error_statuses = (404,)  # no dossier with this code and secret (motcua.api.schema)

    @extend_schema(parameters=[LookupQuerySerializer], tags=["dossiers"])
    def get(self, request: Request) -> Response:
        params = LookupQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        dossier = dossier_public_lookup(code=params.validated_data["code"], secret=params.validated_data["secret"])
        return Response(LookupSerializer(dossier).data)


class DocumentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(max_length=200, allow_empty_file=True)
    required_document = serializers.IntegerField(required=False, help_text="id of one of the procedure's documents")
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.SUBMITTED)


class DossierDocumentListView(GenericAPIView):
    """Attach a file (PDF, JPEG or PNG, checked by content) to a dossier."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    serializer_class = DocumentUploadSerializer
    pagination_class = None

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
        tags=["dossiers"],
    )
    def post(self, request: Request, code: str) -> Response:
        dossier_for_user(user=request.user, code=code)  # type: ignore[arg-type]
        # Refuse an oversized body before reading it.
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.MOTCUA_UPLOAD_MAX_BYTES + 64 * 1024:
            raise DomainError(
                _("The file is too large: files may be at most %(limit)s MB.")
                % {"limit": round(settings.MOTCUA_UPLOAD_MAX_BYTES / 1_048_576, 1)},
                code="too-large",
            )
        data = DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = dossier_document_add(
            code=code,
            actor=request.user,  # type: ignore[arg-type]
            file=data.validated_data["file"],
            required_document_id=data.validated_data.get("required_document"),
            kind=data.validated_data["kind"],
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DossierDocumentView(GenericAPIView):
    """Download a document of a dossier the caller may see; officials leave an access record."""

    permission_classes = [IsAuthenticated]
    pagination_class = None

    # A document is served with the type its content was checked to be.
    @extend_schema(responses={(200, content_type): bytes for content_type in CONTENT_TYPES.values()}, tags=["dossiers"])
    def get(self, request: Request, code: str, document_id: int) -> FileResponse:
        dossier = dossier_for_user(user=request.user, code=code)  # type: ignore[arg-type]
        document = dossier_document_for(user=request.user, dossier=dossier, document_id=document_id)  # type: ignore[arg-type]
        dossier_access_record(dossier=dossier, user=request.user, what=f"document {document.pk}")  # type: ignore[arg-type]
        return private_file_response(
            document.file, name=document.original_name, content_type=document.content_type, attachment=True
        )


class ReceiptView(GenericAPIView):
    """Form 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) as PDF, with the lookup QR code."""

    permission_classes = [IsAuthenticated]
    pagination_class = None

    api_error_statuses = (400,)  # `not-received`: no receipt before the dossier is received (motcua.api.schema)

    @extend_schema(responses={(200, "application/pdf"): bytes}, tags=["dossiers"])
    def get(self, request: Request, code: str) -> HttpResponse:
        dossier = dossier_for_user(user=request.user, code=code)  # type: ignore[arg-type]
        try:
            return pdf_response(receipt_pdf(dossier), f"giay-tiep-nhan-{dossier.code}.pdf")
        except FormNotIssued as exc:
            raise DomainError(str(exc), code="not-received") from exc
