"""Agencies, their units and receiving points, and the people who act for them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import OFFICIAL_ROLES, UNIT_ROLES, AgencyKind, Role, UnitKind, UserKind
from motcua.core.models import TimeStampedModel

# Mã định danh (TT 10/2016/TT-BTTTT): groups of digits or capitals separated by dots,
# e.g. "000.00.21.H13". Stored as given; used as the prefix of dossier codes.
agency_code_validator = RegexValidator(
    regex=r"^[0-9A-Z]{1,4}(\.[0-9A-Z]{1,4}){1,5}$",
    message=_(
        "Enter the identifier code as groups of digits or capital letters separated by dots, e.g. 000.00.21.H13."
    ),
)


class Agency(TimeStampedModel):
    code = models.CharField(
        _("identifier code (mã định danh)"), max_length=32, unique=True, validators=[agency_code_validator]
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    calendar = models.ForeignKey(
        "workdays.WorkCalendar",
        verbose_name=_("working calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Leave empty to use the national calendar."),
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick instead of deleting: abolished agencies stay for old records.")
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="unit_code_unique_per_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.short_name or self.agency.name})"

    def clean(self) -> None:
        if self.parent_id and self.parent and self.parent.agency_id != self.agency_id:
            raise ValidationError({"parent": _("The parent unit must belong to the same agency.")})


class ReceivingPoint(TimeStampedModel):
    """A place where dossiers are received (a desk, a centre); any agency's dossiers may be received there."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("operating agency"), on_delete=models.PROTECT, related_name="receiving_points"
    )
    name = models.CharField(_("name"), max_length=255)
    address = models.CharField(_("address"), max_length=500)
    opening_hours = models.CharField(_("opening hours"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("receiving point")
        verbose_name_plural = _("receiving points")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


tax_code_validator = RegexValidator(
    regex=r"^\d{10}(-\d{3})?$", message=_("A tax code has 10 digits, or 10 digits, a dash and 3 digits.")
)
id_number_validator = RegexValidator(regex=r"^\d{12}$", message=_("A citizen ID (CCCD) number has 12 digits."))


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    kind = models.CharField(_("account kind"), max_length=20, choices=UserKind.choices, default=UserKind.CITIZEN)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_number = models.CharField(_("citizen ID number"), max_length=12, blank=True, validators=[id_number_validator])
    organisation_name = models.CharField(_("organisation name"), max_length=255, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True, validators=[tax_code_validator])
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.kind == UserKind.ORGANISATION and not self.tax_code:
            raise ValidationError({"tax_code": _("An organisation account needs its tax code.")})
        if self.phone:
            from motcua.core.validation import normalise_vietnamese_phone

            self.phone = normalise_vietnamese_phone(self.phone)


class Organisation(TimeStampedModel):
    """A business or other organisation that applies through several representatives' accounts.

    Identified by its tax code (mã số thuế). Its dossiers are seen by every current representative.
    """

    tax_code = models.CharField(_("tax code"), max_length=14, unique=True, validators=[tax_code_validator])
    name = models.CharField(_("name"), max_length=255)
    address = models.CharField(_("address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"


class OrganisationMember(models.Model):
    """A person who applies for the organisation: its legal representative, or one they authorised."""

    class Kind(models.TextChoices):
        LEGAL = "legal", _("Legal representative")
        AUTHORISED = "authorised", _("Authorised representative")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organisation_memberships")
    kind = models.CharField(_("as"), max_length=20, choices=Kind.choices, default=Kind.AUTHORISED)
    added_by = models.ForeignKey(
        User, verbose_name=_("added by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("organisation representative")
        verbose_name_plural = _("organisation representatives")
        ordering = ["kind", "added_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="organisation_member_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation.name}"


class RoleAssignment(TimeStampedModel):
    """A role a user holds, scoped to an agency and, for division work, to one unit."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency", "unit"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.agency or "—"
        return f"{self.user} · {self.get_role_display()} · {scope}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.role in OFFICIAL_ROLES and not self.agency_id:
            errors["agency"] = _("This role acts for an agency: choose the agency.")
        if self.role in UNIT_ROLES and not self.unit_id:
            errors["unit"] = _("This role works in a division: choose the unit.")
        if self.unit_id and self.agency_id and self.unit and self.unit.agency_id != self.agency_id:
            errors["unit"] = _("The unit must belong to the chosen agency.")
        if self.role in {Role.CITIZEN, Role.ORGANISATION_REPRESENTATIVE} and (self.agency_id or self.unit_id):
            errors["agency"] = _("Citizens and organisation representatives are not scoped to an agency.")
        if errors:
            raise ValidationError(errors)


class VerificationCode(models.Model):
    """A one-time code sent to a phone or an e-mail address to prove that the account holder has it.

    Only a keyed hash of the code is stored; a code expires, allows a few attempts, and is used once.
    """

    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("verify the contact")
        RESET = "reset", _("reset the password")
        ASSIST = "assist", _("apply with a guide's help")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.VERIFY)
    destination = models.CharField(_("sent to"), max_length=254)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        indexes = [models.Index(fields=["user", "channel", "-created_at"], name="verification_latest")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel} {self.created_at:%Y-%m-%d %H:%M}"


class ExternalIdentity(models.Model):
    """An account's identity at an OpenID Connect provider (the national electronic identity, VNeID)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("identifier at the provider"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"))
    last_used_at = models.DateTimeField(_("last used at"))

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique")]

    def __str__(self) -> str:
        return f"{self.issuer}: {self.user_id}"


class SigninFailureCount(models.Model):
    """Failed sign-ins lately for one identifier (hashed) or one network address: the lockout's counter.

    Kept in the database, not in a per-process cache, so that every web and API process (and every
    server) counts the same failures: a guesser gains nothing by spreading tries over them.
    """

    key = models.CharField(_("key"), max_length=80, unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    expires_at = models.DateTimeField(_("counts until"), db_index=True)

    class Meta:
        verbose_name = _("sign-in failure count")
        verbose_name_plural = _("sign-in failure counts")

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"
