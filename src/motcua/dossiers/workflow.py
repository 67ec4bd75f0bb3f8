"""The internal process (quy trình nội bộ) a dossier follows, and how each step is judged. Pure.

A procedure's template lists its steps (who does them, the time each may take). The plan a dossier
follows is that template made complete: it starts at the one-stop desk, has the agency leader's
approval, and ends back at the desk (Decree 61/2018 Art. 17–20). A procedure without a template
gets the standard one, its steps adding up to the legal time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from motcua.catalog.constants import StepActor
from motcua.dossiers.constants import Timeliness

HALF_DAY = Decimal("0.5")
WORKING_HOURS_PER_DAY = 8  # Labour Code 2019 Art. 105: a normal working day has 8 hours


@dataclass(frozen=True)
class PlannedStep:
    name: str
    actor: str  # a StepActor
    duration: Decimal  # 0: no separate limit
    unit: str = "working_days"  # a PeriodUnit


DESK_RECEIVES = "Tiếp nhận, kiểm tra và chuyển hồ sơ"
DESK_RETURNS = "Trả kết quả"
LEADER_APPROVES = "Phê duyệt, ký kết quả"


def standard_steps(total: Decimal, unit: str) -> list[PlannedStep]:
    """desk → division → head → leader → desk, adding up to the legal time (in working days)."""
    days = total if unit == "working_days" else (total * 5 / 7).quantize(Decimal("1"))
    division = max(days - 4 * HALF_DAY, HALF_DAY)
    return [
        PlannedStep(DESK_RECEIVES, StepActor.ONE_STOP_DESK, HALF_DAY),
        PlannedStep("Thẩm định hồ sơ, dự thảo kết quả", StepActor.DIVISION, division),
        PlannedStep("Xem xét, trình ký", StepActor.DIVISION_HEAD, HALF_DAY),
        PlannedStep(LEADER_APPROVES, StepActor.LEADER, HALF_DAY),
        PlannedStep(DESK_RETURNS, StepActor.ONE_STOP_DESK, HALF_DAY),
    ]


def process_plan(template: Iterable[PlannedStep], total: Decimal | None, unit: str) -> list[PlannedStep]:
    """The template completed so that it starts at the desk, passes the leader and ends at the desk."""
    steps = list(template)
    if not steps:
        return standard_steps(total or Decimal(0), unit)
    if steps[0].actor != StepActor.ONE_STOP_DESK:
        steps.insert(0, PlannedStep(DESK_RECEIVES, StepActor.ONE_STOP_DESK, Decimal(0)))
    if len(steps) == 1 or steps[-1].actor != StepActor.ONE_STOP_DESK:
        steps.append(PlannedStep(DESK_RETURNS, StepActor.ONE_STOP_DESK, Decimal(0)))
    if not any(s.actor == StepActor.LEADER for s in steps):
        steps.insert(len(steps) - 1, PlannedStep(LEADER_APPROVES, StepActor.LEADER, Decimal(0)))
    return steps


def step_period(step: PlannedStep) -> tuple[float, str] | None:
    """The step's limit as an amount and a calendar unit; half days are counted in working hours."""
    if step.duration <= 0:
        return None
    if step.unit == "working_days" and step.duration != step.duration.to_integral_value():
        return float(step.duration * WORKING_HOURS_PER_DAY), "working_hours"
    return float(step.duration), step.unit


def timeliness(finished_at: datetime, due_at: datetime | None) -> str:
    """Early before the due date's day, on time on that day up to the due time, late after it (DOMAIN.md §2.7)."""
    if due_at is None:
        return ""
    if finished_at > due_at:
        return Timeliness.LATE
    finished_day = finished_at.astimezone(due_at.tzinfo).date()
    return Timeliness.EARLY if finished_day < due_at.date() else Timeliness.ON_TIME
