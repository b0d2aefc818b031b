"""Target status: achieved, on track, at risk or off track, from the trajectory to the target.

The rule (also in the README):

1. The target that applies in year y is the first milestone in or after y (the last one once y is past
   them all). The trajectory runs in a straight line from the start point to that milestone: the start
   point is the plan's baseline (year and value) or, without one, the first approved value in the plan
   period; for a cumulative count it is zero at the end of the year before the plan starts.
2. achieved  — the value meets the milestone (≥, ≤, equal or inside the range).
   on track  — not yet met, but at or beyond the straight-line expectation for year y.
   at risk   — short of the expectation by at most AT_RISK_SHARE of the whole way from start to target.
   off track — further behind, or the milestone year has come and the target is not met.
   no data   — no approved value for the year.
3. A range counts as met inside [low, high]; below it, the low bound is the target (≥); above it, the high
   bound (≤). An equality target is treated as ≥ or ≤ depending on which side the start point lies.
4. Without any start point before y, a value that does not yet meet the target is at risk before the
   milestone year and off track from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .choices import IndicatorAccumulation, IndicatorComparator, TargetStatus

AT_RISK_SHARE = Decimal("0.10")


@dataclass(frozen=True)
class Milestone:
    year: int
    value: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None


@dataclass(frozen=True)
class StatusResult:
    status: str
    milestone: Milestone | None
    expected: Decimal | None
    actual: Decimal | None

    @property
    def attainment(self) -> Decimal | None:
        """How far along the way to the milestone (1 = met), capped to [0, 1]; used by scores and the index."""
        if self.actual is None or self.milestone is None:
            return None
        if self.status == TargetStatus.ACHIEVED:
            return Decimal(1)
        goal = self.milestone.value if self.milestone.value is not None else self.milestone.low
        if goal is None or goal == 0:
            return Decimal(0)
        ratio = self.actual / goal if self.actual <= goal else goal / self.actual
        return max(Decimal(0), min(Decimal(1), ratio))


def milestone_for(milestones: list[Milestone], year: int) -> Milestone | None:
    ordered = sorted(milestones, key=lambda m: m.year)
    for milestone in ordered:
        if milestone.year >= year:
            return milestone
    return ordered[-1] if ordered else None


def _direction(comparator: str, milestone: Milestone, actual: Decimal, start: Decimal | None) -> tuple[str, Decimal]:
    """Reduce every comparator to ≥ goal or ≤ goal for this value."""
    if comparator == IndicatorComparator.RANGE:
        return (IndicatorComparator.AT_LEAST, milestone.low) if actual < milestone.low else (IndicatorComparator.AT_MOST, milestone.high)
    if comparator == IndicatorComparator.EQUAL:
        below = (start if start is not None else actual) <= milestone.value
        return (IndicatorComparator.AT_LEAST if below else IndicatorComparator.AT_MOST), milestone.value
    return comparator, milestone.value


def _meets(comparator: str, milestone: Milestone, actual: Decimal) -> bool:
    if comparator == IndicatorComparator.RANGE:
        return milestone.low <= actual <= milestone.high
    if comparator == IndicatorComparator.EQUAL:
        return actual == milestone.value
    if comparator == IndicatorComparator.AT_MOST:
        return actual <= milestone.value
    return actual >= milestone.value


def target_status(*, comparator: str, accumulation: str, milestones: list[Milestone], year: int,
                  actual: Decimal | None, start: tuple[int, Decimal] | None, plan_start: int) -> StatusResult:
    """Status of one indicator for one unit and year. `actual` is the year's value (for a cumulative
    count: the total since the plan started); `start` is (year, value) of the trajectory's start point."""
    milestone = milestone_for(milestones, year)
    if milestone is None or actual is None:
        return StatusResult(TargetStatus.NO_DATA, milestone, None, actual)
    if accumulation == IndicatorAccumulation.CUMULATIVE:
        start = (plan_start - 1, Decimal(0))
    if _meets(comparator, milestone, actual):
        return StatusResult(TargetStatus.ACHIEVED, milestone, None, actual)
    start_year, start_value = start if start is not None and start[0] < year else (None, None)
    direction, goal = _direction(comparator, milestone, actual, start_value)
    if year >= milestone.year:
        return StatusResult(TargetStatus.OFF_TRACK, milestone, goal, actual)
    if start_year is None or milestone.year <= start_year:
        return StatusResult(TargetStatus.AT_RISK, milestone, None, actual)
    share = Decimal(year - start_year) / Decimal(milestone.year - start_year)
    expected = start_value + (goal - start_value) * share
    shortfall = expected - actual if direction == IndicatorComparator.AT_LEAST else actual - expected
    if shortfall <= 0:
        return StatusResult(TargetStatus.ON_TRACK, milestone, expected, actual)
    whole_way = abs(goal - start_value) or abs(goal) or Decimal(1)
    status = TargetStatus.AT_RISK if shortfall <= whole_way * AT_RISK_SHARE else TargetStatus.OFF_TRACK
    return StatusResult(status, milestone, expected, actual)
