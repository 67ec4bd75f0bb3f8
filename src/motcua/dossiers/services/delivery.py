"""How the applicant receives the result: at the desk, online (full online procedures), or by post.

By post, to an address the applicant gives (public postal service, Decision 45/2016/QĐ-TTg): the
desk then records the postal tracking number when it returns the result. The applicant may change
the choice until the result is returned.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.constants import ServiceLevel
from motcua.catalog.models import ProcedureVersion
from motcua.core.addresses import check_address
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.validation import normalise_vietnamese_phone
from motcua.dossiers.constants import FINAL_STATUSES, ResultDelivery
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import applicant_condition


@dataclass(frozen=True)
class Delivery:
    method: str
    recipient: str = ""
    phone: str = ""
    province: int | None = None
    commune: int | None = None
    address: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Delivery:
        """From a form or a draft: text trimmed, codes as numbers (anything else is no code)."""

        def number(value: Any) -> int | None:
            text = str(value or "").strip()
            return int(text) if text.isdecimal() and len(text) < 10 else None

        return cls(
            method=str(data.get("method") or "").strip(),
            recipient=str(data.get("recipient") or "").strip()[:255],
            phone=str(data.get("phone") or "").strip()[:20],
            province=number(data.get("province")),
            commune=number(data.get("commune")),
            address=str(data.get("address") or "").strip()[:500],
        )

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

    def postal_address(self) -> dict[str, Any]:
        """What is kept on the dossier: the address by post, nothing otherwise."""
        if self.method != ResultDelivery.POST:
            return {}
        return {key: value for key, value in self.as_data().items() if key != "method"}


DELIVERY_FIELDS = [field.name for field in fields(Delivery)]


def delivery_methods(version: ProcedureVersion) -> list[str]:
    """The ways the result of this procedure can be received: online only for full online procedures."""
    methods = [ResultDelivery.DESK.value, ResultDelivery.POST.value]
    if version.service_level == ServiceLevel.FULL:
        methods.insert(0, ResultDelivery.ONLINE.value)
    return methods


def default_delivery(version: ProcedureVersion) -> Delivery:
    return Delivery(method=delivery_methods(version)[0])


def delivery_problems(version: ProcedureVersion, delivery: Delivery) -> dict[str, list[str]]:
    """What to fix, by field (`delivery-<name>`); the address is checked only for the post."""
    problems: dict[str, list[str]] = {}
    if delivery.method not in delivery_methods(version):
        problems["delivery-method"] = [_("Choose how you want to receive the result.")]
        return problems
    if delivery.method != ResultDelivery.POST:
        return problems
    if not delivery.recipient:
        problems["delivery-recipient"] = [_("Enter the name of the person who receives the post.")]
    try:
        normalise_vietnamese_phone(delivery.phone)
    except ValidationError:
        problems["delivery-phone"] = [_("Enter a Vietnamese phone number for the postman, such as 0912 345 678.")]
    if not (delivery.province and delivery.commune):
        problems["delivery-province"] = [_("Choose the province and the commune or ward of the address.")]
    else:
        try:
            check_address(delivery.province, delivery.commune)
        except ValidationError as exc:
            problems["delivery-province"] = exc.messages
    if not delivery.address:
        problems["delivery-address"] = [_("Enter the house number and street of the address.")]
    return problems


def apply_delivery(dossier: Dossier, delivery: Delivery) -> None:
    """Set the choice on an unsaved or locked dossier, after `delivery_problems` found nothing."""
    dossier.result_delivery = delivery.method
    address = delivery.postal_address()
    if address:
        address["phone"] = normalise_vietnamese_phone(address["phone"])
    dossier.postal_address = address


@transaction.atomic
def dossier_delivery_change(*, code: str, user: User, delivery: Delivery) -> Dossier:
    """The applicant (or a representative of the organisation it is for) changes how they receive
    the result, until it is returned."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version")
        .filter(applicant_condition(user), code=code)
        .first()
    )
    if dossier is None:
        raise NotFoundError(_("No dossier with code %(code)s among yours.") % {"code": code}, code="dossier-not-found")
    if dossier.status in FINAL_STATUSES:
        raise DomainError(
            _("The dossier is closed: its result can no longer be sent elsewhere."), code="dossier-closed"
        )
    problems = delivery_problems(dossier.procedure_version, delivery)
    if problems:
        raise ValidationError(problems)
    apply_delivery(dossier, delivery)
    dossier.save(update_fields=["result_delivery", "postal_address", "updated_at"])
    return dossier
