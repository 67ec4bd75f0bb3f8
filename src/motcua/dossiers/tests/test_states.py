"""The transition table, checked for every (status, action) pair."""

from __future__ import annotations

import pytest

from motcua.accounts.constants import Role
from motcua.catalog.constants import StepActor
from motcua.dossiers.constants import FINAL_STATUSES, PARTNER_AGENCY, Action, Status
from motcua.dossiers.states import RESUME, RULES, TransitionRefused, acting_roles, allowed_actions, rule_for

# The legal moves (DOMAIN.md §2.3–2.6): (status, action) → target.
EXPECTED = {
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.RECEIVE): Status.RECEIVED,
    (Status.SUBMITTED, Action.REFUSE_RECEPTION): Status.NOT_ACCEPTED,
    (Status.SUBMITTED, Action.REQUEST_SUPPLEMENT): Status.SUPPLEMENT_REQUESTED,
    (Status.RECEIVED, Action.REQUEST_SUPPLEMENT): Status.SUPPLEMENT_REQUESTED,
    (Status.IN_PROCESSING, Action.REQUEST_SUPPLEMENT): Status.SUPPLEMENT_REQUESTED,
    (Status.SUPPLEMENT_REQUESTED, Action.PROVIDE_SUPPLEMENT): RESUME,
    (Status.RECEIVED, Action.TRANSFER): Status.IN_PROCESSING,
    (Status.IN_PROCESSING, Action.ASSIGN): Status.IN_PROCESSING,
    (Status.IN_PROCESSING, Action.FORWARD): Status.IN_PROCESSING,
    (Status.IN_PROCESSING, Action.SEND_BACK): Status.IN_PROCESSING,
    (Status.IN_PROCESSING, Action.PROPOSE_SUPPLEMENT): Status.IN_PROCESSING,
    (Status.IN_PROCESSING, Action.REQUEST_PAYMENT): Status.PAYMENT_REQUESTED,
    (Status.PAYMENT_REQUESTED, Action.CONFIRM_PAYMENT): RESUME,
    (Status.IN_PROCESSING, Action.EXTEND): Status.IN_PROCESSING,
    (Status.IN_PROCESSING, Action.APPROVE): Status.PROCESSED,
    (Status.IN_PROCESSING, Action.DENY): Status.PROCESSED,
    (Status.PROCESSED, Action.RETURN_RESULT): Status.RETURNED,
    **{(s, Action.WITHDRAW): Status.WITHDRAWN for s in (
        Status.SUBMITTED, Status.RECEIVED, Status.IN_PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED
    )},
    **{(s, Action.STOP): Status.STOPPED for s in (
        Status.RECEIVED, Status.IN_PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED
    )},
}  # fmt: skip


# In processing, the step the dossier is at decides further (DOMAIN.md §2.3 item 5): action → steps.
ANY_STEP = set(StepActor.values)
AT_STEPS = {
    Action.REQUEST_SUPPLEMENT: {StepActor.ONE_STOP_DESK},  # after the division proposed it
    Action.PROPOSE_SUPPLEMENT: {StepActor.DIVISION},
    Action.ASSIGN: {StepActor.DIVISION},
    Action.FORWARD: {StepActor.DIVISION, StepActor.DIVISION_HEAD, StepActor.OTHER_AGENCY},
    Action.SEND_BACK: {StepActor.DIVISION_HEAD, StepActor.LEADER},
    Action.REQUEST_PAYMENT: ANY_STEP - {StepActor.OTHER_AGENCY},
    Action.APPROVE: {StepActor.LEADER},
    Action.DENY: {StepActor.LEADER},
}


@pytest.mark.parametrize("stage", StepActor.values)
@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", Action.values)
def test_every_status_step_and_action(status, stage, action):
    expected = EXPECTED.get((status, action))
    if status == Status.IN_PROCESSING and stage not in AT_STEPS.get(action, ANY_STEP):
        expected = None
    if expected is None:
        with pytest.raises(TransitionRefused):
            rule_for(action, status, stage)
    else:
        assert rule_for(action, status, stage).target == expected


def test_only_the_holder_of_the_step_acts_on_it():
    at_head = RULES[Action.FORWARD]
    assert acting_roles(at_head, {Role.SPECIALIST}, Status.IN_PROCESSING, StepActor.DIVISION_HEAD) == set()
    assert acting_roles(at_head, {Role.SPECIALIST}, Status.IN_PROCESSING, StepActor.DIVISION) == {Role.SPECIALIST}
    assert acting_roles(at_head, {PARTNER_AGENCY}, Status.IN_PROCESSING, StepActor.OTHER_AGENCY) == {PARTNER_AGENCY}
    payment = RULES[Action.REQUEST_PAYMENT]
    assert acting_roles(payment, {Role.DESK_OFFICER}, Status.IN_PROCESSING, StepActor.LEADER) == set()


def test_final_statuses_allow_nothing():
    for status in FINAL_STATUSES:
        assert allowed_actions(status, set(Role.values)) == []


def test_only_the_desk_speaks_to_the_applicant_about_supplements():
    assert RULES[Action.REQUEST_SUPPLEMENT].roles == {Role.DESK_OFFICER}


def test_reasons_are_required_where_the_applicant_is_told_why():
    needing = {a for a, r in RULES.items() if r.needs_note}
    assert needing == {
        Action.REFUSE_RECEPTION,
        Action.REQUEST_SUPPLEMENT,
        Action.PROPOSE_SUPPLEMENT,
        Action.SEND_BACK,
        Action.EXTEND,
        Action.DENY,
        Action.STOP,
    }


def test_allowed_actions_depend_on_the_role():
    assert allowed_actions(Status.IN_PROCESSING, {Role.AGENCY_LEADER}, StepActor.LEADER) == [
        Action.SEND_BACK,
        Action.REQUEST_PAYMENT,
        Action.EXTEND,
        Action.APPROVE,
        Action.DENY,
        Action.STOP,
    ]
    # At the division the leader can still extend or stop, but not approve what is not yet before them.
    assert allowed_actions(Status.IN_PROCESSING, {Role.AGENCY_LEADER}, StepActor.DIVISION) == [
        Action.EXTEND,
        Action.STOP,
    ]
    assert allowed_actions(Status.IN_PROCESSING, {Role.CITIZEN}, StepActor.DIVISION) == [Action.WITHDRAW]
