"""Demo workplan: the built-in tasks of the 2021 plan and each year's key tasks, with a believable history
as of ctx.today.

What is chosen (the same rule for every task, whatever the day):

- a task due more than OVERDUE_WINDOW days before today is completed: most on time, a few late
  (COMPLETED_LATE among the built-in tasks, about one in ten of the annual tasks);
- of the tasks due in the OVERDUE_WINDOW days before today, a believable few (OVERDUE_COUNT) are still
  open — overdue by days or weeks, supervised and escalated by the same daily job that runs in
  production, and named in a criticism notice; the others were completed, some a few days late;
- a task due today or later is in progress (a couple already completed early).

Each year has annual key tasks (年度重点任务), split from the plan's tasks, with deadlines at the end of each
month and two district tasks, so that there is always work due around today. Once the built-in plans
have ended (2025) the city works under annual work points (质量强市工作要点) until a successor plan is
loaded: for each year after the last built-in plan, up to today's year, the leadership office imports that
year's work points document (plan import, as on the plan-import page): its targets carry the 2025 targets
of the 14th five-year plan forward, its key tasks restate the plan's. A task's deadline must lie in its
plan's period, which is why the current year's work needs such a plan.

Progress reports (three per task along its way, and a late one for an overdue task) give a percent that
grows with the time spent, worded by the percent band and whether the deadline has passed
(`progress_text`). Reports, completions and the daily job's runs are dated on working days (ctx.workday,
ctx.workdays). Everything goes through the services, so the audit log reads like the real history would.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from qcity.core.demo import demo_accounts_create
from qcity.core.models import Department, Notification, User
from qcity.core.notifications import demo_notifications_date
from qcity.indicators.choices import IndicatorAccumulation, IndicatorComparator, IndicatorSource
from qcity.indicators.demo import builtin_plans_ensure
from qcity.indicators.models import Plan, PlanImport
from qcity.indicators.services import plan_create_from_import, plan_import_create

from .choices import NoticeKind
from .models import Notice, PlanTask, TaskProgress
from .selectors import plan_task_overdue_list
from .services import (
    notice_issue,
    plan_task_complete,
    plan_task_create,
    plan_task_progress_report,
    plan_tasks_load_builtin,
    plan_tasks_supervise,
)

PLAN_CODE = "zz-2021-14th-fyp"
WORK_POINTS_CODE = "zz-{year}-work-points"
WORK_POINTS_BODY = "郑州市质量强市工作领导小组办公室"
OVERDUE_WINDOW = 60  # days: an open task is never overdue by more than this in a fresh demo
OVERDUE_COUNT = 3
COMPLETED_LATE = {"4.2.3", "4.3.9", "4.6.2"}  # built-in tasks completed weeks after their deadline
# Annual key tasks: (the plan task they come from, month whose last day is the deadline, district or "")
ANNUAL_TASKS = [
    ("4.4.1", 1, ""), ("4.2.2", 2, ""), ("4.4.3", 3, ""), ("4.5.1", 4, ""), ("4.3.4", 5, ""),
    ("4.3.7", 6, "金水区"), ("4.2.4", 6, ""), ("4.6.1", 7, ""), ("4.4.2", 8, ""), ("4.3.8", 9, ""),
    ("4.3.7", 9, "二七区"), ("4.5.3", 10, ""), ("4.5.2", 10, ""), ("4.3.1", 11, ""), ("4.3.2", 11, ""),
    ("4.1.1", 12, ""), ("4.2.1", 12, ""), ("4.6.3", 12, ""),
]
DISTRICT_QUOTE = "加快老旧小区改造"  # the plan sentence the district tasks carry out
# 14th five-year plan indicators whose 2025 targets the work points carry forward
WORK_POINT_TARGETS = ["P1-02", "P1-06", "P2-01", "P2-05", "P2-06", "P3-04", "P3-10", "P3-12", "P4-13", "P5-15",
                      "S-22", "S-24"]
# Progress report wording: (from this percent on, on schedule, after the deadline with the task still open)
PROGRESS_TEXTS = [
    (0, "已制定工作方案，明确责任分工和时间节点，召开专题推进会。",
     "受项目审批和资金拨付影响，工作启动滞后，已协调相关部门加快推进。"),
    (30, "按季度推进各项措施，完成阶段性目标，相关配套文件已起草。",
     "受项目审批和资金拨付影响，部分工作滞后，已协调相关部门加快推进。"),
    (60, "各项措施有序推进，已完成大部分工作量，正在对照目标查漏补缺。",
     "受项目审批和资金拨付影响，部分工作滞后，已协调相关部门加快推进。"),
    (85, "主要工作已基本完成，正在汇总成果材料并征求配合单位意见。",
     "主要工作已基本完成，收尾验收未能按期办结，已明确时限抓紧收尾。"),
]


def progress_text(percent: int, *, late: bool) -> str:
    """What a report at `percent` says: the band's wording, or its explanation of the delay once the
    deadline has passed."""
    _from, on_schedule, delayed = next(row for row in reversed(PROGRESS_TEXTS) if percent >= row[0])
    return delayed if late else on_schedule


def _at(day: datetime.date, hour: int = 16) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


def _office() -> User:
    """The leadership office account that imports the work points (the demo accounts, made if missing)."""
    office = User.objects.filter(username="office").first()
    if office is None:
        demo_accounts_create()
        office = User.objects.get(username="office")
    return office


def _numeral(n: int) -> str:
    """一 … 十九, for the numbered paragraphs of a document."""
    digits = "一二三四五六七八九"
    return digits[n - 1] if n < 10 else "十" + (digits[n - 11] if n > 10 else "")


def _work_points_text(year: int, targets: list[dict], parents: list[PlanTask]) -> str:
    lines = [f"郑州市{year}年质量强市工作要点", "",
             f"为持续推进质量强市建设，在新一轮质量强市建设规划出台前接续做好质量工作，现提出{year}年工作要点。", "",
             "一、主要目标", *(target["quote"] for target in targets), "", "二、重点任务"]
    lines += [f"（{_numeral(n)}）{parent.title}。{parent.quote}" for n, parent in enumerate(parents, start=1)]
    lines += [f"（{_numeral(len(parents) + 1)}）推进城市更新。{DISTRICT_QUOTE}，各区县按年度计划完成改造任务。", "",
              WORK_POINTS_BODY]
    return "\n".join(lines) + "\n"


def _targets(fyp: Plan, year: int) -> list[dict]:
    """The accepted targets of a work points document: the 2025 targets of the chosen plan indicators."""
    targets = []
    indicators = {i.code: i for i in fyp.indicators.filter(code__in=WORK_POINT_TARGETS).prefetch_related("targets")}
    for code in WORK_POINT_TARGETS:
        indicator = indicators.get(code)
        goal = max(indicator.targets.all(), key=lambda t: t.year, default=None) if indicator else None
        if goal is None or goal.value is None or indicator.source != IndicatorSource.REPORTED:
            continue
        value = float(goal.value)
        value = int(value) if value.is_integer() else value
        at_most = indicator.comparator == IndicatorComparator.AT_MOST
        if indicator.unit == "%" and value == 100:
            quote = f"到{year}年底，{indicator.name}保持100%。"
        else:
            quote = (f"到{year}年底，{indicator.name}{'控制在' if at_most else '达到'}{value}{indicator.unit}"
                     f"{'以内' if at_most else '以上'}。")
        targets.append({"name": indicator.name, "domain": indicator.domain, "comparator": indicator.comparator,
                        "value": value, "unit": indicator.unit, "year": year, "quote": quote,
                        "accumulation": IndicatorAccumulation.LEVEL})
    return targets


def work_points_plans(ctx, fyp: Plan, builtin: dict[str, PlanTask]) -> dict[int, Plan]:
    """The work points of each year after the last built-in plan, up to today's year (imported once)."""
    last_builtin = max(Plan.objects.filter(is_builtin=True).values_list("period_end", flat=True))
    parents = list(dict.fromkeys(builtin[code] for code, _month, district in ANNUAL_TASKS if not district))
    plans = {}
    for year in range(last_builtin + 1, ctx.today.year + 1):
        code = WORK_POINTS_CODE.format(year=year)
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            office = _office()
            targets = _targets(fyp, year)
            text = _work_points_text(year, targets, parents)
            record = plan_import_create(name=f"{year}年质量强市工作要点.txt", data=text.encode("utf-8"),
                                        title=f"郑州市{year}年质量强市工作要点", by=office)
            plan = plan_create_from_import(plan_import=record, code=code, title=f"郑州市{year}年质量强市工作要点",
                                           issuing_body=WORK_POINTS_BODY, document_number=f"郑质强办〔{year}〕1号",
                                           period_start=year, period_end=year, accepted=targets, by=office)
        plans[year] = plan
    return plans


def _plan_for(year: int, fyp: Plan, work_points: dict[int, Plan]) -> Plan | None:
    if fyp.period_start <= year <= fyp.period_end:
        return fyp
    return work_points.get(year)


def _annual_tasks(ctx, fyp: Plan, builtin: dict[str, PlanTask], work_points: dict[int, Plan]) -> list[PlanTask]:
    """Each year's key tasks: last year's and this year's, and those of every work points document."""
    districts = {u.name: u for u in ctx.demo_city_units}
    lead_for_districts = Department.objects.get(code="housing-construction")
    years = sorted({ctx.today.year - 1, ctx.today.year} | set(work_points))
    tasks = []
    for year in years:
        plan = _plan_for(year, fyp, work_points)
        if plan is None:
            continue
        for n, (parent_code, month, district_name) in enumerate(ANNUAL_TASKS, start=1):
            parent = builtin[parent_code]
            district = districts.get(district_name)
            if district_name and district is None:
                continue
            code = f"{year}-{n:02d}" + (f"-{district.division_code}" if district else "")
            if district:
                title, quote = f"{district.short_name or district.name}老旧小区改造（{year}年度）", DISTRICT_QUOTE
                lead, supporting = lead_for_districts, list(Department.objects.filter(
                    code__in=["urban-management", "finance"]))
                deliverable = f"完成{district.name}{year}年度老旧小区改造计划项目"
            else:
                title, quote = f"{parent.title}（{year}年度）", parent.quote
                lead, supporting = parent.lead_department, list(parent.supporting_departments.all())
                deliverable = f"{year}年度{parent.title}工作总结及成果材料"
            tasks.append(plan_task_create(
                by=None, plan=plan, code=code, title=title, quote=quote, section=f"{year}年度重点任务",
                lead_department=lead, supporting_departments=supporting, org_unit=district,
                start_date=datetime.date(year, 1, 1), deadline=_month_end(year, month), deliverable=deliverable))
    return tasks


def _outcomes(ctx, rng, tasks: list[PlanTask]) -> dict[int, datetime.date | None]:
    """Completion day of every task (None: still open), by the rule in the module docstring."""
    today, last = ctx.today, ctx.last_workday
    window_start = today - datetime.timedelta(days=OVERDUE_WINDOW)
    recent = sorted((t for t in tasks if window_start <= t.deadline < today), key=lambda t: (t.deadline, t.code))
    # the district officer's view: a district task among the overdue ones when one is due in the window;
    # and one overdue for a couple of weeks at least, so that the daily job has supervised it
    districts = [t for t in recent if t.org_unit_id]
    overdue = set(rng.sample(districts, 1)) if districts else set()
    older = [t for t in recent if t.deadline <= today - datetime.timedelta(days=14)]
    if older and not any(t in older for t in overdue):
        overdue.add(rng.choice(older))
    others = [t for t in recent if t not in overdue]
    overdue |= set(rng.sample(others, max(0, min(len(others), OVERDUE_COUNT - len(overdue)))))
    future = [t for t in tasks if t.deadline > today + datetime.timedelta(days=30)
              and t.start_date < today - datetime.timedelta(days=90)]
    early = set(rng.sample(future, min(1, len(future))))
    done: dict[int, datetime.date | None] = {}
    for task in tasks:
        start = max(task.start_date, datetime.date(task.deadline.year, 1, 1))
        if task in overdue or (task.deadline >= today and task not in early):
            done[task.pk] = None
        elif task.deadline >= today:  # completed early, a few weeks before today
            done[task.pk] = max(start, rng.choice(ctx.workdays(today - datetime.timedelta(days=40),
                                                               today - datetime.timedelta(days=10))))
        elif task.code in COMPLETED_LATE or (not task.is_builtin and rng.random() < 0.1):
            done[task.pk] = ctx.workday(task.deadline, rng.randint(2, 28))
        else:  # on time: a working day up to the deadline
            done[task.pk] = ctx.workday(task.deadline, -rng.randint(3, 42))
        if done[task.pk] is not None:
            done[task.pk] = ctx.workday(min(max(done[task.pk], start), last))
    return done


def _supervision_days(ctx, fyp: Plan, tasks: list[PlanTask], done: dict) -> list[datetime.date]:
    """The daily job's runs: every working day of the overdue window and the first working day of each
    year before it (late completions of the years before), skipping the days on which no task is overdue
    (the job changes nothing then), so supervisions open and escalate as they would have."""
    candidates = {ctx.workday(datetime.date(year, 1, 2)) for year in range(fyp.period_start + 1, ctx.today.year + 1)}
    candidates.update(ctx.workdays(ctx.today - datetime.timedelta(days=OVERDUE_WINDOW + 3), ctx.last_workday))
    late = [(t.deadline, done[t.pk]) for t in tasks if done[t.pk] is None or done[t.pk] > t.deadline]
    return sorted(d for d in candidates
                  if d < ctx.today and any(deadline < d and (finished is None or finished > d)
                                           for deadline, finished in late))


def _events(ctx, rng, tasks: list[PlanTask], done: dict, fyp: Plan) -> list[tuple[datetime.date, int, object]]:
    """(day, order, action) for progress reports, completions and the daily job's runs, all before today."""
    events = []
    last = ctx.last_workday

    def report(task: PlanTask, day: datetime.date, percent: int) -> None:
        text = progress_text(percent, late=day > task.deadline)
        events.append((day, 1, lambda: plan_task_progress_report(task=task, by=None, percent=percent, text=text,
                                                            at=_at(day))))

    for task in tasks:
        start = max(task.start_date, datetime.date(task.deadline.year, 1, 1))
        finished = done[task.pk]
        end = finished or min(task.deadline, last)
        horizon = max(1, ((finished or task.deadline) - start).days)  # the percent grows with the time spent
        percent = 0
        days = ctx.workdays(start, end) if end > start else []
        for share in (0.2, 0.5, 0.8) if days else ():  # on the working days a fifth, half, four fifths along
            day = days[int((len(days) - 1) * share)]
            expected = 100 * (day - start).days / horizon + rng.randint(-10, 5)
            percent = min(95, max(percent + 5, 5 * round(expected / 5)))
            report(task, day, percent)
        if finished is None and task.deadline < ctx.today:  # overdue: a late report explaining the delay
            day = max(start, task.deadline + datetime.timedelta(days=1), last - datetime.timedelta(days=rng.randint(2, 12)))
            report(task, ctx.workday(min(day, last)), min(95, percent + 5))
        if finished is not None:
            events.append((finished, 2, lambda t=task, d=finished: plan_task_complete(task=t, by=None, at=_at(d))))
    events += [(day, 3, lambda d=day: _supervise(ctx, d)) for day in _supervision_days(ctx, fyp, tasks, done)]
    return sorted(events, key=lambda e: (e[0], e[1]))


def _supervise(ctx, day: datetime.date) -> None:
    """The daily job's run of `day`; the supervisions it opened or raised were announced then (09:00, as the
    job records them), and the responsible units read those of more than a week ago."""
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        plan_tasks_supervise(today=day)
        keys = Notification.objects.filter(pk__gt=before, key__startswith="supervision:").values_list("key", flat=True)
        demo_notifications_date(dict.fromkeys(keys, _at(day, 9)), today=ctx.today)


def generate(ctx) -> dict[str, Any]:
    builtin_plans_ensure()
    fyp = Plan.objects.get(code=PLAN_CODE)
    builtin_tasks = plan_tasks_load_builtin(plan=fyp, by=None)
    if TaskProgress.objects.filter(task__plan=fyp).exists():
        ctx.progress("workplan: history already present, left as it is")
        return {"tasks": len(builtin_tasks)}
    builtin = {t.code: t for t in builtin_tasks}
    work_points = work_points_plans(ctx, fyp, builtin)
    tasks = builtin_tasks + _annual_tasks(ctx, fyp, builtin, work_points)
    rng = ctx.rng("workplan")
    done = _outcomes(ctx, rng, tasks)
    for _, _, action in _events(ctx, rng, tasks, done, fyp):
        action()
    overdue = list(plan_task_overdue_list(today=ctx.last_workday))
    if overdue:
        notice_issue(kind=NoticeKind.CRITICISM, tasks=overdue, by=None, today=ctx.last_workday)
    return {"work_points": len(work_points), "tasks": len(tasks),
            "progress_reports": TaskProgress.objects.filter(task__in=tasks).count(),
            "overdue_tasks": len(plan_task_overdue_list(today=ctx.today)), "notices": 1 if overdue else 0}


def reset(ctx) -> dict[str, Any]:
    """Delete the demo's tasks with their history and notices, and the imported work points plans;
    `generate` reloads the built-in list."""
    plans = list(Plan.objects.filter(code=PLAN_CODE)) + list(Plan.objects.filter(
        is_builtin=False, code__startswith="zz-", code__endswith="-work-points"))
    if not plans:
        return {"tasks_deleted": 0}
    notices = list(Notice.objects.filter(tasks__plan__in=plans).distinct())
    for notice in notices:
        notice.file.delete(save=False)
        notice.delete()
    _, per_model = PlanTask.objects.filter(plan__in=plans).delete()
    work_points = [p for p in plans if not p.is_builtin]
    PlanImport.objects.filter(plan__in=work_points).delete()
    for plan in work_points:
        plan.delete()  # with its indicators and their values
    return {"tasks_deleted": per_model.get("workplan.PlanTask", 0), "notices_deleted": len(notices),
            "work_points_deleted": len(work_points)}
