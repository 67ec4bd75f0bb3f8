"""Keep cached calendar snapshots honest: every change of a calendar's days renews its version.

Signals (not model methods) so that admin bulk actions and queryset deletes are covered too.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from motcua.workdays.models import CalendarDay, CalendarYear, bump_version


@receiver([post_save, post_delete], sender=CalendarDay)
def calendar_day_changed(sender: type, instance: CalendarDay, **kwargs: Any) -> None:
    bump_version(instance.calendar_id)


@receiver(post_save, sender=CalendarYear)
def calendar_year_saved(sender: type, instance: CalendarYear, **kwargs: Any) -> None:
    bump_version(instance.calendar_id)


@receiver(post_delete, sender=CalendarYear)
def calendar_year_deleted(sender: type, instance: CalendarYear, **kwargs: Any) -> None:
    # A year the calendar no longer keeps follows the national calendar again: drop its days.
    CalendarDay.objects.filter(calendar_id=instance.calendar_id, date__year=instance.year).delete()
    bump_version(instance.calendar_id)
