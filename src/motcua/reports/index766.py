"""The Decision 766 service index (CONTRACT.md §6, DOMAIN.md §7), computed from MotCua's own data.

For a scope (an agency, with the agencies under it when asked) and a period, counted by the date
of receipt (NgayTiepNhan) like DVCQG. Each indicator is numerator / denominator = rate (4 decimals,
null when the denominator is 0); points = max when the rate reaches the threshold, else
rate × max / threshold (2 decimals). An indicator whose data MotCua does not hold yet is returned
with rate null, points null and a `reason`; groups and the total add the points that could be
computed (`max` stays the full weight; `computed_max` is the weight of what was computed).

The dossier indicators are plain conditions on `Dossier` (`DOSSIER_PARTS`), so the list of the
dossiers behind a numerator or a denominator is the same condition as its count.

Codes are DOMAIN.md §7's; its rows without a code are given one here: `3.0` full-online dossiers
(scored since 2026), `3.4` proactive services, `4.6` electronic certified copies.

Choices where DOMAIN.md leaves room (each one said on the index page):
- 2.1 on time: a dossier received in the period is on time when it ended (processed, else returned,
  else stopped, refused or withdrawn) by its original due date, or had not ended at the period's end
  and was not yet due, or was waiting for the applicant then; a dossier with more than one supplement
  request is overdue (DVCQG's rule), a dossier without a due date is on time.
- 2.2: calendar days from receipt to the end, over the dossiers received in the period that ended in it.
- 1.4: dossiers received in the period that the National Public Service Portal has acknowledged at
  least once (national_sync.selectors.SYNCED, the same condition as `national_sync_rate`) / received.
- 3.3: online dossiers / all received, times the sync rate of 1.4 (DOMAIN.md §7): `rate` is that
  product and `factor` the sync rate; numerator and denominator stay the dossier counts.
- 4.1, 4.2: the "paper-result" procedures are those whose version lists a paper result; 4.1 counts
  the approved ones; 4.2 needs a submitted file, and for an approved paper-result dossier a result file.
- 4.3: a dossier applied for with at least one file of the applicant's document store.
- 4.5b: a dossier whose applicant's account is linked to VNeID, over all received.
- 5.4: 1 − (overdue + rated dissatisfied) / received, each dossier subtracted once (as 5.3 does PAKN).
- A period not over yet is judged as of now: a dossier still open now counts as within the time
  unless its due date has passed (never as late because of a due date still to come).

A division (`Scope.division`): the dossier indicators (and 1.4) count the division's dossiers; the
catalog indicators (1.3, 3.1, 3.2: procedures belong to the agency) and the feedback indicators
(5.1–5.3: feedback is sent to the agency) stay the agency's, marked `level: "agency"` with a reason,
so a division's total is its own dossier points plus the agency's other points
(`index766_by_division` gives every division's row in one query).

Forecast (`forecast`, only for a period not over): the end of the period for the dossiers received
so far, new receipts not guessed. An ended dossier counts as it is; an open one counts as the
dossiers of the same scope that ended in the last FORECAST_WINDOW_DAYS days did (their share of
on-time, dissatisfied, paid-online, digitised, approved-with-an-e-result dossiers), except what is
already certain: an open dossier already overdue is late, one due after the period's end (or with
more than one supplement request) is within the time (or late). The indicators fixed at receipt
(3.0, 3.3, 4.3, 4.5b, 1.4) are forecast as they are now. 2.2 is shown, not forecast.
"""

from __future__ import annotations

import csv
import io
import json
import operator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, IsNull, LessThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import UnitKind
from motcua.accounts.models import Agency, ExternalIdentity, Unit
from motcua.catalog.constants import Channel, ResultForm, ServiceLevel
from motcua.catalog.models import Fee, ProcedureVersion
from motcua.core.db import reporting_reads
from motcua.core.errors import DomainError
from motcua.dossiers.constants import Action, DocumentKind, Outcome
from motcua.dossiers.models import Dossier, DossierDocument, DossierPause, DraftDocument
from motcua.feedback.constants import UNHAPPY, PaknCategory
from motcua.feedback.models import ServiceRating
from motcua.feedback.selectors import pakn_figures
from motcua.national_sync.models import NationalSync
from motcua.payments.constants import PaymentMethod, PaymentStatus
from motcua.payments.models import Payment
from motcua.reports.models import IndexSetting
from motcua.reports.period import Scope, agency_tree, without_jit
from motcua.reports.periods import Period


@dataclass(frozen=True)
class Indicator:
    group: str
    code: str
    name: Any
    points: Decimal  # the default maximum
    threshold: Decimal  # the default threshold (1: points are rate × max)


ONE = Decimal("1")
GROUPS: tuple[tuple[str, Any], ...] = (
    ("CKMB", _("Publicity and transparency")),
    ("TDGQ", _("Progress of processing")),
    ("CLGQ", _("Online public services")),
    ("TTTT", _("Online payment")),
    ("MDHL", _("Satisfaction")),
    ("MDSH", _("Digitisation")),
)
GROUP_NAMES = dict(GROUPS)


def _i(group: str, code: str, name: Any, points: str, threshold: str = "1") -> Indicator:
    return Indicator(group, code, name, Decimal(points), Decimal(threshold))


INDICATORS: tuple[Indicator, ...] = (
    _i("CKMB", "1.1", _("Procedures published on time"), "6"),
    _i("CKMB", "1.2", _("Made public on time on the national procedure database"), "4"),
    _i("CKMB", "1.3", _("Procedures published with all their components"), "2"),
    _i("CKMB", "1.4", _("Dossiers synchronised to the National Public Service Portal"), "6"),
    _i("TDGQ", "2.1", _("Dossiers resolved early or on time, or still within the time"), "20"),
    _i("TDGQ", "2.2", _("Average processing time (days)"), "0"),
    _i("CLGQ", "3.0", _("Dossiers filed fully online, of the procedures offered fully online"), "12"),
    _i("CLGQ", "3.1", _("Procedures offering an online public service"), "0", "0.8"),
    _i("CLGQ", "3.2", _("Online services with at least one dossier"), "0"),
    _i("CLGQ", "3.3", _("Dossiers filed online"), "0", "0.5"),
    _i("CLGQ", "3.4", _("Proactive online services"), "0"),
    _i("TTTT", "3.5", _("Fee procedures integrated with national online payment"), "2", "0.8"),
    _i("TTTT", "3.5b", _("Procedures with online payment transactions"), "2"),
    _i("TTTT", "3.6", _("Dossiers paid online"), "6"),
    _i("MDHL", "5.1", _("Feedback about regulations and procedures (share)"), "0"),
    _i("MDHL", "5.2", _("Feedback handled on time"), "6"),
    _i("MDHL", "5.3", _("Satisfaction with the handling of feedback"), "6"),
    _i("MDHL", "5.4", _("Satisfaction with the handling of dossiers"), "6", "0.9"),
    _i("MDSH", "4.1", _("Dossiers with an electronic result"), "6"),
    _i("MDSH", "4.2", _("Digitised dossiers"), "4", "0.8"),
    _i("MDSH", "4.6", _("Electronic certified copies from originals"), "2"),
    _i("MDSH", "4.3", _("Dossiers reusing digitised data"), "2", "0.8"),
    _i("MDSH", "4.4", _("Dossiers linked to the citizen's national data store"), "4"),
    _i("MDSH", "4.5b", _("Dossiers using population data"), "2"),
    _i("MDSH", "4.5a", _("Procedures linked to the population database"), "2"),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}

NOT_YET: dict[str, Any] = {
    "1.1": _("The dates of the publishing decisions and of the legal texts they implement are not recorded yet."),
    "1.2": _("The date a procedure was made public on the national procedure database is not recorded yet."),
    "3.4": _("Proactive online services (Decree 224/2026 Art. 16) are not offered yet."),
    "3.5": _("Fee data is not synchronised with the national procedure database yet."),
    "3.5b": _("DVCQG does not describe this indicator's formula."),
    "4.4": _("Links to the citizen's national data store are not recorded yet."),
    "4.5a": _("Links between procedures and the population database are not recorded yet."),
    "4.6": _("Electronic certified copies are not issued through MotCua yet."),
}
EXPLAINED: dict[str, Any] = {
    "2.1": _(
        "Received in the period: ended by the original due date, or not ended and not yet due (or waiting "
        "for the applicant) at the end of the period. More than one supplement request counts as overdue."
    ),
    "2.2": _("Calendar days from receipt to the end, over the dossiers received and ended in the period."),
    "1.4": _("Dossiers received in the period that the National Public Service Portal has acknowledged."),
    "3.3": _("Online dossiers / received, times the sync rate of 1.4 (DVCQG counts only synced dossiers)."),
    "5.4": _("1 − (overdue + rated dissatisfied) / received; a dossier that is both is subtracted once."),
}


def settings_of() -> dict[str, tuple[Decimal, Decimal]]:
    """Each indicator's (points, threshold): the administrator's overrides over the defaults."""
    values = {ind.code: (ind.points, ind.threshold) for ind in INDICATORS}
    for row in IndexSetting.objects.all():
        if row.code in values:
            values[row.code] = (row.points, row.threshold)
    return values


def rate_of(numerator: int | float | None, denominator: int | float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(max(numerator, 0) / denominator, 4)


def score(rate: float | None, points: Decimal, threshold: Decimal) -> float | None:
    """Generic rule of DOMAIN.md §7: max at or above the threshold, else rate × max / threshold."""
    if rate is None:
        return None
    if Decimal(str(rate)) >= threshold:
        return float(points)
    return round(float(Decimal(str(rate)) * points / threshold), 2)


# --- The dossier conditions -----------------------------------------------------------------------
#
# Each dossier indicator's numerator and denominator is a condition, over the dossiers counted
# (`DossierParts.received`), on a few facts about each dossier (`DossierParts.facts`: ended, on time,
# has a result file, paid online ...), each fact one condition on `Dossier`. Counting: one query
# groups the dossiers counted by their facts (each fact computed once per dossier, instead of once
# per indicator in which it appears) and each number adds the groups where its condition holds
# (`holds`); listing (`DossierParts.select`): the same facts and the same condition as a filter.


def _of_each(rows: QuerySet[Any], counted: QuerySet[Any], path: str = "dossier") -> Q:
    """The dossier has one of `rows` (a related model's, by `path` to the dossier), looked up among
    the `counted` dossiers only: PostgreSQL then either looks each dossier up by its index or hashes
    the related rows of the counted dossiers, never of the whole table."""
    return Q(Exists(rows.filter(**{f"{path}_id": OuterRef("pk"), f"{path}__in": counted})))


def _supplements_more_than_once(counted: QuerySet[Any]) -> Q:
    earlier = DossierPause.objects.filter(
        dossier_id=OuterRef("dossier_id"), reason=Action.REQUEST_SUPPLEMENT, pk__lt=OuterRef("pk")
    )
    requests = DossierPause.objects.filter(reason=Action.REQUEST_SUPPLEMENT).filter(Exists(earlier))
    return _of_each(requests, counted)


def _paper_result_versions() -> list[int]:
    return [
        pk
        for pk, forms in ProcedureVersion.objects.values_list("pk", "result_forms")
        if ResultForm.PAPER in (forms or [])
    ]


def _end_at() -> Coalesce:
    return Coalesce("processed_at", "returned_at", "ended_at")


def _waiting_at(moment: datetime, counted: QuerySet[Any]) -> Q:
    """Waiting for the applicant (a supplement or a payment) at `moment`: the clock is paused."""
    pauses = DossierPause.objects.filter(started_at__lt=moment).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=moment)
    )
    return _of_each(pauses, counted)


def fact(name: str) -> Q:
    """The condition "the fact `name` is true of the dossier" (a fact of `DossierParts.facts`)."""
    return Q(**{name: True})


def _flag(condition: Q) -> Case:
    """A fact as a column: true when `condition` holds, else false (never null)."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _bit(condition: Q, bit: int) -> Case:
    return Case(When(condition, then=Value(1 << bit)), default=Value(0), output_field=IntegerField())


def holds(condition: Q, facts: dict[str, Any]) -> bool:
    """Whether `condition` (a Q over facts only, as the parts are built) holds for these facts."""
    children: list[Any] = list(condition.children)
    found = [holds(c, facts) if isinstance(c, Q) else bool(facts[c[0]]) == c[1] for c in children]
    result = all(found) if condition.connector == Q.AND else any(found)
    return not result if condition.negated else result


@dataclass(frozen=True)
class DossierParts:
    """The dossiers counted, the facts about each, and each indicator's numerator and denominator
    as a condition on those facts."""

    received: Q
    facts: dict[str, Q]
    parts: dict[str, dict[str, Q]]

    def __getitem__(self, code: str) -> dict[str, Q]:
        return self.parts[code]

    def select(self, dossiers: QuerySet[Dossier], code: str, part: str) -> QuerySet[Dossier]:
        """The dossiers behind one number: the same facts, the same condition."""
        flags = {name: _flag(q) for name, q in self.facts.items()}
        return dossiers.filter(self.received).alias(**flags).filter(self.parts[code][part])

    def groups(self, dossiers: QuerySet[Dossier], *by: str) -> list[dict[str, Any]]:
        """One query: the dossiers counted, grouped by `by` and their facts (`_facts`: fact i is bit
        i); in each group the number of dossiers (`_n`) and their summed time from receipt to the
        end (`_duration`, 2.2)."""
        bits = [_bit(q, i) for i, q in enumerate(self.facts.values())]
        facts = reduce(operator.add, bits[1:], bits[0])
        rows = (
            dossiers.filter(self.received)
            .annotate(_facts=facts)
            .values(*by, "_facts")
            .annotate(_n=Count("pk"), _duration=Sum(_duration()))
            .order_by()
        )
        with without_jit():  # its cost estimate passes jit_above_cost: compiling took seconds
            return list(rows)

    def count(self, groups: list[dict[str, Any]], codes: Any = None) -> dict[str, dict[str, Any]]:
        """Each part's count over `groups` (of `groups()`), and 2.2's summed duration as `_duration`."""
        chosen = {code: self.parts[code] for code in (codes if codes is not None else self.parts)}
        counted: dict[str, dict[str, Any]] = {code: {"numerator": 0, "denominator": 0} for code in chosen}
        total: Any = None
        memo: dict[int, list[tuple[str, str]]] = {}
        names = list(self.facts)
        for group in groups:
            key = group["_facts"]
            if key not in memo:
                facts = {name: bool(key >> i & 1) for i, name in enumerate(names)}
                memo[key] = [
                    (code, part) for code, both in chosen.items() for part, q in both.items() if holds(q, facts)
                ]
            for code, part in memo[key]:
                counted[code][part] += group["_n"]
            if ("2.2", "numerator") in memo[key] and group["_duration"] is not None:
                total = group["_duration"] if total is None else total + group["_duration"]
        counted["_duration"] = {"numerator": total, "denominator": None}
        return counted


def dossier_parts(
    start: datetime,
    end: datetime,
    *,
    judged_at: datetime | None = None,
    base: Q | None = None,
    within: Q | None = None,
) -> DossierParts:
    """For each dossier indicator, the condition of its numerator and its denominator.

    `judged_at` (default `end`): when the dossiers still open are judged (now, for a period not over).
    `base` (default: received in [start, end)): the dossiers counted (the forecast's recent ones).
    `within` (default: every dossier): the scope's condition, to look the related rows up among
    the dossiers counted only (the same dossiers are counted and listed without it).
    """
    judged = min(end, judged_at) if judged_at is not None else end
    end_at = _end_at()
    received = base if base is not None else Q(received_at__gte=start, received_at__lt=end)
    counted = Dossier.objects.filter(received).filter(within or Q()).values("pk")
    ended = Q(IsNull(end_at, False)) & Q(LessThan(end_at, judged))
    no_due = Q(due_at__isnull=True)
    fee_versions = Fee.objects.filter(amount__gt=0).values("version_id")
    facts: dict[str, Q] = {
        "ended": ended,
        "on_time": (
            no_due
            | (ended & Q(LessThanOrEqual(end_at, F("due_at"))))
            | (~ended & (Q(due_at__gte=judged) | _waiting_at(judged, counted)))
        )
        & ~_supplements_more_than_once(counted),
        # Within the time at the period's end whatever happens: due after it (or never).
        "due_after": no_due | Q(GreaterThanOrEqual(F("due_at"), end)),
        # national_sync.selectors.SYNCED (a left join to every sync row), looked up as the others.
        "synced": _of_each(NationalSync.objects.filter(first_acknowledged_at__isnull=False), counted),
        "full_procedure": Q(procedure_version__service_level=ServiceLevel.FULL),
        "online": Q(channel=Channel.ONLINE),
        "online_full": Q(online_level=ServiceLevel.FULL),
        "fee": Q(procedure_version_id__in=fee_versions),
        "paid_online": _of_each(
            Payment.objects.filter(method=PaymentMethod.ONLINE, status=PaymentStatus.PAID), counted
        ),
        "paper": Q(procedure_version_id__in=_paper_result_versions()),
        "approved": Q(outcome=Outcome.APPROVED),
        "has_result": _of_each(DossierDocument.objects.filter(kind=DocumentKind.RESULT), counted),
        "has_files": _of_each(DossierDocument.objects.filter(kind=DocumentKind.SUBMITTED), counted),
        "unhappy": _of_each(ServiceRating.objects.filter(satisfaction__in=list(UNHAPPY)), counted),
        "reused": _of_each(DraftDocument.objects.all(), counted, "draft__dossier"),
        "vneid": Q(Exists(ExternalIdentity.objects.filter(user_id=OuterRef("owner_id")))),
    }
    every = Q()  # every dossier counted
    is_ended, on_time, unhappy = fact("ended"), fact("on_time"), fact("unhappy")
    paper, approved, has_result = fact("paper"), fact("approved"), fact("has_result")
    full_procedures = fact("full_procedure")
    parts = {
        "1.4": {"numerator": fact("synced"), "denominator": every},
        "2.1": {"numerator": on_time, "denominator": every},
        "2.2": {"numerator": is_ended, "denominator": is_ended},
        "3.0": {
            "numerator": full_procedures & fact("online") & fact("online_full"),
            "denominator": full_procedures,
        },
        "3.3": {"numerator": fact("online"), "denominator": every},
        "3.6": {"numerator": fact("fee") & fact("paid_online"), "denominator": fact("fee")},
        "5.4": {"numerator": on_time & ~unhappy, "denominator": every},
        "4.1": {"numerator": paper & approved & has_result, "denominator": paper & approved},
        "4.2": {"numerator": fact("has_files") & (~(paper & approved) | has_result), "denominator": every},
        "4.3": {"numerator": fact("reused"), "denominator": every},
        "4.5b": {"numerator": fact("vneid"), "denominator": every},
        # The parts of 5.4, listed on the page.
        "late": {"numerator": ~on_time, "denominator": every},
        "unhappy": {"numerator": unhappy, "denominator": every},
        # For the forecast: the dossiers an indicator is drawn from (4.1: every paper-result dossier,
        # approved or not yet), those ended, and 2.1's open dossiers by what is already certain.
        "pool.4.1": {"numerator": paper, "denominator": paper},
        "open": {"numerator": ~is_ended, "denominator": every},
        "open.late": {"numerator": ~is_ended & ~on_time, "denominator": every},
        # Open now, and within the time at the period's end whatever happens: due after it.
        "open.safe": {"numerator": ~is_ended & on_time & fact("due_after"), "denominator": every},
    }
    return DossierParts(received, facts, parts)


# --- The catalog conditions -----------------------------------------------------------------------


def _versions_in_force(agency_ids: list[int] | None, on: date) -> QuerySet[ProcedureVersion]:
    versions = ProcedureVersion.objects.in_force(on)
    if agency_ids is not None:
        versions = versions.filter(agency_id__in=agency_ids)
    return versions


def version_complete(version: ProcedureVersion) -> bool:
    """Published with every component of Decree 63/2010 Art. 8(2) (DOMAIN.md §7, 1.3)."""
    return bool(
        version.name
        and version.steps_description.strip()
        and version.channels
        and version.documents.all()
        and version.processing_time is not None
        and version.applicant_types
        and version.agency_id
    )


# --- The index ------------------------------------------------------------------------------------

# Indicators counted from dossiers (narrowed to a division); the others are the agency's.
DIVISION_LEVEL = frozenset({"1.4", "2.1", "2.2", "3.0", "3.3", "3.6", "5.4", "4.1", "4.2", "4.3", "4.5b"})
AGENCY_LEVEL_REASONS: dict[str, Any] = {
    "1.3": _("Procedures are published for the whole agency: the agency's figure."),
    "3.1": _("Procedures are published for the whole agency: the agency's figure."),
    "3.2": _("Procedures are published for the whole agency: the agency's figure."),
    "5.1": _("Feedback is sent to the agency, not to a division: the agency's figure."),
    "5.2": _("Feedback is sent to the agency, not to a division: the agency's figure."),
    "5.3": _("Feedback is sent to the agency, not to a division: the agency's figure."),
}
FORECAST_WINDOW_DAYS = 90
FIXED_AT_RECEIPT = ("1.4", "3.0", "3.3", "4.3", "4.5b")  # known when the dossier is received
FORECAST_BY_RECENT = ("3.6", "4.1", "4.2")  # open dossiers count as the recent ones did
FORECAST_METHOD = _(
    "Forecast for the dossiers received so far (new receipts are not guessed): an ended dossier counts as it "
    "is; an open one as the dossiers that ended in the last 90 days did, except that one already overdue "
    "stays late and one due after the period's end stays within the time."
)


def _duration() -> ExpressionWrapper:
    return ExpressionWrapper(_end_at() - F("received_at"), output_field=DurationField())


def _average_days(figures: dict[str, dict[str, Any]], total: Any) -> None:
    """2.2: the average of the days from receipt to the end (`total`: their summed duration)."""
    days = total.total_seconds() / 86400 if total is not None else 0.0
    count = figures["2.2"]["denominator"]
    value = round(days / count, 2) if count else None
    figures["2.2"] = {"numerator": round(days, 2), "denominator": count, "value": value}


def _agency_ids(scope: Scope) -> list[int]:
    assert scope.agency is not None
    return agency_tree(scope.agency) if scope.subordinates else [scope.agency.pk]


def _agency_figures(scope: Scope, period: Period, dossiers: QuerySet[Dossier], now: datetime | None) -> dict[str, Any]:
    """The catalog (1.3, 3.1, 3.2) and feedback (5.1–5.3) figures: the agency's, never a division's."""
    agency_ids = _agency_ids(scope)
    s, e = period.bounds
    figures: dict[str, dict[str, Any]] = {}
    # The catalog: the versions in force on the last day of the period.
    versions = list(_versions_in_force(agency_ids, period.end).prefetch_related("documents"))
    online = [v for v in versions if v.service_level in (ServiceLevel.PARTIAL, ServiceLevel.FULL)]
    used = set(
        dossiers.filter(received_at__gte=s, received_at__lt=e)
        .values_list("procedure_version__procedure_id", flat=True)
        .distinct()
    )
    figures["1.3"] = {"numerator": sum(1 for v in versions if version_complete(v)), "denominator": len(versions)}
    figures["3.1"] = {"numerator": len(online), "denominator": len(versions)}
    figures["3.2"] = {"numerator": sum(1 for v in online if v.procedure_id in used), "denominator": len(online)}

    # Feedback (PAKN): the feedback app's own figures, agency by agency.
    pakn = {"all": 0, "regulations": 0, "on_time": 0, "satisfied": 0}
    for agency in Agency.objects.filter(pk__in=agency_ids):
        f = pakn_figures(agency=agency, start=period.start, end=period.end, now=now)
        pakn["all"] += len(f.all)
        pakn["regulations"] += sum(
            len(items) for value, _label, items in f.by_category if value == PaknCategory.REGULATIONS
        )
        pakn["on_time"] += len(f.on_time)
        pakn["satisfied"] += len(f.satisfied)
    figures["5.1"] = {"numerator": pakn["regulations"], "denominator": pakn["all"]}
    figures["5.2"] = {"numerator": pakn["on_time"], "denominator": pakn["all"]}
    figures["5.3"] = {"numerator": pakn["satisfied"], "denominator": pakn["all"]}
    return figures


def _entry(code: str, figures: dict[str, dict[str, Any]], points_max: Decimal, threshold: Decimal) -> dict[str, Any]:
    """One indicator of the index from its figures: rate, points, and why it has none."""
    ind = BY_CODE[code]
    data = figures.get(code)
    reason = NOT_YET.get(code)
    numerator = denominator = rate = points = None
    if data is not None and reason is None:
        numerator, denominator = data["numerator"], data["denominator"]
        rate = None if code == "2.2" else rate_of(numerator, denominator)
        if code == "3.3" and rate is not None:
            rate = round(rate * (figures["1.4"].get("rate") or 0.0), 4)
        points = score(rate, points_max, threshold) if points_max else (0.0 if rate is not None else None)
        if denominator == 0:
            reason = _("Nothing to count in this period.")
    entry: dict[str, Any] = {
        "code": code,
        "name": str(ind.name),
        "numerator": numerator,
        "denominator": denominator,
        "rate": rate,
        "threshold": float(threshold),
        "points": points,
        "max": float(points_max),
        "reason": str(reason) if reason else None,
        "explained": str(EXPLAINED[code]) if code in EXPLAINED else None,
        "dossiers": code in LISTABLE,
        "level": "agency",
        "level_reason": None,
    }
    if code == "2.2":
        entry["value"] = data["value"] if data else None
    if code == "3.3":
        entry["factor"] = figures["1.4"].get("rate")
    return entry


def _assemble(
    figures: dict[str, dict[str, Any]],
    *,
    division: bool,
    settings: dict[str, tuple[Decimal, Decimal]] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The groups and the total of the index from the figures of every indicator."""
    figures["1.4"]["rate"] = rate_of(figures["1.4"]["numerator"], figures["1.4"]["denominator"])
    settings = settings if settings is not None else settings_of()
    groups: list[dict[str, Any]] = []
    for group_code, group_name in GROUPS:
        indicators = []
        for ind in (i for i in INDICATORS if i.group == group_code):
            entry = _entry(ind.code, figures, *settings[ind.code])
            if division:
                if ind.code in DIVISION_LEVEL:
                    entry["level"] = "division"
                elif ind.code in AGENCY_LEVEL_REASONS:
                    entry["level_reason"] = str(AGENCY_LEVEL_REASONS[ind.code])
            indicators.append(entry)
        groups.append(
            {
                "code": group_code,
                "name": str(group_name),
                "points": round(sum(i["points"] or 0 for i in indicators), 2),
                "max": float(sum(Decimal(str(i["max"])) for i in indicators)),
                "computed_max": float(sum(Decimal(str(i["max"])) for i in indicators if i["points"] is not None)),
                "indicators": indicators,
            }
        )
    total = {
        "points": round(sum(g["points"] for g in groups), 2),
        "max": float(sum(Decimal(str(g["max"])) for g in groups)),
        "computed_max": float(sum(Decimal(str(g["computed_max"])) for g in groups)),
    }
    return groups, total


def _dossier_figures(parts: DossierParts, groups: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The figures of the dossier indicators (the forecast's parts included) over `groups`."""
    figures = parts.count(groups)
    _average_days(figures, figures.pop("_duration")["numerator"])
    return figures


def _judged_at(period: Period, now: datetime | None) -> tuple[datetime, bool]:
    """When the open dossiers are judged (the period's end, or now if it is not over), and whether it is over."""
    moment = now or timezone.now()
    end = period.bounds[1]
    return min(end, moment), moment >= end


@reporting_reads
def index766(
    scope: Scope, start: date, end: date, *, now: datetime | None = None, with_forecast: bool = True
) -> dict[str, Any]:
    """The index of CONTRACT.md §6 for `scope` (its agency, with the agencies under it when
    `scope.subordinates`, narrowed to `scope.division`) and the dates [start, end]; with `forecast`
    for a period not over (None otherwise, or when not `with_forecast`)."""
    if scope.agency is None:
        raise DomainError(gettext("Choose an agency."), code="invalid", fields={"agency": [gettext("Required.")]})
    period = Period(start, end)
    s, e = period.bounds
    judged, over = _judged_at(period, now)
    parts = dossier_parts(s, e, judged_at=judged, within=scope.condition())
    grouped = parts.groups(Dossier.objects.filter(scope.condition()).order_by())
    figures = _dossier_figures(parts, grouped)
    agency_dossiers = Dossier.objects.filter(Scope(scope.agency, scope.subordinates).condition()).order_by()
    figures |= _agency_figures(scope, period, agency_dossiers, now)
    narrowed = scope.division is not None or scope.no_division
    groups, total = _assemble(figures, division=narrowed)
    division = None
    if scope.division is not None:
        division = {"code": scope.division.code, "name": scope.division.name}
    elif scope.no_division:
        division = {"code": "none", "name": gettext("Not yet with a division")}
    index: dict[str, Any] = {
        "period": period.as_dict(),
        "agency": {"code": scope.agency.code, "name": scope.agency.name},
        "subordinates": scope.subordinates,
        "division": division,
        "total": total,
        "groups": groups,
        "extra": {
            "5.4": {"late": figures["late"]["numerator"], "unhappy": figures["unhappy"]["numerator"]},
        },
        "judged_at": judged.isoformat(),
        "forecast": None,
    }
    if with_forecast and not over and judged > s:
        index["forecast"] = forecast(scope, parts, grouped, figures, index, now=judged)
    return index


# --- The forecast of the period's end -------------------------------------------------------------


def _recent_rates(scope: Scope, now: datetime) -> dict[str, dict[str, float | None]]:
    """Of the scope's dossiers that ended in the FORECAST_WINDOW_DAYS days before `now`: each
    indicator's share of them in its numerator and in its denominator."""
    since = now - timedelta(days=FORECAST_WINDOW_DAYS)
    end_at = _end_at()
    ended = Q(received_at__isnull=False) & Q(GreaterThanOrEqual(end_at, since)) & Q(LessThan(end_at, now))
    parts = dossier_parts(since, now, judged_at=now, base=ended, within=scope.condition())
    codes = ("2.1", "unhappy", "pool.4.1", *FORECAST_BY_RECENT)
    counted = parts.count(parts.groups(Dossier.objects.filter(scope.condition()).order_by()), codes)
    rates: dict[str, dict[str, float | None]] = {}
    for code in ("2.1", "unhappy", *FORECAST_BY_RECENT):
        pool = counted["pool.4.1" if code == "4.1" else code]["denominator"]
        rates[code] = {
            "numerator": counted[code]["numerator"] / pool if pool else None,
            "denominator": counted[code]["denominator"] / pool if pool else None,
        }
    return rates


@reporting_reads
def forecast(
    scope: Scope,
    parts: DossierParts,
    groups: list[dict[str, Any]],
    figures: dict[str, dict[str, Any]],
    index: dict[str, Any],
    *,
    now: datetime,
) -> dict[str, Any]:
    """Each dossier indicator at the end of the period (FORECAST_METHOD), with its points; `total`
    is the index's total with the forecast points in place of the actual ones. `groups`: the
    dossiers of the index grouped by their facts (`DossierParts.groups`)."""
    opened = parts["open"]["numerator"]
    split: dict[str, dict[str, Q]] = {}
    for code in ("2.1", "5.4", "unhappy", *FORECAST_BY_RECENT):
        split[f"settled.{code}"] = {
            "numerator": parts[code]["numerator"] & ~opened,
            "denominator": parts[code]["denominator"] & ~opened,
        }
    split["open.4.1"] = {"numerator": parts["pool.4.1"]["numerator"] & opened, "denominator": opened}
    split["open.3.6"] = {"numerator": parts["3.6"]["denominator"] & opened, "denominator": opened}
    for code in ("open", "open.late", "open.safe"):
        split[code] = parts[code]
    counted = DossierParts(parts.received, parts.facts, split).count(groups)
    recent = _recent_rates(scope, now)
    settings = settings_of()
    actual = {i["code"]: i for g in index["groups"] for i in g["indicators"]}
    opened_count = counted["open"]["numerator"]
    uncertain = opened_count - counted["open.late"]["numerator"] - counted["open.safe"]["numerator"]
    unhappy_share = recent["unhappy"]["numerator"]
    results: list[dict[str, Any]] = []

    def add(code: str, numerator: float | None, denominator: float | None, basis: str, reason: Any = None) -> None:
        points_max, threshold = settings[code]
        rate = rate_of(numerator, denominator) if reason is None else None
        if code == "3.3" and rate is not None:
            rate = round(rate * (figures["1.4"].get("rate") or 0.0), 4)
        points = score(rate, points_max, threshold) if points_max else (0.0 if rate is not None else None)
        results.append(
            {
                "code": code,
                "name": str(BY_CODE[code].name),
                "numerator": None if numerator is None else round(numerator, 2),
                "denominator": None if denominator is None else round(denominator, 2),
                "rate": rate,
                "points": points,
                "max": float(points_max),
                "basis": basis,
                "reason": str(reason) if reason else None,
            }
        )

    no_history = _("No dossier of this scope ended in the last 90 days to learn from.")
    for code in FIXED_AT_RECEIPT:
        add(code, figures[code]["numerator"], figures[code]["denominator"], "received")
    on_time_share = recent["2.1"]["numerator"]
    received = figures["2.1"]["denominator"]
    if on_time_share is None and uncertain:
        add("2.1", None, received, "recent", no_history)
        add("5.4", None, received, "recent", no_history)
    else:
        expected_on_time = counted["open.safe"]["numerator"] + (on_time_share or 0.0) * uncertain
        add("2.1", counted["settled.2.1"]["numerator"] + expected_on_time, received, "recent")
        add(
            "5.4",
            counted["settled.5.4"]["numerator"] + expected_on_time * (1 - (unhappy_share or 0.0)),
            received,
            "recent",
        )
    for code in FORECAST_BY_RECENT:
        open_pool = counted[f"open.{code}"]["numerator"] if code in ("3.6", "4.1") else opened_count
        share = recent[code]
        settled = counted[f"settled.{code}"]
        if open_pool and share["numerator"] is None:
            add(code, None, None, "recent", no_history)
            continue
        add(
            code,
            settled["numerator"] + open_pool * (share["numerator"] or 0.0),
            settled["denominator"] + open_pool * (share["denominator"] or 0.0),
            "recent",
        )
    forecast_points = {r["code"]: r["points"] for r in results}
    total = index["total"]["points"] + sum(
        (forecast_points[code] or 0) - (actual[code]["points"] or 0) for code in forecast_points
    )
    return {
        "as_of": now.isoformat(),
        "window_days": FORECAST_WINDOW_DAYS,
        "method": str(FORECAST_METHOD),
        "open": opened_count,
        "open_late": counted["open.late"]["numerator"],
        "open_safe": counted["open.safe"]["numerator"],
        "indicators": results,
        "total": {"points": round(total, 2), "max": index["total"]["max"]},
    }


# --- The index per division -----------------------------------------------------------------------


@reporting_reads
def index766_by_division(scope: Scope, start: date, end: date, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per division of the agency (and one for the dossiers not yet with a division): its
    total and each indicator's points, the same as `index766` narrowed to that division."""
    if scope.agency is None:
        raise DomainError(gettext("Choose an agency."), code="invalid", fields={"agency": [gettext("Required.")]})
    period = Period(start, end)
    s, e = period.bounds
    judged, _over = _judged_at(period, now)
    whole = Scope(scope.agency, scope.subordinates).condition()
    parts = dossier_parts(s, e, judged_at=judged, within=whole)
    dossiers = Dossier.objects.filter(whole).order_by()
    agency_figures = _agency_figures(scope, period, dossiers, now)
    grouped: dict[int | None, list[dict[str, Any]]] = {}
    for row in parts.groups(dossiers, "processing_unit_id"):
        grouped.setdefault(row["processing_unit_id"], []).append(row)
    units = list(
        Unit.objects.filter(agency_id__in=_agency_ids(scope))
        .filter(Q(kind=UnitKind.DIVISION, is_active=True) | Q(pk__in=[k for k in grouped if k is not None]))
        .select_related("agency")
        .order_by("agency__code", "code")
    )
    rows: list[dict[str, Any]] = []
    settings = settings_of()
    keyed: list[tuple[Any, dict[str, str]]] = [(u.pk, {"code": u.code, "name": u.name}) for u in units]
    if None in grouped:
        keyed.append((None, {"code": "none", "name": gettext("Not yet with a division")}))
    for key, named in keyed:
        figures = _dossier_figures(parts, grouped.get(key, []))
        figures |= agency_figures
        groups, total = _assemble(figures, division=True, settings=settings)
        indicators = {i["code"]: i for g in groups for i in g["indicators"] if i["level"] == "division"}
        rows.append({"division": named, "total": total, "indicators": indicators})
    return rows


LISTABLE = ("1.4", "2.1", "2.2", "3.0", "3.3", "3.6", "5.4", "4.1", "4.2", "4.3", "4.5b", "late", "unhappy")


def index_dossiers(
    scope: Scope, start: date, end: date, code: str, part: str, *, base: QuerySet[Dossier] | None = None
) -> QuerySet[Dossier]:
    """The dossiers behind the numerator or the denominator of a dossier indicator."""
    if code not in LISTABLE or part not in ("numerator", "denominator"):
        raise DomainError(
            gettext("This number has no list of dossiers."), code="invalid", fields={"indicator": [gettext("Unknown.")]}
        )
    period = Period(start, end)
    qs = base if base is not None else Dossier.objects.all()
    within = scope.condition()
    return dossier_parts(*period.bounds, within=within).select(qs.filter(within), code, part)


INDEX_CSV_COLUMNS = (
    "group",
    "code",
    "name",
    "numerator",
    "denominator",
    "rate",
    "threshold",
    "points",
    "max",
    "reason",
)


def index_json(index: dict[str, Any]) -> bytes:
    return json.dumps(index, ensure_ascii=False, indent=2).encode("utf-8")


def index_csv(index: dict[str, Any]) -> bytes:
    """One line per indicator, then one per group and the total (UTF-8 with a BOM, for spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(INDEX_CSV_COLUMNS)
    for group in index["groups"]:
        for i in group["indicators"]:
            writer.writerow([group["code"], *(("" if i[key] is None else i[key]) for key in INDEX_CSV_COLUMNS[1:])])
    for group in index["groups"]:
        writer.writerow([group["code"], "", group["name"], "", "", "", "", group["points"], group["max"], ""])
    writer.writerow(["", "", "total", "", "", "", "", index["total"]["points"], index["total"]["max"], ""])
    return out.getvalue().encode("utf-8-sig")
