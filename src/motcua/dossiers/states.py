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
from motcua.dossiers.constants import Action, Outcome, Status


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


APPLICANT = frozenset({Role.CITIZEN, Role.ORGANISATION_REPRESENTATIVE})
DESK = frozenset({Role.DESK_OFFICER})
LEADER = frozenset({Role.AGENCY_LEADER})
PROCESSING_ROLES = frozenset({Role.SPECIALIST, Role.DIVISION_HEAD, Role.AGENCY_LEADER})
WAITING = frozenset({Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED})
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
        # Every supplement request goes through the desk (Art. 5(1)(e)); a specialist proposes it
        # during appraisal and the desk issues form 02.
        Rule(
            Action.REQUEST_SUPPLEMENT,
            frozenset({Status.SUBMITTED, Status.RECEIVED, Status.IN_PROCESSING}),
            Status.SUPPLEMENT_REQUESTED,
            DESK,
            Clock.PAUSE,
            needs_note=True,
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
        ),
        Rule(
            Action.REQUEST_PAYMENT,
            frozenset({Status.IN_PROCESSING}),
            Status.PAYMENT_REQUESTED,
            PROCESSING_ROLES | DESK,
            Clock.PAUSE,
        ),
        Rule(Action.CONFIRM_PAYMENT, frozenset({Status.PAYMENT_REQUESTED}), RESUME, DESK, Clock.RESUME),
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
        ),
        Rule(
            Action.DENY,
            frozenset({Status.IN_PROCESSING}),
            Status.PROCESSED,
            LEADER,
            Clock.STOP,
            outcome=Outcome.DENIED,
            needs_note=True,
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


class TransitionRefused(Exception):
    """The action cannot be taken from this status (stale or illegal)."""

    def __init__(self, action: str, status: str):
        super().__init__(f"{action} is not allowed from {status}")
        self.action = action
        self.status = status


def rule_for(action: str, status: str) -> Rule:
    """The rule that applies, or TransitionRefused."""
    rule = RULES.get(action)
    if rule is None or status not in rule.sources:
        raise TransitionRefused(action, status)
    return rule


def target_status(rule: Rule, *, paused_from: str) -> str:
    return paused_from if rule.target == RESUME else rule.target


def allowed_actions(status: str, roles: frozenset[str] | set[str]) -> list[str]:
    """The actions someone holding `roles` may take on a dossier in `status` (for buttons and the API)."""
    return [a for a, rule in RULES.items() if status in rule.sources and rule.roles & set(roles)]
