"""Consent to hear about online services: given at the desk or on the account page, withdrawn by a
campaign message's link or on the account page. Each change is one row written or stamped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, User
from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier
from motcua.notifications.models import NotificationPreference
from motcua.outreach.audience import normal_email
from motcua.outreach.constants import ConsentSource, WithdrawalRoute
from motcua.outreach.models import OutreachConsent


def consent_give(
    *,
    source: str,
    agency: Agency | None,
    phone: str = "",
    email: str = "",
    user: User | None = None,
    dossier_code: str = "",
    recorded_by: User | None = None,
    now: datetime | None = None,
) -> OutreachConsent:
    """Record a consent; the same person's consent still in force for the same agency is kept, not repeated."""
    email = normal_email(email)
    if not phone and not email:
        raise DomainError(
            _("Consent needs a phone number or an e-mail address to send the information to."),
            code="consent-without-address",
        )
    same = OutreachConsent.objects.filter(withdrawn_at__isnull=True, agency=agency, phone=phone, email=email)
    existing = same.first()
    if existing is not None:
        return existing
    return OutreachConsent.objects.create(
        agency=agency,
        phone=phone,
        email=email,
        user=user,
        source=source,
        dossier_code=dossier_code,
        recorded_by=recorded_by,
        given_at=now or timezone.now(),
    )


def consent_at_desk(*, dossier: Dossier, actor: User, now: datetime | None = None) -> OutreachConsent:
    """The applicant who handed in `dossier` agreed at the desk (the intake form's box), for its agency."""
    return consent_give(
        source=ConsentSource.DESK,
        agency=dossier.competent_agency,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        user=dossier.owner,
        dossier_code=dossier.code,
        recorded_by=actor,
        now=now,
    )


def consents_withdraw(
    *, via: str, phone: str = "", email: str = "", user: User | None = None, now: datetime | None = None
) -> int:
    """Withdraw every consent in force of this phone, e-mail or account, for every agency. Returns how many."""
    match = Q(pk__in=[])
    if phone:
        match |= Q(phone=phone)
    if email:
        match |= Q(email=normal_email(email))
    if user is not None:
        match |= Q(user=user)
    return OutreachConsent.objects.filter(match, withdrawn_at__isnull=True).update(
        withdrawn_at=now or timezone.now(), withdrawn_via=via
    )


@dataclass(frozen=True)
class ApplicantPreferences:
    """What the applicant's notification page shows and saves."""

    by_sms: bool
    by_email: bool
    language: str
    campaigns: bool
    phone: str  # the verified phone (campaign messages go only to verified addresses)
    email: str


def _verified_addresses(user: User) -> tuple[str, str]:
    phone = user.phone if user.phone and user.phone_verified_at else ""
    email = normal_email(user.email) if user.email and user.email_verified_at else ""
    return phone, email


def _account_consents(user: User) -> Q:
    phone, email = _verified_addresses(user)
    match = Q(user=user)
    if phone:
        match |= Q(phone=phone)
    if email:
        match |= Q(email=email)
    return match


def applicant_preferences(user: User) -> ApplicantPreferences:
    preference = NotificationPreference.objects.filter(user=user).first()
    phone, email = _verified_addresses(user)
    return ApplicantPreferences(
        by_sms=preference.by_sms if preference else True,
        by_email=preference.by_email if preference else True,
        language=(preference.language if preference else "") or "",
        campaigns=OutreachConsent.objects.filter(_account_consents(user), withdrawn_at__isnull=True).exists(),
        phone=phone,
        email=email,
    )


@transaction.atomic
def applicant_preferences_save(
    *,
    user: User,
    by_sms: bool,
    by_email: bool,
    language: str,
    campaigns: bool,
    now: datetime | None = None,
) -> ApplicantPreferences:
    """Save the applicant's channels and language, and give or withdraw their consent to campaigns.

    Notices the law requires still reach them when both channels are off (notifications.services).
    """
    if language and language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose one of the languages offered."), code="invalid", fields={"language": []})
    now = now or timezone.now()
    NotificationPreference.objects.update_or_create(
        user=user, defaults={"by_sms": by_sms, "by_email": by_email, "language": language}
    )
    before = applicant_preferences(user)
    if campaigns and not before.campaigns:
        phone, email = _verified_addresses(user)
        if not phone and not email:
            raise DomainError(
                _("Verify your phone number or e-mail address first: information is sent only to verified addresses."),
                code="consent-without-address",
                fields={"campaigns": []},
            )
        consent_give(source=ConsentSource.ACCOUNT, agency=None, phone=phone, email=email, user=user, now=now)
    elif not campaigns and before.campaigns:
        OutreachConsent.objects.filter(_account_consents(user), withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_via=WithdrawalRoute.ACCOUNT
        )
    return applicant_preferences(user)
