"""Reads: the calendar that governs an agency's deadlines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from motcua.workdays.domain import WorkCalendarSnapshot
from motcua.workdays.services import calendar_snapshot

if TYPE_CHECKING:
    from motcua.accounts.models import Agency


def agency_calendar(agency: Agency | None) -> WorkCalendarSnapshot:
    """The working calendar of `agency` (the default calendar when it has none, or no agency is given)."""
    return calendar_snapshot(agency.calendar if agency is not None else None)
