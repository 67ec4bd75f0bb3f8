from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceLevel(models.TextChoices):
    """Online service class (Decree 42/2022, 224/2026); legacy levels 1–4 map onto it (DOMAIN.md §6)."""

    INFORMATION = "information", _("Information only")
    PARTIAL = "partial", _("Partial online")
    FULL = "full", _("Full online")


LEGACY_LEVEL_TO_SERVICE_LEVEL = {
    1: ServiceLevel.INFORMATION,
    2: ServiceLevel.INFORMATION,
    3: ServiceLevel.PARTIAL,
    4: ServiceLevel.FULL,
}


class ImplementationLevel(models.TextChoices):
    PROVINCE = "province", _("Provincial level")
    COMMUNE = "commune", _("Commune level")
    MINISTRY = "ministry", _("Ministry level")


class Channel(models.TextChoices):
    """KenhThucHien: 1 in person, 2 online, 3 postal (DOMAIN.md §2.3)."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")


class ApplicantType(models.TextChoices):
    CITIZEN = "citizen", _("Vietnamese citizen")
    FOREIGNER = "foreigner", _("Foreigner")
    BUSINESS = "business", _("Business")
    ORGANISATION = "organisation", _("Organisation")
    COOPERATIVE = "cooperative", _("Cooperative")


class ResultForm(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")


class DocumentCopy(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    ORIGINAL_OR_COPY = "original_or_copy", _("Original or copy")


class StepActor(models.TextChoices):
    ONE_STOP_DESK = "one_stop_desk", _("One-stop desk")
    DIVISION = "division", _("Specialised division")
    DIVISION_HEAD = "division_head", _("Division head")
    LEADER = "leader", _("Agency leader")
    OTHER_AGENCY = "other_agency", _("Another agency")


ACCEPTED_FILE_TYPES = ("pdf", "jpg", "jpeg", "png")
