from decimal import Decimal

import factory

from qcity.indicators.choices import (
    IndicatorComparator,
    IndicatorDomain,
    ReportedValueStatus,
    ReportingPeriodKind,
)
from qcity.indicators.models import Indicator, Plan, ReportedValue, Target


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    code = factory.Sequence(lambda n: f"test-plan-{n}")
    title = factory.Sequence(lambda n: f"测试规划 {n}")
    period_start = 2021
    period_end = 2025
    text = "食品抽检合格率稳定在98%以上。新增绿色食品认证50个。"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"I-{n:03d}")
    name = "食品抽检合格率"
    domain = IndicatorDomain.PRODUCT
    unit = "%"
    comparator = IndicatorComparator.AT_LEAST
    quote = "食品抽检合格率稳定在98%以上"
    quote_start = 0

    @factory.post_generation
    def target(self, create, extracted, **kwargs):
        if create:
            Target.objects.create(indicator=self, year=self.plan.period_end, value=Decimal(extracted or 98))


class ReportedValueFactory(factory.django.DjangoModelFactory):
    """ReportedValueFactory(indicator=..., org_unit=unit, year=..., value=...): an approved annual value
    unless told otherwise, straight into the table (no review workflow)."""

    class Meta:
        model = ReportedValue

    indicator = factory.SubFactory(IndicatorFactory)
    period_kind = ReportingPeriodKind.YEAR
    year = factory.LazyAttribute(lambda o: o.indicator.plan.period_end)
    value = Decimal("98")
    status = ReportedValueStatus.APPROVED
