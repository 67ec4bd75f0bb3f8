from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not delivered")


class DeliveryReport(models.TextChoices):
    """What the gateway reported after taking the message (SMS delivery receipts)."""

    UNKNOWN = "", _("Not reported")
    DELIVERED = "delivered", _("Delivered to the phone")
    UNDELIVERED = "undelivered", _("Not delivered to the phone")


class Event(models.TextChoices):
    """What a message tells the applicant. All but CAMPAIGN are required by law (REQUIRED_EVENTS)."""

    STATUS_CHANGED = "status_changed", _("Status change (Decree 224/2026 Art. 15(1)(g))")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement request")
    APOLOGY = "apology", _("Apology and new date")
    PAYMENT_REQUESTED = "payment_requested", _("Payment request")
    RESULT_READY = "result_ready", _("Result ready")
    EARLY_RETURN = "early_return", _("Result ready before the appointment (Decree 61/2018 Art. 20(4))")
    # Information about online services (outreach campaigns): not a legal notice, the person's consent
    # and channel choices decide whether it is sent at all.
    CAMPAIGN = "campaign", _("Information about online services (campaign)")


# Notices the applicant cannot switch off: the law requires them (DOMAIN.md §2.3, §2.6, §8).
REQUIRED_EVENTS = frozenset(Event.values) - {Event.CAMPAIGN.value}
