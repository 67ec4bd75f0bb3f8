"""The tracked short link of one recipient: count the click, say where it leads; and the withdrawal link."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFoundError
from motcua.notifications.constants import MessageChannel
from motcua.outreach.constants import RecipientGroup, RecipientState, WithdrawalRoute
from motcua.outreach.models import CampaignRecipient
from motcua.outreach.selectors import online_versions
from motcua.outreach.services.consent import consents_withdraw


def _recipient(token: str) -> CampaignRecipient:
    recipient = (
        CampaignRecipient.objects.select_related("campaign__agency", "campaign__field")
        .filter(token=token, group=RecipientGroup.TARGET, state=RecipientState.QUEUED)
        .first()
        if token.isalnum()
        else None
    )
    if recipient is None:
        raise NotFoundError(_("This link is not valid."), code="link-not-found")
    return recipient


def link_destination(recipient: CampaignRecipient) -> str:
    """The online application of the person's procedure, or the agency's catalog (of the campaign's field)."""
    campaign = recipient.campaign
    if (
        recipient.procedure_code
        and online_versions([campaign.agency_id]).filter(procedure__code=recipient.procedure_code).exists()
    ):
        return reverse("portal:apply", args=[recipient.procedure_code])
    query = {"agency": campaign.agency.code}
    if campaign.field_id and campaign.field is not None:
        query["field"] = campaign.field.code
    return f"{reverse('portal:procedure-list')}?{urlencode(query)}"


def link_follow(*, token: str, now: datetime | None = None) -> str:
    """Count a click (the first one's time, and how many) and return where the link leads."""
    recipient = _recipient(token)
    CampaignRecipient.objects.filter(pk=recipient.pk).update(
        clicks=F("clicks") + 1, first_clicked_at=Coalesce(F("first_clicked_at"), now or timezone.now())
    )
    return link_destination(recipient)


def link_recipient(*, token: str) -> CampaignRecipient:
    return _recipient(token)


@transaction.atomic
def link_opt_out(*, token: str, now: datetime | None = None) -> CampaignRecipient:
    """The person asks for no more information: every consent of this address is withdrawn, for every agency."""
    now = now or timezone.now()
    recipient = _recipient(token)
    is_sms = recipient.campaign.channel == MessageChannel.SMS
    consents_withdraw(
        via=WithdrawalRoute.LINK,
        phone=recipient.address if is_sms else "",
        email="" if is_sms else recipient.address,
        now=now,
    )
    CampaignRecipient.objects.filter(pk=recipient.pk, opted_out_at__isnull=True).update(opted_out_at=now)
    return recipient
