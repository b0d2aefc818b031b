"""Demo workplan: the built-in tasks of the 2021 plan with a believable history as of DEMO_DATE.

Tasks due in 2021–2024 are mostly completed on time, a few late, a few still open (supervised and
escalated by the same job that runs daily in production); tasks due in 2025 are in progress. Two
district tasks show the district officer's view. One criticism notice names the overdue tasks.
Everything goes through the services, so the audit log reads like the real history would.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from qcity.core.models import Department, OrgUnit
from qcity.core.workdays import next_workday
from qcity.indicators.models import Plan
from qcity.indicators.services import plans_load_builtin

from .choices import NoticeKind
from .models import Notice, Task, TaskProgress
from .selectors import task_overdue_list
from .services import (
    notice_issue,
    task_complete,
    task_create,
    task_progress_report,
    tasks_load_builtin,
    tasks_supervise,
)

PLAN_CODE = "zz-2021-14th-fyp"
DEMO_DATE = datetime.date(2025, 11, 30)  # fixed, not today: the data must not depend on the run date
LAST_RUN = datetime.date(2025, 11, 28)  # the last working day before DEMO_DATE
OVERDUE = {"4.1.3", "4.3.7", "4.4.2", "4.5.3"}
COMPLETED_LATE = {"4.2.3": datetime.date(2024, 3, 15), "4.3.9": datetime.date(2024, 5, 20),
                  "4.6.2": datetime.date(2025, 4, 10)}
COMPLETED_EARLY = {"4.6.3": datetime.date(2025, 10, 20)}
DISTRICT_TASKS = [
    # (district, code, deadline, completed on)
    ("金水区", "4.3.7-410105", datetime.date(2025, 6, 30), None),
    ("二七区", "4.3.7-410103", datetime.date(2025, 6, 30), datetime.date(2025, 5, 20)),
]
PROGRESS_TEXTS = [
    "已制定工作方案，明确责任分工和时间节点，召开专题推进会。",
    "按季度推进各项措施，完成阶段性目标，相关配套文件已起草。",
    "主要工作已基本完成，正在汇总成果材料并征求配合单位意见。",
    "受项目审批和资金拨付影响，部分工作滞后，已协调相关部门加快推进。",
]


def _at(day: datetime.date, hour: int = 16) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _district_tasks(plan: Plan) -> list[Task]:
    city = OrgUnit.objects.get(parent__isnull=True)
    lead = Department.objects.get(code="housing-construction")
    supporting = list(Department.objects.filter(code__in=["urban-management", "finance"]))
    tasks = []
    for name, code, deadline, _ in DISTRICT_TASKS:
        district = OrgUnit.objects.get(parent=city, name=name)
        tasks.append(task_create(
            by=None, plan=plan, code=code, title=f"{district.short_name or name}老旧小区改造", quote="加快老旧小区改造",
            section="四、十四五重点工作任务和推进措施 · 7. 开展城市建设管理质量提升行动",
            lead_department=lead, supporting_departments=supporting, org_unit=district,
            start_date=datetime.date(2024, 1, 1), deadline=deadline,
            deliverable=f"完成{district.name}2024—2025年度老旧小区改造计划项目",
        ))
    return tasks


def _events(rng, tasks: list[Task]) -> list[tuple[datetime.date, int, object]]:
    """(day, order, action) for progress reports, completions and the daily job's runs."""
    events = []
    completed = dict(COMPLETED_LATE) | COMPLETED_EARLY | {code: done for _, code, _, done in DISTRICT_TASKS if done}
    for task in tasks:
        year_start = max(task.start_date, datetime.date(task.deadline.year, 1, 1))
        if task.code in completed:
            done = completed[task.code]
        elif task.code in OVERDUE or task.deadline >= DEMO_DATE or task.org_unit_id:
            done = None
        else:
            done = task.deadline - datetime.timedelta(days=rng.randint(5, 90))
        last = done or min(task.deadline, LAST_RUN)
        span = max(1, (last - year_start).days)
        percents = sorted(rng.sample(range(15, 95, 5), 3))
        for share, percent, text in zip((0.2, 0.5, 0.8), percents, PROGRESS_TEXTS, strict=False):
            day = year_start + datetime.timedelta(days=int(span * share))
            events.append((day, 1, lambda t=task, p=percent, x=text, d=day: task_progress_report(
                task=t, by=None, percent=p, text=x, at=_at(d))))
        if task.code in OVERDUE:  # a late report explaining the delay
            day = LAST_RUN - datetime.timedelta(days=rng.randint(20, 60))
            events.append((day, 1, lambda t=task, d=day, p=percents[-1]: task_progress_report(
                task=t, by=None, percent=min(95, p + 5), text=PROGRESS_TEXTS[3], at=_at(d))))
        if done is not None:
            events.append((done, 2, lambda t=task, d=done: task_complete(task=t, by=None, at=_at(d))))
    runs = [next_workday(datetime.date(year, 1, 2)) for year in range(2022, 2026)]
    runs += [datetime.date(2025, 11, 21), LAST_RUN]
    events += [(day, 3, lambda d=day: tasks_supervise(today=d)) for day in runs]
    return sorted(events, key=lambda e: (e[0], e[1]))


def generate(ctx) -> dict[str, Any]:
    plans_load_builtin(by=None)
    plan = Plan.objects.get(code=PLAN_CODE)
    tasks = tasks_load_builtin(plan=plan, by=None)
    if TaskProgress.objects.filter(task__plan=plan).exists():
        ctx.progress("workplan: history already present, left as it is")
        return {"tasks": len(tasks)}
    tasks += _district_tasks(plan)
    events = _events(ctx.rng("workplan"), tasks)
    for _, _, action in events:
        action()
    overdue = list(task_overdue_list(today=LAST_RUN).filter(plan=plan))
    notice_issue(kind=NoticeKind.CRITICISM, tasks=overdue, by=None, today=LAST_RUN)
    return {"tasks": len(tasks), "progress_reports": TaskProgress.objects.filter(task__plan=plan).count(),
            "overdue_tasks": len(overdue), "notices": 1}


def reset(ctx) -> dict[str, Any]:
    """Delete the demo plan's tasks with their history and notices; `generate` reloads the built-in list."""
    plan = Plan.objects.filter(code=PLAN_CODE).first()
    if plan is None:
        return {"tasks_deleted": 0}
    notices = list(Notice.objects.filter(tasks__plan=plan).distinct())
    for notice in notices:
        notice.file.delete(save=False)
        notice.delete()
    _, per_model = Task.objects.filter(plan=plan).delete()
    return {"tasks_deleted": per_model.get("workplan.Task", 0), "notices_deleted": len(notices)}
