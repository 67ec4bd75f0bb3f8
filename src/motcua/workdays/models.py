"""Working calendars as data an administrator edits year by year (DOMAIN.md §8)."""

from __future__ import annotations

import uuid
from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.workdays.constants import DayKind


class WorkCalendar(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    is_default = models.BooleanField(
        _("default calendar"), default=False, help_text=_("Used by agencies that have no calendar of their own.")
    )
    saturday_is_working = models.BooleanField(_("Saturday is a working day"), default=False)
    morning_start = models.TimeField(_("morning opens"), default=time(7, 30))
    morning_end = models.TimeField(_("morning closes"), default=time(11, 30))
    afternoon_start = models.TimeField(_("afternoon opens"), default=time(13, 0))
    afternoon_end = models.TimeField(_("afternoon closes (close of business)"), default=time(17, 0))
    cutoff = models.TimeField(
        _("reception cut-off"),
        default=time(15, 0),
        help_text=_("A dossier received after this time counts as received the next working day."),
    )
    # A new value on every change of the calendar or its days: cached snapshots are keyed by it.
    version = models.UUIDField(_("version"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValidationError(
                _("Office hours must run in order: morning opens, morning closes, afternoon opens, afternoon closes.")
            )
        if not (self.morning_start <= self.cutoff <= self.afternoon_end):
            raise ValidationError({"cutoff": _("The cut-off must lie within office hours.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.version = uuid.uuid4()
        super().save(*args, **kwargs)


def bump_version(calendar_id: int) -> None:
    """Invalidate cached snapshots of a calendar after its days changed."""
    WorkCalendar.objects.filter(pk=calendar_id).update(version=uuid.uuid4())


class CalendarYear(TimeStampedModel):
    """A year whose days are kept in this calendar; other years follow the national computation."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=255, blank=True)
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_("Checked against the Prime Minister's or Ministry of Home Affairs' notice."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["calendar", "-year"]
        constraints = [models.UniqueConstraint(fields=["calendar", "year"], name="calendar_year_unique")]

    def __str__(self) -> str:
        return f"{self.calendar} · {self.year}"


class CalendarDay(TimeStampedModel):
    """A day that differs from the ordinary week: a day off, or a weekend day worked."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=32, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    def clean(self) -> None:
        if self.kind == DayKind.MAKEUP_WORKING_DAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"date": _("A make-up working day must be a Saturday or a Sunday.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        from motcua.workdays.services import calendar_seed_year

        # The first edit of a year starts from the national calendar, so that the year does not
        # lose its public holidays when it becomes the agency's own.
        if not CalendarYear.objects.filter(calendar_id=self.calendar_id, year=self.date.year).exists():
            calendar_seed_year(calendar=self.calendar, year=self.date.year, skip_dates={self.date})
        super().save(*args, **kwargs)
