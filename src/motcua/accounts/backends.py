"""Sign in with a phone number, an e-mail address or a username; locked after repeated failures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from motcua.accounts.models import User
from motcua.accounts.services import signin_failed, signin_locked, signin_succeeded, user_by_identifier
from motcua.core.clients import client_address


class PhoneEmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None:
            return None
        address = client_address(request)
        if signin_locked(username, address):
            raise PermissionDenied  # Django stops here and reports a failed sign-in
        user = user_by_identifier(username)
        if user is None:
            User().set_password(password)  # the same work as a real check: no timing difference
        elif user.check_password(password) and self.user_can_authenticate(user):
            signin_succeeded(username)
            return user
        signin_failed(username, address)
        return None
