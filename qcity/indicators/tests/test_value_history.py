"""The approved-value history behind the trend sparklines (`selectors.indicator_value_history`)."""

from decimal import Decimal as D

import pytest

from qcity.indicators.choices import IndicatorAccumulation, ReportedValueStatus, ReportingPeriodKind
from qcity.indicators.selectors import history_years, indicator_value_history

from .factories import IndicatorFactory, PlanFactory, ReportedValueFactory

pytestmark = pytest.mark.django_db


def test_history_reads_every_indicator_and_unit_in_one_query(city, district, django_assert_num_queries):
    # given a level indicator (annual values, one year only as months) and a count accumulated over the plan
    plan = PlanFactory(period_start=2021, period_end=2025)
    level = IndicatorFactory(plan=plan)
    count = IndicatorFactory(plan=plan, unit="家", accumulation=IndicatorAccumulation.CUMULATIVE, target=50)
    ReportedValueFactory(indicator=level, org_unit=district, year=2022, value=D("96.5"))
    for month, value in ((1, "97.0"), (12, "97.8")):
        ReportedValueFactory(indicator=level, org_unit=district, year=2023, period_kind=ReportingPeriodKind.MONTH,
                             period_number=month, value=D(value))
    ReportedValueFactory(indicator=level, org_unit=district, year=2024, value=D("99"),
                         status=ReportedValueStatus.SUBMITTED)  # not approved: not in the history
    for year, value in ((2021, "10"), (2022, "12.5"), (2023, "8")):
        ReportedValueFactory(indicator=count, org_unit=district, year=year, value=D(value))
    ReportedValueFactory(indicator=level, org_unit=city, year=2023, value=D("98"))

    # when the history of 2022–2024 is read
    with django_assert_num_queries(1):
        history = indicator_value_history(indicators=[level, count], org_units=[city, district],
                                          years=range(2022, 2025))

    # then a level is the year's value (the latest month), a count the running total since the plan began
    assert history[(level.pk, district.pk)] == [(2022, D("96.5")), (2023, D("97.8"))]
    assert history[(count.pk, district.pk)] == [(2022, D("22.5")), (2023, D("30.5"))]
    assert history[(level.pk, city.pk)] == [(2023, D(98))]
    assert history[(count.pk, city.pk)] == []


def test_the_sparkline_spans_the_last_six_years_within_the_plan():
    plans = [PlanFactory.build(period_start=2016, period_end=2025)]
    assert history_years(plans=plans, year=2024) == range(2019, 2025)
    assert history_years(plans=[PlanFactory.build(period_start=2023)], year=2024) == range(2023, 2025)
