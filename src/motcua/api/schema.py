"""The OpenAPI schema says which errors an operation answers, with the one error envelope.

drf-spectacular documents the success responses only. `AutoSchema` adds, to every operation,
the 4xx statuses that the API really answers, each with the body that `motcua.api.errors` renders:
`{"error": {"code", "message", "fields"}}`:

- 400 when the operation reads parameters or a body (bad input);
- 401 when it authenticates callers (a wrong or expired `Bearer` token is refused, even where
  anyone may call the operation without one);
- 403 when it needs a permission, or a session cookie's CSRF token on an unsafe method;
- 404 when its path names something (a dossier, a procedure, a province), or for a page of a
  list past its end;
- 429 when it is throttled (every operation: the anonymous and user rates apply everywhere);
- and whatever a view adds with `api_error_statuses` (e.g. 409 for a refused transition).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

ERROR_DESCRIPTIONS = {
    400: "Bad input: `fields` names each field in error with its messages.",
    401: "Not signed in, or the token is wrong or expired.",
    403: "The caller may not do this.",
    404: "Nothing with this code, or nothing the caller may see.",
    409: "The request conflicts with the current state (e.g. a stale or illegal transition).",
    413: "The body is too large.",
    429: "Too many requests: wait a little (`Retry-After`).",
}


# `fields` is a key of the body, and a reserved attribute of a Serializer class: built, not declared.
ErrorBodySerializer = inline_serializer(
    name="ErrorBody",
    fields={
        "code": serializers.CharField(help_text="Stable kebab-case code, e.g. `invalid`, `not-found`."),
        "message": serializers.CharField(help_text="Translated, for people."),
        "fields": serializers.DictField(help_text="Field name: its messages (a list, or an object when nested)."),
        "current_status": serializers.CharField(
            required=False, help_text="A refused transition: the dossier's status now."
        ),
    },
)
ErrorSerializer = inline_serializer(name="Error", fields={"error": ErrorBodySerializer})


def error_statuses(view: Any, method: str, *, has_input: bool, has_path_parameters: bool, paginated: bool) -> set[int]:
    """The 4xx statuses an operation of `view` can answer (see the module's docstring)."""
    found: set[int] = {429}
    if has_input:
        found.add(400)
    authenticators = view.get_authenticators()
    if authenticators:
        found.add(401)
    needs_permission = any(not isinstance(permission, AllowAny) for permission in view.get_permissions())
    unsafe_with_session = method not in ("GET", "HEAD", "OPTIONS") and any(
        isinstance(authenticator, SessionAuthentication) for authenticator in authenticators
    )
    if needs_permission or unsafe_with_session:
        found.add(403)
    if has_path_parameters or paginated:
        found.add(404)
    extra = getattr(view, "api_error_statuses", {})
    found.update(extra.get(method, ()) if isinstance(extra, dict) else extra)
    return found


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, with the error responses of every operation."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        statuses = error_statuses(
            self.view,
            self.method,
            has_input=bool(operation.get("requestBody"))
            or any(parameter.get("in") != "path" for parameter in parameters),
            has_path_parameters=any(parameter.get("in") == "path" for parameter in parameters),
            paginated=any(
                parameter.get("in") == "query" and parameter.get("name") == "page" for parameter in parameters
            ),
        )
        responses = operation.setdefault("responses", {})
        for status in sorted(statuses):
            if str(status) not in responses:
                response = self._get_response_for_code(ErrorSerializer, str(status), media_types=["application/json"])
                response["description"] = ERROR_DESCRIPTIONS.get(status, "")
                responses[str(status)] = response
        return operation
