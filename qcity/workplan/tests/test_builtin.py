"""The shipped task list of the 2021 plan: quotes exact, departments known, deadlines in the plan."""

import datetime
import json
from pathlib import Path

import pytest

from qcity.indicators.services import plans_load_builtin
from qcity.workplan.models import PlanTask
from qcity.workplan.services import plan_task_progress_report, plan_tasks_load_builtin

DATA = Path(__file__).resolve().parents[1] / "data" / "zz-2021-14th-fyp-tasks.json"
PLANS = Path(__file__).resolve().parents[2] / "indicators" / "data" / "plans"
CORE = Path(__file__).resolve().parents[2] / "core" / "data" / "zhengzhou.json"


def _tasks():
    return json.loads(DATA.read_text(encoding="utf-8"))["tasks"]


def test_every_quote_is_an_exact_substring_of_section_four():
    text = (PLANS / "zz-2021-14th-fyp.txt").read_text(encoding="utf-8")
    section_four, section_five = text.index("四、十四五重点工作任务和推进措施"), text.index("五、组织保障")
    for task in _tasks():
        start = text.find(task["quote"])
        assert start >= 0, task["code"]
        assert section_four < start < section_five, task["code"]
        assert text.count(task["quote"]) == 1, task["code"]  # the anchor points at the one place


def test_one_task_per_numbered_item_with_known_departments_and_deadlines():
    codes = {d[0] for d in json.loads(CORE.read_text(encoding="utf-8"))["departments"]}
    tasks = _tasks()
    assert 20 <= len(tasks) <= 40
    assert len({t["code"] for t in tasks}) == len(tasks)
    for task in tasks:
        assert task["lead_department"] in codes, task["code"]
        assert set(task["supporting_departments"]) <= codes - {task["lead_department"]}, task["code"]
        deadline = datetime.date.fromisoformat(task["deadline"])
        assert (deadline.month, deadline.day) == (12, 31) and 2021 <= deadline.year <= 2025, task["code"]
        assert task["deliverable"] and task["title"]


@pytest.mark.django_db
def test_load_is_idempotent_and_keeps_progress():
    # given the built-in plans and their task list loaded once, with progress on one task
    plan = next(p for p in plans_load_builtin(by=None) if p.code == "zz-2021-14th-fyp")
    tasks = plan_tasks_load_builtin(plan=plan, by=None)
    assert len(tasks) == len(_tasks())
    first = PlanTask.objects.get(plan=plan, code="4.1.1")
    assert plan.text[first.quote_start:].startswith(first.quote)
    plan_task_progress_report(task=first, by=None, percent=40, text="已起草方案")

    # when it is loaded again
    plan_tasks_load_builtin(plan=plan, by=None)

    # then nothing is duplicated and the progress is kept
    assert PlanTask.objects.filter(plan=plan).count() == len(_tasks())
    first.refresh_from_db()
    assert first.progress == 40 and first.progress_reports.count() == 1


@pytest.mark.django_db
def test_commands_load_and_supervise_as_of_a_day():
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from qcity.workplan.tasks import plan_tasks_supervise_task

    out = StringIO()
    call_command("workplan", "load", stdout=out)
    assert f"zz-2021-14th-fyp: {len(_tasks())} tasks" in out.getvalue()
    out = StringIO()
    call_command("workplan", "supervise", "--today", "2022-01-04", stdout=out)
    due_2021 = sum(t["deadline"] == "2021-12-31" for t in _tasks())
    assert f"supervisions opened: {due_2021}, escalated: 0" in out.getvalue()
    assert plan_tasks_supervise_task.delay("2022-01-04").get() == {"opened": 0, "escalated": 0}
    # a year without a holiday schedule never stops the job: the answer periods are provisional
    out = StringIO()
    call_command("workplan", "supervise", "--today", "2099-01-05", stdout=out)
    from qcity.workplan.models import Supervision

    assert Supervision.objects.filter(respond_by__year=2099, respond_by_provisional_year=2099).exists()
    with pytest.raises(CommandError):
        call_command("workplan", "supervise", "--today", "2099-13-05")


AIRPORT = Path(__file__).resolve().parents[1] / "data" / "zz-airport-2021-tasks.json"


def _airport_tasks():
    return json.loads(AIRPORT.read_text(encoding="utf-8"))["tasks"]


def test_airport_tasks_are_the_numbered_items_of_the_plans_boxes():
    # every 专栏 item from box 2 on (box 一 is the indicator table) is one task, quoted exactly once
    text = (PLANS / "zz-airport-2021.txt").read_text(encoding="utf-8")
    tasks = _airport_tasks()
    assert len(tasks) == 52
    codes = {d[0] for d in json.loads(CORE.read_text(encoding="utf-8"))["departments"]}
    for task in tasks:
        assert text.count(task["quote"]) == 1, task["code"]
        assert "专栏" in task["section"] and task["title"] and task["deliverable"], task["code"]
        assert task["lead_department"] in codes, task["code"]
        assert set(task["supporting_departments"]) <= codes - {task["lead_department"]}, task["code"]
        deadline = datetime.date.fromisoformat(task["deadline"])
        assert (deadline.month, deadline.day) == (12, 31) and 2022 <= deadline.year <= 2025, task["code"]
    assert len({t["code"] for t in tasks}) == len(tasks)


@pytest.mark.django_db
def test_airport_plan_tasks_load_with_departments_and_reload_idempotently():
    # given the built-in plans, when the airport plan's tasks are loaded
    plan = next(p for p in plans_load_builtin(by=None) if p.code == "zz-airport-2021")
    tasks = plan_tasks_load_builtin(plan=plan, by=None)
    # then one task per box item, a named task with its departments and its anchor in the plan text
    assert len(tasks) == PlanTask.objects.filter(plan=plan, is_builtin=True).count() == 52
    sludge = PlanTask.objects.get(plan=plan, code="Z3.6")
    assert sludge.title == "建设1个大型污泥处理厂"
    assert sludge.lead_department.code == "urban-management"
    assert set(sludge.supporting_departments.values_list("code", flat=True)) == {"ecology-environment",
                                                                                "housing-construction"}
    assert sludge.deadline == datetime.date(2025, 12, 31)
    assert plan.text[sludge.quote_start:].startswith(sludge.quote)
    talent = PlanTask.objects.get(plan=plan, code="Z10.5")
    assert (talent.title, talent.lead_department.code) == ("实施“质量人才培训工程”", "market-regulation")
    plan_task_progress_report(task=sludge, by=None, percent=30, text="已完成选址")

    # when loaded again: nothing is duplicated and progress is kept
    plan_tasks_load_builtin(plan=plan, by=None)
    assert PlanTask.objects.filter(plan=plan).count() == 52
    sludge.refresh_from_db()
    assert sludge.progress == 30 and sludge.progress_reports.count() == 1


@pytest.mark.django_db
def test_workplan_load_command_loads_the_airport_tasks_too():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("workplan", "load", stdout=out)
    call_command("workplan", "load", stdout=out)
    assert out.getvalue().count("zz-airport-2021: 52 tasks") == 2
    assert PlanTask.objects.filter(plan__code="zz-airport-2021").count() == 52
