"""The reconciliation page for leaders: the sync rate, the sync by status, and what differs between
our dossiers and what the national portal last acknowledged."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.catalog.constants import Channel
from motcua.dossiers.constants import NATIONAL_CODE, Status
from motcua.feedback.constants import Satisfaction
from motcua.national_sync.models import SyncStatus
from motcua.national_sync.selectors import national_sync_rate, national_sync_reconciliation
from motcua.reports.access import report_agencies

# The record's fields as the page names them.
FIELD_LABELS = {
    "code": gettext_lazy("Dossier code"),
    "agency_code": gettext_lazy("Agency"),
    "procedure_code": gettext_lazy("Procedure"),
    "status": gettext_lazy("Status (1–10)"),
    "channel": gettext_lazy("Channel (1–3)"),
    "submitted_at": gettext_lazy("Submitted at"),
    "received_at": gettext_lazy("Received at"),
    "due_at": gettext_lazy("Appointment"),
    "processed_at": gettext_lazy("Processed at"),
    "returned_at": gettext_lazy("Returned at"),
    "ended_at": gettext_lazy("Ended at"),
    "result_url": gettext_lazy("Result link"),
    "paid_online": gettext_lazy("Paid online"),
    "fee_paid": gettext_lazy("Fees paid"),
    "rating": gettext_lazy("Rating"),
}
NATIONAL_STATUS = {code: Status(status).label for status, code in NATIONAL_CODE.items() if code}
CHANNELS = {1: Channel.IN_PERSON.label, 2: Channel.ONLINE.label, 3: Channel.POSTAL.label}
PAID_ONLINE = {1: gettext_lazy("on the national portal"), 2: gettext_lazy("through another gateway")}
TIMES = {"submitted_at", "received_at", "due_at", "processed_at", "returned_at", "ended_at"}
STATUS_LABELS = {**dict(SyncStatus.choices), "never": gettext_lazy("Never pushed")}


def _shown(name: str, value: Any) -> str:
    """A record's value as a reader understands it (the code kept where the portal has one)."""
    if value is None or value == "":
        return "—"
    if name in TIMES:
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%d/%m/%Y %H:%M")
    labels: dict[Any, Any] = {"status": NATIONAL_STATUS, "channel": CHANNELS, "paid_online": PAID_ONLINE}.get(name, {})
    if value in labels:
        return f"{value} · {labels[value]}"
    if name == "rating" and value in Satisfaction.values:
        return str(Satisfaction(value).label)
    if name == "fee_paid":
        return f"{value:,}".replace(",", ".")
    return str(value)


def _date(value: str, name: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = _("Enter a date as YYYY-MM-DD.")
        return None


@login_required
def reconciliation_page(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    agencies = report_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    errors: dict[str, str] = {}
    code = request.GET.get("agency", "").strip()
    agency = next((a for a in agencies if a.code == code), None) if code else agencies[0]
    if agency is None:
        errors["agency"] = _("You may not read the reports of this agency.")
    today = timezone.localdate()
    end = _date(request.GET.get("to", "").strip(), "to", errors) or today
    start = _date(request.GET.get("from", "").strip(), "from", errors) or end.replace(day=1)
    if start > end and not errors:
        errors["from"] = _("The first day is after the last day.")
    context: dict[str, Any] = {
        "agencies": agencies,
        "agency": agency,
        "start": start,
        "end": end,
        "errors": errors,
        "status_labels": STATUS_LABELS,
    }
    if errors:
        return render(request, "national_sync/reconciliation.html", context, status=400)
    assert agency is not None
    rate = national_sync_rate(start=start, end=end, agencies=[agency])
    report = national_sync_reconciliation(agencies=[agency])
    context.update(
        rate=rate,
        rate_percent=None if rate.rate is None else formats.number_format(round(rate.rate * 100, 2), 2),
        counts=[(STATUS_LABELS[status], count) for status, count in report.counts.items()],
        differences=[
            {
                "code": d.code,
                "status": STATUS_LABELS.get(d.status, d.status),
                "last_error": d.last_error,
                "never": d.status == "never",
                "fields": [
                    (FIELD_LABELS.get(name, name), _shown(name, ours), _shown(name, theirs))
                    for name, ours, theirs in d.fields
                ],
            }
            for d in report.differences
        ],
        more=report.more,
    )
    return render(request, "national_sync/reconciliation.html", context)
