"""Reads of dossiers, always through what the user may see."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.accounts.models import RoleAssignment, User
from motcua.core.errors import NotFoundError
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import dossiers_visible_to


def dossier_list(
    *,
    user: User,
    status: str = "",
    procedure: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
) -> QuerySet[Dossier]:
    qs = dossiers_visible_to(user).select_related("procedure_version__procedure", "competent_agency")
    if status:
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure_version__procedure__code=procedure)
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    return qs.order_by("-submitted_at", "-id")


def dossier_for_user(*, user: User, code: str) -> Dossier:
    """The dossier `code` if `user` may see it; otherwise the same 404 as a dossier that does not exist."""
    dossier = (
        dossiers_visible_to(user)
        .select_related("procedure_version__procedure", "competent_agency", "receiving_agency", "processing_unit")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFoundError(_("No dossier with code %(code)s.") % {"code": code}, code="dossier-not-found")
    return dossier


def dossier_public_lookup(*, code: str, secret: str) -> Dossier:
    """The dossier with this code and receipt secret, for the lookup without signing in."""
    dossier = (
        Dossier.objects.select_related("procedure_version__procedure", "competent_agency")
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
QUEUES = ("mine", "online", "due_soon", "overdue", "supplement", "ready", "all")


def dossier_queue(*, user: User, queue: str, q: str = "", now: datetime | None = None) -> QuerySet[Dossier]:
    """The desk's and divisions' work lists, always within what `user` may see."""
    now = now or timezone.now()
    qs = dossiers_visible_to(user).select_related(
        "procedure_version__procedure", "competent_agency", "processing_unit", "assignee"
    )
    running = Q(status__in=[Status.RECEIVED, Status.IN_PROCESSING])
    due = Coalesce("extended_due_at", "due_at")
    if queue == "mine":
        roles = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        mine = Q(pk__in=[])
        if Role.DESK_OFFICER in roles:
            mine |= Q(status__in=[Status.SUBMITTED, Status.RECEIVED, Status.PROCESSED])
        if roles & {Role.DIVISION_HEAD, Role.AGENCY_LEADER}:
            mine |= Q(status=Status.IN_PROCESSING)  # visibility narrows a head to the division's dossiers
        if Role.SPECIALIST in roles:
            mine |= Q(status=Status.IN_PROCESSING, assignee=user)
        qs = qs.filter(mine)
    elif queue == "online":
        qs = qs.filter(status=Status.SUBMITTED, channel="online")
    elif queue == "due_soon":
        qs = qs.alias(due=due).filter(running, due__gte=now, due__lte=now + timedelta(days=2))
    elif queue == "overdue":
        qs = qs.alias(due=due).filter(running, due__lt=now)
    elif queue == "supplement":
        qs = qs.filter(status=Status.SUPPLEMENT_REQUESTED)
    elif queue == "ready":
        qs = qs.filter(status=Status.PROCESSED)
    if q.strip():
        term = q.strip()[:100]
        phone = "".join(ch for ch in term if ch.isdigit())
        match = Q(code__icontains=term) | Q(applicant_name__icontains=term) | Q(applicant_id_number=term)
        if len(phone) >= 6:
            match |= Q(applicant_phone__endswith=phone.lstrip("0"))
        qs = qs.filter(match)
    return qs.order_by(F("due_at").asc(nulls_last=True), "-submitted_at")
