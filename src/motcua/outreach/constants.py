from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import Role


class ConsentSource(models.TextChoices):
    """Where a person agreed to receive information about online services."""

    DESK = "desk", _("At the desk, when applying in person")
    ACCOUNT = "account", _("On their account's notification page")


class WithdrawalRoute(models.TextChoices):
    LINK = "link", _("By the link in a campaign message")
    ACCOUNT = "account", _("On their account's notification page")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Sending messages")
    PAUSED = "paused", _("Sending paused")
    FINISHED = "finished", _("All messages queued")
    CANCELLED = "cancelled", _("Campaign cancelled")


class RecipientGroup(models.TextChoices):
    TARGET = "target", _("Sent the message")
    HOLDOUT = "holdout", _("Control group (sent nothing)")


class RecipientState(models.TextChoices):
    WAITING = "waiting", _("Waiting for its turn")
    QUEUED = "queued", _("Handed to the outbox")
    SKIPPED = "skipped", _("Not sent to this person")
    HELD_OUT = "held_out", _("Held out (control group)")


class SkipReason(models.TextChoices):
    NONE = "", _("Sent or waiting")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn before sending")
    CHANNEL_OFF = "channel_off", _("The person switched this channel or campaigns off")
    CANCELLED = "cancelled", _("The campaign was cancelled")


# Who manages campaigns (builds, starts, pauses, cancels) and who may only read them, per agency.
CAMPAIGN_MANAGERS = frozenset({Role.AGENCY_LEADER, Role.ADMINISTRATOR})
CAMPAIGN_READERS = CAMPAIGN_MANAGERS | {Role.DESK_OFFICER}

# The placeholders a campaign's text may use.
PLACEHOLDERS: dict[str, object] = {
    "link": _("the person's tracked link to the online application (required)"),
    "procedure": _("the name of the procedure they applied for in person"),
    "agency": _("the agency's short name"),
}
