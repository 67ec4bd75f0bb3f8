from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    COMPENSATORY = "compensatory", _("Compensatory day off")
    EXTRA_DAY_OFF = "extra_day_off", _("Extra or swapped day off")
    MAKEUP_WORKING_DAY = "makeup_working_day", _("Make-up working day")


class PeriodUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("days")


OFF_KINDS = frozenset({DayKind.HOLIDAY, DayKind.COMPENSATORY, DayKind.EXTRA_DAY_OFF})
