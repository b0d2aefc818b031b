"""Target status: achieved, on track, at risk or off track, from the trajectory to the target.

The rule (also in the README, "Target status"):

1. The target that applies in year y is the first milestone in or after y (the last one once y is past
   them all). The trajectory runs in a straight line from the start point to that milestone: the start
   point is the plan's baseline (year and value) or, without one, the first approved value in the plan
   period; for a cumulative count it is zero at the end of the year before the plan starts. From the
   milestone year on, the expected value is the target itself. The expected value is computed whenever a
   trajectory exists, whatever the status, so pages can show it next to the actual value.
2. A range counts as met inside [low, high]; below it, the low bound is the target (≥); above it, the high
   bound (≤). An equality target is treated as ≥ or ≤ depending on which side the start point lies.
3. achieved — the value meets the milestone (≥, ≤, equal or inside the range).
   Otherwise the shortfall behind the expected value is measured as a share of the WHOLE WAY, the
   distance from the start point to the target (at least MIN_WAY_SHARE of the target itself):
     lag = (expected − actual) / whole way        (for ≤ targets: (actual − expected) / whole way)
   with the office's parameters (`StatusRule`: tolerance t = 0.05, at-risk share a = 0.25 by default):
   on track  — lag ≤ t, before the milestone year (at or ahead of the line, or behind it by a little);
   at risk   — lag ≤ a; and in the milestone year (or later), every unmet value with lag ≤ a: the
               deadline has come, so an unmet target is never "on track", but a value within reach is
               at risk, not off track;
   off track — lag > a;
   no data   — no approved value for the year.
4. Without any start point before y there is no trajectory: an unmet target is at risk before the
   milestone year; from the milestone year the expected value is the target and the whole way is
   taken as MIN_WAY_SHARE of the target (by default a value within 0.5 % of it is at risk, further off track).

Why the whole way and not the gap still left after this period (target − expected): that gap shrinks to
zero in the milestone year, so any shortfall, however small, would be "off track" exactly when a target
is nearly met — 97.73 % against 98 % was shown in red next to the programme's real laggards. The whole
way is the scale the plan set itself and stays the same over the period: 97.73 % against 98 % from a
start of 96 % lags 0.27 of a 2-point way (13.5 %): on track while the line still allows it (2023 expects
97.2), at risk in the milestone year; off track needs a lag of more than a quarter of the way (below
97.5 %). The floor (2 % of a 98 % target is 1.96 points) keeps a start point that was already next to the
target (97.9 → 98) from turning every wobble into "off track".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .choices import IndicatorAccumulation, IndicatorComparator, TargetStatus

# The whole way is at least this share of the target (see rule 3 and the closing paragraph).
MIN_WAY_SHARE = Decimal("0.02")


@dataclass(frozen=True)
class StatusParameters:
    """The office-editable parameters of the grading (`models.StatusRule`), as shares of the whole way."""

    on_track_tolerance: Decimal = Decimal("0.05")
    at_risk_share: Decimal = Decimal("0.25")


DEFAULT_PARAMETERS = StatusParameters()


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
    lag: Decimal | None = None  # shortfall behind the expected value as a share of the whole way (≤ 0: ahead)

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


def _direction(comparator: str, milestone: Milestone, side: Decimal, start: Decimal | None) -> tuple[str, Decimal]:
    """Reduce every comparator to ≥ goal or ≤ goal, chasing a range from the side `side` lies on."""
    if comparator == IndicatorComparator.RANGE:
        return (IndicatorComparator.AT_LEAST, milestone.low) if side < milestone.low else (IndicatorComparator.AT_MOST, milestone.high)
    if comparator == IndicatorComparator.EQUAL:
        below = (start if start is not None else side) <= milestone.value
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


def _expected(goal: Decimal, milestone_year: int, year: int, start_year: int | None, start_value: Decimal | None
              ) -> Decimal | None:
    """The value on the straight line for `year`; the target itself from the milestone year on."""
    if year >= milestone_year:
        return goal
    if start_year is None or milestone_year <= start_year:
        return None
    return start_value + (goal - start_value) * Decimal(year - start_year) / Decimal(milestone_year - start_year)


def _whole_way(goal: Decimal, start_value: Decimal | None) -> Decimal:
    floor = abs(goal) * MIN_WAY_SHARE
    way = abs(goal - start_value) if start_value is not None else Decimal(0)
    return max(way, floor) or Decimal(1)


def target_status(*, comparator: str, accumulation: str, milestones: list[Milestone], year: int,
                  actual: Decimal | None, start: tuple[int, Decimal] | None, plan_start: int,
                  rule: StatusParameters = DEFAULT_PARAMETERS) -> StatusResult:
    """Status of one indicator for one unit and year. `actual` is the year's value (for a cumulative
    count: the total since the plan started); `start` is (year, value) of the trajectory's start point;
    `rule` holds the office's tolerance and at-risk share."""
    milestone = milestone_for(milestones, year)
    if milestone is None:
        return StatusResult(TargetStatus.NO_DATA, milestone, None, actual)
    if accumulation == IndicatorAccumulation.CUMULATIVE:
        start = (plan_start - 1, Decimal(0))
    start_year, start_value = start if start is not None and start[0] < year else (None, None)
    if actual is None or _meets(comparator, milestone, actual):
        # the expected value is still shown: chase the bound on the start point's side (or the value's)
        side = start_value if start_value is not None else actual
        goal = _direction(comparator, milestone, side, start_value)[1] if side is not None else (
            milestone.value if milestone.value is not None else milestone.low)
        expected = _expected(goal, milestone.year, year, start_year, start_value)
        status = TargetStatus.NO_DATA if actual is None else TargetStatus.ACHIEVED
        return StatusResult(status, milestone, expected, actual)
    direction, goal = _direction(comparator, milestone, actual, start_value)
    expected = _expected(goal, milestone.year, year, start_year, start_value)
    if expected is None:
        return StatusResult(TargetStatus.AT_RISK, milestone, None, actual)
    shortfall = expected - actual if direction == IndicatorComparator.AT_LEAST else actual - expected
    lag = shortfall / _whole_way(goal, start_value)
    if lag <= rule.on_track_tolerance and year < milestone.year:
        status = TargetStatus.ON_TRACK
    elif lag <= rule.at_risk_share:
        status = TargetStatus.AT_RISK
    else:
        status = TargetStatus.OFF_TRACK
    return StatusResult(status, milestone, expected, actual, lag)
