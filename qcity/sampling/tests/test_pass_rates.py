"""Pass rates by category, kind and district, and the computed indicators they feed."""

import datetime
from decimal import Decimal

import pytest

from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.indicators.computed import lookup
from qcity.sampling import services
from qcity.sampling.choices import PassRateGroup, SamplingConclusion
from qcity.sampling.pass_rates import INDICATORS, pass_rates
from qcity.sampling.selectors import sample_list

from .factories import TODAY, concluded, make_sample

pytestmark = pytest.mark.django_db


def test_every_contract_key_is_registered():
    for key in ("sampling.food_pass_rate", "sampling.edible_agricultural_pass_rate",
                "sampling.key_industrial_failure_rate", "sampling.drug_pass_rate"):
        assert key in INDICATORS and lookup(key).compute is not None


def test_rates_count_final_conclusions_by_unit_and_year(city, district, city_plan, samplers):
    other = city.children.exclude(pk=district.pk).first()
    here, there = EnterpriseFactory(org_unit=district), EnterpriseFactory(org_unit=other, name="别区食品厂")
    for n in range(3):
        concluded(make_sample(city_plan, here, samplers, batch=f"ok{n}"))
    concluded(make_sample(city_plan, here, samplers, batch="bad"), fail=True)
    concluded(make_sample(city_plan, there, samplers, batch="x"), fail=True)
    make_sample(city_plan, here, samplers, batch="pending")  # no conclusion yet: not counted
    concluded(make_sample(city_plan, here, samplers, code="GY01", product="电线", batch="g"), fail=True)

    food = lookup("sampling.food_pass_rate").compute
    assert food(city, 2025) == Decimal("60.00")  # 3 of 5
    assert food(district, 2025) == Decimal("75.00")
    assert food(other, 2025) == Decimal("0.00")
    assert food(city, 2024) is None  # no samples that year
    assert lookup("sampling.key_industrial_failure_rate").compute(city, 2025) == Decimal("100.00")
    assert lookup("sampling.drug_pass_rate").compute(city, 2025) is None


def test_a_sample_under_retest_is_not_counted_until_the_retest_concludes(city, city_plan, enterprise, samplers):
    food = lookup("sampling.food_pass_rate").compute
    concluded(make_sample(city_plan, enterprise, samplers, batch="a"))
    failing = concluded(make_sample(city_plan, enterprise, samplers, batch="b"), fail=True)
    assert food(city, 2025) == Decimal("50.00")
    services.sampling_objection_apply(sample=failing, applied_on=datetime.date(2025, 4, 2), reason="x", by=None, today=TODAY)
    assert food(city, 2025) == Decimal("100.00")
    services.retest_conclude(sample=failing, retest_conclusion=SamplingConclusion.FAIL, retest_report_number="F1", by=None,
                             retested_on=datetime.date(2025, 4, 20), today=TODAY)
    assert food(city, 2025) == Decimal("50.00")


def test_pass_rate_table_groups_by_category_kind_and_district(district, city_plan, enterprise, samplers):
    concluded(make_sample(city_plan, enterprise, samplers, batch="a"))
    concluded(make_sample(city_plan, enterprise, samplers, batch="b", code="SP04", product="火腿肠"), fail=True)
    by_category = {r.label: r for r in pass_rates(samples=sample_list(), group=PassRateGroup.CATEGORY)}
    assert by_category["粮食加工品"].pass_rate == Decimal("100.00") and by_category["肉制品"].failed == 1
    (food,) = pass_rates(samples=sample_list(), group=PassRateGroup.KIND)
    assert (food.label, food.total, food.pass_rate, food.failure_rate) == ("食品", 2, Decimal("50.00"), Decimal("50.00"))
    (unit,) = pass_rates(samples=sample_list(), group=PassRateGroup.DISTRICT, date_from=datetime.date(2025, 1, 1),
                         date_to=datetime.date(2025, 12, 31))
    assert unit.label == district.name
    assert pass_rates(samples=sample_list(), date_from=datetime.date(2025, 6, 1)) == []


def test_plan_indicator_values_follow_a_new_failing_sample(city, city_plan, enterprise, samplers,
                                                           django_capture_on_commit_callbacks):
    from qcity.indicators.choices import IndicatorSource
    from qcity.indicators.models import Indicator, ReportedValue
    from qcity.indicators.services import plans_load_builtin

    # given the built-in plans (their food pass-rate indicators are computed) and one passing food sample
    plans_load_builtin(by=None)
    indicators = Indicator.objects.filter(source=IndicatorSource.COMPUTED, computed_key="sampling.food_pass_rate")
    assert indicators.exists()
    with django_capture_on_commit_callbacks(execute=True):
        concluded(make_sample(city_plan, enterprise, samplers, batch="a"))
    values = ReportedValue.objects.filter(indicator__in=indicators, org_unit=city, year=2025)
    assert {v.value for v in values} == {Decimal("100")}

    # when a failing sample is concluded, then the approved values drop at once
    with django_capture_on_commit_callbacks(execute=True):
        concluded(make_sample(city_plan, enterprise, samplers, batch="b"), fail=True)
    assert {v.value for v in values.all()} == {Decimal("50")}
    assert {v.status for v in values.all()} == {"approved"}
