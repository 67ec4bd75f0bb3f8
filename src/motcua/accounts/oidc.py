"""Sign-in through an OpenID Connect provider — the national electronic identity (VNeID) works this way.

mozilla-django-oidc runs the authorisation-code flow (state, nonce, the ID token's RS256 signature
against the provider's JWKS); this backend adds the checks of the ID token it leaves to us (issuer,
audience, expiry) and maps the provider's identity to one account: the provider's `sub` is the key
(`ExternalIdentity`), never an e-mail address or a phone number that someone else could have put in
an account of ours. The first sign-in makes a citizen account from the claims, whose phone and
citizen ID number the national identity has already verified.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from motcua.accounts.constants import Role, UserKind
from motcua.accounts.models import ExternalIdentity, RoleAssignment, User
from motcua.core.validation import normalise_vietnamese_phone

logger = logging.getLogger(__name__)


class NationalIdentityBackend(OIDCAuthenticationBackend):
    @property
    def issuer(self) -> str:
        return str(settings.MOTCUA_OIDC_ISSUER)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != self.issuer:
            raise SuspiciousOperation("ID token from another issuer")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if float(payload.get("exp", 0)) < time.time():
            raise SuspiciousOperation("expired ID token")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return User.objects.filter(
            external_identities__issuer=self.issuer, external_identities__subject=str(claims["sub"]), is_active=True
        )

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        subject = str(claims["sub"])
        now = timezone.now()
        user = User(
            username=f"oidc-{hashlib.sha256(f'{self.issuer}|{subject}'.encode()).hexdigest()[:24]}",
            kind=UserKind.CITIZEN,
        )
        user.set_unusable_password()  # this account signs in through the provider only
        self._apply(user, claims, now)
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.CITIZEN)
        ExternalIdentity.objects.create(user=user, issuer=self.issuer, subject=subject, linked_at=now, last_used_at=now)
        return user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        now = timezone.now()
        self._apply(user, claims, now)
        user.save()
        ExternalIdentity.objects.filter(user=user, issuer=self.issuer).update(last_used_at=now)
        return user

    def _apply(self, user: User, claims: dict[str, Any], now: Any) -> None:
        """What the provider vouches for: the name, the citizen ID number, a verified phone, the e-mail."""
        user.full_name = str(claims.get("name") or user.full_name)[:255]
        id_number = str(claims.get(settings.MOTCUA_OIDC_ID_NUMBER_CLAIM) or "")
        if len(id_number) == 12 and id_number.isdigit():
            user.id_number = id_number
        phone = str(claims.get("phone_number") or "")
        if phone:
            try:
                user.phone = normalise_vietnamese_phone(phone)
            except ValidationError:
                logger.info("OIDC: a phone number that is not Vietnamese was left out")
            else:
                if claims.get("phone_number_verified"):
                    user.phone_verified_at = user.phone_verified_at or now
        if claims.get("email"):
            user.email = str(claims["email"]).lower()[:254]
            if claims.get("email_verified"):
                user.email_verified_at = user.email_verified_at or now
