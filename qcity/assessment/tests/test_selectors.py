"""The quality index page's reads (`selectors.quality_index_view`): cached, and equal to the computation."""

from decimal import Decimal

import pytest

from qcity.assessment import selectors
from qcity.core.choices import Role
from qcity.indicators.choices import ReportedValueStatus
from qcity.indicators.quality_index import quality_index, quality_index_trend
from qcity.indicators.services.values import reported_value_approve
from qcity.indicators.tests.factories import IndicatorFactory

from .factories import YEAR, plan_for_year, value

pytestmark = pytest.mark.django_db


@pytest.fixture
def index_data(city, district):
    """A rate with the city's value approved and the district's waiting for approval."""
    plan = plan_for_year()
    rate = IndicatorFactory(plan=plan, target=10)
    value(rate, city, 8)
    value(rate, city, 5, year=YEAR - 1)
    waiting = value(rate, district, 10, status=ReportedValueStatus.REVIEWED)
    return {"plan": plan, "rate": rate, "waiting": waiting}


def test_the_cached_index_equals_the_uncached_computation(index_data, city, district):
    # given the page's figures computed once (and cached)
    units = [city, district]
    selectors.quality_index_view(year=None, units=units, unit=city)
    # when they are read again
    view = selectors.quality_index_view(year=None, units=units, unit=city)
    # then they equal the computation without a cache: the latest year, every unit's row, the trend
    assert view.year == YEAR
    assert view.years == range(YEAR - 1, YEAR + 1)
    assert view.rows == quality_index(year=YEAR, org_units=units)
    assert view.trend == quality_index_trend(years=view.years, org_unit=city)
    assert view.rows[0].total is not None and view.rows[1].total is None


def test_a_cached_index_changes_at_once_when_a_value_is_approved(index_data, city, district, make_user):
    # given a cached index where the district has no approved value
    units = [city, district]
    assert selectors.quality_index_view(year=YEAR, units=units, unit=district).rows[1].total is None
    # when the office approves the district's value (an update of the row: no new primary key)
    reported_value_approve(value=index_data["waiting"], by=make_user(Role.LEADERSHIP_OFFICE))
    # then the next read counts it, in the table and in the district's trend
    view = selectors.quality_index_view(year=YEAR, units=units, unit=district)
    assert view.rows[1].total == Decimal("100.00")
    assert view.trend[-1].total == Decimal("100.00")


def test_a_year_without_values_shows_the_latest_one(index_data, city):
    # given values in the last two years only
    # when a year before them is asked for
    view = selectors.quality_index_view(year=YEAR - 3, units=[city], unit=city)
    # then the page shows the latest year
    assert view.year == YEAR
