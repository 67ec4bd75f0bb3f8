"""Reads of dossiers, always through what the user may see."""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce
from typing import Any, Self

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BooleanField,
    Exists,
    F,
    Func,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import Combinable, RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role, UserKind
from motcua.accounts.models import User
from motcua.catalog.constants import StepActor
from motcua.core.errors import NotFoundError
from motcua.dossiers.constants import DocumentKind, Status
from motcua.dossiers.models import Dossier, DossierConsultation, DossierDocument, DossierStep
from motcua.dossiers.permissions import (
    DossierScope,
    applicant_condition,
    dossier_scope,
    dossiers_visible_to,
    roles_on_dossier,
)
from motcua.dossiers.states import APPLICANT

PAGE_FLOOR = 25
SMALL_LIST = 20_000
# The desk's work lists count this far; past it they say "more than" (bench/README.md §3).
QUEUE_COUNT_LIMIT = 10_000


class DossierList(QuerySet[Dossier]):
    """A list of dossiers that counts itself one way of seeing them at a time (`DossierScope.parts`)
    and fetches a page by its ids first.

    `count()` is exact: the parts exclude each other, so their counts add up; each is a plain
    condition an index answers, where the OR of the visibility as a whole would read the table.
    `count_upto(limit)` stops past `limit`, for the pages that then say "more than".
    A slice (a page) takes its ids from the dossiers alone, in the list's order, then reads those
    rows with what they show: the planner cannot then join first and sort thousands of rows.
    When the list is seen in several ways (`ordered`: a division's own dossiers, those it is
    consulted on, those handed to its agency), the ids are the first of each part merged: see
    `_first_of_parts`.
    Anything derived from the list (another filter, `values()`) behaves as an ordinary queryset.
    """

    _parts: list[QuerySet[Dossier]] | None = None
    # The same parts, each as the dossiers' own condition and the subquery of the ids it is reached
    # through (a consultation, a hand-over; None for a range of the dossiers themselves).
    _ordered: tuple[tuple[QuerySet[Dossier], QuerySet[Any] | None], ...] = ()
    _known_count: int | None = None
    _sort_short = False
    _row_fields: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        qs: QuerySet[Dossier],
        parts: list[QuerySet[Dossier]],
        related: tuple[str, ...],
        *,
        sort_short: bool,
        ordered: list[tuple[QuerySet[Dossier], QuerySet[Any] | None]] | None = None,
    ) -> DossierList:
        listing = cls(model=Dossier, query=qs.query.chain(), using=qs.db).select_related(*related)
        assert isinstance(listing, DossierList)
        listing._parts = [part.order_by() for part in parts]
        listing._ordered = tuple((part.order_by(), via) for part, via in ordered or [])
        listing._sort_short = sort_short
        return listing

    def only(self, *fields: str) -> Self:
        """Columns, not rows: the parts still count the list."""
        clone = super().only(*fields)
        clone._parts, clone._ordered, clone._sort_short = self._parts, self._ordered, self._sort_short
        return clone

    def rows(self, *fields: str) -> QuerySet[Any]:
        """The same list whose pages are `values(*fields)` dicts: no model instances (the API's 500 rows)."""
        if self._parts is None:
            return self.values(*fields)
        clone = self.only(*fields)
        clone._row_fields = fields
        return clone

    def __getitem__(self, k: Any) -> Any:
        if self._parts is None or not isinstance(k, slice) or self._result_cache is not None:
            return super().__getitem__(k)
        start, stop = k.start or 0, k.stop
        if k.step is not None or start < 0 or (stop is not None and stop < start):
            return super().__getitem__(k)
        ids = self.values("pk")
        # Never fewer ids than a page's worth: asked for the last one or two rows of a list,
        # PostgreSQL would bet on meeting them early in the index order and could read it all.
        end = None if stop is None else start + max(stop - start, PAGE_FLOOR)
        # A short list out of the whole history (its count is known) is read whole and sorted:
        # read in index order, its rows may all lie deep in that order (a month's dossiers under
        # seven years of others) and PostgreSQL, expecting them spread out, would read everything
        # before them. (The work lists have indexes of their own in their order: not needed.)
        short = self._sort_short and self._known_count is not None and self._known_count <= SMALL_LIST
        if end is not None and len(self._ordered) > 1:
            ids = self._first_of_parts(end, sort_all=short)
        elif short:
            ids = ids.order_by(*[_unindexed(term) for term in self.query.order_by])
        ids = ids[start:end]
        page = Dossier.objects.filter(pk__in=ids).order_by(*self.query.order_by)
        page.query.select_related = copy.deepcopy(self.query.select_related)
        page.query.deferred_loading = self.query.deferred_loading
        if self._row_fields:
            page = page.values(*self._row_fields)
        return page if stop is None else page[: stop - start]

    def _first_of_parts(self, end: int, *, sort_all: bool) -> QuerySet[Any]:
        """The list's ids in its order, among the first `end` of each part (the page's are there).

        Read as one OR, the page's ids are looked for in an index of the list's order, the OR testing
        every row: on 10,000,000 dossiers a division's first page of "all" read 2.26 million rows of
        other agencies first (bench/README.md §7). Each part alone is either a range of an index in
        that order (a division's: `dossier_unit_due`), of which the first `end` are taken, or the few
        dossiers reached through a consultation or a hand-over, each looked up by its id; the ids of
        all parts (`UNION ALL`) are then sorted together. `sort_all`: the ranges are sorted too
        (a short list, as above).
        """
        order = self.query.order_by
        sorted_order = [_unindexed(term) for term in order]
        members: list[str] = []
        params: list[Any] = []
        for part, via in self._ordered:
            try:
                if via is None:
                    first = part.order_by(*(sorted_order if sort_all else order)).values("pk")[:end]
                    sql, part_params = first.query.get_compiler(self.db).as_sql()
                else:
                    sql, part_params = _looked_up(part, via, sorted_order, end)
            except EmptyResultSet:  # a part that cannot match
                continue
            # Wrapped, to keep its own ORDER BY and LIMIT; its values are parameters (Django's SQL).
            members.append(f"SELECT * FROM ({sql}) AS part_{len(members)}")  # noqa: S608
            params.extend(part_params)
        if not members:
            return Dossier.objects.none().values("pk")
        # `IN` keeps one of a dossier met in two parts; the few candidates are sorted, not looked for.
        candidates = Dossier.objects.filter(pk__in=RawSQL(" UNION ALL ".join(members), params))  # noqa: S611
        return candidates.order_by(*sorted_order).values("pk")

    def _counted(self) -> list[tuple[str, tuple[Any, ...]]]:
        """The SQL of each part's rows, to be counted (a part that cannot match left out): the rows
        of a part reached through a consultation or a hand-over found by their ids (`_looked_up`)."""
        assert self._parts is not None
        pieces = self._ordered or tuple((part, None) for part in self._parts)
        compiled = []
        for part, via in pieces:
            try:
                if via is None:
                    ones = part.annotate(one=Value(1, output_field=IntegerField())).values("one")
                    compiled.append(ones.query.get_compiler(self.db).as_sql())
                else:
                    compiled.append(_looked_up(part, via))
            except EmptyResultSet:  # a part that cannot match (e.g. `pk__in=[]`)
                continue
        return compiled

    def count(self) -> int:
        """The sum of the parts' counts, in one query: each part a plain (parallel) index count."""
        if self._parts is None or self._result_cache is not None:
            return super().count()
        compiled = self._counted()
        if not compiled:
            self._known_count = 0
            return 0
        counts = [f"(SELECT COUNT(*) FROM ({part_sql}) AS part)" for part_sql, _ in compiled]  # noqa: S608
        sql = "SELECT " + " + ".join(counts)  # Django's SQL of each part; the values are parameters
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [param for _, params in compiled for param in params])
            self._known_count = int(cursor.fetchone()[0])
        return self._known_count

    def count_upto(self, limit: int) -> int:
        """The number of dossiers if it is `limit` or less, else `limit + 1` ("more than `limit`"):
        the count stops there, and with it the reading of the index."""
        if self._parts is None or self._result_cache is not None:
            return min(self.count(), limit + 1)
        compiled = self._counted()
        if not compiled:
            counted = 0
        else:
            ones = [f"SELECT 1 FROM ({part_sql}) AS part_{i}" for i, (part_sql, _) in enumerate(compiled)]  # noqa: S608
            parts = " UNION ALL ".join(ones)
            with connections[self.db].cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(*) FROM ({parts} LIMIT %s) AS counted",  # noqa: S608  (Django's SQL, parameters)
                    [*(param for _, params in compiled for param in params), limit + 1],
                )
                counted = int(cursor.fetchone()[0])
        if counted <= limit:
            self._known_count = counted
        return counted


def _looked_up(
    part: QuerySet[Dossier], via: QuerySet[Any], order: list[Any] | None = None, end: int | None = None
) -> tuple[str, tuple[Any, ...]]:
    """The SQL of the ids of the dossiers of `part` among those whose ids `via` gives (the first `end`
    in `order`, if given): on PostgreSQL each id of `via` looked up by the primary key, then tested
    against `part`.

    As `id IN (via)` PostgreSQL chooses the join itself and could read the id index from its start
    (a merge join), or scan the list's own index testing each row, where a misjudged partial index
    (the apology list's: "1 row" for 46,000) made that a scan per row of `via` (bench/README.md §7).
    The lookup alone is fenced (`OFFSET 0`), so that no other index can serve it.
    """
    connection = connections[part.db]
    if connection.vendor != "postgresql":
        part = part.filter(pk__in=via)
    ids = part.order_by(*(order or [])).values("pk")[:end]
    if connection.vendor != "postgresql":
        return ids.query.get_compiler(part.db).as_sql()
    sql, params = ids.query.get_compiler(part.db).as_sql()
    via_sql, via_params = via.query.get_compiler(part.db).as_sql()
    table = connection.ops.quote_name(Dossier._meta.db_table)
    select, found, rest = sql.partition(f" FROM {table}")
    assert found and "%s" not in select, sql  # the parameters all follow the table
    # The dossier row under the table's own name, so that the conditions and order of `part` apply to it.
    fenced = f"SELECT * FROM {table} WHERE id = via.dossier_id OFFSET 0"  # noqa: S608
    lookup = f" FROM ({via_sql}) AS via (dossier_id) CROSS JOIN LATERAL ({fenced}) AS {table}"
    return select + lookup + rest, (*via_params, *params)


def _unindexed(term: str | Combinable) -> OrderBy:
    """The same order by an expression no index has (COALESCE(x, x) is x), so that it is sorted."""
    if isinstance(term, str):
        field = term.lstrip("-")
        return OrderBy(Coalesce(F(field), F(field)), descending=term.startswith("-"))
    if isinstance(term, OrderBy):
        expression = term.expression
        return OrderBy(
            Coalesce(expression, expression),
            descending=term.descending,
            nulls_first=term.nulls_first,
            nulls_last=term.nulls_last,
        )
    return OrderBy(Coalesce(term, term))


def _listing(
    scope: DossierScope,
    refine: Callable[[QuerySet[Dossier]], QuerySet[Dossier]],
    *related: str,
    order: list[Any],
    sort_short: bool,
    counted: list[QuerySet[Dossier]] | None = None,
) -> DossierList:
    """What `scope` lets the user see, narrowed by `refine` (the list's own filters), in `order`.

    It is counted one way of seeing it at a time (`DossierScope.parts`), or by the pieces
    `counted` if given (the same dossiers, no two pieces sharing one).
    """
    listed = refine(Dossier.objects.filter(scope.condition())).order_by(*order)
    ordered = None
    if counted is None:
        ordered = [(refine(Dossier.objects.filter(part)), via) for part, via in scope.ordered_parts()]
        counted = [part if via is None else part.filter(pk__in=via) for part, via in ordered]
    return DossierList.of(listed, counted, related, sort_short=sort_short, ordered=ordered)


def dossier_list(
    *,
    user: User,
    status: str = "",
    procedure: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
) -> DossierList:
    if not user.is_authenticated:
        return DossierList(model=Dossier).none()
    filters = Q()
    if status:
        filters &= Q(status=status)
    if procedure:
        filters &= Q(procedure_version__procedure__code=procedure)
    # A day of the current time zone as a range of instants, which the index on `received_at` serves
    # (`received_at__date` would convert every row first).
    if received_from:
        filters &= Q(received_at__gte=_start_of(received_from))
    if received_to:
        filters &= Q(received_at__lt=_start_of(received_to + timedelta(days=1)))
    return _listing(
        dossier_scope(user),
        lambda qs: qs.filter(filters),
        "procedure_version__procedure",
        "competent_agency",
        order=["-submitted_at", "-id"],
        sort_short=True,
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def dossier_for_user(*, user: User, code: str) -> Dossier:
    """The dossier `code` if `user` may see it; otherwise the same 404 as a dossier that does not exist.

    An applicant's own dossier is found by its code and owner alone (one query, without working out
    what the user's roles let them see: the online application's requests, bench/README.md §7);
    anything else goes through the visibility of `dossiers_visible_to`, which includes it anyway.
    """
    related = (
        "procedure_version__procedure",
        "competent_agency",
        "receiving_agency",
        "processing_unit",
        "current_step",
    )
    if user.is_authenticated and user.kind != UserKind.OFFICIAL:
        # Their own as a person (`is_applicant`); an organisation's goes the long way (its members).
        own = Dossier.objects.select_related(*related).filter(code=code, owner_id=user.pk, organisation_id__isnull=True)
        dossier = own.first()
        if dossier is not None:
            return dossier
    dossier = dossiers_visible_to(user).select_related(*related).filter(code=code).first()
    if dossier is None:
        raise NotFoundError(_("No dossier with code %(code)s.") % {"code": code}, code="dossier-not-found")
    return dossier


def dossier_public_lookup(*, code: str, secret: str) -> Dossier:
    """The dossier with this code and receipt secret, for the lookup without signing in."""
    if "\x00" in code:  # no code has one, and PostgreSQL cannot even compare with it
        raise NotFoundError(_("No dossier matches this code and secret."), code="dossier-not-found")
    dossier = (
        Dossier.objects.select_related("procedure_version__procedure", "competent_agency", "current_step")
        .filter(code=code.strip())
        .exclude(status="draft")
        .first()
    )
    if dossier is None or not secret or not _same(dossier.lookup_secret, secret.strip().upper()):
        raise NotFoundError(_("No dossier matches this code and secret."), code="dossier-not-found")
    return dossier


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.IN_PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.PAYMENT_REQUESTED,
)
# The statuses of the work lists (every list but "all"): open, or processed and waiting to be returned.
WORK_STATUSES = (*OPEN_STATUSES, Status.PROCESSED)
QUEUES = ("mine", "online", "due_soon", "overdue", "apology", "supplement", "ready", "all")


@dataclass(frozen=True)
class _Way:
    """One way a dossier waits for a user now (their "mine")."""

    condition: Q
    # What is counted: the same dossiers in pieces no two share, each read from an index or from a
    # few rows, and whether the user may see every dossier of the piece anyway (by the rule of
    # `DossierScope`; it is then counted without the visibility).
    pieces: tuple[tuple[Q, bool], ...]
    # It may share dossiers with the other ways (an open consultation of a dossier at any step).
    overlaps: bool = False


class _AnyOf(Func):
    """`column = ANY(ARRAY(subquery))` on PostgreSQL: the subquery's few rows looked up in the
    column's index one by one. PostgreSQL plans `column IN (subquery)` as a join that reads every
    dossier at work first, however few rows the subquery has. Elsewhere `column IN (subquery)`."""

    template = "%(expressions)s"
    arg_joiner = " IN "
    output_field = BooleanField()

    def __init__(self, column: str, rows: QuerySet[Any]) -> None:
        super().__init__(F(column), Subquery(rows.order_by()))

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        any_of = {"template": "%(expressions)s)", "arg_joiner": " = ANY(ARRAY"}  # column = ANY(ARRAY(SELECT …))
        return self.as_sql(compiler, connection, **any_of, **extra_context)


def _my_work(user: User, scope: DossierScope) -> list[_Way]:
    """What waits for `user` now: the steps their roles hold (visibility narrows it to their agency and unit).

    `stage` is the actor of the current step, kept on the dossier by the step service, so that the
    lists need no join to the steps. "Mine" is the OR of the ways; all but the consultations are at
    different statuses, stages or assignees, so that no dossier meets two of them.
    """
    assignments = scope.assignments
    roles = {a.role for a in assignments}
    in_processing = Q(status=Status.IN_PROCESSING)
    ways: list[_Way] = []
    if Role.DESK_OFFICER in roles:
        # Only what this desk acts on: dossiers it received or its agency decides, not those it
        # sees because its agency once took part in them (liên thông).
        desks = sorted({a.agency_id for a in assignments if a.role == Role.DESK_OFFICER and a.agency_id})
        at_this_desk = Q(receiving_agency_id__in=desks) | Q(competent_agency_id__in=desks)
        at_desk_stage = Q(status__in=[Status.SUBMITTED, Status.RECEIVED, Status.PROCESSED])
        at_desk_stage |= in_processing & Q(stage=StepActor.ONE_STOP_DESK)  # supplements to issue
        # Counted as the agency's, then what the desk received for others (for one agency: the two
        # ranges of the competent agency around it, as in `DossierScope.parts`).
        if len(desks) == 1:
            (desk,) = desks
            elsewhere = [Q(receiving_agency_id=desk, competent_agency_id__lt=desk)]
            elsewhere.append(Q(receiving_agency_id=desk, competent_agency_id__gt=desk))
        else:
            elsewhere = [Q(receiving_agency_id__in=desks) & ~Q(competent_agency_id__in=desks)]
        cut = tuple(at_desk_stage & piece for piece in [Q(competent_agency_id__in=desks), *elsewhere])
        # Seen: a desk sees what its agency decides and what it received.
        ways.append(_Way(at_desk_stage & at_this_desk, tuple((piece, True) for piece in cut)))
    if Role.DIVISION_HEAD in roles:
        head_units = sorted({a.unit_id for a in assignments if a.role == Role.DIVISION_HEAD and a.unit_id})
        # At the division unassigned, or at its head: ranges of the index on the dossiers in processing.
        at_division = Q(stage__in=[StepActor.DIVISION, StepActor.DIVISION_HEAD], processing_unit_id__in=head_units)
        to_assign_or_check = Q(assignee__isnull=True) | Q(stage=StepActor.DIVISION_HEAD)
        head = in_processing & at_division & to_assign_or_check
        ways.append(_Way(head, ((head, False),)))
    if Role.SPECIALIST in roles:
        assigned = in_processing & Q(stage=StepActor.DIVISION, assignee=user)
        ways.append(_Way(assigned, ((assigned, False),)))
    if Role.AGENCY_LEADER in roles:
        agencies = sorted({a.agency_id for a in assignments if a.role == Role.AGENCY_LEADER and a.agency_id})
        leading = in_processing & Q(stage=StepActor.LEADER, competent_agency_id__in=agencies)
        ways.append(_Way(leading, ((leading, True),)))  # a leader sees all that the agency decides
    if scope.partner_agencies:  # only agencies that were ever handed a dossier can hold one now
        held = DossierStep.objects.filter(
            agency_id__in=sorted(scope.partner_agencies), actor=StepActor.OTHER_AGENCY, ended_at__isnull=True
        )
        at_partner = in_processing & Q(stage=StepActor.OTHER_AGENCY)
        holding = at_partner & Q(current_step_id__in=held.values("pk"))
        # Counted in two pieces: those whose current step, held by the agency, is a step of the
        # dossier itself (every one, as the step service keeps it), seen through that hand-over
        # (`DossierScope.extras`); and any other, checked against the visibility once found (in a
        # subquery: PostgreSQL would otherwise check every dossier at another agency first).
        own_step = Exists(held.filter(pk=OuterRef("current_step_id"), dossier_id=OuterRef("pk")))
        other_step = Exists(held.filter(pk=OuterRef("current_step_id")).exclude(dossier_id=OuterRef("pk")))
        other = Dossier.objects.filter(at_partner & Q(other_step)).values("pk")
        ways.append(_Way(holding, ((at_partner & Q(own_step), True), (Q(pk__in=other), False))))
    if scope.consulted_units:  # only units ever consulted can have a question open
        asked = DossierConsultation.objects.filter(unit_id__in=sorted(scope.consulted_units), answered_at__isnull=True)
        open_question = in_processing & Q(pk__in=asked.values("dossier_id"))
        # Seen: these units see every dossier they were ever consulted on (`DossierScope.extras`).
        counted = in_processing & Q(_AnyOf("pk", asked.values("dossier_id")))
        ways.append(_Way(open_question, ((counted, True),), overlaps=True))
    return ways


def _counted_ways(scope: DossierScope, ways: list[_Way], narrow: Q) -> list[QuerySet[Dossier]]:
    """The "mine" list (`ways`, within `narrow`) in pieces no two of which a dossier meets, for
    `DossierList` to count one by one.

    Cut by the ways of seeing a dossier instead (`DossierScope.parts`), those seen through a
    consultation or a hand-over would be found by joining every consultation of the division, or
    every hand-over to the agency, to the dossiers at work; cut by the ways of waiting, each piece
    starts from its few rows: a range of an index, or the open consultations and hand-overs alone.
    A way whose dossiers the user sees anyway is counted without the visibility; the way that
    overlaps the others is counted without their dossiers.
    """
    apart = [way.condition for way in ways if not way.overlaps]
    pieces = []
    for way in ways:
        for condition, seen in way.pieces:
            condition &= narrow
            if way.overlaps:
                condition = reduce(operator.and_, [~other for other in apart], condition)
            piece = Dossier.objects.filter(condition)
            pieces.append(piece if seen else piece.filter(scope.condition()))
    return pieces


def dossier_queue(*, user: User, queue: str, q: str = "", now: datetime | None = None) -> DossierList:
    """The desk's and divisions' work lists, always within what `user` may see."""
    if not user.is_authenticated:
        return DossierList(model=Dossier).none()
    now = now or timezone.now()
    scope = dossier_scope(user)
    running = Q(status__in=[Status.RECEIVED, Status.IN_PROCESSING])
    filters = Q()
    due_range: dict[str, datetime] = {}
    ways: list[_Way] = []
    if queue == "mine":
        ways = _my_work(user, scope)
        filters = reduce(operator.or_, [way.condition for way in ways], Q(pk__in=[]))
    elif queue == "online":
        filters = Q(status=Status.SUBMITTED, channel="online")
    elif queue == "due_soon":
        filters = running
        due_range = {"due__gte": now, "due__lte": now + timedelta(days=2)}
    elif queue == "overdue":
        filters = running
        due_range = {"due__lt": now}
    elif queue == "supplement":
        filters = Q(status=Status.SUPPLEMENT_REQUESTED)
    elif queue == "ready":
        filters = Q(status=Status.PROCESSED)
    elif queue == "apology":
        filters = Q(status=Status.IN_PROCESSING, apology_prompted_at__isnull=False, extended_due_at__isnull=True)
    narrow = Q()  # what every work list and the search add
    if queue != "all":
        # Every work list but "all" is within these statuses; saying so lets PostgreSQL use the
        # partial indexes on the dossiers at work (the ORs of "mine" alone would not prove it).
        narrow &= Q(status__in=WORK_STATUSES)
    if q.strip():
        term = q.strip()[:100]
        phone = "".join(ch for ch in term if ch.isdigit())
        match = Q(code__icontains=term) | Q(applicant_name__icontains=term) | Q(applicant_id_number=term)
        if len(phone) >= 6:
            match |= Q(applicant_phone__endswith=phone.lstrip("0"))
        narrow &= match
    filters &= narrow

    def refine(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
        if due_range:
            qs = qs.alias(due=Coalesce("extended_due_at", "due_at")).filter(**due_range)
        return qs.filter(filters)

    return _listing(
        scope,
        refine,
        "procedure_version__procedure",
        "competent_agency",
        "processing_unit",
        "assignee",
        "current_step",
        order=[F("due_at").asc(nulls_last=True), "-submitted_at", "-id"],  # the id: the same order every time
        sort_short=queue == "all" or bool(q.strip()),
        counted=_counted_ways(scope, ways, narrow) if ways else None,
    )


def dossiers_of_applicant(user: User) -> QuerySet[Dossier]:
    """The dossiers `user` submitted online as the applicant, or that one of the organisations they
    represent applied for, newest first ("my dossiers")."""
    return (
        Dossier.objects.filter(applicant_condition(user))
        .select_related("procedure_version__procedure", "competent_agency", "current_step")
        .order_by("-submitted_at", "-id")
    )


def applicant_dossier(*, user: User, code: str) -> Dossier:
    """One of `user`'s own dossiers; any other code is the same 404 as one that does not exist."""
    dossier = (
        dossiers_of_applicant(user).select_related("receiving_agency", "receiving_point").filter(code=code).first()
    )
    if dossier is None:
        raise NotFoundError(_("No dossier with code %(code)s among yours.") % {"code": code}, code="dossier-not-found")
    return dossier


def dossier_document_for(*, user: User, dossier: Dossier, document_id: int) -> DossierDocument:
    """A file of a dossier the user may see; its applicant gets the result only once it is returned.

    Until then the result is the agency's draft (unsigned, perhaps not yet approved).
    """
    document = dossier.documents.filter(pk=document_id).first()
    if (
        document is not None
        and document.kind == DocumentKind.RESULT
        and dossier.status != Status.RETURNED
        and roles_on_dossier(user, dossier) <= APPLICANT
    ):
        document = None
    if document is None:
        raise NotFoundError(_("This dossier has no such document."), code="document-not-found")
    return document


def dossier_fees_due(dossier: Dossier) -> Decimal:
    """The fees of the dossier's procedure (the sum of its fee lines): what a payment request asks for."""
    return sum((fee.amount for fee in dossier.procedure_version.fees.all()), Decimal(0))
