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
- 3.3: online dossiers / all received (the sync-rate factor is 1 until the national sync exists).
- 4.1, 4.2: the "paper-result" procedures are those whose version lists a paper result; 4.1 counts
  the approved ones; 4.2 needs a submitted file, and for an approved paper-result dossier a result file.
- 4.3: a dossier applied for with at least one file of the applicant's document store.
- 4.5b: a dossier whose applicant's account is linked to VNeID, over all received.
- 5.4: 1 − (overdue + rated dissatisfied) / received, each dossier subtracted once (as 5.3 does PAKN).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull, LessThan, LessThanOrEqual
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency, ExternalIdentity
from motcua.catalog.constants import Channel, ResultForm, ServiceLevel
from motcua.catalog.models import Fee, ProcedureVersion
from motcua.core.errors import DomainError
from motcua.dossiers.constants import Action, DocumentKind, Outcome
from motcua.dossiers.models import Dossier, DossierDocument, DossierPause, DraftDocument
from motcua.feedback.constants import UNHAPPY, PaknCategory
from motcua.feedback.models import ServiceRating
from motcua.feedback.selectors import pakn_figures
from motcua.payments.constants import PaymentMethod, PaymentStatus
from motcua.payments.models import Payment
from motcua.reports.models import IndexSetting
from motcua.reports.period import Scope, agency_tree
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
    "1.4": _("Dossiers are not synchronised to the National Public Service Portal yet."),
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
    "3.3": _("Without the national sync the sync-rate factor is 1."),
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


def _supplements_more_than_once() -> Exists:
    earlier = DossierPause.objects.filter(
        dossier_id=OuterRef("dossier_id"), reason=Action.REQUEST_SUPPLEMENT, pk__lt=OuterRef("pk")
    )
    return Exists(
        DossierPause.objects.filter(dossier_id=OuterRef("pk"), reason=Action.REQUEST_SUPPLEMENT).filter(Exists(earlier))
    )


def _paper_result_versions() -> list[int]:
    return [
        pk
        for pk, forms in ProcedureVersion.objects.values_list("pk", "result_forms")
        if ResultForm.PAPER in (forms or [])
    ]


def dossier_parts(start: datetime, end: datetime) -> dict[str, dict[str, Q]]:
    """For each dossier indicator, the condition of its numerator and its denominator."""
    end_at = Coalesce("processed_at", "returned_at", "ended_at")
    received = Q(received_at__gte=start, received_at__lt=end)
    ended = Q(IsNull(end_at, False)) & Q(LessThan(end_at, end))
    no_due = Q(due_at__isnull=True)
    waiting = Q(
        Exists(
            DossierPause.objects.filter(dossier_id=OuterRef("pk"), started_at__lt=end).filter(
                Q(ended_at__isnull=True) | Q(ended_at__gte=end)
            )
        )
    )
    on_time = (
        no_due | (ended & Q(LessThanOrEqual(end_at, F("due_at")))) | (~ended & (Q(due_at__gte=end) | waiting))
    ) & ~Q(_supplements_more_than_once())
    late = received & ~on_time
    paper = Q(procedure_version_id__in=_paper_result_versions())
    approved = Q(outcome=Outcome.APPROVED)
    has_result = Q(Exists(DossierDocument.objects.filter(dossier_id=OuterRef("pk"), kind=DocumentKind.RESULT)))
    has_files = Q(Exists(DossierDocument.objects.filter(dossier_id=OuterRef("pk"), kind=DocumentKind.SUBMITTED)))
    fee_versions = Fee.objects.filter(amount__gt=0).values("version_id")
    paid_online = Q(
        Exists(
            Payment.objects.filter(dossier_id=OuterRef("pk"), method=PaymentMethod.ONLINE, status=PaymentStatus.PAID)
        )
    )
    unhappy = Q(Exists(ServiceRating.objects.filter(dossier_id=OuterRef("pk"), satisfaction__in=list(UNHAPPY))))
    reused = Q(Exists(DraftDocument.objects.filter(draft__dossier_id=OuterRef("pk"))))
    vneid = Q(Exists(ExternalIdentity.objects.filter(user_id=OuterRef("owner_id"))))
    full_procedures = Q(procedure_version__service_level=ServiceLevel.FULL)
    return {
        "2.1": {"numerator": received & on_time, "denominator": received},
        "2.2": {"numerator": received & ended, "denominator": received & ended},
        "3.0": {
            "numerator": received & full_procedures & Q(channel=Channel.ONLINE, online_level=ServiceLevel.FULL),
            "denominator": received & full_procedures,
        },
        "3.3": {"numerator": received & Q(channel=Channel.ONLINE), "denominator": received},
        "3.6": {
            "numerator": received & Q(procedure_version_id__in=fee_versions) & paid_online,
            "denominator": received & Q(procedure_version_id__in=fee_versions),
        },
        "5.4": {"numerator": received & on_time & ~unhappy, "denominator": received},
        "4.1": {"numerator": received & paper & approved & has_result, "denominator": received & paper & approved},
        "4.2": {"numerator": received & has_files & (~(paper & approved) | has_result), "denominator": received},
        "4.3": {"numerator": received & reused, "denominator": received},
        "4.5b": {"numerator": received & vneid, "denominator": received},
        # The parts of 5.4, listed on the page.
        "late": {"numerator": late, "denominator": received},
        "unhappy": {"numerator": received & unhappy, "denominator": received},
    }


# --- The catalog conditions -----------------------------------------------------------------------


def _versions_in_force(agency_ids: list[int] | None, on: date) -> QuerySet[ProcedureVersion]:
    versions = ProcedureVersion.objects.in_force(on)
    if agency_ids is not None:
        versions = versions.filter(agency_id__in=agency_ids)
    return versions


def _complete(version: ProcedureVersion) -> bool:
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


def index766(scope: Scope, start: date, end: date, *, now: datetime | None = None) -> dict[str, Any]:
    """The index of CONTRACT.md §6 for `scope` (its agency, with the agencies under it when
    `scope.subordinates`) and the dates [start, end]."""
    if scope.agency is None:
        raise DomainError(gettext("Choose an agency."), code="invalid", fields={"agency": [gettext("Required.")]})
    period = Period(start, end)
    s, e = period.bounds
    agency_ids = agency_tree(scope.agency) if scope.subordinates else [scope.agency.pk]
    parts = dossier_parts(s, e)
    aggregates = {
        f"{code}__{part}": Count("pk", filter=condition)
        for code, both in parts.items()
        for part, condition in both.items()
    }
    dossiers = Dossier.objects.filter(scope.condition()).order_by()
    counted = dossiers.aggregate(**aggregates)
    figures: dict[str, dict[str, Any]] = {
        code: {"numerator": counted[f"{code}__numerator"], "denominator": counted[f"{code}__denominator"]}
        for code in parts
    }
    # 2.2: the average of the days from receipt to the end.
    duration = ExpressionWrapper(
        Coalesce("processed_at", "returned_at", "ended_at") - F("received_at"), output_field=DurationField()
    )
    total = dossiers.filter(parts["2.2"]["numerator"]).aggregate(total=Sum(duration))["total"]
    days = total.total_seconds() / 86400 if total is not None else 0.0
    count = figures["2.2"]["denominator"]
    figures["2.2"] = {
        "numerator": round(days, 2),
        "denominator": count,
        "value": round(days / count, 2) if count else None,
    }
    # 5.4 is a formula of two rates; the numerator (received − late − unhappy, each once) is counted above.

    # The catalog: the versions in force on the last day of the period.
    versions = list(_versions_in_force(agency_ids, period.end).prefetch_related("documents"))
    online = [v for v in versions if v.service_level in (ServiceLevel.PARTIAL, ServiceLevel.FULL)]
    used = set(
        dossiers.filter(received_at__gte=s, received_at__lt=e).values_list("procedure_version__procedure_id", flat=True)
    )
    figures["1.3"] = {"numerator": sum(1 for v in versions if _complete(v)), "denominator": len(versions)}
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

    settings = settings_of()
    groups: list[dict[str, Any]] = []
    for group_code, group_name in GROUPS:
        indicators = []
        for ind in (i for i in INDICATORS if i.group == group_code):
            points_max, threshold = settings[ind.code]
            data = figures.get(ind.code)
            reason = NOT_YET.get(ind.code)
            numerator = denominator = rate = points = None
            if data is not None and reason is None:
                numerator, denominator = data["numerator"], data["denominator"]
                rate = None if ind.code == "2.2" else rate_of(numerator, denominator)
                points = score(rate, points_max, threshold) if points_max else (0.0 if rate is not None else None)
                if denominator == 0:
                    reason = _("Nothing to count in this period.")
            entry: dict[str, Any] = {
                "code": ind.code,
                "name": str(ind.name),
                "numerator": numerator,
                "denominator": denominator,
                "rate": rate,
                "threshold": float(threshold),
                "points": points,
                "max": float(points_max),
                "reason": str(reason) if reason else None,
                "explained": str(EXPLAINED[ind.code]) if ind.code in EXPLAINED else None,
                "dossiers": ind.code in parts,
            }
            if ind.code == "2.2":
                entry["value"] = data["value"] if data else None
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
    return {
        "period": period.as_dict(),
        "agency": {"code": scope.agency.code, "name": scope.agency.name},
        "subordinates": scope.subordinates,
        "total": {
            "points": round(sum(g["points"] for g in groups), 2),
            "max": float(sum(Decimal(str(g["max"])) for g in groups)),
            "computed_max": float(sum(Decimal(str(g["computed_max"])) for g in groups)),
        },
        "groups": groups,
        "extra": {
            "5.4": {"late": figures["late"]["numerator"], "unhappy": figures["unhappy"]["numerator"]},
        },
    }


LISTABLE = ("2.1", "2.2", "3.0", "3.3", "3.6", "5.4", "4.1", "4.2", "4.3", "4.5b", "late", "unhappy")


def index_dossiers(
    scope: Scope, start: date, end: date, code: str, part: str, *, base: QuerySet[Dossier] | None = None
) -> QuerySet[Dossier]:
    """The dossiers behind the numerator or the denominator of a dossier indicator."""
    if code not in LISTABLE or part not in ("numerator", "denominator"):
        raise DomainError(
            gettext("This number has no list of dossiers."), code="invalid", fields={"indicator": [gettext("Unknown.")]}
        )
    period = Period(start, end)
    condition = dossier_parts(*period.bounds)[code][part]
    qs = base if base is not None else Dossier.objects.all()
    return qs.filter(scope.condition()).filter(condition)


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
