"""Writes of the news app: the daily visit count."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from motcua.news.models import DailyVisits


def visit_record(*, day: date) -> None:
    """Count one visit on `day`: an atomic `UPDATE … SET visits = visits + 1`, the day's row made on its first visit.

    Race-safe on SQLite and PostgreSQL: two first visits of a day may both find no row to update;
    both try to insert it, the unique `day` lets one win, and the other (its insert refused inside a
    savepoint) updates the row the winner made. No count is lost and no read-modify-write happens.
    """
    if DailyVisits.objects.filter(day=day).update(visits=F("visits") + 1):
        return
    try:
        with transaction.atomic():
            DailyVisits.objects.create(day=day, visits=1)
    except IntegrityError:
        DailyVisits.objects.filter(day=day).update(visits=F("visits") + 1)
