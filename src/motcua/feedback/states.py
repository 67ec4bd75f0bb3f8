"""The PAKN state machine as a pure table: for each action, the stages it leaves from, where it goes, who acts."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.feedback.constants import PaknAction, PaknStage

LEADER = "leader"  # the agency's leader
OFFICIAL = "official"  # the agency's leader or one-stop desk officer
SENDER = "sender"  # whoever sent it (their account, or the code and secret)


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    target: str
    actor: str
    needs_text: bool


RULES: dict[str, Rule] = {
    PaknAction.REFUSE: Rule(frozenset({PaknStage.RECEIVED}), PaknStage.REFUSED, OFFICIAL, True),
    PaknAction.REQUEST_INFO: Rule(frozenset({PaknStage.RECEIVED}), PaknStage.INFO_REQUESTED, OFFICIAL, True),
    PaknAction.ANSWER_INFO: Rule(frozenset({PaknStage.INFO_REQUESTED}), PaknStage.RECEIVED, SENDER, True),
    PaknAction.DRAFT: Rule(frozenset({PaknStage.RECEIVED, PaknStage.DRAFTED}), PaknStage.DRAFTED, OFFICIAL, True),
    PaknAction.RETURN_DRAFT: Rule(frozenset({PaknStage.DRAFTED}), PaknStage.RECEIVED, LEADER, False),
    PaknAction.APPROVE: Rule(frozenset({PaknStage.DRAFTED}), PaknStage.ANSWERED, LEADER, False),
    PaknAction.PUBLISH: Rule(frozenset({PaknStage.ANSWERED}), PaknStage.PUBLISHED, OFFICIAL, False),
    PaknAction.RAISE_AGAIN: Rule(
        frozenset({PaknStage.ANSWERED, PaknStage.PUBLISHED, PaknStage.REFUSED}), PaknStage.RECEIVED, SENDER, True
    ),
}
OFFICIAL_ACTIONS = tuple(a for a, rule in RULES.items() if rule.actor in (OFFICIAL, LEADER))
# Stages where the agency owes the next step.
OPEN_STAGES = frozenset({PaknStage.RECEIVED, PaknStage.DRAFTED, PaknStage.INFO_REQUESTED})
# Stages where the sender has the agency's final word (an answer or a refusal), and may react or raise it again.
CONCLUDED = frozenset({PaknStage.ANSWERED, PaknStage.PUBLISHED, PaknStage.REFUSED})


def allowed(stage: str, *, leader: bool) -> list[str]:
    """The officials' actions possible at `stage` (a desk officer's, or also a leader's)."""
    return [
        action
        for action in OFFICIAL_ACTIONS
        if stage in RULES[action].sources and (leader or RULES[action].actor == OFFICIAL)
    ]
