"""Fees of a dossier whose payment is requested (national status 6): paid online or in cash.

The provider's notice is the authority: a payment becomes paid only from a notice whose signature,
reference and amount check, or from the provider's answer to our query (reconciliation), or when
the desk records cash. The first payment that settles a request confirms it on the dossier
(`confirm_payment`, the clock resumes); a notice that comes twice changes nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.i18n import record_text
from motcua.dossiers.constants import Action, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import is_applicant, roles_on_dossier
from motcua.dossiers.selectors import dossier_fees_due
from motcua.dossiers.services import TransitionConflict, dossier_transition
from motcua.dossiers.states import PAYMENT_PROVIDER
from motcua.integrations.payment_providers import payment_provider
from motcua.integrations.payment_providers.base import (
    PaymentNotice,
    PaymentOrder,
    PaymentProviderError,
    PaymentSignatureError,
)
from motcua.payments.constants import PaymentMethod, PaymentStatus
from motcua.payments.models import Payment

logger = logging.getLogger(__name__)


def _description(dossier: Dossier) -> str:
    """What the payment is for, without diacritics: gateways and bank statements show only ASCII."""
    return f"Phi, le phi ho so {dossier.code}"


def _order(payment: Payment, return_url: str = "", client_ip: str = "") -> PaymentOrder:
    return PaymentOrder(
        reference=payment.reference,
        amount=int(payment.amount),
        description=payment.description,
        return_url=return_url,
        created_at=payment.created_at,
        client_ip=client_ip,
    )


@transaction.atomic
def payment_start(*, code: str, user: User, provider_name: str, return_url: str, client_ip: str = "") -> str:
    """A new online payment of the dossier's fees by its applicant; the address to send them to pay."""
    dossier = Dossier.objects.select_for_update().select_related("procedure_version").filter(code=code).first()
    if dossier is None or not is_applicant(user, dossier):
        raise NotFoundError(_("No dossier with code %(code)s among yours.") % {"code": code}, code="dossier-not-found")
    if dossier.status != Status.PAYMENT_REQUESTED:
        raise DomainError(_("No payment is asked for this dossier now."), code="no-payment-requested")
    amount = dossier_fees_due(dossier)
    if amount <= 0:
        raise DomainError(
            _("The fee is not listed for this procedure; pay it at the desk, which records it."), code="no-fee-listed"
        )
    try:
        provider = payment_provider(provider_name)
    except LookupError as exc:
        raise ValidationError({"provider": [_("Choose one of the payment methods offered.")]}) from exc
    payment = Payment.objects.create(
        dossier=dossier,
        amount=amount,
        description=_description(dossier),
        method=PaymentMethod.ONLINE,
        provider=provider.name,
        created_at=timezone.now(),
    )
    return provider.checkout_url(_order(payment, return_url, client_ip))


@dataclass(frozen=True)
class NoticeOutcome:
    """What a notice did: `recorded` when it settled the payment now; else why not (`reason`)."""

    payment: Payment | None
    recorded: bool
    reason: str = ""  # unknown-order | already-confirmed | wrong-amount | bad-signature


def payment_notified(*, provider_name: str, params: Mapping[str, str]) -> NoticeOutcome:
    """A provider's return or server notification: checked, recorded once, the dossier confirmed once."""
    try:
        provider = payment_provider(provider_name)
        notice = provider.read_notice(params)
    except (LookupError, PaymentSignatureError):
        logger.warning("payment notice refused: bad signature or unknown provider %s", provider_name)
        return NoticeOutcome(None, False, "bad-signature")
    return _settle(provider.name, notice)


@transaction.atomic
def _settle(provider_name: str, notice: PaymentNotice) -> NoticeOutcome:
    payment = (
        Payment.objects.select_for_update()
        .filter(reference=notice.reference, provider=provider_name, method=PaymentMethod.ONLINE)
        .first()
    )
    if payment is None:
        return NoticeOutcome(None, False, "unknown-order")
    if notice.amount != int(payment.amount):
        logger.warning(
            "payment %s: the provider says %s đ, we asked %s đ", payment.reference, notice.amount, payment.amount
        )
        return NoticeOutcome(payment, False, "wrong-amount")
    if payment.status != PaymentStatus.PENDING:
        return NoticeOutcome(payment, False, "already-confirmed")
    now = timezone.now()
    payment.result_code, payment.transaction_id, payment.checked_at = notice.code, notice.transaction_id, now
    if not notice.paid:
        payment.status = PaymentStatus.FAILED
        payment.save()
        return NoticeOutcome(payment, True)
    payment.status, payment.paid_at = PaymentStatus.PAID, now
    payment.save()
    _confirm(payment)
    return NoticeOutcome(payment, True)


def _confirm(payment: Payment, actor: User | None = None) -> None:
    """The dossier's payment request is settled (once: a later payment of the same request is recorded only)."""
    if not Dossier.objects.filter(pk=payment.dossier_id, status=Status.PAYMENT_REQUESTED).exists():
        logger.warning("payment %s paid after the dossier's request was settled: refund it", payment.reference)
        return
    try:
        dossier_transition(
            code=payment.dossier.code,
            action=Action.CONFIRM_PAYMENT,
            actor=actor,
            system_role="" if actor else PAYMENT_PROVIDER,
            note=record_text(
                gettext_noop("Fees paid: %(amount)s đ (%(reference)s)."),
                amount=f"{int(payment.amount):,}".replace(",", "."),
                reference=payment.reference,
            ),
            expected_status=Status.PAYMENT_REQUESTED,
        )
    except TransitionConflict:
        logger.warning("payment %s paid after the dossier's request was settled: refund it", payment.reference)


@transaction.atomic
def payment_record_cash(*, code: str, actor: User, amount: Decimal) -> Payment:
    """The desk records fees paid in cash; the dossier's payment request is settled."""
    dossier = Dossier.objects.select_for_update().filter(code=code).first()
    if dossier is None:
        raise NotFoundError(_("No dossier with code %(code)s.") % {"code": code}, code="dossier-not-found")
    if Role.DESK_OFFICER not in roles_on_dossier(actor, dossier):
        raise PermissionDenied(_("Only the desk records a payment."))
    if dossier.status != Status.PAYMENT_REQUESTED:
        raise DomainError(_("No payment is asked for this dossier now."), code="no-payment-requested")
    if amount <= 0:
        raise ValidationError({"amount": [_("Enter the amount received, in đồng.")]})
    now = timezone.now()
    payment = Payment.objects.create(
        dossier=dossier,
        amount=amount,
        description=_description(dossier),
        method=PaymentMethod.CASH,
        status=PaymentStatus.PAID,
        created_at=now,
        paid_at=now,
        recorded_by=actor,
    )
    _confirm(payment, actor)
    return payment


def payments_reconcile(*, now: datetime | None = None) -> int:
    """Ask the providers about online payments still pending after a few minutes; settle what they say.

    Returns the number of payments settled (paid or failed). A provider that cannot be reached is
    asked again at the next run; a payment pending for a day without an answer is marked failed.
    """
    now = now or timezone.now()
    settled = 0
    pending = Payment.objects.filter(
        status=PaymentStatus.PENDING, method=PaymentMethod.ONLINE, created_at__lte=now - timedelta(minutes=5)
    ).order_by("created_at")[:500]
    for payment in pending:
        try:
            notice = payment_provider(payment.provider).query(_order(payment))
        except (LookupError, PaymentProviderError) as exc:
            logger.warning("payment %s: the provider could not be asked: %s", payment.reference, exc)
            continue
        if notice is not None:
            settled += _settle(payment.provider, notice).recorded
        elif payment.created_at < now - timedelta(hours=settings.MOTCUA_PAYMENT_ABANDON_HOURS):
            Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
                status=PaymentStatus.FAILED, result_code="abandoned", checked_at=now
            )
            settled += 1
        else:
            Payment.objects.filter(pk=payment.pk).update(checked_at=now)
    return settled
