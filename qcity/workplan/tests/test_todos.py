"""To-do items of the workplan: tasks coming due, overdue tasks, supervisions to answer, and reminders."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qcity.core.choices import Role
from qcity.workplan import todos
from qcity.workplan.choices import PlanTaskStatus, SupervisionStatus
from qcity.workplan.models import Supervision

from .factories import PlanTaskFactory, at, department

pytestmark = pytest.mark.django_db

D = datetime.date
FRIDAY, MONDAY = D(2026, 11, 20), D(2026, 11, 23)


@pytest.fixture
def reporter(make_user):
    return make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))


@pytest.fixture
def other_reporter(make_user):
    return make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, district)


@pytest.fixture
def other_officer(make_user, city):
    return make_user(Role.DISTRICT_OFFICER, city.children.get(name="二七区"))


def test_tasks_coming_due_are_listed_nearest_deadline_first_for_their_department(reporter, other_reporter):
    later = PlanTaskFactory(deadline=D(2026, 12, 10), title="后到期")
    sooner = PlanTaskFactory(deadline=D(2026, 11, 30), title="先到期", progress=40)
    PlanTaskFactory(deadline=D(2027, 6, 30))  # far off
    PlanTaskFactory(deadline=D(2026, 11, 27), status=PlanTaskStatus.COMPLETED, progress=100,
                    completed_at=at(D(2026, 11, 1)))
    items = todos.plan_tasks_due(reporter, MONDAY, 8)
    assert [i.url for i in items] == [f"/workplan/tasks/{sooner.pk}/", f"/workplan/tasks/{later.pk}/"]
    assert items[0].detail == "当前进度 40%"
    assert todos.plan_tasks_due_count(reporter, MONDAY) == 2
    assert todos.plan_tasks_due_count(other_reporter, MONDAY) == 0


def test_a_supporting_department_and_the_district_see_the_task(other_reporter, officer, other_officer, district):
    PlanTaskFactory(deadline=D(2026, 11, 30), supporting=("statistics",), org_unit=district)
    assert todos.plan_tasks_due_count(other_reporter, MONDAY) == 1
    assert todos.plan_tasks_due_count(officer, MONDAY) == 1
    assert todos.plan_tasks_due_count(other_officer, MONDAY) == 0


def test_a_task_is_overdue_the_day_after_its_deadline(reporter):
    task = PlanTaskFactory(deadline=FRIDAY)
    assert todos.plan_tasks_overdue_count(reporter, FRIDAY) == 0
    assert todos.plan_tasks_due_count(reporter, FRIDAY) == 1
    items = todos.plan_tasks_overdue(reporter, MONDAY, 8)
    assert [(i.url, i.detail) for i in items] == [(f"/workplan/tasks/{task.pk}/", "已逾期 3 天")]


def test_open_supervisions_show_their_answer_deadline_and_reason(reporter, other_reporter):
    task = PlanTaskFactory(deadline=D(2026, 10, 30))
    Supervision.objects.create(task=task, opened_at=at(D(2026, 11, 2)), respond_by=D(2026, 11, 9), reason="请书面报告")
    resolved = PlanTaskFactory(deadline=D(2026, 10, 30))
    Supervision.objects.create(task=resolved, opened_at=at(D(2026, 11, 2)), respond_by=D(2026, 11, 9), reason="x",
                               status=SupervisionStatus.RESOLVED, resolved_at=at(D(2026, 11, 5)))
    items = todos.supervisions_open(reporter, MONDAY, 8)
    assert [(i.due_on, i.detail) for i in items] == [(D(2026, 11, 9), "请书面报告")]
    assert items[0].title.startswith("办公室督办")
    assert todos.supervisions_open_count(other_reporter, MONDAY) == 0


def test_count_and_items_take_a_fixed_number_of_queries(reporter):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for count, items in ((todos.plan_tasks_due_count, todos.plan_tasks_due),
                                 (todos.plan_tasks_overdue_count, todos.plan_tasks_overdue),
                                 (todos.supervisions_open_count, todos.supervisions_open)):
                count(reporter, MONDAY)
                items(reporter, MONDAY, 8)
        return len(captured)

    PlanTaskFactory(deadline=D(2026, 11, 30))
    queries()  # roles and the holiday calendar are read once, then cached
    few = queries()
    for day in range(1, 20):
        PlanTaskFactory(deadline=D(2026, 11, day), supporting=("statistics",))
    assert queries() == few == 6


# --- reminders --------------------------------------------------------------------------------------------


def test_reminders_three_working_days_ahead_across_a_weekend(reporter, other_reporter, officer, district):
    # on Friday, 3 working days ahead is Wednesday
    due = PlanTaskFactory(deadline=D(2026, 11, 25), supporting=("statistics",), org_unit=district)
    PlanTaskFactory(deadline=D(2026, 11, 24))
    PlanTaskFactory(deadline=D(2026, 11, 26))
    reminders = list(todos.plan_task_reminders(FRIDAY))
    assert sorted(r.user_id for r in reminders) == sorted([reporter.pk, other_reporter.pk, officer.pk])
    assert {r.item.url for r in reminders} == {f"/workplan/tasks/{due.pk}/"}
    assert {r.key for r in reminders} == {f"plan-task:{due.pk}:deadline:2026-11-25:soon"}


def test_an_overdue_reminder_on_monday_for_a_friday_deadline(reporter):
    task = PlanTaskFactory(deadline=FRIDAY)
    [reminder] = todos.plan_task_reminders(MONDAY)
    assert (reminder.user_id, reminder.key) == (reporter.pk, f"plan-task:{task.pk}:deadline:2026-11-20:overdue")
    assert list(todos.plan_task_reminders(D(2026, 11, 24))) == []


def test_ten_thousand_tasks_due_make_ten_thousand_reminders_in_a_few_queries(reporter):
    task = PlanTaskFactory(deadline=D(2026, 11, 25))
    fields = {f.attname: getattr(task, f.attname) for f in task._meta.concrete_fields if not f.primary_key}
    type(task).objects.bulk_create([type(task)(**{**fields, "code": f"B-{n}"}) for n in range(9999)])
    with CaptureQueriesContext(connection) as captured:
        reminders = list(todos.plan_task_reminders(FRIDAY))
    assert len(reminders) == 10000
    assert len(captured) <= 3  # the tasks (one UNION query), the reporters, the district officers


def test_supervision_reminders_before_the_answer_deadline(reporter, officer, district):
    task = PlanTaskFactory(deadline=D(2026, 10, 30), org_unit=district)
    supervision = Supervision.objects.create(task=task, opened_at=at(D(2026, 11, 18)), respond_by=D(2026, 11, 25),
                                             reason="请书面报告")
    reminders = list(todos.supervision_reminders(FRIDAY))
    assert sorted(r.user_id for r in reminders) == sorted([reporter.pk, officer.pk])
    assert {r.key for r in reminders} == {f"supervision:{supervision.pk}:respond-by:2026-11-25:soon"}
