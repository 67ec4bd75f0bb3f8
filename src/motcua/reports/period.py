"""The period report (CONTRACT.md §5; Biểu 06/VPCP/KSTT, DOMAIN.md §9), counted by the database.

Every number is a conditional count over the dossiers of the scope (`Conditions`): one query for
the totals, one per grouping (by year or month: one UNION ALL of a count per piece). The same
conditions select the dossiers behind any number (`period_dossiers`), so that a number and its
list cannot disagree. For an agency's (or a city's) report judged by the original due date, the
days that have ended are summed from the daily rollup instead (rollup.py), which gives the same
numbers (tests/test_rollup.py); the lists still come from the dossiers.

Definitions, for a period [S, E) in local time (periods.Period.bounds):

- a dossier *ends* when it is processed (approved or denied), else when its result is returned,
  else when it is stopped, withdrawn or refused: `Coalesce(processed_at, returned_at, ended_at)`;
- received.carried_over: received before S and not ended before S;
- received.new: received within [S, E); split by channel, and online by level (partial, full);
- resolved: ended within [S, E), other than by withdrawal; early when it ended before the local day
  of its due date, on time when on that day and not after the due time, late after the due time
  (DOMAIN.md §2.7). Lateness is judged against the original due date (DOMAIN.md §2.6), or the
  new date given with an apology when `judge_by_extended_date`. A dossier without a due date is
  on time;
- withdrawn: withdrawn within [S, E) (Biểu 06's local "Trả lại / Rút HS"; outside resolved);
- pending: received before E and not ended before E; overdue when its due date was before E and it
  was not waiting for the applicant (a supplement or a payment: the clock is paused) at E.

Identities (DOMAIN.md §9), checked for every row and the total, a breach reported, never hidden:
new = in_person + postal + online; online = online_partial + online_full;
total = carried_over + new; resolved = early + on_time + late; pending = within_deadline + overdue;
received.total = resolved.total + withdrawn + pending.total.

Known limits: dossiers are counted with today's scope columns (agency, division, procedure) and
today's due date; a due date recomputed after a supplement provided after E is the new one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connections, transaction
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, IsNull, LessThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency, Unit
from motcua.catalog.constants import Channel, ServiceLevel
from motcua.catalog.models import Field, Procedure
from motcua.core.db import reporting_db, reporting_reads
from motcua.core.errors import DomainError
from motcua.dossiers.constants import Outcome
from motcua.dossiers.models import Dossier, DossierPause
from motcua.reports.periods import Period, period_label, split
from motcua.reports.rollup import period_values, rollup_through

GROUPS = ("year", "month", "field", "procedure", "division")
TIME_GROUPS = ("year", "month")

# The report's numbers in order: (section, name). `withdrawn` stands alone.
COLUMNS: tuple[str, ...] = (
    "received.total",
    "received.carried_over",
    "received.new",
    "received.in_person",
    "received.postal",
    "received.online",
    "received.online_partial",
    "received.online_full",
    "resolved.total",
    "resolved.early",
    "resolved.on_time",
    "resolved.late",
    "withdrawn",
    "pending.total",
    "pending.within_deadline",
    "pending.overdue",
)

COLUMN_LABELS: dict[str, Any] = {
    "received.total": _("Received: total"),
    "received.carried_over": _("Carried over from the previous period"),
    "received.new": _("Newly received"),
    "received.in_person": _("Newly received in person"),
    "received.postal": _("Newly received by post"),
    "received.online": _("Newly received online"),
    "received.online_partial": _("Newly received online, partial"),
    "received.online_full": _("Newly received online, full"),
    "resolved.total": _("Resolved: total"),
    "resolved.early": _("Resolved early"),
    "resolved.on_time": _("Resolved on time"),
    "resolved.late": _("Resolved late"),
    "withdrawn": _("Withdrawn in the period"),
    "pending.total": _("Pending: total"),
    "pending.within_deadline": _("Pending, within the deadline"),
    "pending.overdue": _("Pending, overdue"),
}

IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("received.new", ("received.in_person", "received.postal", "received.online")),
    ("received.online", ("received.online_partial", "received.online_full")),
    ("received.total", ("received.carried_over", "received.new")),
    ("resolved.total", ("resolved.early", "resolved.on_time", "resolved.late")),
    ("pending.total", ("pending.within_deadline", "pending.overdue")),
    ("received.total", ("resolved.total", "withdrawn", "pending.total")),
)


@dataclass(frozen=True)
class Scope:
    """Whose dossiers: an agency (with the agencies under it when `subordinates`), narrowed to a
    division, a field or a procedure. Every part is optional; together they all apply."""

    agency: Agency | None = None
    subordinates: bool = False
    division: Unit | None = None
    field: Field | None = None
    procedure: Procedure | None = None
    no_division: bool = False  # the dossiers not yet with a division (a row of a grouping by division)

    def condition(self) -> Q:
        q = Q()
        if self.agency is not None:
            ids = agency_tree(self.agency) if self.subordinates else [self.agency.pk]
            q &= Q(competent_agency_id=ids[0]) if len(ids) == 1 else Q(competent_agency_id__in=ids)
        if self.division is not None:
            q &= Q(processing_unit_id=self.division.pk)
        if self.no_division:
            q &= Q(processing_unit__isnull=True)
        if self.field is not None:
            q &= Q(procedure_version__field_id=self.field.pk)
        if self.procedure is not None:
            q &= Q(procedure_version__procedure_id=self.procedure.pk)
        return q

    def agency_ids(self) -> list[int]:
        assert self.agency is not None
        return agency_tree(self.agency) if self.subordinates else [self.agency.pk]

    def rolled_up(self) -> bool:
        """Whether the daily rollup can count this scope: an agency (with those under it or not), not
        narrowed to a division, a field or a procedure."""
        narrowed = self.division or self.field or self.procedure or self.no_division
        return self.agency is not None and not narrowed

    def as_dict(self) -> dict[str, Any]:
        def named(obj: Any, name: str) -> dict[str, Any] | None:
            return None if obj is None else {"code": obj.code, "name": name}

        return {
            "agency": named(self.agency, self.agency.name if self.agency else ""),
            "subordinates": self.subordinates,
            "division": named(self.division, self.division.name if self.division else ""),
            "field": named(self.field, self.field.name if self.field else ""),
            "procedure": named(self.procedure, procedure_name(self.procedure) if self.procedure else ""),
        }

    def narrowed(self, group_by: str | None, key: Any) -> Scope:
        """The scope of one row of a grouping by field, procedure or division."""
        if group_by == "field":
            return Scope(self.agency, self.subordinates, self.division, Field.objects.get(pk=key), self.procedure)
        if group_by == "procedure":
            return Scope(self.agency, self.subordinates, self.division, self.field, Procedure.objects.get(pk=key))
        if group_by == "division":
            return Scope(self.agency, self.subordinates, Unit.objects.get(pk=key), self.field, self.procedure)
        return self


def agency_tree(agency: Agency) -> list[int]:
    """The agency and every agency under it, at any depth (one query per level)."""
    ids, level = [agency.pk], [agency.pk]
    while level:
        level = list(Agency.objects.filter(parent_id__in=level).exclude(pk__in=ids).values_list("pk", flat=True))
        ids += level
    return ids


def procedure_name(procedure: Procedure) -> str:
    version = procedure.versions.order_by("-valid_from").only("name").first()
    return version.name if version else procedure.code


def end_of_dossier() -> Coalesce:
    """When a dossier ended: processed, else returned, else stopped, withdrawn or refused."""
    return Coalesce("processed_at", "returned_at", "ended_at")


def resolution_classes(judge_by_extended_date: bool = False) -> dict[str, Q]:
    """Early, on time, late: how an ended dossier's end compares with its due date (any period)."""
    zone = timezone.get_default_timezone()
    end_at = end_of_dossier()
    due: Any = Coalesce("extended_due_at", "due_at") if judge_by_extended_date else F("due_at")
    end_day, due_day = TruncDate(end_at, tzinfo=zone), TruncDate(due, tzinfo=zone)
    no_due = Q(IsNull(due, True))
    return {
        "early": ~no_due & Q(LessThan(end_day, due_day)),
        "on_time": no_due | (Q(GreaterThanOrEqual(end_day, due_day)) & Q(LessThanOrEqual(end_at, due))),
        "late": ~no_due & Q(GreaterThan(end_at, due)),
    }


@dataclass
class Conditions:
    """The filter of each number for the period [start, end): plain expressions (no annotations), so
    that the same conditions serve a conditional count and the list of its dossiers."""

    start: datetime
    end: datetime
    judge_by_extended_date: bool = False
    q: dict[str, Q] = field(default_factory=dict)
    relevant: Q = field(default_factory=Q)
    overdue_hints: tuple[Q, ...] = (Q(),)

    def __post_init__(self) -> None:
        s, e = self.start, self.end
        end_at = end_of_dossier()
        due: Any = Coalesce("extended_due_at", "due_at") if self.judge_by_extended_date else F("due_at")
        classes = resolution_classes(self.judge_by_extended_date)
        no_end, no_due = Q(IsNull(end_at, True)), Q(IsNull(due, True))
        # Spelled out with IS NULL: NOT (NULL < x) is not true in SQL.
        carried = Q(received_at__lt=s) & (no_end | Q(GreaterThanOrEqual(end_at, s)))
        new = Q(received_at__gte=s, received_at__lt=e)
        online = new & Q(channel=Channel.ONLINE)
        # A dossier ends after it was received: what ends before E was received before E.
        ended_within = Q(received_at__lt=e) & Q(GreaterThanOrEqual(end_at, s)) & Q(LessThan(end_at, e))
        withdrawn = ended_within & Q(outcome=Outcome.WITHDRAWN)
        resolved = ended_within & ~Q(outcome=Outcome.WITHDRAWN)
        pending = Q(received_at__lt=e) & (no_end | Q(GreaterThanOrEqual(end_at, e)))
        waiting = Q(
            Exists(
                DossierPause.objects.filter(dossier_id=OuterRef("pk"), started_at__lt=e).filter(
                    Q(ended_at__isnull=True) | Q(ended_at__gte=e)
                )
            )
        )
        self.q = {
            "received.total": carried | new,
            "received.carried_over": carried,
            "received.new": new,
            "received.in_person": new & Q(channel=Channel.IN_PERSON),
            "received.postal": new & Q(channel=Channel.POSTAL),
            "received.online": online,
            "received.online_partial": online & Q(online_level=ServiceLevel.PARTIAL),
            "received.online_full": online & Q(online_level=ServiceLevel.FULL),
            "resolved.total": resolved,
            "resolved.early": resolved & classes["early"],
            "resolved.on_time": resolved & classes["on_time"],
            "resolved.late": resolved & classes["late"],
            "withdrawn": withdrawn,
            "pending.total": pending,
            "pending.within_deadline": pending & (no_due | Q(GreaterThanOrEqual(due, e)) | waiting),
            "pending.overdue": pending & ~no_due & Q(LessThan(due, e)) & ~waiting,
        }
        # The dossiers overdue at E are the open ones due before E and the late ones that end from E
        # on (an overdue dossier's end, if any, is after E and so after its due date): two disjoint
        # parts, each found through a partial index (dossier_open_due, dossier_late_end).
        # (Judged by the original due date only: a new date could be earlier than the original.)
        if not self.judge_by_extended_date:
            self.overdue_hints = (
                Q(processed_at__isnull=True, returned_at__isnull=True, ended_at__isnull=True, due_at__lt=e),
                Q(GreaterThan(end_at, F("due_at"))) & Q(GreaterThanOrEqual(end_at, e)) & Q(due_at__lt=e),
            )
        # Every dossier one of the numbers counts: received before E and not ended before S (narrows
        # the scan to a range of the index `dossier_report_span`; the numbers do not need it).
        self.relevant = Q(received_at__lt=e) & (no_end | Q(GreaterThanOrEqual(end_at, s)))


def _aggregates(conditions: Conditions, prefix: str = "") -> dict[str, Count]:
    return {
        prefix + column.replace(".", "__"): Count("pk", filter=condition) for column, condition in conditions.q.items()
    }


def _numbers(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat = {column: int(values.get(prefix + column.replace(".", "__")) or 0) for column in COLUMNS}
    return _shape(flat)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _shape(flat: dict[str, int]) -> dict[str, Any]:
    numbers: dict[str, Any] = {"received": {}, "resolved": {}, "pending": {}}
    for column in COLUMNS:
        section, _dot, name = column.partition(".")
        if name:
            numbers[section][name] = flat[column]
        else:
            numbers[section] = flat[column]
    numbers["online_rate"] = _rate(flat["received.online"], flat["received.new"])
    numbers["on_time_rate"] = _rate(flat["resolved.early"] + flat["resolved.on_time"], flat["resolved.total"])
    return numbers


def flat_numbers(numbers: dict[str, Any]) -> dict[str, int]:
    """`{"received.new": 3, ...}` from the nested numbers of a row."""
    flat = {}
    for column in COLUMNS:
        section, _dot, name = column.partition(".")
        flat[column] = numbers[section][name] if name else numbers[section]
    return flat


def check_identities(numbers: dict[str, Any], row: str) -> list[dict[str, Any]]:
    flat = flat_numbers(numbers)
    breaches = []
    for left, parts in IDENTITIES:
        right = sum(flat[part] for part in parts)
        if flat[left] != right:
            breaches.append(
                {
                    "row": row,
                    "identity": f"{left} = {' + '.join(parts)}",
                    "left": flat[left],
                    "right": right,
                }
            )
    return breaches


@contextmanager
def without_jit() -> Iterator[None]:
    """Run a report's queries without PostgreSQL's JIT compilation (no-op on SQLite).

    A report query holds up to ~200 conditional counts; its cost estimate passes `jit_above_cost`
    and compiling those expressions takes seconds (16 s for a year by month of 20,000 dossiers,
    whose counting takes 40 ms), more than JIT ever saves here (bench/README.md §5)."""
    alias = reporting_db()  # the replica's connection, inside @reporting_reads when there is one
    if connections[alias].vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def _base(scope: Scope, conditions: Conditions) -> QuerySet[Dossier]:
    return Dossier.objects.filter(scope.condition()).filter(conditions.relevant).order_by()


@reporting_reads
def period_report(
    scope: Scope,
    start: Any,
    end: Any,
    group_by: str | None = None,
    *,
    cut_off: bool = False,
    judge_by_extended_date: bool = False,
) -> dict[str, Any]:
    """The report of CONTRACT.md §5 for the dates [start, end], optionally grouped (GROUPS).

    `cut_off`: a grouping by year or month uses the official periods (ending on the 14th).
    """
    if group_by not in (None, *GROUPS):
        raise DomainError(gettext("Unknown grouping."), code="bad-group-by", fields={"group_by": [gettext("Unknown.")]})
    period = Period(start, end)
    s, e = period.bounds
    conditions = Conditions(s, e, judge_by_extended_date)
    rows: list[dict[str, Any]] = []
    # The daily rollup counts a whole agency's days that have ended (rollup.py); else the dossiers.
    rolled_up = scope.rolled_up() and group_by in (None, *TIME_GROUPS) and not judge_by_extended_date
    through = rollup_through() if rolled_up else None
    if group_by in TIME_GROUPS:
        assert group_by is not None
        pieces = list(split(period, group_by, cut_off=cut_off))
        if through is not None:
            whole, *parts = period_values(scope.agency_ids(), [(s, e)] + [p.bounds for p in pieces], through)
        else:
            whole, parts = _time_values(scope, conditions, pieces, judge_by_extended_date)
        total = _numbers(whole)
        for piece, values in zip(pieces, parts, strict=True):
            rows.append(
                {
                    "group": {
                        "kind": group_by,
                        "key": piece.start.isoformat(),
                        "name": period_label(piece, group_by, cut_off=cut_off),
                    },
                    "period": piece.as_dict(),
                    **_numbers(values),
                }
            )
    elif through is not None:
        total = _numbers(period_values(scope.agency_ids(), [(s, e)], through)[0])
    else:
        with without_jit():
            total = _numbers(_base(scope, conditions).aggregate(**_aggregates(conditions)))
            if group_by is not None:
                rows = _group_rows(scope, conditions, group_by)
    breaches = check_identities(total, "total")
    for row in rows:
        breaches += check_identities(row, str(row["group"]["name"]))
    if group_by not in (None, *TIME_GROUPS):
        # The rows of a grouping by field, procedure or division add up to the total.
        for column in COLUMNS:
            summed = sum(flat_numbers(row)[column] for row in rows)
            if summed != flat_numbers(total)[column]:
                breaches.append(
                    {
                        "row": "total",
                        "identity": f"{column} = Σ rows",
                        "left": flat_numbers(total)[column],
                        "right": summed,
                    }
                )
    return {
        "period": period.as_dict(),
        "scope": scope.as_dict(),
        "group_by": group_by,
        "options": {"cut_off": cut_off, "judge_by_extended_date": judge_by_extended_date},
        "total": total,
        "rows": rows,
        "breaches": breaches,
    }


def _time_values(
    scope: Scope, conditions: Conditions, pieces: list[Period], judge_by_extended_date: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The counts of the whole period and of each piece of it, in one query: a UNION ALL of one
    aggregate per piece, each over the dossiers that piece counts (`Conditions.relevant`), so that a
    dossier is looked at for the few pieces it counts in rather than for all of them."""

    def branch(key: int, piece_conditions: Conditions) -> QuerySet[Any]:
        return (
            _base(scope, piece_conditions)
            .values(piece=Value(key, output_field=IntegerField()))
            .annotate(**_aggregates(piece_conditions))
        )

    branches = [branch(-1, conditions)]
    branches += [branch(i, Conditions(*p.bounds, judge_by_extended_date)) for i, p in enumerate(pieces)]
    with without_jit():
        results: dict[int, dict[str, Any]] = {row["piece"]: row for row in branches[0].union(*branches[1:], all=True)}
    return results[-1], [results[i] for i in range(len(pieces))]


GROUP_FIELDS = {
    "field": ("procedure_version__field_id", "procedure_version__field__code", "procedure_version__field__name"),
    "procedure": ("procedure_version__procedure_id", "procedure_version__procedure__code", None),
    "division": ("processing_unit_id", "processing_unit__code", "processing_unit__name"),
}


def _group_rows(scope: Scope, conditions: Conditions, group_by: str) -> list[dict[str, Any]]:
    key, code, name = GROUP_FIELDS[group_by]
    label = name or "procedure_version__name"
    values = (
        _base(scope, conditions)
        .values(key)
        .annotate(_code=Max(code), _name=Max(label), **_aggregates(conditions))
        .order_by(key)
    )
    rows = []
    for value in values:
        row_name = value["_name"] or (gettext("Not yet with a division") if group_by == "division" else "")
        rows.append(
            {
                "group": {"kind": group_by, "key": value[key], "code": value["_code"] or "", "name": str(row_name)},
                **_numbers(value),
            }
        )
    rows.sort(key=lambda row: (row["group"]["code"] == "", row["group"]["code"]))
    return [row for row in rows if any(flat_numbers(row).values())]


def period_dossiers(
    scope: Scope,
    start: Any,
    end: Any,
    column: str,
    *,
    base: QuerySet[Dossier] | None = None,
    judge_by_extended_date: bool = False,
) -> QuerySet[Dossier]:
    """The dossiers counted by `column` (one of COLUMNS, or several joined by "+") of the report for
    `scope` and [start, end].

    Pass `base` (e.g. `dossiers_visible_to(user)`) to keep to what a user may see.
    """
    parts = column.split("+")  # a sum of columns (Biểu 06's "in person and by post") lists them all
    if not all(part in COLUMNS for part in parts):
        raise DomainError(gettext("Unknown column."), code="bad-column", fields={"column": [gettext("Unknown.")]})
    period = Period(start, end)
    conditions = Conditions(*period.bounds, judge_by_extended_date)
    qs = base if base is not None else Dossier.objects.all()
    wanted = Q()
    for part in parts:
        wanted |= conditions.q[part]
    return qs.filter(scope.condition()).filter(wanted)


def columns_in_order(names: Iterable[str]) -> list[str]:
    return [column for column in COLUMNS if column in set(names)]
