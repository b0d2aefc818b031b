"""The target-status rule (status.py): pure functions, no database."""

from decimal import Decimal as D

import pytest

from qcity.indicators.choices import IndicatorAccumulation, IndicatorComparator, TargetStatus
from qcity.indicators.status import Milestone, milestone_for, target_status

M2025 = [Milestone(2025, D(98))]


def status(actual, *, year=2023, comparator=IndicatorComparator.AT_LEAST, milestones=M2025, start=(2020, D(90)),
           accumulation=IndicatorAccumulation.LEVEL):
    return target_status(comparator=comparator, accumulation=accumulation, milestones=milestones, year=year,
                         actual=None if actual is None else D(str(actual)), start=start, plan_start=2021)


def test_value_meeting_the_target_is_achieved_even_early():
    assert status(98.5).status == TargetStatus.ACHIEVED


def test_on_the_straight_line_or_ahead_is_on_track():
    # given a line from 90 (2020) to 98 (2025): 2023 expects 94.8
    result = status(95)
    assert result.status == TargetStatus.ON_TRACK
    assert result.expected == D("94.8")


def test_slightly_behind_is_at_risk_and_far_behind_is_off_track():
    # the whole way is 8 points; at risk up to 0.8 behind the line
    assert status(94.2).status == TargetStatus.AT_RISK
    assert status(93.5).status == TargetStatus.OFF_TRACK


def test_missing_the_target_in_the_milestone_year_is_off_track():
    assert status(97.9, year=2025).status == TargetStatus.OFF_TRACK


def test_no_value_is_no_data():
    assert status(None).status == TargetStatus.NO_DATA


def test_at_most_targets_move_downwards():
    # failure rate from 8 % (2020) to at most 5 % (2025): 2023 expects 6.2
    kwargs = {"comparator": IndicatorComparator.AT_MOST, "milestones": [Milestone(2025, D(5))], "start": (2020, D(8))}
    assert status(4.9, **kwargs).status == TargetStatus.ACHIEVED
    assert status(6.0, **kwargs).status == TargetStatus.ON_TRACK
    assert status(6.4, **kwargs).status == TargetStatus.AT_RISK
    assert status(7.5, **kwargs).status == TargetStatus.OFF_TRACK


def test_range_is_met_inside_and_chased_from_either_side():
    kwargs = {"comparator": IndicatorComparator.RANGE, "milestones": [Milestone(2025, None, D(5), D(7))], "start": (2020, D(0))}
    assert status(6, **kwargs).status == TargetStatus.ACHIEVED
    assert status(3.5, **kwargs).status == TargetStatus.ON_TRACK  # line to 5: expects 3 in 2023
    assert status(8, year=2025, **kwargs).status == TargetStatus.OFF_TRACK


def test_cumulative_counts_start_from_zero_at_the_plan_start():
    # 50 new products by 2025, counted from 2021: 2023 expects 30
    kwargs = {"accumulation": IndicatorAccumulation.CUMULATIVE, "milestones": [Milestone(2025, D(50))], "start": None}
    assert status(31, **kwargs).status == TargetStatus.ON_TRACK
    assert status(24, **kwargs).status == TargetStatus.OFF_TRACK
    assert status(28, **kwargs).status == TargetStatus.AT_RISK


def test_without_a_start_point_an_unmet_target_is_at_risk_before_its_year():
    assert status(90, start=None).status == TargetStatus.AT_RISK


def test_the_next_milestone_applies_then_the_last_one():
    milestones = [Milestone(2022, D(97)), Milestone(2025, D(98))]
    assert milestone_for(milestones, 2021).year == 2022
    assert milestone_for(milestones, 2022).year == 2022
    assert milestone_for(milestones, 2023).year == 2025
    assert milestone_for(milestones, 2027).year == 2025


@pytest.mark.parametrize(("comparator", "goal", "actual", "expected"), [
    (IndicatorComparator.AT_LEAST, 98, 49, "0.5"),
    (IndicatorComparator.AT_MOST, 5, 10, "0.5"),
    (IndicatorComparator.AT_LEAST, 98, 99, "1"),
])
def test_attainment_is_the_share_of_the_way_capped_at_one(comparator, goal, actual, expected):
    result = status(actual, comparator=comparator, milestones=[Milestone(2025, D(goal))], start=None)
    assert result.attainment == D(expected)
