"""The internal process of a dossier: which step it is at, who holds it, and each hand-over's timing.

Called by `dossier_transition` inside its transaction, on the locked dossier: a transition that
hands the dossier over closes the current step (judged early / on time / late against the step's
limit) and opens the next one with its own due date.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.accounts.constants import UnitKind
from motcua.accounts.models import Agency, Unit, User
from motcua.catalog.constants import StepActor
from motcua.core.errors import DomainError
from motcua.dossiers.constants import Action, Status
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.workflow import PlannedStep, process_plan, step_period, timeliness
from motcua.workdays.selectors import agency_calendar

SUPPLEMENT_AT_DESK = "Phát hành phiếu yêu cầu bổ sung (mẫu 02)"


def dossier_plan(dossier: Dossier) -> list[PlannedStep]:
    version = dossier.procedure_version
    template = [PlannedStep(s.name, s.actor, s.duration, s.unit) for s in version.steps.all()]
    return process_plan(template, version.processing_time, version.processing_unit)


def _unit_of_kind(agency: Agency, kind: str) -> Unit | None:
    return Unit.objects.filter(agency=agency, kind=kind, is_active=True).first()


def _open(
    dossier: Dossier,
    plan: list[PlannedStep],
    index: int,
    *,
    now: datetime,
    partner: Agency | None = None,
    task: str = "",
    as_desk: bool = False,
) -> DossierStep:
    """Open step `index` of the plan (or, `as_desk`, a desk step standing in for it) and make it current."""
    planned = plan[index]
    actor = StepActor.ONE_STOP_DESK if as_desk else planned.actor
    unit: Unit | None = None
    holder: User | None = None
    if actor == StepActor.ONE_STOP_DESK:
        agency = dossier.receiving_agency
        unit = _unit_of_kind(agency, UnitKind.ONE_STOP_DESK)
    elif actor == StepActor.OTHER_AGENCY:
        assert partner is not None
        agency = partner
    else:
        agency = dossier.competent_agency
        if actor in (StepActor.DIVISION, StepActor.DIVISION_HEAD):
            unit = dossier.processing_unit
        if actor == StepActor.DIVISION:
            holder = dossier.assignee
        if actor == StepActor.LEADER:
            unit = _unit_of_kind(agency, UnitKind.LEADERSHIP)
    # The return to the applicant waits for them to come: it is not judged against a limit.
    period = None if as_desk or index == len(plan) - 1 else step_period(planned)
    step = DossierStep.objects.create(
        dossier=dossier,
        plan_index=index,
        name=SUPPLEMENT_AT_DESK if as_desk else planned.name,
        actor=actor,
        agency=agency,
        unit=unit,
        holder=holder,
        duration=0 if as_desk else planned.duration,
        duration_unit=planned.unit,
        started_at=now,
        due_at=agency_calendar(agency).due(now, *period) if period else None,
        task=task,
    )
    dossier.current_step = step
    dossier.stage = step.actor
    return step


def _close(dossier: Dossier, *, now: datetime, by: User | None, action: str, note: str = "") -> DossierStep | None:
    step = dossier.current_step
    if step is None:
        return None
    step.ended_at = now
    step.ended_by = by
    step.ended_with = action
    step.result = timeliness(now, step.due_at)
    step.note = note
    step.save(update_fields=["ended_at", "ended_by", "ended_with", "result", "note"])
    dossier.current_step = None
    dossier.stage = ""
    return step


def _partner_agency(dossier: Dossier, agency_code: str) -> Agency:
    partner = Agency.objects.filter(code=agency_code, is_active=True).exclude(pk=dossier.competent_agency_id).first()
    if partner is None:
        raise ValidationError({"agency": [_("Choose the other agency that processes its part of this dossier.")]})
    return partner


def advance(
    dossier: Dossier,
    action: str,
    *,
    target: str,
    now: datetime,
    actor: User | None,
    note: str = "",
    agency_code: str = "",
) -> None:
    """Move the dossier along its process for `action` (the status is already decided by the table)."""
    if action in (Action.SUBMIT, Action.EXTEND, Action.ASSIGN):
        if action == Action.ASSIGN and dossier.current_step is not None:
            dossier.current_step.holder = dossier.assignee
            dossier.current_step.save(update_fields=["holder"])
        return
    plan = dossier_plan(dossier)
    current = dossier.current_step
    index = current.plan_index if current is not None else 0
    if action == Action.RECEIVE:
        _open(dossier, plan, 0, now=now)
        return
    if action in (Action.PROVIDE_SUPPLEMENT, Action.CONFIRM_PAYMENT):
        # Waiting ends: the step that handed the dossier to the wait takes it again.
        last = dossier.steps.order_by("-started_at", "-id").first()
        if target != Status.SUBMITTED and last is not None:
            _open(dossier, plan, last.plan_index, now=now, partner=last.agency, task=last.task)
        return
    _close(dossier, now=now, by=actor, action=action, note=note)
    if action == Action.TRANSFER or action == Action.FORWARD:
        following = index + 1
        if following >= len(plan) - 1 or plan[following].actor == StepActor.ONE_STOP_DESK:
            raise DomainError(
                _("This is the last step before approval; the leader approves or refuses the dossier."),
                code="no-next-step",
            )
        partner = _partner_agency(dossier, agency_code) if plan[following].actor == StepActor.OTHER_AGENCY else None
        _open(dossier, plan, following, now=now, partner=partner, task=note if partner else "")
    elif action == Action.SEND_BACK:
        previous = index - 1
        if previous <= 0 or plan[previous].actor in (StepActor.ONE_STOP_DESK, StepActor.OTHER_AGENCY):
            raise DomainError(
                _("There is no earlier step in this agency to send the dossier back to."), code="no-previous-step"
            )
        _open(dossier, plan, previous, now=now)
    elif action == Action.PROPOSE_SUPPLEMENT:
        dossier.supplement_proposal = note
        _open(dossier, plan, index, now=now, as_desk=True)
    elif action in (Action.APPROVE, Action.DENY):
        _open(dossier, plan, len(plan) - 1, now=now)
    elif action == Action.REQUEST_SUPPLEMENT:
        dossier.supplement_proposal = ""


def next_planned_step(dossier: Dossier) -> PlannedStep | None:
    """The step a hand-over (transfer, forward) would open: for the button's label and the agency choice."""
    if dossier.current_step is None:
        return None
    plan = dossier_plan(dossier)
    following = dossier.current_step.plan_index + 1
    return plan[following] if following < len(plan) else None
