"""Who may open which campaign: an agency's leaders and administrators manage its campaigns, its desk
officers read them. Another agency's campaign answers 404, as one that does not exist."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from motcua.accounts.models import RoleAssignment, User
from motcua.core.errors import NotFoundError
from motcua.outreach.constants import CAMPAIGN_MANAGERS, CAMPAIGN_READERS
from motcua.outreach.models import Campaign


def campaign_agency_ids(user: User, *, manage: bool = False) -> list[int]:
    """The agencies whose campaigns `user` reads (or, `manage`, builds and sends)."""
    if not user.is_authenticated:
        return []
    roles = CAMPAIGN_MANAGERS if manage else CAMPAIGN_READERS
    return sorted(
        set(
            RoleAssignment.objects.filter(user=user, role__in=roles, agency__isnull=False).values_list(
                "agency_id", flat=True
            )
        )
    )


def require_campaign_reader(user: User) -> list[int]:
    agency_ids = campaign_agency_ids(user)
    if not agency_ids:
        raise PermissionDenied
    return agency_ids


def campaign_for_user(*, user: User, campaign_id: int, manage: bool = False) -> Campaign:
    """The campaign if `user` may read it (`manage`: and manage it). Reading but not managing: 403."""
    campaign = (
        Campaign.objects.select_related("agency", "procedure", "field", "created_by", "started_by")
        .filter(pk=campaign_id, agency_id__in=require_campaign_reader(user))
        .first()
    )
    if campaign is None:
        raise NotFoundError(_("No such campaign."), code="campaign-not-found")
    if manage and campaign.agency_id not in campaign_agency_ids(user, manage=True):
        raise PermissionDenied(_("Only the agency's leaders and administrators manage its campaigns."))
    return campaign


def may_manage(user: User, campaign: Campaign) -> bool:
    return campaign.agency_id in campaign_agency_ids(user, manage=True)
