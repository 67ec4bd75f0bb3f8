"""The staff alerts: what each official is told, once, through the outbox (docs/adr/0008).

Each function is idempotent: a `StaffAlert` row, unique by its key, is written in the same
transaction as the outbox message, whose own idempotency key is derived from that row's key. A
second run (the same day, or another worker at the same moment) finds the row and sends nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, RoleAssignment, User
from motcua.alerts.models import AlertKind, StaffAlert
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_queue
from motcua.notifications.constants import MessageChannel
from motcua.notifications.models import NotificationPreference, OutboxMessage
from motcua.notifications.services import outbox_enqueue
from motcua.reports.period import Scope, period_report

logger = logging.getLogger(__name__)

# The officials who have a work list ("mine") and so a digest.
WORK_ROLES = (Role.DESK_OFFICER, Role.SPECIALIST, Role.DIVISION_HEAD, Role.AGENCY_LEADER)
# A message lists this many dossiers of a kind, then says how many more.
LISTED = 20
# One escalation message names at most this many dossiers; the rest go in the next run's message.
ESCALATED_PER_RUN = 200
_NAMESPACE = uuid.UUID("6f1c2b7e-3a52-4c1e-9d0b-6a2f0e5d4c31")


def message_key(alert_key: str) -> uuid.UUID:
    """The outbox row's idempotency key, derived from our alert's key: a retry carries the same one."""
    return uuid.uuid5(_NAMESPACE, alert_key)


def _local(now: datetime | None) -> datetime:
    return timezone.localtime(now or timezone.now(), timezone.get_default_timezone())


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _when(value: datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "d/m/Y H:i") if value else "—"


def _url(path: str, **params: str) -> str:
    query = f"?{urlencode(params)}" if params else ""
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{path}{query}"


def _language(user: User) -> str:
    preference = NotificationPreference.objects.filter(user=user).first()
    return (preference.language if preference else "") or settings.LANGUAGE_CODE


def _agency_code(user: User) -> str:
    assignment = RoleAssignment.objects.filter(user=user, agency__isnull=False).select_related("agency").first()
    return assignment.agency.code if assignment and assignment.agency else ""


def _email(
    *, user: User, alert_key: str, event: str, subject: str, body: str, now: datetime, language: str
) -> OutboxMessage:
    return OutboxMessage(
        key=message_key(alert_key),
        channel=MessageChannel.EMAIL,
        event=event,
        agency_code=_agency_code(user),
        recipient=user.email,
        language=language,
        subject=" ".join(subject.split())[:255],
        body=body,
        next_attempt_at=now,
        created_at=now,
    )


def _record(alerts: list[StaffAlert], message: OutboxMessage | None) -> bool:
    """Write the alerts and queue their message in one transaction; False if another run was first."""
    try:
        with transaction.atomic():
            StaffAlert.objects.bulk_create(alerts)
            if message is not None:
                outbox_enqueue([message])
    except IntegrityError:
        return False
    return True


def _dossier_line(dossier: Any) -> str:
    due = dossier.extended_due_at or dossier.due_at
    return _("- %(code)s · %(procedure)s · %(applicant)s · due %(due)s") % {
        "code": dossier.code,
        "procedure": dossier.procedure_version.name,
        "applicant": dossier.applicant_name,
        "due": _when(due),
    }


def _section(title: str, dossiers: list[Any], total: int) -> list[str]:
    lines = [f"{title} ({total}):"]
    lines += [_dossier_line(d) for d in dossiers[:LISTED]]
    if total > LISTED:
        lines.append(_("…and %(count)d more.") % {"count": total - LISTED})
    return [*lines, ""]


# --- The daily digest -----------------------------------------------------------------------


@dataclass(frozen=True)
class Digest:
    overdue: list[Dossier]
    overdue_count: int
    due_today: list[Dossier]
    due_today_count: int
    due_soon: list[Dossier]
    due_soon_count: int

    @property
    def empty(self) -> bool:
        return not (self.overdue_count or self.due_today_count or self.due_soon_count)


def staff_digest(*, user: User, now: datetime | None = None) -> Digest:
    """What waits for `user` ("mine" of the work lists) that is overdue, due today or due soon.

    The work lists' own "overdue" and "due soon" (within two days) lists, narrowed to the user's
    "mine"; "due today" is the part of "due soon" before the end of today (local time).
    """
    now = now or timezone.now()
    mine = dossier_queue(user=user, queue="mine", now=now).values("pk")
    tomorrow = _day_start(_local(now).date() + timedelta(days=1))

    def listed(queue: str, condition: Q) -> tuple[list[Dossier], int]:
        qs = (
            dossier_queue(user=user, queue=queue, now=now)
            .filter(pk__in=mine)
            .alias(due_on=Coalesce("extended_due_at", "due_at"))
            .filter(condition)
        )
        rows = list(qs.select_related("procedure_version")[: LISTED + 1])
        return rows, (len(rows) if len(rows) <= LISTED else qs.count())

    overdue, overdue_count = listed("overdue", Q())
    today, today_count = listed("due_soon", Q(due_on__lt=tomorrow))
    soon, soon_count = listed("due_soon", Q(due_on__gte=tomorrow))
    return Digest(overdue, overdue_count, today, today_count, soon, soon_count)


def _digest_message(user: User, digest: Digest) -> tuple[str, str]:
    subject = _("Your work today: %(overdue)d overdue, %(today)d due today, %(soon)d due soon") % {
        "overdue": digest.overdue_count,
        "today": digest.due_today_count,
        "soon": digest.due_soon_count,
    }
    lines = [_("Dear %(name)s,") % {"name": user.full_name or user.get_username()}, ""]
    lines.append(_("The dossiers waiting for you that need attention:"))
    lines.append("")
    if digest.overdue_count:
        lines += _section(_("Overdue"), digest.overdue, digest.overdue_count)
    if digest.due_today_count:
        lines += _section(_("Due today"), digest.due_today, digest.due_today_count)
    if digest.due_soon_count:
        lines += _section(_("Due in the next two days"), digest.due_soon, digest.due_soon_count)
    lines.append(_("Your work list: %(url)s") % {"url": _url(reverse("desk:queue"), queue="mine")})
    return subject, "\n".join(lines)


def _officials(roles: Iterable[str]) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, role_assignments__role__in=list(roles))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def alerts_send_digests(*, now: datetime | None = None) -> int:
    """Queue today's digest for every official with a work list who has not had it; returns the
    number of messages queued. An official with nothing overdue or due soon gets no message (the
    day is recorded all the same)."""
    now = now or timezone.now()
    day = _local(now).date().isoformat()
    done = StaffAlert.objects.filter(kind=AlertKind.DIGEST, period=day).values("recipient_id")
    sent = 0
    for user in _officials(WORK_ROLES).exclude(pk__in=done):
        key = f"digest:{day}:{user.pk}"
        digest = staff_digest(user=user, now=now)
        message = None
        if not digest.empty:
            language = _language(user)
            with translation.override(language):
                subject, body = _digest_message(user, digest)
            message = _email(
                user=user, alert_key=key, event="staff_digest", subject=subject, body=body, now=now, language=language
            )
        alert = StaffAlert(
            key=key,
            kind=AlertKind.DIGEST,
            period=day,
            recipient=user,
            message_key=message.key if message else None,
            created_at=now,
        )
        if _record([alert], message) and message is not None:
            sent += 1
    return sent


# --- Escalation of overdue dossiers ---------------------------------------------------------


def _escalation_remits() -> dict[int, Q]:
    """Each division head's and agency leader's remit: their divisions' and agencies' dossiers."""
    assignments = RoleAssignment.objects.filter(
        Q(role=Role.DIVISION_HEAD, unit__isnull=False) | Q(role=Role.AGENCY_LEADER, agency__isnull=False),
        user__is_active=True,
    ).exclude(user__email="")
    remits: dict[int, Q] = {}
    for assignment in assignments.order_by("pk"):
        if assignment.role == Role.DIVISION_HEAD:
            condition = Q(processing_unit_id=assignment.unit_id)
        else:
            condition = Q(competent_agency_id=assignment.agency_id)
        remits[assignment.user_id] = (
            remits[assignment.user_id] | condition if assignment.user_id in remits else condition
        )
    return remits


def alerts_escalate_overdue(*, now: datetime | None = None) -> int:
    """Tell each division head and agency leader of the overdue dossiers of their divisions and
    agencies that they have not been told of today: one message a run naming them, each dossier
    once a day to each of them. Returns the number of messages queued."""
    now = now or timezone.now()
    day = _local(now).date().isoformat()
    sent = 0
    for user_id, remit in _escalation_remits().items():
        user = User.objects.get(pk=user_id)
        told = StaffAlert.objects.filter(kind=AlertKind.ESCALATION, period=day, recipient_id=user_id)
        overdue = list(
            dossier_queue(user=user, queue="overdue", now=now)
            .filter(remit)
            .exclude(pk__in=told.values("dossier_id"))
            .select_related("procedure_version", "processing_unit")[:ESCALATED_PER_RUN]
        )
        if not overdue:
            continue
        ids = ",".join(str(d.pk) for d in overdue)
        language = _language(user)
        with translation.override(language):
            subject = ngettext(
                "%(count)d dossier is overdue in your remit",
                "%(count)d dossiers are overdue in your remit",
                len(overdue),
            ) % {"count": len(overdue)}
            lines = [_("Dear %(name)s,") % {"name": user.full_name or user.get_username()}, ""]
            lines.append(_("These dossiers have passed their due date and are not yet processed:"))
            lines.append("")
            for dossier in overdue:
                unit = dossier.processing_unit.name if dossier.processing_unit else _("not yet with a division")
                lines.append(f"{_dossier_line(dossier)} · {unit}")
            lines += ["", _("The overdue list: %(url)s") % {"url": _url(reverse("desk:queue"), queue="overdue")}]
        message = _email(
            user=user,
            alert_key=f"escalation:{day}:{user_id}:{ids}",
            event="staff_escalation",
            subject=subject,
            body="\n".join(lines),
            now=now,
            language=language,
        )
        alerts = [
            StaffAlert(
                key=f"escalation:{day}:{dossier.pk}:{user_id}",
                kind=AlertKind.ESCALATION,
                period=day,
                recipient=user,
                dossier=dossier,
                message_key=message.key,
                created_at=now,
            )
            for dossier in overdue
        ]
        if _record(alerts, message):
            sent += 1
    return sent


# --- The weekly administrative-reform report ------------------------------------------------


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{formats.number_format(round(rate * 100, 1), 1)} %"


@dataclass(frozen=True)
class WeeklyReport:
    agency: Agency
    start: date
    end: date
    report: dict[str, Any]  # period_report(..., group_by="division") for [start, end]
    trend: list[tuple[date, date, float | None]]  # online rate of this week and the three before


def weekly_report(*, agency: Agency, end: date, weeks: int = 4) -> WeeklyReport:
    """The numbers of the leaders' meeting: the report page's own (`period_report`) for the week
    from Monday to `end`, by division, and the online rate of the last `weeks` weeks."""
    scope = Scope(agency=agency, subordinates=True)
    monday = end - timedelta(days=end.weekday())
    report = period_report(scope, monday, end, group_by="division")
    trend = []
    for back in range(weeks - 1, -1, -1):
        start = monday - timedelta(days=7 * back)
        stop = end if back == 0 else start + timedelta(days=6)
        trend.append((start, stop, period_report(scope, start, stop)["total"]["online_rate"]))
    return WeeklyReport(agency=agency, start=monday, end=end, report=report, trend=trend)


def _weekly_message(week: WeeklyReport) -> tuple[str, str]:
    total = week.report["total"]
    span = f"{week.start:%d/%m/%Y} – {week.end:%d/%m/%Y}"
    subject = _("Administrative-reform report, week of %(span)s: %(agency)s") % {
        "span": span,
        "agency": week.agency.name,
    }
    received, resolved, pending = total["received"], total["resolved"], total["pending"]
    lines = [subject, ""]
    lines.append(
        _("Received: %(new)d new (%(online)d online), %(carried)d carried over.")
        % {"new": received["new"], "online": received["online"], "carried": received["carried_over"]}
    )
    lines.append(
        _("Resolved: %(total)d (%(early)d early, %(on_time)d on time, %(late)d late); on-time rate %(rate)s.")
        % {
            "total": resolved["total"],
            "early": resolved["early"],
            "on_time": resolved["on_time"],
            "late": resolved["late"],
            "rate": _percent(total["on_time_rate"]),
        }
    )
    lines.append(
        _("Pending: %(total)d, of which %(overdue)d overdue.")
        % {"total": pending["total"], "overdue": pending["overdue"]}
    )
    lines += ["", _("Overdue by division:")]
    overdue_rows = [row for row in week.report["rows"] if row["pending"]["overdue"]]
    for row in overdue_rows:
        lines.append(f"- {row['group']['name']}: {row['pending']['overdue']}")
    if not overdue_rows:
        lines.append(_("- none"))
    lines += ["", _("Online rate, week by week:")]
    for start, stop, rate in week.trend:
        lines.append(f"- {start:%d/%m} – {stop:%d/%m}: {_percent(rate)}")
    params = {
        "agency": week.agency.code,
        "subordinates": "1",
        "from": week.start.isoformat(),
        "to": week.end.isoformat(),
        "group_by": "division",
    }
    lines += [
        "",
        _("The same numbers on the report page: %(url)s") % {"url": _url(reverse("reports:period"), **params)},
    ]
    return subject, "\n".join(lines)


def _week_key(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def alerts_send_weekly_reports(*, now: datetime | None = None) -> int:
    """Queue this week's report to each agency leader who has not had it (for their agency, with
    the agencies under it). Returns the number of messages queued."""
    now = now or timezone.now()
    today = _local(now).date()
    week_key = _week_key(today)
    done = set(StaffAlert.objects.filter(kind=AlertKind.WEEKLY_REPORT, period=week_key).values_list("key", flat=True))
    assignments = (
        RoleAssignment.objects.filter(role=Role.AGENCY_LEADER, agency__isnull=False, user__is_active=True)
        .exclude(user__email="")
        .select_related("agency", "user")
        .order_by("agency_id", "user_id")
    )
    reports: dict[int, WeeklyReport] = {}
    sent = 0
    for assignment in assignments:
        agency, user = assignment.agency, assignment.user
        assert agency is not None
        key = f"weekly:{week_key}:{agency.pk}:{user.pk}"
        if key in done:
            continue
        done.add(key)
        if agency.pk not in reports:
            reports[agency.pk] = weekly_report(agency=agency, end=today)
        language = _language(user)
        with translation.override(language):
            subject, body = _weekly_message(reports[agency.pk])
        message = _email(
            user=user, alert_key=key, event="reform_report", subject=subject, body=body, now=now, language=language
        )
        alert = StaffAlert(
            key=key,
            kind=AlertKind.WEEKLY_REPORT,
            period=week_key,
            recipient=user,
            message_key=message.key,
            created_at=now,
        )
        if _record([alert], message):
            sent += 1
    return sent


# --- The schedule -------------------------------------------------------------------------------


def alerts_run_due(*, now: datetime | None = None) -> dict[str, int]:
    """What is due at `now` (local time): from the digest time on a digest day, the digests and the
    escalations; from the weekly report's day and time until the end of that week, the report."""
    now = now or timezone.now()
    local = _local(now)
    done = {"digests": 0, "escalations": 0, "weekly_reports": 0}
    if local.weekday() in settings.MOTCUA_STAFF_DIGEST_WEEKDAYS and local.time() >= settings.MOTCUA_STAFF_DIGEST_TIME:
        done["digests"] = alerts_send_digests(now=now)
        done["escalations"] = alerts_escalate_overdue(now=now)
    monday = local.date() - timedelta(days=local.weekday())
    due_at = timezone.make_aware(
        datetime.combine(
            monday + timedelta(days=settings.MOTCUA_REFORM_REPORT_WEEKDAY), settings.MOTCUA_REFORM_REPORT_TIME
        ),
        timezone.get_default_timezone(),
    )
    if local >= due_at:
        done["weekly_reports"] = alerts_send_weekly_reports(now=now)
    return done
