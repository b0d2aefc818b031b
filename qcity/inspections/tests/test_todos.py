"""To-do items and reminders of double-random inspection: the right items for the right people, nearest
deadline first, in a bounded number of queries; and the inspectors hear of their assignment."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qcity.core import todos, workdays
from qcity.core.choices import NotificationKind, Role
from qcity.core.models import Notification
from qcity.inspections import services
from qcity.inspections import todos as inspection_todos
from qcity.inspections.choices import InspectionOutcome
from qcity.inspections.models import Draw, DrawnTarget, InspectionItem, InspectionPlan, InspectionResult

from .services import conftest as shared

# the service tests' setting: a pool of 20 enterprises in 金水区, two items, inspectors in and around it
setting, make_plan, other_district = shared.setting, shared.make_plan, shared.other_district

pytestmark = pytest.mark.django_db


def _titles(items):
    return [i.title for i in items]


# --- draws to run ------------------------------------------------------------------------------------------


def test_district_officers_see_undrawn_plans_of_their_unit_nearest_end_first(make_plan, make_user, district,
                                                                             other_district, today):
    # given two undrawn plans of 金水区 that have started, and one that starts later
    late = make_plan(name="年底截止", period_end=datetime.date(today.year, 12, 31))
    soon = make_plan(name="月中截止", period_end=today + datetime.timedelta(days=10))
    make_plan(name="尚未开始", period_start=today + datetime.timedelta(days=5))
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    elsewhere = make_user(Role.DISTRICT_OFFICER, org_unit=other_district)
    # when their to-dos are read
    items = inspection_todos.draws_to_run(officer, today, 10)
    # then the started ones, the nearest period end first, and none for another district
    assert [i.due_on for i in items] == [soon.period_end, late.period_end]
    assert "月中截止" in items[0].title and items[0].url.endswith(f"/plans/{soon.pk}/")
    assert inspection_todos.draws_to_run_count(officer, today) == 2
    assert inspection_todos.draws_to_run_count(elsewhere, today) == 0


def test_a_drawn_plan_is_no_longer_to_draw(make_plan, make_user, district, today):
    plan = make_plan()
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    assert inspection_todos.draws_to_run_count(officer, today) == 1
    services.draw_run(plan=plan, by=None, seed="todo")
    assert inspection_todos.draws_to_run_count(officer, today) == 0


def test_draw_reminders_go_to_the_units_district_officers_three_working_days_ahead_and_overdue(
        make_plan, make_user, district, other_district, city, today):
    ahead = workdays.add_working_days(today, 3)
    due_soon = make_plan(name="即将截止", period_end=ahead)
    overdue = make_plan(name="昨日截止", period_end=today - datetime.timedelta(days=1))
    make_plan(name="不提醒", period_end=datetime.date(today.year, 12, 31))
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    make_user(Role.DISTRICT_OFFICER, org_unit=other_district)
    make_user(Role.LEADERSHIP_OFFICE, org_unit=city)
    reminders = list(inspection_todos.draws_to_run_reminders(today))
    assert sorted((r.user_id, r.item.due_on) for r in reminders) == sorted(
        [(officer.pk, due_soon.period_end), (officer.pk, overdue.period_end)])
    assert len({r.key for r in reminders}) == 2


# --- results to enter ----------------------------------------------------------------------------------------


def test_drawn_inspectors_see_their_targets_until_every_item_has_a_result(setting, make_plan, today):
    # given a draw
    draw = services.draw_run(plan=make_plan(), by=None, seed="enter")
    target = DrawnTarget.objects.filter(draw=draw).first()
    inspector = target.assignments.first().inspector.user
    mine = DrawnTarget.objects.filter(draw=draw, assignments__inspector__user=inspector).count()
    # then the inspector has each of their targets to do, due by the plan's end
    items = inspection_todos.results_to_enter(inspector, today, 100)
    assert len(items) == mine == inspection_todos.results_to_enter_count(inspector, today)
    assert {i.due_on for i in items} == {draw.plan.period_end}
    # and an inspector of another district nothing
    assert inspection_todos.results_to_enter_count(setting["elsewhere"].user, today) == 0
    # when one item of a target with two items is entered, it stays; when all are, it goes
    target = max(DrawnTarget.objects.filter(draw=draw, assignments__inspector__user=inspector),
                 key=lambda t: len(t.item_ids))
    first, *rest = InspectionItem.objects.filter(pk__in=target.item_ids)
    services.result_enter(plan=draw.plan, enterprise=target.enterprise, item=first,
                          outcome=InspectionOutcome.NO_PROBLEM, inspected_on=today, by=inspector)
    assert inspection_todos.results_to_enter_count(inspector, today) == (mine if rest else mine - 1)
    for item in rest:
        services.result_enter(plan=draw.plan, enterprise=target.enterprise, item=item,
                              outcome=InspectionOutcome.NO_PROBLEM, inspected_on=today, by=inspector)
    assert inspection_todos.results_to_enter_count(inspector, today) == mine - 1
    assert target.pk not in [int(i.url.rstrip("/").split("/")[-1])
                             for i in inspection_todos.results_to_enter(inspector, today, 100)]


def test_enter_reminders_go_to_the_drawn_inspectors_of_unfinished_targets(setting, make_plan, today):
    draw = services.draw_run(plan=make_plan(), by=None, seed="remind")
    ahead = workdays.add_working_days(today, 3)
    InspectionPlan.objects.filter(pk=draw.plan_id).update(period_end=ahead)
    expected = {(a.inspector.user_id, t.pk) for t in DrawnTarget.objects.filter(draw=draw)
                for a in t.assignments.select_related("inspector")}
    reminders = list(inspection_todos.results_to_enter_reminders(today))
    assert {(r.user_id, int(r.key.split(":")[1])) for r in reminders} == expected
    assert {r.item.due_on for r in reminders} == {ahead}
    # a day that is neither 3 working days before nor after the deadline reminds nobody
    assert list(inspection_todos.results_to_enter_reminders(ahead)) == []


# --- results to publish and past the deadline ------------------------------------------------------------------


def _results(setting, make_plan, today):
    """One result entered recently (publish_by ahead) and one entered long ago (past publish_by)."""
    draw = services.draw_run(plan=make_plan(), by=None, seed="publish")
    long_ago = today - datetime.timedelta(days=90)
    Draw.objects.filter(pk=draw.pk).update(drawn_at=datetime.datetime.combine(long_ago, datetime.time(10),
                                                                              tzinfo=datetime.UTC))
    first, second = DrawnTarget.objects.filter(draw=draw).order_by("pk")[:2]
    basic = setting["items"][0]
    recent = services.result_enter(plan=draw.plan, enterprise=first.enterprise, item=basic,
                                   outcome=InspectionOutcome.NO_PROBLEM, inspected_on=today - datetime.timedelta(days=3),
                                   by=None)
    old = services.result_enter(plan=draw.plan, enterprise=second.enterprise, item=basic,
                                outcome=InspectionOutcome.NO_PROBLEM, inspected_on=long_ago, by=None)
    return recent, old


def test_managers_see_results_to_publish_and_those_past_the_deadline_apart(setting, make_plan, make_user, district,
                                                                            other_district, today):
    recent, old = _results(setting, make_plan, today)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    to_publish = inspection_todos.results_to_publish(officer, today, 10)
    overdue = inspection_todos.results_overdue(officer, today, 10)
    assert [i.due_on for i in to_publish] == [recent.publish_by] and recent.publish_by >= today
    assert [i.due_on for i in overdue] == [old.publish_by] and old.publish_by < today
    assert todos.countdown(overdue[0].due_on, today) < 0 < todos.countdown(to_publish[0].due_on, today)
    assert inspection_todos.results_to_publish_count(officer, today) == 1
    assert inspection_todos.results_overdue_count(officer, today) == 1
    elsewhere = make_user(Role.DISTRICT_OFFICER, org_unit=other_district)
    assert inspection_todos.results_overdue_count(elsewhere, today) == 0
    # once published, neither
    services.result_publish(result=old, by=None)
    assert inspection_todos.results_overdue_count(officer, today) == 0


def test_publication_reminders_are_one_per_plan_and_deadline(setting, make_plan, make_user, district, today):
    recent, old = _results(setting, make_plan, today)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    ahead = workdays.add_working_days(today, 3)
    yesterday = today - datetime.timedelta(days=1)
    InspectionResult.objects.filter(pk=recent.pk).update(publish_by=ahead)
    InspectionResult.objects.filter(pk=old.pk).update(publish_by=yesterday)
    soon = list(inspection_todos.results_to_publish_reminders(today))
    late = list(inspection_todos.results_overdue_reminders(today))
    assert [(r.user_id, r.item.due_on) for r in soon] == [(officer.pk, ahead)]
    assert [(r.user_id, r.item.due_on) for r in late] == [(officer.pk, yesterday)]


# --- the registry, the queries, the assignment notice -----------------------------------------------------------


def test_the_home_page_groups_take_a_bounded_number_of_queries(setting, make_plan, make_user, district, today):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    make_plan(name="一")
    inspection_sources = [s for s in todos.sources_for(officer) if s.key.startswith("inspections.")]
    assert {s.key for s in inspection_sources} == {"inspections.draws-to-run", "inspections.results-to-publish",
                                                   "inspections.results-overdue"}

    def queries():
        user = type(officer).objects.get(pk=officer.pk)  # a request's user: nothing cached on it yet
        with CaptureQueriesContext(connection) as captured:
            for source in inspection_sources:
                source.count(user, today)
                source.items(user, today, 8)
        return len(captured)

    few = queries()
    for n in range(5):
        make_plan(name=f"更多{n}")
    # count and items, each with the org-unit scope resolved: at most 4 queries a source, whatever the data
    assert queries() == few <= 4 * len(inspection_sources)


def test_inspectors_hear_of_their_draw_once(setting, make_plan, today):
    draw = services.draw_run(plan=make_plan(), by=None, seed="notify")
    drawn = {a.inspector.user_id for t in DrawnTarget.objects.filter(draw=draw) for a in t.assignments.all()}
    notices = Notification.objects.filter(key=f"inspection-draw:{draw.pk}:assigned")
    assert set(notices.values_list("recipient_id", flat=True)) == drawn
    assert set(notices.values_list("kind", flat=True)) == {NotificationKind.ASSIGNMENT}
    assert notices.count() == len(drawn)
