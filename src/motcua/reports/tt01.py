"""TT 01/2018/TT-VPCP Art. 13–15 scores (DOMAIN.md §2.8): per dossier, per official and per unit.

Which dossiers: those of the scope *resolved* in the period (processed, returned, stopped or
refused after appraisal; a withdrawn dossier is not scored), the same set as the period report's
`resolved.total` (period.Conditions), so the scores of a quarter or a year settle when it ends.

Each index is computed from what MotCua records (Art. 14(3) names rating forms for 1, 3, 4, 7; the
system holds the times, so 1 comes from them):

- 1 total processing time vs the legal limit: the dossier's end (processed, else returned, else
  stopped) against its original due date, by DOMAIN.md §2.7: before the due date's day = 2 (shorter),
  on that day by the due time = 1 (equal), later = 0 (longer). No due date: no data.
- 2 each unit's time vs its step limit: the hand-overs of the control slip (`DossierStep.result`).
  A dossier scores its worst step (any late step = 0; every step early = 2; otherwise 1); steps without
  a limit (the return to the applicant) are not judged. For a division, only its own steps; for an
  official, only the steps they handed over (or held).
- 3 times the applicant had to come back to complete the dossier: the supplement requests
  (`DossierPause` opened by `request_supplement`): none = 2, one = 1, more = 0. Whether a request was
  the applicant's fault is not recorded, so no request is excused.
- 4 agencies the applicant had to contact: the applicant's own answer in the service rating (none =
  2, only the desk = 1, several = 0). Dossiers without a rating have no data for 4.
- 6 publicity of the procedure (per dossier, averaged for the unit): 0 when the procedure version
  is published without all its components (Decree 63/2010 Art. 8(2), as 766's 1.3) or the applicant
  rated the published information inaccurate; otherwise 1 (published electronically, complete). 2
  needs the posting at the desk as well, which MotCua does not record, so 2 is never given.
- 7 officials' attitude: a complaint = 0 (the rating's "complaint" answer, or feedback about officials'
  conduct concerning the dossier that was not refused); otherwise early = 2, on time = 1 (index 1's
  timeliness), late = 0. No due date and no complaint: no data.
- 5 the whole process at the desk: left out (which procedures the desk itself appraises and approves
  is not recorded).
- 8 handling of feedback (PAKN): the agency's `PaknFigures.index8` (none or all on time = 2, ≥ 90 % = 1,
  < 90 % or prolonged = 0); a division gets its agency's.
- 9 online public services: of the procedures in force, the share offered online (partial or full),
  and of the dossiers received in the period the share filed online, and whether an online dossier
  is late (resolved late, or pending and overdue at the end): ≥ 20 % offered, ≥ 30 % online and none
  late = 2; some offered, ≥ 15 % online and none late = 1; otherwise 0. A division gets its agency's.

Index i = Σ scores / number of dossiers with data for it, rounded half up to 1 decimal (Art. 15(2));
an index without data is left out of the total (Art. 15(4)). Officials: indices 1, 2, 3, 4, 7 (max 10),
≥ 5 = all duties done, 3.5 to < 5 = 70 % to < 100 %, < 3.5 = below 70 %. Units: indices 1–9 (max 18),
≥ 15 excellent, 12 to < 15 good, 9 to < 12 fair, 6 to < 9 average, < 6 weak. The classification is
on the total of the indices computed (the maximum of those is `computed_max`); a unit without a
scored dossier is not classified.

An official is everyone who handed over (or held) a step of a scored dossier; a unit is the agency
of the scope (with the agencies under it when asked) and each of its divisions (the dossiers whose
processing division it is).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import UnitKind
from motcua.accounts.models import Agency, Unit, User
from motcua.catalog.constants import Channel, ServiceLevel
from motcua.catalog.models import ProcedureVersion
from motcua.core.db import reporting_reads
from motcua.core.errors import DomainError
from motcua.dossiers.constants import Action, Timeliness
from motcua.dossiers.models import Dossier, DossierPause, DossierStep
from motcua.dossiers.workflow import timeliness
from motcua.feedback.constants import AgenciesContacted, Attitude, PaknCategory, PaknStage
from motcua.feedback.models import Pakn, ServiceRating
from motcua.feedback.selectors import pakn_figures
from motcua.reports.index766 import version_complete
from motcua.reports.period import Conditions, Scope, agency_tree
from motcua.reports.periods import Period

DOSSIER_INDICES = ("1", "2", "3", "4", "7")  # an official's indices (max 10)
UNIT_INDICES = ("1", "2", "3", "4", "5", "6", "7", "8", "9")  # a unit's indices (max 18)
INDEX_NAMES: dict[str, Any] = {
    "1": _("Total processing time against the legal limit"),
    "2": _("Each unit's time against its step limit"),
    "3": _("Times the applicant came back to complete the dossier"),
    "4": _("Agencies the applicant had to contact"),
    "5": _("Whole process at the one-stop desk"),
    "6": _("Publicity of the procedure"),
    "7": _("Officials' attitude"),
    "8": _("Handling of feedback and petitions"),
    "9": _("Online public services"),
}
INDEX_SOURCES: dict[str, Any] = {
    "1": _("The dossier's end against its due date: early 2, on the due day 1, late 0."),
    "2": _("The hand-overs of the control slip: the worst step counts (late 0, all early 2, otherwise 1)."),
    "3": _("Supplement requests: none 2, one 1, more 0."),
    "4": _("The applicant's answer in the service rating; dossiers without a rating have no data."),
    "5": _("Left out: which procedures the desk itself appraises and approves is not recorded."),
    "6": _(
        "1 when the procedure is published with all its components and not rated inaccurate, else 0; "
        "2 needs the posting at the desk, which is not recorded."
    ),
    "7": _("A complaint (rating or feedback about conduct) 0; otherwise early 2, on time 1, late 0."),
    "8": _("The agency's feedback: none or all on time 2, at least 90 percent on time 1, otherwise 0."),
    "9": _("Procedures offered online, share of dossiers filed online, and late online dossiers."),
}
LEFT_OUT: dict[str, Any] = {"5": INDEX_SOURCES["5"]}
AGENCY_ONLY: dict[str, Any] = {
    "8": _("Feedback is sent to the agency: the agency's score."),
    "9": _("Procedures are published for the whole agency: the agency's score."),
}
OFFICIAL_CLASSES: tuple[tuple[Decimal, str, Any], ...] = (
    (Decimal("5"), "full", _("All duties done (100 percent)")),
    (Decimal("3.5"), "most", _("70 to under 100 percent of duties done")),
    (Decimal("0"), "below", _("Under 70 percent of duties done")),
)
UNIT_CLASSES: tuple[tuple[Decimal, str, Any], ...] = (
    (Decimal("15"), "excellent", _("Excellent: 15 or more")),
    (Decimal("12"), "good", _("Good: 12 to under 15")),
    (Decimal("9"), "fair", _("Fair: 9 to under 12")),
    (Decimal("6"), "average", _("Average: 6 to under 9")),
    (Decimal("0"), "weak", _("Weak: under 6")),
)
TIMELINESS_SCORES = {Timeliness.EARLY: 2, Timeliness.ON_TIME: 1, Timeliness.LATE: 0}
AGENCIES_CONTACTED_SCORES = {AgenciesContacted.NONE: 2, AgenciesContacted.DESK_ONLY: 1, AgenciesContacted.SEVERAL: 0}


# --- The rules, one index at a time (pure) ---------------------------------------------------------


def index1(end_at: datetime | None, due_at: datetime | None) -> int | None:
    if end_at is None or due_at is None:
        return None
    return TIMELINESS_SCORES[Timeliness(timeliness(end_at, due_at))]


def index2(results: Iterable[str]) -> int | None:
    """The worst judged step: any late = 0, every one early = 2, otherwise 1; no judged step: None."""
    scores = [TIMELINESS_SCORES[Timeliness(r)] for r in results if r]
    return min(scores) if scores else None


def index3(supplement_requests: int) -> int:
    return 2 if supplement_requests == 0 else 1 if supplement_requests == 1 else 0


def index4(agencies_contacted: str | None) -> int | None:
    return AGENCIES_CONTACTED_SCORES.get(AgenciesContacted(agencies_contacted)) if agencies_contacted else None


def index6(published_complete: bool, rated_accurate: bool | None) -> int:
    return 1 if published_complete and rated_accurate is not False else 0


def index7(end_at: datetime | None, due_at: datetime | None, complaint: bool) -> int | None:
    if complaint:
        return 0
    return index1(end_at, due_at)


def index9(*, offered: int, procedures: int, online: int, received: int, late_online: int) -> int | None:
    """Procedures offered online of those in force, dossiers filed online of those received, late online ones."""
    if not procedures and not received:
        return None
    offered_share = Decimal(offered) / procedures if procedures else Decimal(0)
    online_share = Decimal(online) / received if received else Decimal(0)
    if late_online or not offered:
        return 0
    if offered_share >= Decimal("0.2") and online_share >= Decimal("0.3"):
        return 2
    return 1 if online_share >= Decimal("0.15") else 0


def average(scores: Iterable[int | None]) -> Decimal | None:
    """Art. 15(2): Σ scores / number of dossiers (with data), rounded half up to 1 decimal."""
    known = [s for s in scores if s is not None]
    if not known:
        return None
    return (Decimal(sum(known)) / len(known)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _classify(total: Decimal, classes: tuple[tuple[Decimal, str, Any], ...]) -> tuple[str, str]:
    for floor, code, label in classes:
        if total >= floor:
            return code, str(label)
    return classes[-1][1], str(classes[-1][2])


def classify_official(total: Decimal) -> tuple[str, str]:
    """Art. 15(3): ≥ 5 all duties done; 3.5 to < 5: 70 % to < 100 %; < 3.5: below 70 %."""
    return _classify(total, OFFICIAL_CLASSES)


def classify_unit(total: Decimal) -> tuple[str, str]:
    """Art. 15(3): ≥ 15 excellent; 12 to < 15 good; 9 to < 12 fair; 6 to < 9 average; < 6 weak."""
    return _classify(total, UNIT_CLASSES)


# --- Each scored dossier -------------------------------------------------------------------------


@dataclass
class DossierScore:
    id: int
    code: str
    agency_id: int
    unit_id: int | None
    ended_at: datetime | None
    due_at: datetime | None
    scores: dict[str, int | None] = field(default_factory=dict)  # indices 1, 2, 3, 4, 6, 7
    by_official: dict[int, int | None] = field(default_factory=dict)  # official → index 2 of their steps
    by_unit: dict[int, int | None] = field(default_factory=dict)  # unit → index 2 of its steps


def scored_dossiers(scope: Scope, period: Period) -> list[DossierScore]:
    """Every dossier of `scope` resolved in `period`, with its indices 1, 2, 3, 4, 6, 7."""
    resolved = Conditions(*period.bounds).q["resolved.total"]
    dossiers = Dossier.objects.filter(scope.condition()).filter(resolved).order_by()
    rows = list(
        dossiers.values(
            "id", "code", "competent_agency_id", "processing_unit_id", "procedure_version_id",
            "processed_at", "returned_at", "ended_at", "due_at",
        ).order_by("processed_at", "id")
    )  # fmt: skip
    supplements = dict(
        DossierPause.objects.filter(dossier__in=dossiers, reason=Action.REQUEST_SUPPLEMENT)
        .values("dossier_id")
        .annotate(n=Count("pk"))
        .values_list("dossier_id", "n")
    )
    ratings = {
        r["dossier_id"]: r
        for r in ServiceRating.objects.filter(dossier__in=dossiers).values(
            "dossier_id", "agencies_contacted", "attitude", "information_accurate"
        )
    }
    conduct = set(
        Pakn.objects.filter(dossier__in=dossiers, category=PaknCategory.CONDUCT)
        .exclude(stage=PaknStage.REFUSED)
        .values_list("dossier_id", flat=True)
    )
    steps: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for step in DossierStep.objects.filter(dossier__in=dossiers).values(
        "dossier_id", "unit_id", "ended_by_id", "holder_id", "result"
    ):
        steps[step["dossier_id"]].append(dict(step))
    versions = ProcedureVersion.objects.filter(pk__in={r["procedure_version_id"] for r in rows})
    complete = {v.pk: version_complete(v) for v in versions.prefetch_related("documents")}
    scored = []
    for row in rows:
        end_at = row["processed_at"] or row["returned_at"] or row["ended_at"]
        rating = ratings.get(row["id"])
        complaint = row["id"] in conduct or bool(rating and rating["attitude"] == Attitude.COMPLAINT)
        its_steps = steps[row["id"]]
        accurate = rating["information_accurate"] if rating else None
        item = DossierScore(
            id=row["id"],
            code=row["code"],
            agency_id=row["competent_agency_id"],
            unit_id=row["processing_unit_id"],
            ended_at=end_at,
            due_at=row["due_at"],
        )
        item.scores = {
            "1": index1(end_at, row["due_at"]),
            "2": index2(s["result"] for s in its_steps),
            "3": index3(supplements.get(row["id"], 0)),
            "4": index4(rating["agencies_contacted"] if rating else None),
            "6": index6(complete.get(row["procedure_version_id"], False), accurate),
            "7": index7(end_at, row["due_at"], complaint),
        }
        for official in {s["ended_by_id"] or s["holder_id"] for s in its_steps} - {None}:
            item.by_official[official] = index2(
                s["result"] for s in its_steps if (s["ended_by_id"] or s["holder_id"]) == official
            )
        for unit in {s["unit_id"] for s in its_steps} - {None}:
            item.by_unit[unit] = index2(s["result"] for s in its_steps if s["unit_id"] == unit)
        scored.append(item)
    return scored


# --- Officials and units ------------------------------------------------------------------------


def _figure(code: str, scores: list[int | None]) -> dict[str, Any]:
    known = [s for s in scores if s is not None]
    value = average(known)
    return {
        "value": float(value) if value is not None else None,
        "sum": sum(known),
        "count": len(known),
        "reason": None if known else str(LEFT_OUT.get(code) or gettext("No data in this period.")),
        "level": "unit",
        "level_reason": None,
    }


def _totals(indices: dict[str, dict[str, Any]], full_max: int, *, unit: bool) -> dict[str, Any]:
    values = [Decimal(str(i["value"])) for i in indices.values() if i["value"] is not None]
    total = sum(values, Decimal(0))
    code, label = classify_unit(total) if unit else classify_official(total)
    return {
        "total": float(total),
        "max": full_max,
        "computed_max": 2 * len(values),
        "classification": code if values else None,
        "classification_label": label if values else gettext("Not enough data"),
    }


def _official_row(user: User, items: list[DossierScore]) -> dict[str, Any]:
    indices = {}
    for code in DOSSIER_INDICES:
        if code == "2":
            indices[code] = _figure(code, [d.by_official.get(user.pk) for d in items])
        else:
            indices[code] = _figure(code, [d.scores[code] for d in items])
    return {
        "official": {"id": user.pk, "name": user.full_name or user.get_username()},
        "dossiers": len(items),
        "indices": indices,
        **_totals(indices, 10, unit=False),
    }


def _agency_indices(agencies: list[Agency], scope: Scope, period: Period) -> dict[str, dict[str, Any]]:
    """Indices 8 and 9 of the agency (or agencies) of the scope."""
    index8s = [pakn_figures(agency=a, start=period.start, end=period.end).index8 for a in agencies]
    conditions = Conditions(*period.bounds)
    q = conditions.q
    agency_scope = Scope(scope.agency, scope.subordinates)
    counted = (
        Dossier.objects.filter(agency_scope.condition())
        .order_by()
        .aggregate(
            received=Count("pk", filter=q["received.new"]),
            online=Count("pk", filter=q["received.online"]),
            late_online=Count("pk", filter=(q["resolved.late"] | q["pending.overdue"]) & Q(channel=Channel.ONLINE)),
        )
    )
    versions = ProcedureVersion.objects.in_force(period.end).filter(agency__in=agencies)
    offered = versions.filter(service_level__in=[ServiceLevel.PARTIAL, ServiceLevel.FULL]).count()
    score9 = index9(offered=offered, procedures=versions.count(), **counted)
    return {
        "8": _figure("8", [min(index8s)] if index8s else []),
        "9": _figure("9", [score9] if score9 is not None else []) | {"detail": counted | {"offered": offered}},
    }


def _unit_row(
    named: dict[str, str], items: list[DossierScore], agency_level: dict[str, dict[str, Any]], unit_id: int | None
) -> dict[str, Any]:
    indices: dict[str, dict[str, Any]] = {}
    for code in UNIT_INDICES:
        if code in ("8", "9"):
            indices[code] = dict(agency_level[code])
            if unit_id is not None:
                indices[code] |= {"level": "agency", "level_reason": str(AGENCY_ONLY[code])}
        elif code == "5":
            indices[code] = _figure(code, [])
        elif code == "2" and unit_id is not None:
            indices[code] = _figure(code, [d.by_unit.get(unit_id) for d in items])
        else:
            indices[code] = _figure(code, [d.scores[code] for d in items])
    totals = _totals(indices, 18, unit=True)
    if not items:  # the agency's 8 and 9 alone do not rate a unit that resolved nothing
        totals |= {"classification": None, "classification_label": gettext("Not enough data")}
    return {"unit": named, "dossiers": len(items), "indices": indices, **totals}


@reporting_reads
def tt01_scores(scope: Scope, start: date, end: date) -> dict[str, Any]:
    """The scores of the period [start, end] for the agency of `scope` (with the agencies under it
    when `scope.subordinates`): one row per unit (the agency, then each division) and per official."""
    if scope.agency is None:
        raise DomainError(gettext("Choose an agency."), code="invalid", fields={"agency": [gettext("Required.")]})
    period = Period(start, end)
    scored = scored_dossiers(scope, period)
    agency_ids = agency_tree(scope.agency) if scope.subordinates else [scope.agency.pk]
    agencies = list(Agency.objects.filter(pk__in=agency_ids))
    agency_level = _agency_indices(agencies, scope, period)
    name = scope.agency.name
    units = [_unit_row({"kind": "agency", "code": scope.agency.code, "name": name}, scored, agency_level, None)]
    by_unit: dict[int, list[DossierScore]] = defaultdict(list)
    for item in scored:
        if item.unit_id is not None:
            by_unit[item.unit_id].append(item)
    divisions = Unit.objects.filter(agency_id__in=agency_ids).filter(
        Q(kind=UnitKind.DIVISION, is_active=True) | Q(pk__in=list(by_unit))
    )
    for unit in divisions.order_by("agency__code", "code"):
        named = {"kind": "division", "code": unit.code, "name": unit.name}
        units.append(_unit_row(named, by_unit.get(unit.pk, []), agency_level, unit.pk))
    by_official: dict[int, list[DossierScore]] = defaultdict(list)
    for item in scored:
        for official in item.by_official:
            by_official[official].append(item)
    users = User.objects.in_bulk(list(by_official))
    officials = sorted(
        (_official_row(users[pk], items) for pk, items in by_official.items() if pk in users),
        key=lambda row: row["official"]["name"],
    )
    return {
        "period": period.as_dict(),
        "agency": {"code": scope.agency.code, "name": name},
        "subordinates": scope.subordinates,
        "dossiers": len(scored),
        "indices": [
            {"code": code, "name": str(INDEX_NAMES[code]), "source": str(INDEX_SOURCES[code])} for code in UNIT_INDICES
        ],
        "units": units,
        "officials": officials,
    }


def tt01_dossiers(
    scope: Scope, start: date, end: date, *, official: int | None = None, unit: str = ""
) -> list[DossierScore]:
    """The scored dossiers behind a row: an official's (by user id), a division's (by code), or all."""
    items = scored_dossiers(scope, Period(start, end))
    if official is not None:
        items = [d for d in items if official in d.by_official]
        for d in items:
            d.scores = d.scores | {"2": d.by_official[official]}
    if unit:
        assert scope.agency is not None
        agency_ids = agency_tree(scope.agency) if scope.subordinates else [scope.agency.pk]
        division = Unit.objects.filter(agency_id__in=agency_ids, code=unit).first()
        if division is None:
            raise DomainError(
                gettext("The agency has no division with this code."),
                code="invalid",
                fields={"unit": [gettext("Unknown.")]},
            )
        items = [d for d in items if d.unit_id == division.pk]
        for d in items:
            d.scores = d.scores | {"2": d.by_unit.get(division.pk)}
    return items
