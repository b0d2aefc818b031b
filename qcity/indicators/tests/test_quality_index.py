from decimal import Decimal

import pytest

from qcity.indicators.choices import (
    IndicatorComparator,
    IndicatorDomain,
    ReportedValueStatus,
    ReportingPeriodKind,
)
from qcity.indicators.quality_index import quality_index, quality_index_trend
from qcity.indicators.tests.factories import IndicatorFactory, PlanFactory, ReportedValueFactory

pytestmark = pytest.mark.django_db


def _value(indicator, unit, year, value, status=ReportedValueStatus.APPROVED):
    return ReportedValueFactory(indicator=indicator, org_unit=unit, period_kind=ReportingPeriodKind.YEAR, year=year,
                                value=Decimal(value), status=status)


@pytest.fixture
def plan():
    return PlanFactory(period_start=2021, period_end=2025)


def test_sub_index_is_the_mean_attainment_of_its_domain_and_total_the_mean_of_groups(plan, district):
    # given two product indicators (one met, one at half its target) and one service indicator met
    met = IndicatorFactory(plan=plan, domain=IndicatorDomain.PRODUCT, target=90)
    half = IndicatorFactory(plan=plan, domain=IndicatorDomain.PRODUCT, target=80)
    service = IndicatorFactory(plan=plan, domain=IndicatorDomain.SERVICE, target=50)
    _value(met, district, 2025, "95")
    _value(half, district, 2025, "40")
    _value(service, district, 2025, "50")

    # when
    [row] = quality_index(year=2025, org_units=[district], plan=plan)

    # then product = (100 + 50) / 2, service = 100, others without data are None; total = mean(75, 100)
    assert row.product == Decimal("75.00")
    assert row.service == Decimal("100.00")
    assert row.engineering is None and row.environment is None
    assert row.total == Decimal("87.50")


def test_lower_is_better_indicator_scores_goal_over_actual(plan, district):
    # given an accident rate that must stay ≤ 2 and is 4
    rate = IndicatorFactory(plan=plan, domain=IndicatorDomain.ENGINEERING, comparator=IndicatorComparator.AT_MOST, target=2)
    _value(rate, district, 2025, "4")

    [row] = quality_index(year=2025, org_units=[district], plan=plan)

    assert row.engineering == Decimal("50.00")


def test_other_domains_count_only_in_the_total(plan, district):
    product = IndicatorFactory(plan=plan, domain=IndicatorDomain.PRODUCT, target=100)
    brand = IndicatorFactory(plan=plan, domain=IndicatorDomain.BRAND_IP, target=10)
    _value(product, district, 2025, "100")
    _value(brand, district, 2025, "0")

    [row] = quality_index(year=2025, org_units=[district], plan=plan)

    assert row.product == Decimal("100.00")
    assert row.total == Decimal("50.00")  # product 100 and "other" 0, equal weights


def test_no_approved_data_gives_none_everywhere(plan, district, city):
    indicator = IndicatorFactory(plan=plan, domain=IndicatorDomain.PRODUCT, target=90)
    _value(indicator, district, 2025, "95", status=ReportedValueStatus.SUBMITTED)  # not approved: does not count

    rows = quality_index(year=2025, org_units=[district, city], plan=plan)

    assert [r.org_unit for r in rows] == [district, city]
    assert all(r.total is None and r.product is None for r in rows)


def test_without_plan_every_plan_covering_the_year_counts(district):
    old = PlanFactory(period_start=2014, period_end=2017)
    current = PlanFactory(period_start=2021, period_end=2025)
    _value(IndicatorFactory(plan=old, domain=IndicatorDomain.PRODUCT, target=100), district, 2024, "0")
    _value(IndicatorFactory(plan=current, domain=IndicatorDomain.PRODUCT, target=100), district, 2024, "100")

    [row] = quality_index(year=2024, org_units=[district])

    assert row.product == Decimal("100.00")


def test_trend_has_one_row_per_year(plan, district, django_assert_max_num_queries):
    indicator = IndicatorFactory(plan=plan, domain=IndicatorDomain.SERVICE, target=100)
    _value(indicator, district, 2023, "50")
    _value(indicator, district, 2024, "100")

    with django_assert_max_num_queries(3 * 8):
        rows = quality_index_trend(years=range(2023, 2026), org_unit=district, plan=plan)

    assert [(r.year, r.service) for r in rows] == [(2023, Decimal("50.00")), (2024, Decimal("100.00")),
                                                   (2025, None)]


def test_cumulative_counts_sum_the_plan_years_and_months_where_no_annual_value_exists(plan, district, city):
    # given a cumulative count with a year before the plan, annual values, and months where no annual value exists
    from qcity.indicators.choices import IndicatorAccumulation
    from qcity.indicators.selectors import indicator_list, indicator_statuses

    count = IndicatorFactory(plan=plan, domain=IndicatorDomain.PRODUCT, accumulation=IndicatorAccumulation.CUMULATIVE, target=100)
    level = IndicatorFactory(plan=plan, domain=IndicatorDomain.PRODUCT, target=90)
    _value(count, district, 2020, "50")  # before the plan: not counted
    _value(count, district, 2021, "30")
    for month in (1, 2, 3):
        ReportedValueFactory(indicator=count, org_unit=district, period_kind=ReportingPeriodKind.MONTH, year=2022,
                             period_number=month, value=Decimal("7.5"), status=ReportedValueStatus.APPROVED)
    ReportedValueFactory(indicator=count, org_unit=city, period_kind=ReportingPeriodKind.QUARTER, year=2022,
                         period_number=1, value=Decimal("12"), status=ReportedValueStatus.APPROVED)
    _value(level, district, 2022, "80")
    indicators = list(indicator_list(plan=plan))

    # when the statuses are read
    statuses = indicator_statuses(indicators=indicators, org_units=[district, city], year=2022)

    # then the count adds 2021 and the months of 2022, the city its quarter, the level takes its year
    actual = {(s.indicator.pk, s.org_unit.pk): s.result.actual for s in statuses}
    assert actual[(count.pk, district.pk)] == Decimal("52.5")
    assert actual[(count.pk, city.pk)] == Decimal("12")
    assert actual[(level.pk, district.pk)] == Decimal("80")
