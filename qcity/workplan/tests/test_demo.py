import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from qcity.core.demo import DemoContext
from qcity.core.tests import demo_invariants
from qcity.core.workdays import add_working_days
from qcity.indicators.models import Plan
from qcity.workplan import demo
from qcity.workplan.choices import PlanTaskStatus, SupervisionStatus
from qcity.workplan.models import Notice, PlanTask, Supervision, TaskProgress

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 20)


def _ctx(today=TODAY):
    return DemoContext(scale="small", seed=1, enterprise_count=1, today=today, log=lambda m: None)


def test_after_the_plan_the_year_runs_on_work_points_with_a_few_tasks_overdue_by_weeks(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    # given an empty workplan, when the demo generator runs on TODAY (after the 2021–2025 plan ended)
    outcome = demo.generate(_ctx())

    # then the office has imported this year's work points, with targets for the year
    work_points = Plan.objects.get(code="zz-2026-work-points")
    assert (work_points.period_start, work_points.period_end, work_points.is_builtin) == (2026, 2026, False)
    assert work_points.indicators.filter(targets__year=2026).count() >= 8
    # the plan's own tasks are all done; this year's and last year's annual tasks have a history
    tasks = PlanTask.objects.all()
    assert outcome["tasks"] == tasks.count() == 28 + 2 * len(demo.ANNUAL_TASKS)
    assert not tasks.filter(plan__code=demo.PLAN_CODE, is_builtin=True).exclude(status=PlanTaskStatus.COMPLETED).exists()
    assert tasks.filter(plan=work_points, status=PlanTaskStatus.IN_PROGRESS, deadline__gte=TODAY).count() >= 3
    # a few are overdue, by days or weeks, each supervised (the job ran every working day); the notice names them
    overdue = tasks.exclude(status=PlanTaskStatus.COMPLETED).filter(deadline__lt=TODAY)
    assert 1 <= overdue.count() <= demo.OVERDUE_COUNT
    assert all(TODAY - task.deadline <= datetime.timedelta(days=demo.OVERDUE_WINDOW) for task in overdue)
    supervised = Supervision.objects.filter(status=SupervisionStatus.OPEN)
    assert {s.task_id for s in supervised} == {t.pk for t in overdue}
    assert max(s.level for s in supervised) >= 2
    assert Supervision.objects.filter(status=SupervisionStatus.RESOLVED, resolution="任务已完成").exists()
    notice = Notice.objects.get()
    assert set(notice.tasks.all()) == set(overdue)
    assert notice.issued_at.date() < TODAY

    # when it runs again, then nothing is duplicated; reset removes it all, the work points too
    demo.generate(_ctx())
    assert PlanTask.objects.count() == outcome["tasks"] and Notice.objects.count() == 1
    demo.reset(None)
    assert not PlanTask.objects.exists() and not Notice.objects.exists()
    assert not Plan.objects.filter(code="zz-2026-work-points").exists()


def test_inside_the_plan_period_the_annual_tasks_are_the_plans_own(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    today = datetime.date(2025, 6, 16)
    demo.generate(_ctx(today))
    assert not Plan.objects.filter(code__endswith="-work-points").exists()
    annual = PlanTask.objects.filter(is_builtin=False)
    assert set(annual.values_list("plan__code", flat=True)) == {demo.PLAN_CODE}
    assert set(annual.values_list("deadline__year", flat=True)) == {2024, 2025}
    open_tasks = PlanTask.objects.exclude(status=PlanTaskStatus.COMPLETED)
    assert not open_tasks.filter(deadline__lt=today - datetime.timedelta(days=demo.OVERDUE_WINDOW)).exists()
    assert open_tasks.filter(is_builtin=True, deadline__gte=today).exists()  # the plan's 2025 tasks run on


@pytest.mark.parametrize("today", [TODAY, datetime.date(2026, 12, 5), datetime.date(2025, 6, 16)], ids=str)
def test_progress_reports_fit_their_percent_and_everything_is_done_on_working_days(tmp_path, settings, today):
    settings.MEDIA_ROOT = tmp_path
    # given the workplan demo generated on `today`
    demo.generate(_ctx(today))
    # then each report's wording fits its percent and whether the deadline had passed, percents only grow
    assert demo_invariants.progress_reports_contradicting() == []
    # a task overdue since before the last working day explains its delay in its latest report
    last_workday = add_working_days(today, -1)
    for task in PlanTask.objects.exclude(status=PlanTaskStatus.COMPLETED).filter(deadline__lt=last_workday):
        latest = TaskProgress.objects.filter(task=task).latest("reported_at", "pk")
        assert latest.text == demo.progress_text(latest.percent, late=True)
    # and reports, completions, the daily job's supervisions and the notice are dated on working days
    assert demo_invariants.acts_on_rest_days(before=today) == []


def test_the_wording_follows_the_percent_band_and_the_delay():
    assert "已制定工作方案" in demo.progress_text(20, late=False)
    assert "基本完成" not in demo.progress_text(45, late=False)
    assert "基本完成" in demo.progress_text(85, late=False)
    assert "滞后" in demo.progress_text(50, late=True)
    assert "基本完成" in demo.progress_text(95, late=True) and "未能按期" in demo.progress_text(95, late=True)


@pytest.mark.parametrize("today", [datetime.date(2026, 12, 5), datetime.date(2027, 3, 15), datetime.date(2027, 1, 4)],
                         ids=str)
def test_supervisions_are_of_tasks_overdue_by_days_or_weeks_whatever_the_day(tmp_path, settings, time_machine, today):
    # given the workplan demo generated on `today`, on a clock showing that day
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(datetime.datetime(today.year, today.month, today.day, 10,
                                           tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False)
    demo.generate(_ctx(today))
    supervisions = list(Supervision.objects.select_related("task"))
    assert supervisions
    # then every supervision was opened days or weeks after its task's deadline, and says so
    for supervision in supervisions:
        late = (timezone.localdate(supervision.opened_at) - supervision.task.deadline).days
        assert 0 < late < demo.OVERDUE_WINDOW, (supervision.task.code, late)
        said = re.search(r"已逾期 (\d+) 天", supervision.reason)
        assert said and int(said.group(1)) == late
        assert timezone.localdate(supervision.opened_at) < today
        if supervision.status == SupervisionStatus.RESOLVED:
            assert supervision.opened_at <= supervision.resolved_at
            assert timezone.localdate(supervision.resolved_at) < today
    # the open ones are of tasks overdue today by less than the window, and answered or escalated lately
    open_ones = [s for s in supervisions if s.status == SupervisionStatus.OPEN]
    assert open_ones
    for supervision in open_ones:
        assert supervision.task.is_open
        assert 0 < supervision.task.days_late(today) < demo.OVERDUE_WINDOW
        assert supervision.respond_by >= today - datetime.timedelta(days=14)
    # the open tasks: a few overdue, some due soon, none due in a year already gone
    open_tasks = PlanTask.objects.exclude(status=PlanTaskStatus.COMPLETED)
    assert 1 <= open_tasks.filter(deadline__lt=today).count() <= demo.OVERDUE_COUNT
    assert open_tasks.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=45)).exists()
    assert not open_tasks.filter(deadline__lt=today - datetime.timedelta(days=demo.OVERDUE_WINDOW)).exists()
