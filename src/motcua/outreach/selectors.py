"""Reads of the outreach app: who may make outreach material for which agency, and of what."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.models import RoleAssignment, User
from motcua.catalog.constants import ServiceLevel
from motcua.catalog.models import Field, ProcedureVersion

OUTREACH_ROLES = frozenset({Role.DESK_OFFICER, Role.AGENCY_LEADER, Role.ADMINISTRATOR})


def outreach_agency_ids(user: User) -> list[int]:
    """The agencies for which `user` makes outreach material: where they are a desk officer or a leader."""
    if not user.is_authenticated:
        return []
    return sorted(
        set(
            RoleAssignment.objects.filter(user=user, role__in=OUTREACH_ROLES, agency__isnull=False).values_list(
                "agency_id", flat=True
            )
        )
    )


def online_versions(agency_ids: list[int]) -> QuerySet[ProcedureVersion]:
    """The agencies' procedures in force that one can apply for online (an online service level
    implies the online channel: ProcedureVersion.clean)."""
    return (
        ProcedureVersion.objects.in_force(timezone.localdate())
        .filter(agency_id__in=agency_ids)
        .exclude(service_level=ServiceLevel.INFORMATION)
        .select_related("procedure", "field", "agency", "agency__parent")
    )


def outreach_choices(agency_ids: list[int]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(procedures, fields) to choose from: (code, label) pairs."""
    versions = list(online_versions(agency_ids).order_by("name"))
    procedures = [(v.procedure.code, f"{v.procedure.code} · {v.name}") for v in versions]
    field_ids = {v.field_id for v in versions}
    fields = [(f.code, f.name) for f in Field.objects.filter(pk__in=field_ids).order_by("name")]
    return procedures, fields
