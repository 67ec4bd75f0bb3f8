"""Reads of ratings, within what the reader may see."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.feedback.models import ServiceRating

# Who reads the applicants' ratings: the agency's leaders and its desk (not the divisions rated).
READERS = (Role.AGENCY_LEADER, Role.DESK_OFFICER)


def ratings_for(user: User) -> QuerySet[ServiceRating]:
    """The ratings of dossiers the user's agencies decided, flagged and unseen first."""
    agencies = user.role_assignments.filter(role__in=READERS).values("agency_id")
    return (
        ServiceRating.objects.filter(dossier__competent_agency_id__in=agencies)
        .select_related("dossier__procedure_version", "reviewed_by")
        .order_by("-flagged", "reviewed_at", "-rated_at")
    )
