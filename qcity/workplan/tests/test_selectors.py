import datetime

import pytest

from qcity.core.choices import Role
from qcity.indicators.tests.factories import PlanFactory
from qcity.workplan.selectors import (
    PlanTaskTally,
    plan_task_list,
    plan_task_overdue_list,
    plan_task_quote_spans,
    plan_task_tallies,
)
from qcity.workplan.services import plan_task_complete

from .factories import PLAN_TEXT, PlanTaskFactory, at, department

pytestmark = pytest.mark.django_db
D = datetime.date


def test_task_tallies_by_lead_department_for_tasks_due_in_the_year():
    market, water = department("market-regulation"), department("water")
    on_time = PlanTaskFactory(deadline=D(2024, 12, 31))
    plan_task_complete(task=on_time, by=None, at=at(D(2024, 12, 31), 23))  # the deadline day itself is in time
    late = PlanTaskFactory(deadline=D(2024, 6, 30))
    plan_task_complete(task=late, by=None, at=at(D(2024, 7, 1)))
    PlanTaskFactory(deadline=D(2024, 3, 31))  # open, overdue
    PlanTaskFactory(deadline=D(2024, 12, 31), lead_department=water)  # open, not yet due on 2024-12-31
    PlanTaskFactory(deadline=D(2025, 3, 31))  # another year

    tallies = plan_task_tallies(year=2024, today=D(2024, 12, 31))

    assert tallies == {
        market.pk: PlanTaskTally(total=3, completed_on_time=1, completed_late=1, open_overdue=1, open_not_due=0),
        water.pk: PlanTaskTally(total=1, completed_on_time=0, completed_late=0, open_overdue=0, open_not_due=1),
    }
    assert plan_task_tallies(year=2024, today=D(2025, 1, 1))[water.pk].open_overdue == 1


def test_scope_reporter_sees_led_and_supported_tasks_district_officer_their_district(make_user, district, city):
    led = PlanTaskFactory(lead_department=department("statistics"))
    supported = PlanTaskFactory(supporting=["statistics"])
    other = PlanTaskFactory(lead_department=department("water"))
    mine = PlanTaskFactory(org_unit=district, lead_department=department("water"))
    PlanTaskFactory(org_unit=city.children.get(name="二七区"))

    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    assert set(plan_task_list(user=reporter)) == {led, supported}
    assert set(plan_task_list(user=make_user(Role.DISTRICT_OFFICER, org_unit=district))) == {mine}
    assert other in plan_task_list(user=make_user(Role.LEADERSHIP_OFFICE))
    assert not plan_task_list(user=make_user(Role.INSPECTOR)).exists()


def test_overdue_list_scoped_ordered_and_without_extra_queries(make_user, django_assert_num_queries):
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    b = PlanTaskFactory(deadline=D(2024, 6, 30), lead_department=department("statistics"))
    a = PlanTaskFactory(deadline=D(2024, 3, 31), supporting=["statistics"])
    PlanTaskFactory(deadline=D(2024, 1, 31))  # someone else's
    reporter_tasks = plan_task_overdue_list(user=reporter, today=D(2025, 1, 1))
    assert list(reporter_tasks) == [a, b]
    with django_assert_num_queries(2):  # tasks (+ prefetched supporting departments)
        names = [t.lead_department.short_name for t in plan_task_overdue_list(today=D(2025, 1, 1))]
    assert len(names) == 3


def test_quote_spans_for_the_plan_page():
    plan = PlanFactory(text=PLAN_TEXT, period_end=2030)
    task = PlanTaskFactory(plan=plan)
    assert plan_task_quote_spans(plan=plan) == [(task.quote_start, task.quote_start + len(task.quote))]
