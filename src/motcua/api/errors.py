"""One JSON error envelope for every API error: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from motcua.core.errors import DomainError, database_unavailable

logger = logging.getLogger(__name__)


def error_response(code: str, message: str, http_status: int, fields: dict[str, Any] | None = None) -> Response:
    return Response({"error": {"code": code, "message": message, "fields": fields or {}}}, status=http_status)


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [str(item) if not isinstance(item, dict | list) else _flatten(item) for item in detail]
    return [str(detail)]


def unavailable_response() -> Response:
    """503 with the envelope: the database is out of reach for a moment (core.errors.database_unavailable)."""
    response = error_response(
        "service-unavailable",
        _("The service is briefly unavailable. Please try again in a moment."),
        status.HTTP_503_SERVICE_UNAVAILABLE,
    )
    response["Retry-After"] = "5"
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if database_unavailable(exc):
        logger.warning("database unavailable: %s", exc, exc_info=exc)
        return unavailable_response()
    if isinstance(exc, DomainError):
        domain = error_response(exc.code, str(exc.message), exc.status, exc.fields)
        current_status = getattr(exc, "current_status", None)
        if current_status:  # a refused transition says where the dossier stands now
            domain.data["error"]["current_status"] = current_status
        return domain
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        return error_response("invalid", " ".join(exc.messages), status.HTTP_400_BAD_REQUEST, fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            "invalid",
            _("Some values are not valid: see the fields."),
            response.status_code,
            _flatten(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": _flatten(exc.detail)},
        )
    assert isinstance(exc, exceptions.APIException)
    message = str(exc.detail) if not isinstance(exc.detail, dict | list) else _("Request failed.")
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    response.data = {"error": {"code": str(code).replace("_", "-"), "message": message, "fields": {}}}
    return response
