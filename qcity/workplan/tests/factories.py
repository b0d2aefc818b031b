import datetime

import factory
from django.utils import timezone

from qcity.core.models import Department
from qcity.indicators.tests.factories import PlanFactory
from qcity.workplan.models import PlanTask

PLAN_TEXT = ("一、重点任务\n1. 完善质量工作机制\n建立质量强市领导小组。\n2. 加强执法\n深入开展执法打假。\n"
             "3. 提升服务\n推进两业融合试点15家以上。\n")


def department(code: str) -> Department:
    return Department.objects.get(code=code)


class PlanTaskFactory(factory.django.DjangoModelFactory):
    """A task straight into the table (no rules): for setting up states the services then act on.
    `supporting=("statistics", ...)` names supporting departments by code."""

    class Meta:
        model = PlanTask
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory, text=PLAN_TEXT, period_end=2030)
    code = factory.Sequence(lambda n: f"T-{n}")
    title = "建立质量强市领导小组"
    quote = "建立质量强市领导小组。"
    quote_start = factory.LazyAttribute(lambda o: o.plan.text.find(o.quote))
    lead_department = factory.LazyFunction(lambda: department("market-regulation"))
    start_date = datetime.date(2021, 1, 1)
    deadline = datetime.date(2025, 12, 31)
    deliverable = "工作方案"

    @factory.post_generation
    def supporting(self, create, extracted, **kwargs):
        if create and extracted:
            self.supporting_departments.set([department(code) for code in extracted])


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
