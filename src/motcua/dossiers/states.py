"""The dossier state machine as a pure table (DOMAIN.md §2.3–2.6, §3.4).

For each action: the statuses it leaves from, the status it goes to, who may take it, and what it
does to the deadline clock. `RESUME` as a target means "back to the status the dossier was in
before the pause" (a supplement requested at reception returns to SUBMITTED, one requested during
appraisal to IN_PROCESSING).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from motcua.accounts.constants import Role
from motcua.catalog.constants import StepActor
from motcua.dossiers.constants import PARTNER_AGENCY, Action, Outcome, Status


class Clock(Enum):
    NONE = "none"  # no effect on the deadline
    START = "start"  # the complete dossier is received: the due date is set
    PAUSE = "pause"  # waiting for the applicant (supplement, payment)
    RESTART = "restart"  # a supplement during appraisal: the period starts again from zero (Decree 61/2018 Art. 19(4))
    RESUME = "resume"  # waiting ends without restarting (payment, supplement at reception)
    EXTEND = "extend"  # apology and a new date, once (Art. 19(9)); the original due date is kept
    STOP = "stop"  # processing ends


RESUME = "resume"


@dataclass(frozen=True)
class Rule:
    action: str
    sources: frozenset[str]
    target: str  # a Status, or RESUME
    roles: frozenset[str]
    clock: Clock
    outcome: str = ""
    needs_note: bool = False  # a reason the applicant is told
    # Within the internal process: the kinds of step (StepActor) the dossier must be at; empty = any.
    stages: frozenset[str] = frozenset()


APPLICANT = frozenset({Role.CITIZEN, Role.ORGANISATION_REPRESENTATIVE})
DESK = frozenset({Role.DESK_OFFICER})
LEADER = frozenset({Role.AGENCY_LEADER})
PROCESSING_ROLES = frozenset({Role.SPECIALIST, Role.DIVISION_HEAD, Role.AGENCY_LEADER})
DIVISION = frozenset({Role.SPECIALIST, Role.DIVISION_HEAD})
# Held by no user: the payment service acts with it when a payment provider confirms a payment.
PAYMENT_PROVIDER = "payment_provider"
WAITING = frozenset({Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED})
AT_DESK = frozenset({StepActor.ONE_STOP_DESK})
AT_DIVISION = frozenset({StepActor.DIVISION})
AT_LEADER = frozenset({StepActor.LEADER})
OPEN = frozenset({Status.SUBMITTED, Status.RECEIVED, Status.IN_PROCESSING, *WAITING})

RULES: dict[str, Rule] = {
    rule.action: rule
    for rule in [
        Rule(Action.SUBMIT, frozenset({Status.DRAFT}), Status.SUBMITTED, APPLICANT, Clock.NONE),
        Rule(Action.RECEIVE, frozenset({Status.SUBMITTED}), Status.RECEIVED, DESK, Clock.START),
        Rule(
            Action.REFUSE_RECEPTION,
            frozenset({Status.SUBMITTED}),
            Status.NOT_ACCEPTED,
            DESK,
            Clock.NONE,
            outcome=Outcome.NOT_ACCEPTED,
            needs_note=True,
        ),
        # Every supplement request goes through the desk (Art. 5(1)(e)): during appraisal the division
        # proposes it, the dossier comes back to the desk, and the desk issues form 02.
        Rule(
            Action.PROPOSE_SUPPLEMENT,
            frozenset({Status.IN_PROCESSING}),
            Status.IN_PROCESSING,
            DIVISION,
            Clock.NONE,
            needs_note=True,
            stages=AT_DIVISION,
        ),
        Rule(
            Action.REQUEST_SUPPLEMENT,
            frozenset({Status.SUBMITTED, Status.RECEIVED, Status.IN_PROCESSING}),
            Status.SUPPLEMENT_REQUESTED,
            DESK,
            Clock.PAUSE,
            needs_note=True,
            stages=AT_DESK,
        ),
        Rule(
            Action.PROVIDE_SUPPLEMENT,
            frozenset({Status.SUPPLEMENT_REQUESTED}),
            RESUME,
            APPLICANT | DESK,
            Clock.RESTART,
        ),
        Rule(Action.TRANSFER, frozenset({Status.RECEIVED}), Status.IN_PROCESSING, DESK, Clock.NONE),
        # The division head gives the dossier to one of the division's specialists (Art. 19(1)).
        Rule(
            Action.ASSIGN,
            frozenset({Status.IN_PROCESSING}),
            Status.IN_PROCESSING,
            frozenset({Role.DIVISION_HEAD}),
            Clock.NONE,
            stages=AT_DIVISION,
        ),
        # The holder of a step hands the dossier to the next step of the process: the specialist to the
        # head, the head to the leader, another agency back to the lead agency (Art. 19(1), (6)).
        Rule(
            Action.FORWARD,
            frozenset({Status.IN_PROCESSING}),
            Status.IN_PROCESSING,
            DIVISION | {PARTNER_AGENCY},
            Clock.NONE,
            stages=frozenset({StepActor.DIVISION, StepActor.DIVISION_HEAD, StepActor.OTHER_AGENCY}),
        ),
        Rule(
            Action.SEND_BACK,
            frozenset({Status.IN_PROCESSING}),
            Status.IN_PROCESSING,
            frozenset({Role.DIVISION_HEAD, Role.AGENCY_LEADER}),
            Clock.NONE,
            needs_note=True,
            stages=frozenset({StepActor.DIVISION_HEAD, StepActor.LEADER}),
        ),
        Rule(
            Action.REQUEST_PAYMENT,
            frozenset({Status.IN_PROCESSING}),
            Status.PAYMENT_REQUESTED,
            PROCESSING_ROLES | DESK,
            Clock.PAUSE,
            # whoever holds the dossier at the time (narrowed by STEP_HOLDERS)
            stages=frozenset(StepActor.values) - {StepActor.OTHER_AGENCY},
        ),
        Rule(
            Action.CONFIRM_PAYMENT,
            frozenset({Status.PAYMENT_REQUESTED}),
            RESUME,
            DESK | {PAYMENT_PROVIDER},
            Clock.RESUME,
        ),
        Rule(
            Action.EXTEND,
            frozenset({Status.IN_PROCESSING}),
            Status.IN_PROCESSING,
            LEADER,
            Clock.EXTEND,
            needs_note=True,
        ),
        Rule(
            Action.APPROVE,
            frozenset({Status.IN_PROCESSING}),
            Status.PROCESSED,
            LEADER,
            Clock.STOP,
            outcome=Outcome.APPROVED,
            stages=AT_LEADER,
        ),
        Rule(
            Action.DENY,
            frozenset({Status.IN_PROCESSING}),
            Status.PROCESSED,
            LEADER,
            Clock.STOP,
            outcome=Outcome.DENIED,
            needs_note=True,
            stages=AT_LEADER,
        ),
        Rule(Action.RETURN_RESULT, frozenset({Status.PROCESSED}), Status.RETURNED, DESK, Clock.NONE),
        Rule(Action.WITHDRAW, OPEN, Status.WITHDRAWN, APPLICANT | DESK, Clock.STOP, outcome=Outcome.WITHDRAWN),
        Rule(
            Action.STOP,
            frozenset({Status.RECEIVED, Status.IN_PROCESSING, *WAITING}),
            Status.STOPPED,
            LEADER,
            Clock.STOP,
            outcome=Outcome.STOPPED,
            needs_note=True,
        ),
    ]
}


# Who holds each kind of step: an action bound to steps is taken by the step's holder only.
STEP_HOLDERS: dict[str, frozenset[str]] = {
    StepActor.ONE_STOP_DESK: DESK,
    StepActor.DIVISION: DIVISION,
    StepActor.DIVISION_HEAD: frozenset({Role.DIVISION_HEAD}),
    StepActor.LEADER: LEADER,
    StepActor.OTHER_AGENCY: frozenset({PARTNER_AGENCY}),
}


def acting_roles(rule: Rule, roles: frozenset[str] | set[str], status: str, stage: str) -> frozenset[str]:
    """Which of `roles` may take `rule`'s action: the rule's roles, narrowed to the step's holders."""
    acting = rule.roles & set(roles)
    if rule.stages and status == Status.IN_PROCESSING:
        acting &= STEP_HOLDERS.get(stage, frozenset())
    return frozenset(acting)


class TransitionRefused(Exception):
    """The action cannot be taken from this status, or at this step (stale or illegal)."""

    def __init__(self, action: str, status: str, stage: str = ""):
        super().__init__(f"{action} is not allowed from {status} {stage}".strip())
        self.action = action
        self.status = status
        self.stage = stage


def rule_for(action: str, status: str, stage: str = "") -> Rule:
    """The rule that applies at `status` and (in processing) the current step's kind, or TransitionRefused.

    A step condition binds only while the dossier is in processing; before that, at reception, the
    dossier is with the desk anyway.
    """
    rule = RULES.get(action)
    if rule is None or status not in rule.sources:
        raise TransitionRefused(action, status)
    if rule.stages and status == Status.IN_PROCESSING and stage not in rule.stages:
        raise TransitionRefused(action, status, stage)
    return rule


def target_status(rule: Rule, *, paused_from: str) -> str:
    return paused_from if rule.target == RESUME else rule.target


def allowed_actions(status: str, roles: frozenset[str] | set[str], stage: str = "") -> list[str]:
    """The actions someone holding `roles` may take on a dossier in `status` at `stage` (buttons, the API)."""
    allowed = []
    for action, rule in RULES.items():
        try:
            rule_for(action, status, stage)
        except TransitionRefused:
            continue
        if acting_roles(rule, roles, status, stage):
            allowed.append(action)
    return allowed
