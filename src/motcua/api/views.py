from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from motcua.accounts.services import signin_locked
from motcua.core.clients import client_address
from motcua.core.errors import DomainError


class SigninLockedError(DomainError):
    status = 429


class TokenInput(serializers.Serializer[dict[str, str]]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Bearer <token>`)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        request=TokenInput,
        responses={200: inline_serializer("TokenOutput", {"token": serializers.CharField()})},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        # The same lockout as the sign-in page (one count in the database): the API is no way around it.
        if signin_locked(data.validated_data["username"], client_address(request._request)):
            minutes = max(1, settings.MOTCUA_SIGNIN_LOCK_SECONDS // 60)
            raise SigninLockedError(
                _("Too many wrong tries: wait %(minutes)s minutes, or reset your password.") % {"minutes": minutes},
                code="signin-locked",
            )
        user = authenticate(request, username=data.validated_data["username"], password=data.validated_data["password"])
        if user is None or not user.is_active:
            raise DomainError(_("Wrong username or password."), code="invalid-credentials")
        token, _created = Token.objects.get_or_create(user=user)
        response = Response({"token": token.key})
        response["Cache-Control"] = "no-store"  # a credential: never kept by a cache (RFC 6749 §5.1)
        return response
