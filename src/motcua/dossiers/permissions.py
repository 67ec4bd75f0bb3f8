"""Who may see and act on a dossier: roles scoped by agency and unit (least privilege)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.accounts.constants import Role
from motcua.accounts.models import RoleAssignment, User
from motcua.catalog.constants import StepActor
from motcua.dossiers.constants import PARTNER_AGENCY
from motcua.dossiers.models import Dossier, DossierConsultation, DossierStep

AGENCY_WIDE = {Role.AGENCY_LEADER, Role.REPORT_VIEWER, Role.ADMINISTRATOR}
UNIT_SCOPED = {Role.SPECIALIST, Role.DIVISION_HEAD}
# Officials of another agency who take a dossier for their agency's part (liên thông) and hand it back.
PARTNER_ROLES = {Role.DESK_OFFICER, Role.DIVISION_HEAD, Role.AGENCY_LEADER}


def roles_on_dossier(user: User, dossier: Dossier) -> frozenset[str]:
    """The roles `user` holds on this dossier: as its applicant, or as an official of the right agency and unit."""
    if not user.is_authenticated:
        return frozenset()
    roles: set[str] = set()
    if dossier.owner_id == user.pk:
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


def dossiers_visible_to(user: User) -> QuerySet[Dossier]:
    """Every dossier `user` may read: their own, or those of their agency (divisions: their unit's),
    those their unit is consulted on, and those another agency handed to theirs (liên thông)."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    visible = Q(owner=user)
    for assignment in RoleAssignment.objects.filter(user=user).only("role", "agency_id", "unit_id"):
        if assignment.role == Role.DESK_OFFICER:
            visible |= Q(receiving_agency_id=assignment.agency_id) | Q(competent_agency_id=assignment.agency_id)
        elif assignment.role in UNIT_SCOPED and assignment.unit_id is not None:
            visible |= Q(competent_agency_id=assignment.agency_id, processing_unit_id=assignment.unit_id)
            consulted = DossierConsultation.objects.filter(unit_id=assignment.unit_id).values("dossier_id")
            visible |= Q(pk__in=consulted)
        elif assignment.role in AGENCY_WIDE:
            visible |= Q(competent_agency_id=assignment.agency_id)
        if assignment.role in PARTNER_ROLES and assignment.agency_id is not None:
            handed = DossierStep.objects.filter(agency_id=assignment.agency_id, actor=StepActor.OTHER_AGENCY)
            visible |= Q(pk__in=handed.values("dossier_id"))
    return Dossier.objects.filter(visible).exclude(Q(status="draft") & ~Q(owner=user))
