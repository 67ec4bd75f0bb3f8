from django.db import models
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neither")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")


UNHAPPY = {Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED}


class Contacts(models.TextChoices):
    """TT 01/2018 Art. 13 index 3: times the applicant came back to complete the dossier."""

    NONE = "0", _("Never: it was complete the first time")
    ONCE = "1", _("Once")
    MORE = "2+", _("More than once")


class AgenciesContacted(models.TextChoices):
    """TT 01/2018 Art. 13 index 4: the agencies the applicant had to deal with."""

    NONE = "none", _("None: everything online")
    DESK_ONLY = "desk", _("Only the one-stop desk")
    SEVERAL = "several", _("Several offices")


class Attitude(models.TextChoices):
    """TT 01/2018 Art. 13 index 7: the officials' attitude."""

    HELPFUL = "helpful", _("Helpful and courteous")
    CORRECT = "correct", _("Correct")
    COMPLAINT = "complaint", _("I have a complaint (harassment, delays, unlisted costs …)")


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    KIOSK = "kiosk", _("Kiosk at the desk")


# --- Feedback and petitions (phản ánh, kiến nghị — PAKN; Decision 766 group 5) -----------------------


class PaknCategory(models.TextChoices):
    """Decision 766 indicator 5.1: what the PAKN is about."""

    REGULATIONS = "regulations", _("Regulations and administrative procedures")
    CONDUCT = "conduct", _("Officials' behaviour and conduct")


class PaknStage(models.TextChoices):
    RECEIVED = "received", _("Being handled")
    INFO_REQUESTED = "info_requested", _("Waiting for more information from the sender")
    DRAFTED = "drafted", _("Answer awaiting the leader's approval")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Answered and published")
    REFUSED = "refused", _("Refused")


class PaknAction(models.TextChoices):
    SUBMIT = "submit", _("Sent")
    REFUSE = "refuse", _("Refuse")
    REQUEST_INFO = "request_info", _("Ask the sender for more information")
    ANSWER_INFO = "answer_info", _("The sender gave more information")
    DRAFT = "draft", _("Draft the answer")
    RETURN_DRAFT = "return_draft", _("Return the draft for changes")
    APPROVE = "approve", _("Approve the answer")
    PUBLISH = "publish", _("Publish the answer")
    RAISE_AGAIN = "raise_again", _("Raised again by the sender")


class Reaction(models.TextChoices):
    LIKE = "like", _("Like")
    DISLIKE = "dislike", _("Dislike")


# Decision 766 indicator 5.2: each step's limit in working days, and what it counts from: "clock" is the start
# of the current round of handling (receipt, the sender's additional information, or a raise again),
# "answered" the leader's approval of the answer.
PAKN_LIMITS: dict[str, tuple[int, str]] = {
    PaknAction.REFUSE: (2, "clock"),
    PaknAction.REQUEST_INFO: (5, "clock"),
    PaknAction.APPROVE: (15, "clock"),
    PaknAction.PUBLISH: (2, "answered"),
}
# Points of indicators 5.2 and 5.3 (score = rate × points, DOMAIN.md §7); configurable here.
PAKN_ON_TIME_POINTS = 6
PAKN_SATISFACTION_POINTS = 6
# TT 01/2018 index 8: a PAKN raised again this many times counts as "prolonged" (kéo dài): score 0.
PAKN_PROLONGED_RAISES = 2
