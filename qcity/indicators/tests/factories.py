from decimal import Decimal

import factory

from qcity.indicators.choices import (
    IndicatorComparator,
    IndicatorDomain,
    ReportedValueStatus,
    ReportingPeriodKind,
    TargetDecompositionStatus,
)
from qcity.indicators.models import (
    Indicator,
    Plan,
    ReportedValue,
    StatusRule,
    Target,
    TargetDecomposition,
    UnitTarget,
)


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


class TargetDecompositionFactory(factory.django.DjangoModelFactory):
    """A decomposition straight into the table (confirmed unless told otherwise); add UnitTargetFactory rows."""

    class Meta:
        model = TargetDecomposition

    indicator = factory.SubFactory(IndicatorFactory)
    year = factory.LazyAttribute(lambda o: o.indicator.plan.period_end)
    status = TargetDecompositionStatus.CONFIRMED


class UnitTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitTarget

    decomposition = factory.SubFactory(TargetDecompositionFactory)
    value = Decimal("10")


class StatusRuleFactory(factory.django.DjangoModelFactory):
    """The office's grading parameters (one row), straight into the table."""

    class Meta:
        model = StatusRule

    on_track_tolerance = Decimal("0.05")
    at_risk_share = Decimal("0.25")
