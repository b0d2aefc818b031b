import datetime

import pytest

from qcity.core.choices import Role
from qcity.workplan.selectors import TaskTally, task_list, task_overdue_list, task_quote_spans, task_tallies
from qcity.workplan.services import task_complete

from .factories import at, department, plan_factory, task_factory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_task_tallies_by_lead_department_for_tasks_due_in_the_year():
    market, water = department("market-regulation"), department("water")
    on_time = task_factory(deadline=D(2024, 12, 31))
    task_complete(task=on_time, by=None, at=at(D(2024, 12, 31), 23))  # the deadline day itself is in time
    late = task_factory(deadline=D(2024, 6, 30))
    task_complete(task=late, by=None, at=at(D(2024, 7, 1)))
    task_factory(deadline=D(2024, 3, 31))  # open, overdue
    task_factory(deadline=D(2024, 12, 31), lead_department=water)  # open, not yet due on 2024-12-31
    task_factory(deadline=D(2025, 3, 31))  # another year

    tallies = task_tallies(year=2024, today=D(2024, 12, 31))

    assert tallies == {
        market.pk: TaskTally(total=3, completed_on_time=1, completed_late=1, open_overdue=1, open_not_due=0),
        water.pk: TaskTally(total=1, completed_on_time=0, completed_late=0, open_overdue=0, open_not_due=1),
    }
    assert task_tallies(year=2024, today=D(2025, 1, 1))[water.pk].open_overdue == 1


def test_scope_reporter_sees_led_and_supported_tasks_district_officer_their_district(make_user, district, city):
    led = task_factory(lead_department=department("statistics"))
    supported = task_factory(supporting=["statistics"])
    other = task_factory(lead_department=department("water"))
    mine = task_factory(org_unit=district, lead_department=department("water"))
    task_factory(org_unit=city.children.get(name="二七区"))

    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    assert set(task_list(user=reporter)) == {led, supported}
    assert set(task_list(user=make_user(Role.DISTRICT_OFFICER, org_unit=district))) == {mine}
    assert other in task_list(user=make_user(Role.LEADERSHIP_OFFICE))
    assert not task_list(user=make_user(Role.INSPECTOR)).exists()


def test_overdue_list_scoped_ordered_and_without_extra_queries(make_user, django_assert_num_queries):
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    b = task_factory(deadline=D(2024, 6, 30), lead_department=department("statistics"))
    a = task_factory(deadline=D(2024, 3, 31), supporting=["statistics"])
    task_factory(deadline=D(2024, 1, 31))  # someone else's
    reporter_tasks = task_overdue_list(user=reporter, today=D(2025, 1, 1))
    assert list(reporter_tasks) == [a, b]
    with django_assert_num_queries(2):  # tasks (+ prefetched supporting departments)
        names = [t.lead_department.short_name for t in task_overdue_list(today=D(2025, 1, 1))]
    assert len(names) == 3


def test_quote_spans_for_the_plan_page():
    plan = plan_factory()
    task = task_factory(plan=plan)
    assert task_quote_spans(plan=plan) == [(task.quote_start, task.quote_start + len(task.quote))]
