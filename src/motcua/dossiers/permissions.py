"""Who may see and act on a dossier: roles scoped by agency and unit (least privilege)."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import BigIntegerField, Case, Exists, OuterRef, Q, QuerySet, Subquery, When

from motcua.accounts.constants import Role
from motcua.accounts.models import RoleAssignment, User
from motcua.accounts.organisations import organisation_ids_of
from motcua.catalog.constants import StepActor
from motcua.dossiers.constants import PARTNER_AGENCY, Status
from motcua.dossiers.models import Dossier, DossierConsultation, DossierStep

AGENCY_WIDE = {Role.AGENCY_LEADER, Role.REPORT_VIEWER, Role.ADMINISTRATOR}
UNIT_SCOPED = {Role.SPECIALIST, Role.DIVISION_HEAD}
# Officials of another agency who take a dossier for their agency's part (liên thông) and hand it back.
PARTNER_ROLES = {Role.DESK_OFFICER, Role.DIVISION_HEAD, Role.AGENCY_LEADER}


def _own(user_id: int, organisations: tuple[int, ...]) -> Q:
    own = Q(owner_id=user_id, organisation_id__isnull=True)
    return own | _one_or_many("organisation_id", set(organisations)) if organisations else own


def applicant_condition(user: User) -> Q:
    """The dossiers `user` follows as their applicant (`is_applicant`), as a filter."""
    return _own(user.pk, tuple(organisation_ids_of(user)))


def is_applicant(user: User, dossier: Dossier) -> bool:
    """`user` applied for the dossier, or represents the organisation it is for.

    A dossier for an organisation belongs to its current representatives: one who stopped
    representing it no longer sees it, even the one who submitted it.
    """
    if dossier.organisation_id is not None:
        return dossier.organisation_id in organisation_ids_of(user)
    return dossier.owner_id is not None and dossier.owner_id == user.pk


def roles_on_dossier(user: User, dossier: Dossier) -> frozenset[str]:
    """The roles `user` holds on this dossier: as its applicant, or as an official of the right agency and unit."""
    if not user.is_authenticated:
        return frozenset()
    roles: set[str] = set()
    if is_applicant(user, dossier):
        roles.add(Role.CITIZEN)
    step = dossier.current_step
    for assignment in RoleAssignment.objects.filter(user=user).only("role", "agency_id", "unit_id"):
        if (
            step is not None
            and step.actor == StepActor.OTHER_AGENCY
            and assignment.agency_id == step.agency_id
            and assignment.role in PARTNER_ROLES
        ):
            roles.add(PARTNER_AGENCY)
        if assignment.role == Role.DESK_OFFICER and assignment.agency_id in (
            dossier.receiving_agency_id,
            dossier.competent_agency_id,
        ):
            roles.add(Role.DESK_OFFICER)
        elif assignment.role in UNIT_SCOPED and assignment.agency_id == dossier.competent_agency_id:
            if dossier.processing_unit_id is not None and assignment.unit_id == dossier.processing_unit_id:
                roles.add(assignment.role)
        elif assignment.role in AGENCY_WIDE and assignment.agency_id == dossier.competent_agency_id:
            roles.add(assignment.role)
    return frozenset(roles)


@dataclass(frozen=True)
class DossierScope:
    """What a user's roles let them read, worked out once per request.

    An official reaches a dossier through plain columns (`plain`: their agency, what their desk
    received, their division's) and through other tables (`extras`, subqueries: those their
    division is consulted on, those handed to their agency). A way that cannot match anything (no
    consultation of the unit ever, no hand-over to the agency ever, no dossier of their own) is left
    out, so that most users end with plain conditions that an index serves.
    """

    user_id: int
    owns: bool
    plain: tuple[Q, ...]
    plain_parts: tuple[Q, ...]  # the same dossiers as the OR of `plain`, cut into pieces no two share
    extras: tuple[QuerySet[Any], ...]
    assignments: tuple[RoleAssignment, ...]
    consulted_units: frozenset[int]
    partner_agencies: frozenset[int]
    organisations: tuple[int, ...] = ()  # those the user represents: their dossiers are the user's too

    @property
    def own(self) -> Q:
        """Their dossiers as applicant (`is_applicant`): their own, and those of the organisations they represent."""
        return _own(self.user_id, self.organisations)

    def _official(self) -> Q | None:
        ways = [*self.plain, *(Q(pk__in=extra) for extra in self.extras)]
        return reduce(operator.or_, ways) if ways else None

    def condition(self) -> Q:
        own = self.own
        official = self._official()
        if official is None:
            return own
        official &= ~Q(status=Status.DRAFT)
        return own | official if self.owns else official

    def parts(self) -> list[Q]:
        """`condition()` cut into conditions no two of which a dossier meets, each a range of an
        index: counting them one by one and adding up gives the exact count without the OR."""
        return [condition if via is None else Q(pk__in=via) & condition for condition, via in self.ordered_parts()]

    def ordered_parts(self) -> list[tuple[Q, QuerySet[Any] | None]]:
        """The `parts()`, each as a condition on the dossier's own columns (which an index can read
        in a list's order) and, for a part reached through another table (a consultation, a
        hand-over), the subquery of those dossiers' ids (a few rows, each then looked up)."""
        own = self.own
        if self._official() is None:
            return [(own, None)]
        parts: list[tuple[Q, QuerySet[Any] | None]] = [(own, None)] if self.owns else []
        before = ~own if self.owns else Q()
        before &= ~Q(status=Status.DRAFT)
        parts += [(part & before, None) for part in self.plain_parts]
        if self.plain:
            before &= ~reduce(operator.or_, self.plain)
        for i, extra in enumerate(self.extras):
            for earlier in self.extras[:i]:  # taken out of the (short) subquery, not of the dossiers
                extra = extra.exclude(dossier_id__in=earlier)
            parts.append((before, extra))
        return parts


def dossier_scope(user: User) -> DossierScope:
    """The user's roles, and for each whether the rarer ways of seeing a dossier apply (one query)."""
    # Each check runs only for the rows of the roles it concerns (CASE), and reads one index entry:
    # ordered by the index and cut to one row, so that PostgreSQL does not scan for a row that is
    # not there (an EXISTS it would plan as a scan expected to stop early).
    handed = DossierStep.objects.filter(agency_id=OuterRef("agency_id"), actor=StepActor.OTHER_AGENCY)
    consulted = DossierConsultation.objects.filter(unit_id=OuterRef("unit_id"))
    assignments = tuple(
        RoleAssignment.objects.filter(user=user)
        .annotate(
            handed=_first(Q(role__in=PARTNER_ROLES, agency__isnull=False), handed, "agency_id", "ended_at"),
            consulted=_first(Q(role__in=UNIT_SCOPED, unit__isnull=False), consulted, "unit_id", "answered_at"),
            owns=Exists(Dossier.objects.filter(owner_id=user.pk)),
        )
        .only("role", "agency_id", "unit_id")
        .order_by("pk")
    )
    agencies: set[int] = set()
    desks: set[int] = set()
    units: set[tuple[int, int]] = set()
    consulted_units: set[int] = set()
    partners: set[int] = set()
    owns = False
    for a in assignments:
        owns = owns or bool(a.owns)
        if a.role == Role.DESK_OFFICER:
            if a.agency_id is not None:
                agencies.add(a.agency_id)
                desks.add(a.agency_id)
        elif a.role in UNIT_SCOPED and a.unit_id is not None:
            if a.agency_id is not None:
                units.add((a.agency_id, a.unit_id))
            if a.consulted is not None:
                consulted_units.add(a.unit_id)
        elif a.role in AGENCY_WIDE and a.agency_id is not None:
            agencies.add(a.agency_id)
        if a.role in PARTNER_ROLES and a.agency_id is not None and a.handed is not None:
            partners.add(a.agency_id)
    plain: list[Q] = []
    parts: list[Q] = []
    if agencies:
        plain.append(_one_or_many("competent_agency_id", agencies))
        parts.append(plain[-1])
    if desks:
        # What the desk received for other agencies: for one agency, the two ranges of the
        # competent agency around it, which an index on (receiving, competent) answers at once.
        plain.append(_one_or_many("receiving_agency_id", desks))
        if len(agencies) == 1:
            (agency,) = agencies
            parts.append(Q(receiving_agency_id=agency, competent_agency_id__lt=agency))
            parts.append(Q(receiving_agency_id=agency, competent_agency_id__gt=agency))
        else:
            parts.append(plain[-1] & ~plain[0])
    for agency, unit in sorted(units):
        if agency not in agencies:  # the whole agency is already seen
            division = Q(competent_agency_id=agency, processing_unit_id=unit)
            parts.append(reduce(operator.and_, [~earlier for earlier in plain], division))
            plain.append(division)
    extras: list[QuerySet[Any]] = []
    if consulted_units:
        asked = DossierConsultation.objects.filter(unit_id__in=sorted(consulted_units))
        extras.append(asked.order_by().values("dossier_id"))
    if partners:
        handed_to = DossierStep.objects.filter(agency_id__in=sorted(partners), actor=StepActor.OTHER_AGENCY)
        extras.append(handed_to.order_by().values("dossier_id"))
    organisations = tuple(organisation_ids_of(user))
    return DossierScope(
        user_id=user.pk,
        owns=owns or bool(organisations),
        plain=tuple(plain),
        plain_parts=tuple(parts),
        extras=tuple(extras),
        assignments=assignments,
        consulted_units=frozenset(consulted_units),
        partner_agencies=frozenset(partners),
        organisations=organisations,
    )


def _first(applies: Q, rows: QuerySet[Any], *index_order: str) -> Case:
    """The id of one of `rows` (or NULL), looked up only where `applies`."""
    first = Subquery(rows.order_by(*index_order).values("pk")[:1])
    return Case(When(applies, then=first), default=None, output_field=BigIntegerField())


def _one_or_many(field: str, values: set[int]) -> Q:
    ordered = sorted(values)
    return Q(**{field: ordered[0]}) if len(ordered) == 1 else Q(**{f"{field}__in": ordered})


def dossiers_visible_to(user: User, scope: DossierScope | None = None) -> QuerySet[Dossier]:
    """Every dossier `user` may read: their own, or those of their agency (divisions: their unit's),
    those their unit is consulted on, and those another agency handed to theirs (liên thông).

    Drafts are seen by their owner only. Pass `scope` when it was already worked out for this request.
    """
    if not user.is_authenticated:
        return Dossier.objects.none()
    scope = scope or dossier_scope(user)
    return Dossier.objects.filter(scope.condition())
