from decimal import Decimal

import factory

from qcity.indicators.choices import Comparator, Domain
from qcity.indicators.models import Indicator, Plan, Target


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
    domain = Domain.PRODUCT
    unit = "%"
    comparator = Comparator.AT_LEAST
    quote = "食品抽检合格率稳定在98%以上"
    quote_start = 0

    @factory.post_generation
    def target(self, create, extracted, **kwargs):
        if create:
            Target.objects.create(indicator=self, year=self.plan.period_end, value=Decimal(extracted or 98))
