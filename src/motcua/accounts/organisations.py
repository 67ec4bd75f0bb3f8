"""Organisation accounts: a business applies through several people, each with their own account.

Whoever signs up with the organisation's tax code becomes its legal representative (người đại diện
theo pháp luật) in MotCua; they add and remove authorised representatives. Every current
representative sees and follows the organisation's dossiers; nobody else does.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import UserKind
from motcua.accounts.models import Organisation, OrganisationMember, User, tax_code_validator
from motcua.core.errors import NotFoundError


def organisation_ids_of(user: User) -> list[int]:
    """The organisations `user` currently represents."""
    if not user.is_authenticated:
        return []
    return list(OrganisationMember.objects.filter(user=user).values_list("organisation_id", flat=True))


def tax_code_problems(tax_code: str) -> list[str]:
    """Why an organisation cannot be registered with this tax code (none: it can)."""
    try:
        tax_code_validator(tax_code.strip())
    except ValidationError as exc:
        return exc.messages
    if Organisation.objects.filter(tax_code=tax_code.strip()).exists():
        return [_("This tax code is already registered: ask its legal representative to add you as a representative.")]
    return []


def organisation_register(*, user: User, name: str, tax_code: str, address: str = "") -> Organisation:
    """A new organisation with `user` as its legal representative; a tax code is registered once."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["organisation_name"] = [_("Enter the organisation's name.")]
    if problems := tax_code_problems(tax_code):
        errors["tax_code"] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        organisation = Organisation.objects.create(
            tax_code=tax_code.strip(), name=name.strip(), address=address.strip()
        )
        OrganisationMember.objects.create(
            organisation=organisation, user=user, kind=OrganisationMember.Kind.LEGAL, added_at=timezone.now()
        )
    return organisation


def _managed(actor: User, organisation_id: int) -> Organisation:
    membership = (
        OrganisationMember.objects.select_related("organisation")
        .filter(user=actor, organisation_id=organisation_id)
        .first()
    )
    if membership is None:
        raise NotFoundError(_("No such organisation among yours."), code="organisation-not-found")
    if membership.kind != OrganisationMember.Kind.LEGAL:
        raise PermissionDenied(_("Only the legal representative adds or removes representatives."))
    return membership.organisation


@transaction.atomic
def organisation_member_add(*, actor: User, organisation_id: int, identifier: str) -> OrganisationMember:
    """The legal representative authorises a person, by the phone or e-mail of their MotCua account."""
    from motcua.accounts.services import user_by_identifier

    organisation = _managed(actor, organisation_id)
    person = user_by_identifier(identifier)
    if person is None or person.kind == UserKind.OFFICIAL:
        raise ValidationError(
            {"identifier": [_("No applicant's account has this phone or e-mail: the person signs up first.")]}
        )
    if OrganisationMember.objects.filter(organisation=organisation, user=person).exists():
        raise ValidationError({"identifier": [_("This person already represents the organisation.")]})
    return OrganisationMember.objects.create(
        organisation=organisation, user=person, added_by=actor, added_at=timezone.now()
    )


@transaction.atomic
def organisation_member_remove(*, actor: User, organisation_id: int, member_id: int) -> None:
    """Take a representative off; the organisation always keeps one legal representative."""
    organisation = _managed(actor, organisation_id)
    members = OrganisationMember.objects.select_for_update().filter(organisation=organisation)
    member = members.filter(pk=member_id).first()
    if member is None:
        raise NotFoundError(_("No such representative."), code="member-not-found")
    legal = [m for m in members if m.kind == OrganisationMember.Kind.LEGAL]
    if member.kind == OrganisationMember.Kind.LEGAL and len(legal) == 1:
        raise ValidationError(
            {"member": [_("The organisation keeps its legal representative; the administrator can change them.")]}
        )
    member.delete()
