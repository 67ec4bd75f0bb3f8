"""Per agency and local day, the dossiers received and ended, rolled up for the days that have ended.

A city's report counts millions of dossiers (ten million for a province's ten years: seconds of
counting, bench/README.md §5). What a day adds does not change once the day is over: a dossier's
reception and end are set once, to the moment they happen (dossiers/services), and its agency,
channel, online level and due date at its end stay as they were. So:

- the days before `RollupMark.through` are summed from `DailyCounts`, the days from `through` on
  (today, and any day the rollup has not reached yet) are counted from the dossiers, with the
  same conditions as the live report (period.Conditions) — the two never overlap;
- what is carried over at a moment (and pending at the end) is what was received before it less
  what ended before it (a dossier ends after it was received);
- only the split of the pending dossiers into within the deadline and overdue, which depends on
  today's due dates and on the pauses at that moment, is always counted from the dossiers: the
  few dossiers open at that moment, found through two partial indexes (Conditions.overdue_hint).

So the numbers are the live count's (tests/test_rollup.py proves it on hand-built cases), and the
lists behind them still come from the dossiers (period.period_dossiers). The rollup serves an
agency (with the agencies under it or not) judged by the original due date; a report narrowed to
a division, field or procedure, grouped by one of those, or judged by the new date of an apology
is counted from the dossiers.

`refresh_daily_counts` runs every hour in the worker (jobs.py) and recomputes the last
REFRESH_AGAIN_DAYS days each time; `manage.py refresh_report_rollups --rebuild` recomputes all of
it after dossiers were loaded or changed in the database directly.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, TruncDate
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from motcua.catalog.constants import Channel, ServiceLevel
from motcua.dossiers.constants import Outcome
from motcua.dossiers.models import Dossier
from motcua.reports.models import DailyCounts, RollupMark

ROLLUP = "daily_counts"
REFRESH_AGAIN_DAYS = 7  # days before `through` recomputed at each refresh (late corrections)
RECEIVED = ("received", "in_person", "postal", "online", "online_partial", "online_full")
ENDED = ("ended", "withdrawn", "early", "on_time", "late")
FIELDS = RECEIVED + ENDED

# (year, agency id) -> (received, online partial, online full)
YearCounts = dict[tuple[int, int], tuple[int, int, int]]


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def rollup_through() -> date | None:
    """The first day the rollup does not cover (None: no rollup yet, count everything live)."""
    return RollupMark.objects.filter(name=ROLLUP).values_list("through", flat=True).first()


def _online(level: str | None = None) -> Q:
    return Q(channel=Channel.ONLINE) if level is None else Q(channel=Channel.ONLINE, online_level=level)


def _received_by_day(dossiers: QuerySet[Dossier]) -> QuerySet[Any]:
    zone = timezone.get_default_timezone()
    return (
        dossiers.annotate(day=TruncDate("received_at", tzinfo=zone))
        .values("competent_agency_id", "day")
        .annotate(
            received=Count("pk"),
            in_person=Count("pk", filter=Q(channel=Channel.IN_PERSON)),
            postal=Count("pk", filter=Q(channel=Channel.POSTAL)),
            online=Count("pk", filter=_online()),
            online_partial=Count("pk", filter=_online(ServiceLevel.PARTIAL)),
            online_full=Count("pk", filter=_online(ServiceLevel.FULL)),
        )
        .order_by()
    )


def _ended_by_day(dossiers: QuerySet[Dossier]) -> QuerySet[Any]:
    from motcua.reports.period import end_of_dossier, resolution_classes  # period.py uses this module

    zone = timezone.get_default_timezone()
    withdrawn = Q(outcome=Outcome.WITHDRAWN)
    classes = resolution_classes()
    return (
        dossiers.annotate(day=TruncDate(end_of_dossier(), tzinfo=zone))
        .values("competent_agency_id", "day")
        .annotate(
            ended=Count("pk"),
            withdrawn=Count("pk", filter=withdrawn),
            **{name: Count("pk", filter=~withdrawn & condition) for name, condition in classes.items()},
        )
        .order_by()
    )


def day_counts(start: date | None, until: date) -> list[DailyCounts]:
    """The rows of the days [start, until) (from the first day when `start` is None)."""
    from motcua.reports.period import end_of_dossier

    end_at = end_of_dossier()
    received = Dossier.objects.filter(received_at__lt=midnight(until))
    ended = Dossier.objects.filter(received_at__isnull=False).filter(LessThan(end_at, midnight(until)))
    if start is not None:
        received = received.filter(received_at__gte=midnight(start))
        ended = ended.filter(GreaterThanOrEqual(end_at, midnight(start)))
    rows: dict[tuple[int, date], DailyCounts] = {}
    for values, names in ((_received_by_day(received), RECEIVED), (_ended_by_day(ended), ENDED)):
        for value in values.iterator(chunk_size=5000):
            key = (value["competent_agency_id"], value["day"])
            row = rows.setdefault(key, DailyCounts(agency_id=key[0], day=key[1]))
            for name in names:
                setattr(row, name, value[name])
    return list(rows.values())


def refresh_daily_counts(*, until: date | None = None, rebuild: bool = False) -> int:
    """Roll up the days before `until` (default: today, the days that have ended); the rows written.

    Recomputes from REFRESH_AGAIN_DAYS before the last `through` (everything when `rebuild` or
    the first time), in one transaction, so that a reader sees the old rollup or the new one.
    """
    until = until or timezone.localdate()
    with transaction.atomic():
        mark = RollupMark.objects.select_for_update().filter(name=ROLLUP).first()
        start = None if rebuild or mark is None else min(mark.through, until) - timedelta(days=REFRESH_AGAIN_DAYS)
        stale = DailyCounts.objects.all() if start is None else DailyCounts.objects.filter(day__gte=start)
        stale.delete()  # also the days from `until` on, if an earlier refresh reached further
        rows = day_counts(start, until)
        DailyCounts.objects.bulk_create(rows, batch_size=5000)
        RollupMark.objects.update_or_create(name=ROLLUP, defaults={"through": until})
    return len(rows)


# --- The online rate per year ----------------------------------------------------------------------


def count_by_year(dossiers: QuerySet[Dossier]) -> YearCounts:
    """(year of reception, agency) -> counts, counted from the dossiers."""
    zone = timezone.get_default_timezone()
    values = (
        dossiers.annotate(y=ExtractYear("received_at", tzinfo=zone))
        .values("y", "competent_agency_id")
        .annotate(
            n=Count("pk"),
            partial=Count("pk", filter=_online(ServiceLevel.PARTIAL)),
            full=Count("pk", filter=_online(ServiceLevel.FULL)),
        )
        .order_by()
    )
    return {(v["y"], v["competent_agency_id"]): (v["n"], v["partial"], v["full"]) for v in values}


def receipts_by_year(agency_ids: list[int], first: int, last: int) -> YearCounts:
    """(year, agency) -> (received, online partial, online full) for the years first..last: the
    rollup's days, and the dossiers of the days after it."""
    begin, finish = date(first, 1, 1), date(last + 1, 1, 1)
    through = rollup_through()
    live = Dossier.objects.filter(competent_agency_id__in=agency_ids, received_at__lt=midnight(finish))
    if through is None or through <= begin:
        return count_by_year(live.filter(received_at__gte=midnight(begin)))
    summed: Any = (
        DailyCounts.objects.filter(agency_id__in=agency_ids, day__gte=begin, day__lt=min(through, finish))
        .annotate(y=ExtractYear("day"))
        .values("y", "agency_id")
        .annotate(n=Sum("received"), partial=Sum("online_partial"), full=Sum("online_full"))
        .order_by()
    )
    counts: Counter[tuple[int, int, int]] = Counter()
    for v in summed:
        for i, name in enumerate(("n", "partial", "full")):
            counts[(v["y"], v["agency_id"], i)] += v[name]
    if through < finish:
        for (year, agency_id), numbers in count_by_year(live.filter(received_at__gte=midnight(through))).items():
            for i, number in enumerate(numbers):
                counts[(year, agency_id, i)] += number
    keys = {(year, agency_id) for year, agency_id, _i in counts}
    return {key: (counts[(*key, 0)], counts[(*key, 1)], counts[(*key, 2)]) for key in keys}


# --- The period report -----------------------------------------------------------------------------


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def period_values(
    agency_ids: list[int], bounds: list[tuple[datetime, datetime]], through: date
) -> list[dict[str, int]]:
    """For each period [S, E) of `bounds` (local midnights), the report's numbers in the flat form
    of period._aggregates ("received__new": 3, ...), from the rollup's days before `through` and
    the dossiers from `through` on."""
    from motcua.reports.period import without_jit

    cut = midnight(through)
    first_day = min(_day(s) for s, _e in bounds)
    last_day = max(_day(e) for _s, e in bounds)
    rolled = DailyCounts.objects.filter(agency_id__in=agency_ids)
    sums = {name: Sum(name) for name in FIELDS}
    with without_jit():
        before = rolled.filter(day__lt=min(first_day, through)).aggregate(**sums)
        days: dict[date, Any] = {
            row["day"]: row
            for row in rolled.filter(day__gte=first_day, day__lt=min(last_day, through))
            .values("day")
            .annotate(**sums)
            .order_by()
        }
        # The dossiers from `through` to each boundary after it, counted as the live report does.
        moments = sorted({moment for pair in bounds for moment in pair if moment > cut})
        live = {moment: _live_since(agency_ids, cut, moment) for moment in moments}
        overdue = _overdue_at(agency_ids, sorted({e for _s, e in bounds}))

    def rolled_sum(name: str, start: date, end: date) -> int:
        return sum(row[name] or 0 for day, row in days.items() if start <= day < end)

    def between(name: str, s: datetime, e: datetime) -> int:
        """What happened in [s, e): rolled-up days, then the dossiers from `through` on."""
        number = rolled_sum(name, _day(s), min(_day(e), through))
        if e > cut:
            number += live[e][name] - (live[s][name] if s > cut else 0)
        return number

    def open_at(moment: datetime) -> int:
        """Received before `moment` and not ended before it."""
        day = min(_day(moment), through)
        number = (before["received"] or 0) - (before["ended"] or 0)
        number += rolled_sum("received", first_day, day) - rolled_sum("ended", first_day, day)
        if moment > cut:
            number += live[moment]["received"] - live[moment]["ended"]
        return number

    results = []
    for s, e in bounds:
        carried, pending = open_at(s), open_at(e)
        numbers = {name: between(name, s, e) for name in FIELDS}
        results.append(
            {
                "received__total": carried + numbers["received"],
                "received__carried_over": carried,
                "received__new": numbers["received"],
                "received__in_person": numbers["in_person"],
                "received__postal": numbers["postal"],
                "received__online": numbers["online"],
                "received__online_partial": numbers["online_partial"],
                "received__online_full": numbers["online_full"],
                "resolved__total": numbers["ended"] - numbers["withdrawn"],
                "resolved__early": numbers["early"],
                "resolved__on_time": numbers["on_time"],
                "resolved__late": numbers["late"],
                "withdrawn": numbers["withdrawn"],
                "pending__total": pending,
                "pending__within_deadline": pending - overdue[e],
                "pending__overdue": overdue[e],
            }
        )
    return results


def _live_since(agency_ids: list[int], cut: datetime, moment: datetime) -> dict[str, int]:
    """The dossiers' events in [cut, moment): received (by channel and level) and ended."""
    from motcua.reports.period import Conditions

    q = Conditions(cut, moment).q
    aggregates = {
        "received": Count("pk", filter=q["received.new"]),
        "in_person": Count("pk", filter=q["received.in_person"]),
        "postal": Count("pk", filter=q["received.postal"]),
        "online": Count("pk", filter=q["received.online"]),
        "online_partial": Count("pk", filter=q["received.online_partial"]),
        "online_full": Count("pk", filter=q["received.online_full"]),
        "ended": Count("pk", filter=q["resolved.total"] | q["withdrawn"]),
        "withdrawn": Count("pk", filter=q["withdrawn"]),
        "early": Count("pk", filter=q["resolved.early"]),
        "on_time": Count("pk", filter=q["resolved.on_time"]),
        "late": Count("pk", filter=q["resolved.late"]),
    }
    relevant = Q(received_at__gte=cut, received_at__lt=moment) | q["resolved.total"] | q["withdrawn"]
    values = Dossier.objects.filter(competent_agency_id__in=agency_ids).filter(relevant).aggregate(**aggregates)
    return {name: int(value or 0) for name, value in values.items()}


def _overdue_at(agency_ids: list[int], moments: list[datetime]) -> dict[datetime, int]:
    """The dossiers overdue at each moment (period.Conditions' `pending.overdue`), one query."""
    from django.db.models import IntegerField, Value

    from motcua.reports.period import Conditions

    branches = []
    for i, moment in enumerate(moments):
        conditions = Conditions(moment, moment)
        for hint in conditions.overdue_hints:  # disjoint parts: their counts add up
            branches.append(
                Dossier.objects.filter(competent_agency_id__in=agency_ids)
                .filter(hint)
                .filter(conditions.q["pending.overdue"])
                .order_by()
                .values(moment=Value(i, output_field=IntegerField()))
                .annotate(n=Count("pk"))
            )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner takes "ended after its due date" for a third of the table (a comparison of
            # two columns) and would scan the table (1.6 s for 10,000,000 dossiers); the partial
            # indexes hold only the open and the late dossiers (bench/README.md §5). Local to the
            # report's transaction (without_jit).
            cursor.execute("SET LOCAL enable_seqscan = off")
        counted: Counter[int] = Counter()
        for row in branches[0].union(*branches[1:], all=True):
            counted[row["moment"]] += row["n"]
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = on")
    return {moment: counted.get(i, 0) for i, moment in enumerate(moments)}
