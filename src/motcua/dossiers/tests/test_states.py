"""The transition table, checked for every (status, action) pair."""

from __future__ import annotations

import pytest

from motcua.accounts.constants import Role
from motcua.dossiers.constants import FINAL_STATUSES, Action, Status
from motcua.dossiers.states import RESUME, RULES, TransitionRefused, allowed_actions, rule_for

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


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", Action.values)
def test_every_status_action_pair(status, action):
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(TransitionRefused):
            rule_for(action, status)
    else:
        assert rule_for(action, status).target == expected


def test_final_statuses_allow_nothing():
    for status in FINAL_STATUSES:
        assert allowed_actions(status, set(Role.values)) == []


def test_only_the_desk_speaks_to_the_applicant_about_supplements():
    assert RULES[Action.REQUEST_SUPPLEMENT].roles == {Role.DESK_OFFICER}


def test_reasons_are_required_where_the_applicant_is_told_why():
    needing = {a for a, r in RULES.items() if r.needs_note}
    assert needing == {Action.REFUSE_RECEPTION, Action.REQUEST_SUPPLEMENT, Action.EXTEND, Action.DENY, Action.STOP}


def test_allowed_actions_depend_on_the_role():
    assert allowed_actions(Status.IN_PROCESSING, {Role.AGENCY_LEADER}) == [
        Action.REQUEST_PAYMENT,
        Action.EXTEND,
        Action.APPROVE,
        Action.DENY,
        Action.STOP,
    ]
    assert allowed_actions(Status.IN_PROCESSING, {Role.CITIZEN}) == [Action.WITHDRAW]
