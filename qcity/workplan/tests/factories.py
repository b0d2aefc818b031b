import datetime
import itertools

from django.utils import timezone

from qcity.core.models import Department
from qcity.indicators.models import Plan
from qcity.workplan.models import Task

PLAN_TEXT = ("一、重点任务\n1. 完善质量工作机制\n建立质量强市领导小组。\n2. 加强执法\n深入开展执法打假。\n"
             "3. 提升服务\n推进两业融合试点15家以上。\n")
_serial = itertools.count(1)


def plan_factory(**fields) -> Plan:
    n = next(_serial)
    fields.setdefault("code", f"wp-test-plan-{n}")
    fields.setdefault("title", f"测试规划{n}")
    fields.setdefault("period_start", 2021)
    fields.setdefault("period_end", 2030)
    fields.setdefault("text", PLAN_TEXT)
    return Plan.objects.create(**fields)


def department(code: str) -> Department:
    return Department.objects.get(code=code)


def task_factory(*, plan: Plan | None = None, deadline: datetime.date | None = None, supporting=(), **fields) -> Task:
    """A task straight into the table (no rules): for setting up states the services then act on."""
    plan = plan or plan_factory()
    fields.setdefault("code", f"T-{next(_serial)}")
    fields.setdefault("title", "建立质量强市领导小组")
    fields.setdefault("quote", "建立质量强市领导小组。")
    fields.setdefault("quote_start", plan.text.find(fields["quote"]))
    fields.setdefault("lead_department", department("market-regulation"))
    fields.setdefault("start_date", datetime.date(2021, 1, 1))
    fields.setdefault("deliverable", "工作方案")
    task = Task.objects.create(plan=plan, deadline=deadline or datetime.date(2025, 12, 31), **fields)
    task.supporting_departments.set([department(c) for c in supporting])
    return task


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
