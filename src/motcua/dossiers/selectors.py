"""Reads of dossiers, always through what the user may see."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.accounts.models import RoleAssignment, User
from motcua.catalog.constants import StepActor
from motcua.core.errors import NotFoundError
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier, DossierConsultation
from motcua.dossiers.permissions import PARTNER_ROLES, UNIT_SCOPED, dossiers_visible_to


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
        .select_related(
            "procedure_version__procedure", "competent_agency", "receiving_agency", "processing_unit", "current_step"
        )
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFoundError(_("No dossier with code %(code)s.") % {"code": code}, code="dossier-not-found")
    return dossier


def dossier_public_lookup(*, code: str, secret: str) -> Dossier:
    """The dossier with this code and receipt secret, for the lookup without signing in."""
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
QUEUES = ("mine", "online", "due_soon", "overdue", "apology", "supplement", "ready", "all")


def _my_work(user: User) -> Q:
    """What waits for `user` now: the steps their roles hold (visibility narrows it to their agency and unit)."""
    assignments = list(RoleAssignment.objects.filter(user=user).only("role", "agency_id", "unit_id"))
    roles = {a.role for a in assignments}
    in_processing = Q(status=Status.IN_PROCESSING)
    mine = Q(pk__in=[])
    if Role.DESK_OFFICER in roles:
        mine |= Q(status__in=[Status.SUBMITTED, Status.RECEIVED, Status.PROCESSED])
        mine |= in_processing & Q(current_step__actor=StepActor.ONE_STOP_DESK)  # supplements to issue
    if Role.DIVISION_HEAD in roles:
        head_units = [a.unit_id for a in assignments if a.role == Role.DIVISION_HEAD]
        to_assign = Q(current_step__actor=StepActor.DIVISION, assignee__isnull=True)
        mine |= (
            in_processing
            & Q(processing_unit_id__in=head_units)
            & (to_assign | Q(current_step__actor=StepActor.DIVISION_HEAD))
        )
    if Role.SPECIALIST in roles:
        mine |= in_processing & Q(current_step__actor=StepActor.DIVISION, assignee=user)
    if Role.AGENCY_LEADER in roles:
        agencies = [a.agency_id for a in assignments if a.role == Role.AGENCY_LEADER]
        mine |= in_processing & Q(current_step__actor=StepActor.LEADER, competent_agency_id__in=agencies)
    partner_agencies = [a.agency_id for a in assignments if a.role in PARTNER_ROLES]
    if partner_agencies:
        mine |= in_processing & Q(
            current_step__actor=StepActor.OTHER_AGENCY, current_step__agency_id__in=partner_agencies
        )
    consulted_units: list[int] = []
    for assignment in assignments:
        if assignment.role in UNIT_SCOPED and assignment.unit_id is not None:
            consulted_units.append(assignment.unit_id)
    if consulted_units:
        asked = DossierConsultation.objects.filter(unit_id__in=consulted_units, answered_at__isnull=True)
        mine |= in_processing & Q(pk__in=asked.values("dossier_id"))
    return mine


def dossier_queue(*, user: User, queue: str, q: str = "", now: datetime | None = None) -> QuerySet[Dossier]:
    """The desk's and divisions' work lists, always within what `user` may see."""
    now = now or timezone.now()
    qs = dossiers_visible_to(user).select_related(
        "procedure_version__procedure", "competent_agency", "processing_unit", "assignee", "current_step"
    )
    running = Q(status__in=[Status.RECEIVED, Status.IN_PROCESSING])
    due = Coalesce("extended_due_at", "due_at")
    if queue == "mine":
        qs = qs.filter(_my_work(user))
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
    elif queue == "apology":
        qs = qs.filter(status=Status.IN_PROCESSING, apology_prompted_at__isnull=False, extended_due_at__isnull=True)
    if q.strip():
        term = q.strip()[:100]
        phone = "".join(ch for ch in term if ch.isdigit())
        match = Q(code__icontains=term) | Q(applicant_name__icontains=term) | Q(applicant_id_number=term)
        if len(phone) >= 6:
            match |= Q(applicant_phone__endswith=phone.lstrip("0"))
        qs = qs.filter(match)
    return qs.order_by(F("due_at").asc(nulls_last=True), "-submitted_at")
