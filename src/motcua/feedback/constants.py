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
