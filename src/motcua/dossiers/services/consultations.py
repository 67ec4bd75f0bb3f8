"""Consultations (xin ý kiến): the lead division asks other units, in parallel, each with a deadline.

They do not change the dossier's status or step; they are logged in its history and printed on the
control slip, and a late answer shows as late (Decree 61/2018 Art. 19(5)).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role, UnitKind
from motcua.accounts.models import Unit, User
from motcua.catalog.constants import StepActor
from motcua.core.errors import DomainError, NotFoundError
from motcua.dossiers.constants import Action, Status
from motcua.dossiers.models import Dossier, DossierConsultation, DossierTransition
from motcua.dossiers.permissions import roles_on_dossier
from motcua.dossiers.workflow import timeliness
from motcua.workdays.selectors import agency_calendar

MAX_CONSULTATION_DAYS = 30


def _log(dossier: Dossier, action: str, actor: User, role: str, now: datetime, note: str) -> None:
    DossierTransition.objects.create(
        dossier=dossier,
        action=action,
        from_status=dossier.status,
        to_status=dossier.status,
        actor=actor,
        actor_role=role,
        at=now,
        internal_note=note,
        due_at=dossier.effective_due_at,
    )


@transaction.atomic
def consultation_request(
    *, code: str, actor: User, unit_id: int, question: str, working_days: int, now: datetime | None = None
) -> DossierConsultation:
    """The division handling the dossier asks `unit` for its opinion within `working_days`."""
    now = now or timezone.now()
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("current_step", "competent_agency")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFoundError(_("No dossier with code %(code)s.") % {"code": code}, code="dossier-not-found")
    step = dossier.current_step
    if dossier.status != Status.IN_PROCESSING or step is None or step.actor != StepActor.DIVISION:
        raise DomainError(_("Other units are consulted while the division appraises the dossier."), code="not-now")
    roles = roles_on_dossier(actor, dossier) & {Role.SPECIALIST, Role.DIVISION_HEAD}
    if not roles or (roles == {Role.SPECIALIST} and dossier.assignee_id != actor.pk):
        raise PermissionDenied(_("Only the division handling the dossier can consult other units."))
    errors: dict[str, list[str]] = {}
    unit = (
        Unit.objects.select_related("agency__calendar")
        .filter(pk=unit_id, is_active=True, kind=UnitKind.DIVISION)
        .exclude(pk=dossier.processing_unit_id or 0)
        .first()
    )
    if unit is None:
        errors["unit"] = [_("Choose another division to consult.")]
    if not question.strip():
        errors["question"] = [_("Write what you ask the unit.")]
    if not 1 <= working_days <= MAX_CONSULTATION_DAYS:
        errors["working_days"] = [
            _("Give the unit between 1 and %(n)s working days to answer.") % {"n": MAX_CONSULTATION_DAYS}
        ]
    if errors:
        raise ValidationError(errors)
    assert unit is not None
    consultation = DossierConsultation.objects.create(
        dossier=dossier,
        unit=unit,
        question=question.strip(),
        requested_by=actor,
        requested_at=now,
        due_at=agency_calendar(unit.agency).due_after_working_days(now, working_days),
    )
    _log(dossier, Action.CONSULT, actor, sorted(roles)[0], now, f"{unit.name}: {question.strip()}")
    return consultation


@transaction.atomic
def consultation_answer(
    *, consultation_id: int, actor: User, answer: str, now: datetime | None = None
) -> DossierConsultation:
    """A specialist or the head of the consulted unit answers, once."""
    now = now or timezone.now()
    consultation = (
        DossierConsultation.objects.select_for_update(of=("self",))
        .select_related("dossier", "unit")
        .filter(pk=consultation_id)
        .first()
    )
    if consultation is None:
        raise NotFoundError(_("No such consultation."), code="consultation-not-found")
    role = (
        actor.role_assignments.filter(unit=consultation.unit, role__in=[Role.SPECIALIST, Role.DIVISION_HEAD])
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        raise PermissionDenied(_("Only the consulted unit can answer."))
    if consultation.answered_at is not None:
        raise DomainError(_("This consultation has already been answered."), code="already-answered")
    if not answer.strip():
        raise ValidationError({"answer": [_("Write the unit's opinion.")]})
    consultation.answer = answer.strip()
    consultation.answered_by = actor
    consultation.answered_at = now
    consultation.result = timeliness(now, consultation.due_at)
    consultation.save()
    _log(
        consultation.dossier,
        Action.ANSWER_CONSULTATION,
        actor,
        role,
        now,
        f"{consultation.unit.name}: {answer.strip()}",
    )
    return consultation
