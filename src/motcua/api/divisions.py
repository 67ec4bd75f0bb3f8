"""Public lists of today's administrative units, for address fields (forms, integrators)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.addresses import communes, provinces
from motcua.core.errors import NotFoundError


class AdministrativeUnitSerializer(serializers.Serializer[dict[str, object]]):
    code = serializers.IntegerField()
    name = serializers.CharField()


class ProvinceListView(APIView):
    """The 34 provinces and centrally-run cities (from 01/07/2025), alphabetically."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(responses={200: AdministrativeUnitSerializer(many=True)}, tags=["addresses"])
    def get(self, request: Request) -> Response:
        response = Response([{"code": code, "name": name} for code, name in provinces()])
        response["Cache-Control"] = "public, max-age=86400"
        return response


class CommuneListView(APIView):
    """The communes and wards of one province, alphabetically."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(responses={200: AdministrativeUnitSerializer(many=True)}, tags=["addresses"])
    def get(self, request: Request, province: int) -> Response:
        units = communes(province)
        if not units:
            raise NotFoundError(_("No province with code %(code)s.") % {"code": province}, code="province-not-found")
        response = Response([{"code": code, "name": name} for code, name in units])
        response["Cache-Control"] = "public, max-age=86400"
        return response
