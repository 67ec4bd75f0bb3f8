"""Human-readable explanations of due dates, in the active language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.workdays.domain import DueExplanation


def _day(value: date) -> str:
    return date_format(value, "l d/m/Y")


def _moment(value: datetime) -> str:
    return f"{date_format(value, 'l d/m/Y')} {value:%H:%M}"


def _reason(reason: str) -> str:
    return _("weekend") if reason == "weekend" else reason


def explanation_lines(explanation: DueExplanation) -> list[str]:
    """Sentences that let a person check the due date by hand."""
    e = explanation
    lines = []
    if not e.received_on_working_day:
        lines.append(
            _("Received %(moment)s, not a working day (%(reason)s): counted as received on %(day)s.")
            % {"moment": _moment(e.received_at), "reason": _reason(e.received_day_reason), "day": _day(e.reception_day)}
        )
    elif e.after_cutoff:
        lines.append(
            _("Received %(moment)s, after the %(cutoff)s cut-off: counted as received on %(day)s.")
            % {"moment": _moment(e.received_at), "cutoff": e.cutoff.strftime("%H:%M"), "day": _day(e.reception_day)}
        )
    else:
        lines.append(_("Received %(moment)s.") % {"moment": _moment(e.received_at)})
    if e.unit == "working_hours":
        hours = f"{e.amount:g}"
        lines.append(
            ngettext(
                "%(n)s working hour, counted in office hours only.",
                "%(n)s working hours, counted in office hours only.",
                int(e.amount) if e.amount == int(e.amount) else 2,
            )
            % {"n": hours}
        )
    elif e.unit == "calendar_days":
        lines.append(
            ngettext(
                "%(n)d day, counted from %(day)s; "
                "if the last day is a day off, the deadline moves to the next working day.",
                "%(n)d days, counted from %(day)s; "
                "if the last day is a day off, the deadline moves to the next working day.",
                int(e.amount),
            )
            % {"n": int(e.amount), "day": _day(e.counting_starts)}
        )
    elif int(e.amount) == 0:
        lines.append(_("Result within the day of reception."))
    else:
        lines.append(
            ngettext(
                "%(n)d working day, counted from %(day)s.",
                "%(n)d working days, counted from %(day)s.",
                int(e.amount),
            )
            % {"n": int(e.amount), "day": _day(e.counting_starts)}
        )
    if e.skipped:
        lines.append(
            _("Not counted: %(days)s.") % {"days": "; ".join(f"{_day(s.day)} ({_reason(s.reason)})" for s in e.skipped)}
        )
    if e.extra_working_days:
        lines.append(
            _("Counted as working days (make-up days): %(days)s.")
            % {"days": "; ".join(_day(d) for d in e.extra_working_days)}
        )
    lines.append(_("Due %(moment)s.") % {"moment": _moment(e.due_at)})
    return lines


def explanation_data(explanation: DueExplanation) -> dict[str, Any]:
    """The explanation as data, for the API."""
    e = explanation
    return {
        "received_at": e.received_at.isoformat(),
        "reception_day": e.reception_day.isoformat(),
        "after_cutoff": e.after_cutoff,
        "counting_starts": e.counting_starts.isoformat(),
        "skipped_days": [{"date": s.day.isoformat(), "reason": _reason(s.reason)} for s in e.skipped],
        "extra_working_days": [d.isoformat() for d in e.extra_working_days],
        "text": " ".join(explanation_lines(e)),
    }
