"""Status reads each unit's own target (指标分解): `selectors.indicator_statuses` and the ranking."""

from decimal import Decimal as D

import pytest

from qcity.indicators.choices import (
    IndicatorAccumulation,
    IndicatorDecomposition,
    TargetDecompositionStatus,
    TargetStatus,
)
from qcity.indicators.selectors import indicator_list, indicator_statuses, status_counts, unit_ranking

from .factories import (
    IndicatorFactory,
    PlanFactory,
    ReportedValueFactory,
    TargetDecompositionFactory,
    UnitTargetFactory,
)

pytestmark = pytest.mark.django_db


def _status(indicator, unit, year=2025):
    (item,) = indicator_statuses(indicators=[indicator], org_units=[unit], year=year)
    return item


def test_a_district_is_held_to_its_confirmed_share_of_a_total(city, district):
    # given a city total of 9000 split so that the district owes 600, and the district reporting 650
    plan = PlanFactory(period_start=2021, period_end=2025)
    total = IndicatorFactory(plan=plan, name="绿色建筑面积", unit="万平方米", target=9000,
                             decomposition=IndicatorDecomposition.SPLIT)
    UnitTargetFactory(decomposition=TargetDecompositionFactory(indicator=total, year=2025), org_unit=district,
                      value=D(600))
    ReportedValueFactory(indicator=total, org_unit=district, year=2025, value=D(650))

    item = _status(total, district)

    # then the district has achieved its own target, not failed the city's
    assert item.status == TargetStatus.ACHIEVED
    assert item.result.milestone.value == D(600)


def test_a_draft_split_is_not_read_and_the_district_is_not_graded_on_the_city_total(city, district):
    plan = PlanFactory(period_start=2021, period_end=2025)
    total = IndicatorFactory(plan=plan, name="绿色建筑面积", unit="万平方米", target=9000,
                             decomposition=IndicatorDecomposition.SPLIT)
    draft = TargetDecompositionFactory(indicator=total, year=2025, status=TargetDecompositionStatus.DRAFT)
    UnitTargetFactory(decomposition=draft, org_unit=district, value=D(600))
    ReportedValueFactory(indicator=total, org_unit=district, year=2025, value=D(650))

    item = _status(total, district)

    assert item.status == TargetStatus.NOT_APPLICABLE
    assert item.reason


def test_a_uniform_rate_defaults_to_the_city_value_and_a_stricter_district_value_wins(city, district):
    plan = PlanFactory(period_start=2021, period_end=2025)
    rate = IndicatorFactory(plan=plan, target=98, decomposition=IndicatorDecomposition.UNIFORM)
    ReportedValueFactory(indicator=rate, org_unit=district, year=2025, value=D("98.5"))
    assert _status(rate, district).status == TargetStatus.ACHIEVED

    UnitTargetFactory(decomposition=TargetDecompositionFactory(indicator=rate, year=2025), org_unit=district,
                      value=D(99))

    item = _status(rate, district)
    assert item.status != TargetStatus.ACHIEVED
    assert item.result.milestone.value == D(99)


def test_a_city_only_title_is_not_applicable_to_a_district_but_graded_for_the_city(city, district):
    plan = PlanFactory(period_start=2021, period_end=2025)
    title = IndicatorFactory(plan=plan, name="中国质量奖", unit="项", target=2,
                             accumulation=IndicatorAccumulation.CUMULATIVE,
                             decomposition=IndicatorDecomposition.CITY_ONLY)
    ReportedValueFactory(indicator=title, org_unit=city, year=2025, value=D(2))
    ReportedValueFactory(indicator=title, org_unit=district, year=2025, value=D(0))

    statuses = indicator_statuses(indicators=[title], org_units=[city, district], year=2025)
    by_unit = {s.org_unit.pk: s for s in statuses}

    assert by_unit[city.pk].status == TargetStatus.ACHIEVED
    assert by_unit[district.pk].status == TargetStatus.NOT_APPLICABLE
    assert by_unit[district.pk].result.milestone is None


def test_not_applicable_counts_neither_as_lagging_nor_in_the_ranking(city, district):
    # given a district achieving its rate and a city-only title it cannot hold
    plan = PlanFactory(period_start=2021, period_end=2025)
    rate = IndicatorFactory(plan=plan, target=98, decomposition=IndicatorDecomposition.UNIFORM)
    title = IndicatorFactory(plan=plan, name="中国质量奖", unit="项", target=2,
                             decomposition=IndicatorDecomposition.CITY_ONLY)
    ReportedValueFactory(indicator=rate, org_unit=district, year=2025, value=D(99))
    ReportedValueFactory(indicator=title, org_unit=district, year=2025, value=D(0))

    statuses = indicator_statuses(indicators=[rate, title], org_units=[district], year=2025)
    counts = status_counts(statuses)
    (standing,) = unit_ranking(statuses)

    assert counts[TargetStatus.ACHIEVED] == 1
    assert counts[TargetStatus.OFF_TRACK] == counts[TargetStatus.AT_RISK] == 0
    assert standing.attainment == D(1)


def test_unit_targets_are_read_in_one_query_for_many_units(city, district, django_assert_max_num_queries):
    plan = PlanFactory(period_start=2021, period_end=2025)
    others = list(city.children.order_by("pk")[:5])
    indicators = [IndicatorFactory(plan=plan, decomposition=IndicatorDecomposition.SPLIT, unit="家", target=100)
                  for _ in range(4)]
    for indicator in indicators:
        decomposition = TargetDecompositionFactory(indicator=indicator, year=2025)
        for unit in others:
            UnitTargetFactory(decomposition=decomposition, org_unit=unit, value=D(20))

    listed = list(indicator_list(plan=plan))  # targets prefetched, as the pages read them

    # values (2), first values, unit targets, status rule: a fixed number whatever the size
    with django_assert_max_num_queries(5):
        statuses = indicator_statuses(indicators=listed, org_units=[city, *others], year=2025)

    assert len(statuses) == 4 * 6
    assert {s.result.milestone.value for s in statuses if s.org_unit.parent_id} == {D(20)}
