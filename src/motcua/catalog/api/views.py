from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.catalog.api.serializers import ProcedureDetailSerializer, ProcedureListSerializer, ProcedureQuerySerializer
from motcua.catalog.selectors import CatalogFilters, procedure_detail, procedure_search, versions_by_ids


class ProcedureListView(GenericAPIView):
    """Search the catalog of procedures in force."""

    permission_classes = [AllowAny]
    serializer_class = ProcedureListSerializer

    @extend_schema(
        parameters=[ProcedureQuerySerializer],
        responses={200: ProcedureListSerializer(many=True)},  # paginated: {"count", "next", "previous", "results"}
        tags=["catalog"],
        operation_id="procedures_list",
    )
    def get(self, request: Request) -> Response:
        params = ProcedureQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = CatalogFilters(**{k: v.strip() for k, v in params.validated_data.items()})
        ids = procedure_search(filters)
        page = self.paginate_queryset(ids)
        assert page is not None
        return self.get_paginated_response(ProcedureListSerializer(versions_by_ids(list(page)), many=True).data)


class ProcedureDetailView(GenericAPIView):
    """One procedure in force, with its documents, fees, processing time and service level."""

    permission_classes = [AllowAny]
    serializer_class = ProcedureDetailSerializer
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="National code, e.g. 1.001029")],
        tags=["catalog"],
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(ProcedureDetailSerializer(procedure_detail(code)).data)
