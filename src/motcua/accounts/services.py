"""Applicants' accounts: sign up with a phone number or an e-mail address, sign in, prove one has them.

Sign-in failures are counted per account identifier and per network address in the database, so
that every process and server counts the same ones (web sign-in and API token alike): after
MOTCUA_SIGNIN_MAX_FAILURES failures in MOTCUA_SIGNIN_LOCK_SECONDS the identifier is locked for that
long, whatever the password, so that a password cannot be guessed by trying.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role, UserKind
from motcua.accounts.models import RoleAssignment, SigninFailureCount, User, VerificationCode
from motcua.accounts.organisations import organisation_register, tax_code_problems
from motcua.core.errors import DomainError
from motcua.core.validation import normalise_vietnamese_phone
from motcua.integrations.sms import sms_gateway
from motcua.integrations.sms.base import SmsError, SmsMessage, without_diacritics

logger = logging.getLogger("motcua.security")

# --- identifiers ------------------------------------------------------------------------------


def identifier_of(raw: str) -> tuple[str, str]:
    """What someone typed to sign in, as (`phone` | `email` | `username`, normalised value)."""
    text = raw.strip()
    if "@" in text:
        return "email", text.lower()
    digits = text.replace(" ", "").replace(".", "").replace("-", "")
    if digits.lstrip("+").isdigit() and len(digits) >= 9:
        try:
            return "phone", normalise_vietnamese_phone(digits)
        except ValidationError:
            pass
    return "username", text


def user_by_identifier(raw: str) -> User | None:
    """The active account a phone number, an e-mail address or a username names (None: no such account)."""
    kind, value = identifier_of(raw)
    if kind == "phone":
        match = Q(phone=value) | Q(username=value)
    elif kind == "email":
        match = Q(email__iexact=value) | Q(username__iexact=value)
    else:
        match = Q(username=value)
    users = list(User.objects.filter(match, is_active=True)[:2])
    return users[0] if len(users) == 1 else None  # an identifier shared by two accounts names neither


# --- sign-in lockout ------------------------------------------------------------------------


def _failure_keys(identifier: str, address: str) -> list[str]:
    digest = hashlib.sha256(identifier_of(identifier)[1].encode()).hexdigest()[:32]
    return [f"signin-fail:id:{digest}", f"signin-fail:ip:{address}"[:80]]


def signin_locked(identifier: str, address: str = "") -> bool:
    """Too many failures for this identifier (or from this address, ten times as many) lately."""
    limit = settings.MOTCUA_SIGNIN_MAX_FAILURES
    by_key = dict(
        SigninFailureCount.objects.filter(
            key__in=_failure_keys(identifier, address), expires_at__gt=timezone.now()
        ).values_list("key", "failures")
    )
    by_id, by_address = (by_key.get(key, 0) for key in _failure_keys(identifier, address))
    return by_id >= limit or (bool(address) and by_address >= 10 * limit)


def _count_failure(key: str, now: datetime) -> None:
    """One more failure under `key`; a count older than the lock period starts again from one."""
    if SigninFailureCount.objects.filter(key=key, expires_at__gt=now).update(failures=F("failures") + 1):
        return
    expires_at = now + timedelta(seconds=settings.MOTCUA_SIGNIN_LOCK_SECONDS)
    SigninFailureCount.objects.filter(key=key, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            SigninFailureCount.objects.create(key=key, failures=1, expires_at=expires_at)
    except IntegrityError:  # another process counted the first failure at the same moment
        SigninFailureCount.objects.filter(key=key).update(failures=F("failures") + 1)


def signin_failed(identifier: str, address: str = "") -> None:
    now = timezone.now()
    with transaction.atomic():
        for key in _failure_keys(identifier, address)[: 2 if address else 1]:
            _count_failure(key, now)
    # Logged for the security log without the identifier itself (a phone number is personal data).
    logger.warning("sign-in failed: %s from %s", _failure_keys(identifier, "")[0], address or "-")
    if signin_locked(identifier):
        logger.warning("sign-in locked: %s from %s", _failure_keys(identifier, "")[0], address or "-")
    # Counts that no longer lock anything are of no use: forget them (an indexed delete of a few rows).
    SigninFailureCount.objects.filter(expires_at__lte=now - timedelta(hours=1)).delete()


def signin_succeeded(identifier: str) -> None:
    SigninFailureCount.objects.filter(key=_failure_keys(identifier, "")[0]).delete()


# --- sign-up --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignUp:
    full_name: str
    password: str
    phone: str = ""
    email: str = ""
    organisation_name: str = ""  # set for an organisation (business) account
    tax_code: str = ""


@transaction.atomic
def account_signup(data: SignUp) -> User:
    """An applicant's account, identified by its phone number or else its e-mail address."""
    errors: dict[str, list[str]] = {}
    phone = email = ""
    if not data.full_name.strip():
        errors["full_name"] = [_("Enter your full name.")]
    if not (data.phone.strip() or data.email.strip()):
        errors["phone"] = [_("Give a mobile phone number or an e-mail address: you sign in with it.")]
    if data.phone.strip():
        try:
            phone = normalise_vietnamese_phone(data.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
        else:
            if User.objects.filter(Q(phone=phone) | Q(username=phone)).exists():
                errors["phone"] = [_("An account with this phone number exists: sign in, or reset its password.")]
    if data.email.strip():
        email = data.email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter an e-mail address such as ten@example.vn.")]
        else:
            if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
                errors["email"] = [_("An account with this e-mail address exists: sign in, or reset its password.")]
    organisation = bool(data.organisation_name.strip() or data.tax_code.strip())
    if organisation:
        if not data.organisation_name.strip():
            errors["organisation_name"] = [_("Enter the organisation's name.")]
        if problems := tax_code_problems(data.tax_code):
            errors["tax_code"] = problems
    user = User(
        username=phone or email,
        full_name=data.full_name.strip(),
        phone=phone,
        email=email,
        kind=UserKind.ORGANISATION if organisation else UserKind.CITIZEN,
        organisation_name=data.organisation_name.strip(),
        tax_code=data.tax_code.strip(),
    )
    try:
        validate_password(data.password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(data.password)
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.ORGANISATION_REPRESENTATIVE if organisation else Role.CITIZEN)
    if organisation:
        organisation_register(user=user, name=data.organisation_name, tax_code=data.tax_code)
    return user


# --- verification codes ------------------------------------------------------------------------

CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
CODES_PER_DAY = 5


def _hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _code_text(purpose: str, code: str) -> str:
    if purpose == VerificationCode.Purpose.RESET:
        text = _(
            "MotCua: your code to set a new password is %(code)s. It expires in 10 minutes. Do not give it to anyone."
        )
    elif purpose == VerificationCode.Purpose.ASSIST:
        text = _(
            "MotCua: code %(code)s lets the guide at the one-stop desk apply online in your name. "
            "Read it out only to the guide sitting with you."
        )
    else:
        text = _("MotCua: your verification code is %(code)s. It expires in 10 minutes. Do not give it to anyone.")
    return text % {"code": code}


def verification_send(*, user: User, channel: str, purpose: str = VerificationCode.Purpose.VERIFY) -> VerificationCode:
    """A new six-digit code to the account's phone (SMS) or e-mail address; the earlier ones stop working.

    `purpose` says what the code is for (prove the contact, set a new password, let a guide apply in
    the person's name); a code works only for its purpose. A new code of a purpose waits a minute
    after the last one; the daily limit counts every code sent there.
    """
    destination = user.phone if channel == VerificationCode.Channel.PHONE else user.email
    if channel not in VerificationCode.Channel.values or not destination:
        raise DomainError(_("This account has no such contact to verify."), code="nothing-to-verify")
    now = timezone.now()
    recent = VerificationCode.objects.filter(user=user, channel=channel, created_at__gte=now - timedelta(days=1))
    latest = recent.filter(purpose=purpose).order_by("-created_at").first()
    if latest is not None and now - latest.created_at < RESEND_AFTER:
        raise DomainError(
            _("A code was sent less than a minute ago; wait a moment before asking again."), code="too-soon"
        )
    if recent.count() >= CODES_PER_DAY:
        raise DomainError(_("Five codes were sent today; try again tomorrow."), code="too-many-codes")
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        recent.filter(used_at__isnull=True).update(used_at=now)  # only the newest code works
        record = VerificationCode.objects.create(
            user=user,
            channel=channel,
            purpose=purpose,
            destination=destination,
            code_hash=_hash(code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    text = _code_text(purpose, code)
    if channel == VerificationCode.Channel.PHONE:
        try:
            sms_gateway().send(
                SmsMessage(to=destination, text=without_diacritics(text), idempotency_key=f"verification-{record.pk}")
            )
        except SmsError as exc:
            record.delete()
            raise DomainError(
                _("The text message could not be sent; try again in a few minutes."), code="sms-failed"
            ) from exc
    else:
        send_mail(_("Your MotCua verification code"), text, None, [destination])
    return record


def verification_confirm(
    *, user: User, channel: str, code: str, purpose: str = VerificationCode.Purpose.VERIFY
) -> User:
    """Mark the phone or e-mail address as the account holder's if `code` is the latest one sent there.

    A wrong code still counts as an attempt (kept, not rolled back with the refusal).
    """
    now = timezone.now()
    with transaction.atomic():
        record = (
            VerificationCode.objects.select_for_update()
            .filter(user=user, channel=channel, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if record is None or record.purpose != purpose or record.expires_at < now or record.attempts >= CODE_ATTEMPTS:
            raise ValidationError({"code": [_("This code is no longer valid: ask for a new one.")]})
        record.attempts += 1
        matched = hmac.compare_digest(record.code_hash, _hash(code.strip()))
        if matched:
            record.used_at = now
            field = "phone_verified_at" if channel == VerificationCode.Channel.PHONE else "email_verified_at"
            setattr(user, field, now)
            user.save(update_fields=[field])
        record.save(update_fields=["attempts", "used_at"])
    if not matched:
        left = CODE_ATTEMPTS - record.attempts
        message = _("Wrong code; %(n)s attempts left.") % {"n": left} if left else _("Wrong code; ask for a new one.")
        raise ValidationError({"code": [message]})
    return user


# --- password reset by text message ----------------------------------------------------------------


def password_reset_send(phone: str) -> None:
    """A code to set a new password, by SMS to the account with this phone number.

    Says nothing of whether such an account exists (the page reads the same either way), so that
    the form cannot be used to find out who has an account; the code limits apply as for any code.
    """
    try:
        number = normalise_vietnamese_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    user = User.objects.filter(phone=number, is_active=True, kind__in=[UserKind.CITIZEN, UserKind.ORGANISATION]).first()
    if user is None:
        return
    verification_send(user=user, channel=VerificationCode.Channel.PHONE, purpose=VerificationCode.Purpose.RESET)


def password_reset_confirm(*, phone: str, code: str, password: str) -> User:
    """Set a new password if `code` is the latest reset code sent to `phone`; the sign-in lock is lifted."""
    try:
        number = normalise_vietnamese_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    user = User.objects.filter(phone=number, is_active=True, kind__in=[UserKind.CITIZEN, UserKind.ORGANISATION]).first()
    if user is None:
        raise ValidationError({"code": [_("This code is no longer valid: ask for a new one.")]})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    verification_confirm(
        user=user, channel=VerificationCode.Channel.PHONE, code=code, purpose=VerificationCode.Purpose.RESET
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    signin_succeeded(number)
    return user


# --- applying with a guide's help ---------------------------------------------------------------


GUIDE_ROLES = (Role.DESK_OFFICER, Role.VOLUNTEER_GUIDE)


def guide_agency_ids(user: User) -> list[int]:
    """The agencies at whose desk `user` helps people apply online (desk officers and volunteer guides)."""
    return list(
        RoleAssignment.objects.filter(user=user, role__in=GUIDE_ROLES, agency__isnull=False)
        .values_list("agency_id", flat=True)
        .distinct()
    )


@transaction.atomic
def assisted_applicant(*, guide: User, phone: str, full_name: str = "") -> User:
    """The applicant a guide helps, by their mobile number: their account, or a new one in their name.

    A new account has no password (the person sets one later with a code sent to the same phone).
    Sends the code that the person reads out to the guide to agree; `verification_confirm` with
    purpose `assist` checks it.
    """
    if not guide_agency_ids(guide):
        raise PermissionDenied(_("Only desk officers and volunteer guides help people apply at the desk."))
    try:
        number = normalise_vietnamese_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    user = User.objects.filter(phone=number, is_active=True).first()
    if user is None:
        if not full_name.strip():
            raise ValidationError(
                {"full_name": [_("No account has this phone number yet: enter the person's full name.")]}
            )
        user = User(username=number, phone=number, full_name=full_name.strip()[:255], kind=UserKind.CITIZEN)
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.CITIZEN)
    elif user.kind == UserKind.OFFICIAL:
        raise ValidationError(
            {"phone": [_("This number belongs to an official's account; officials do not apply online.")]}
        )
    verification_send(user=user, channel=VerificationCode.Channel.PHONE, purpose=VerificationCode.Purpose.ASSIST)
    return user
