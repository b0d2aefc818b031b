"""The to-do registry: nearest deadline first, countdowns in working days (weekends, holidays, a
provisional year), role filtering, and the menu's counts."""

from collections import Counter
from datetime import date

import pytest
from django.core.cache import cache

from qcity.core import todos
from qcity.core.choices import Role
from qcity.core.tests.schedules import drop_official_year
from qcity.core.tests.todo_sources import fake_source, item, only_sources

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 6, 15)  # the week of the Dragon Boat holiday (Friday 19 June)


@pytest.fixture
def register():
    """register(*sources): the test's sources, alone in the registry until the test ends."""
    with only_sources():
        yield lambda *sources: [todos.register(source) for source in sources]


def _days(user, today):
    return [(entry.item.title, entry.days) for group in todos.todo_list(user, today=today) for entry in group.items]


def test_items_come_nearest_deadline_first_and_undated_last(register, make_user):
    # given a source answering its items out of order
    officer = make_user(Role.DISTRICT_OFFICER)
    register(fake_source("t.values", roles={Role.DISTRICT_OFFICER}, items=[
        item("later", date(2026, 6, 30)), item("undated"), item("overdue", date(2026, 6, 10)),
        item("soon", date(2026, 6, 16))]))
    # when the officer's to-dos are listed
    [group] = todos.todo_list(officer, today=MONDAY)
    # then the nearest deadline comes first, the overdue one before all, the undated one last
    assert [entry.item.title for entry in group.items] == ["overdue", "soon", "later", "undated"]
    assert group.count == 4


def test_the_most_urgent_group_comes_first_whatever_the_registry_order(register, make_user):
    # given a group due in two weeks registered first, an overdue one, and an undated one
    officer = make_user(Role.DISTRICT_OFFICER)
    register(fake_source("t.later", roles={Role.DISTRICT_OFFICER}, order=1, items=[item("a", date(2026, 6, 29))]),
             fake_source("t.undated", roles={Role.DISTRICT_OFFICER}, order=2, items=[item("b")]),
             fake_source("t.overdue", roles={Role.DISTRICT_OFFICER}, order=3, items=[item("c", date(2026, 6, 12))]))
    # when the officer's to-dos are listed
    # then the overdue group leads and the undated one comes last
    assert [g.source.key for g in todos.todo_list(officer, today=MONDAY)] == ["t.overdue", "t.later", "t.undated"]


def test_countdown_skips_the_weekend(register, make_user):
    # given deadlines on the Monday after a Friday, and on the Sunday between
    officer = make_user(Role.DISTRICT_OFFICER)
    register(fake_source("t.values", roles={Role.DISTRICT_OFFICER}, items=[
        item("monday", date(2026, 6, 15)), item("sunday", date(2026, 6, 14)), item("friday", date(2026, 6, 12))]))
    # when they are counted on Friday 12 June
    days = _days(officer, date(2026, 6, 12))
    # then Monday is 1 working day away, a Sunday deadline runs to Monday, Friday's is due today
    assert days == [("friday", 0), ("sunday", 1), ("monday", 1)]


def test_countdown_skips_a_holiday(register, make_user):
    # given a deadline on the Monday after the Dragon Boat Friday
    officer = make_user(Role.DISTRICT_OFFICER)
    register(fake_source("t.values", roles={Role.DISTRICT_OFFICER}, items=[item("monday", date(2026, 6, 22))]))
    # when it is counted on the Thursday before and on the Monday of that week
    # then the holiday and the weekend count for nothing
    assert _days(officer, date(2026, 6, 18)) == [("monday", 1)]
    assert _days(officer, MONDAY) == [("monday", 4)]


def test_overdue_counts_the_working_days_since(register, make_user):
    # given deadlines that passed on Thursday 11 June and Friday 12 June
    officer = make_user(Role.DISTRICT_OFFICER)
    register(fake_source("t.values", roles={Role.DISTRICT_OFFICER}, items=[
        item("thursday", date(2026, 6, 11)), item("friday", date(2026, 6, 12))]))
    # when counted on Monday 15 June, and on the Saturday in between
    # then Monday is 2 and 1 working days late, and Saturday already 1 late for Friday's
    assert _days(officer, MONDAY) == [("thursday", -2), ("friday", -1)]
    assert _days(officer, date(2026, 6, 13)) == [("thursday", -1), ("friday", -1)]


def test_countdown_into_a_year_without_official_schedule_is_provisional(register, make_user):
    # given no official 2027 schedule, and deadlines in 2026 and in January 2027
    drop_official_year(2027)
    officer = make_user(Role.DISTRICT_OFFICER)
    register(fake_source("t.values", roles={Role.DISTRICT_OFFICER}, items=[
        item("new year", date(2027, 1, 4)), item("this year", date(2026, 12, 31))]))
    # when counted on Monday 28 December 2026
    [group] = todos.todo_list(officer, today=date(2026, 12, 28))
    # then 1 January 2027 (provisional holiday) is skipped and the 2027 countdown is marked provisional
    assert [(e.item.title, e.days, e.item.provisional) for e in group.items] == [
        ("this year", 3, False), ("new year", 4, True)]


def test_urgency_is_red_when_overdue_and_amber_within_three_working_days():
    # given entries from 2 days late to 4 days ahead, and one without a deadline
    entries = {days: todos.TodoEntry(item("x"), days) for days in (-2, 0, 3, 4, None)}
    # then overdue is red, today to 3 days amber, beyond that plain
    assert {days: entry.urgency for days, entry in entries.items()} == {
        -2: "overdue", 0: "soon", 3: "soon", 4: "later", None: ""}
    assert entries[-2].days_overdue == 2 and entries[3].days_overdue == 0


def test_a_source_for_inspectors_is_not_shown_to_a_district_officer(register, make_user):
    # given a source for inspectors and one for district officers
    register(fake_source("t.assignments", roles={Role.INSPECTOR}, items=[item("inspect")]),
             fake_source("t.values", roles={Role.DISTRICT_OFFICER}, items=[item("report")]))
    officer, inspector = make_user(Role.DISTRICT_OFFICER), make_user(Role.INSPECTOR)
    # when each lists their to-dos
    # then each sees only their role's source
    assert [g.source.key for g in todos.todo_list(officer, today=MONDAY)] == ["t.values"]
    assert [g.source.key for g in todos.todo_list(inspector, today=MONDAY)] == ["t.assignments"]
    assert todos.menu_counts(officer, today=MONDAY) == {"home": 1}


def test_empty_groups_are_left_out_and_items_not_asked_for(register, make_user):
    # given a source with nothing due
    officer = make_user(Role.DISTRICT_OFFICER)
    asked = []
    register(todos.TodoSource(key="t.empty", label="t", roles=frozenset({Role.DISTRICT_OFFICER}),
                              items=lambda *args: asked.append(args) or [], count=lambda user, today: 0))
    # when the to-dos are listed
    # then there is no group, and the items were not even asked for
    assert todos.todo_list(officer, today=MONDAY) == [] and asked == []


def test_menu_counts_add_up_per_menu_entry_and_total_on_home(register, make_user):
    # given two sources behind one menu entry and one behind another
    officer = make_user(Role.DISTRICT_OFFICER)
    register(fake_source("t.a", roles={Role.DISTRICT_OFFICER}, items=[item("a")], menu="indicators:value-list"),
             fake_source("t.b", roles={Role.DISTRICT_OFFICER}, items=[item("b"), item("c")],
                         menu="indicators:value-list"),
             fake_source("t.c", roles={Role.DISTRICT_OFFICER}, items=[item("d")], menu="workplan:plan-task-list"))
    # when the menu counts are asked for
    # then each entry shows its sources' sum, home the total
    assert todos.menu_counts(officer, today=MONDAY) == {
        "home": 4, "indicators:value-list": 3, "workplan:plan-task-list": 1}


def test_menu_counts_are_cached_briefly_per_user_and_computed_once_per_request(register, make_user, settings):
    # given the badge cache on, and a source counting its calls
    settings.QCITY_TODO_COUNT_SECONDS = 60
    cache.clear()
    calls = Counter()
    officer = make_user(Role.DISTRICT_OFFICER)
    register(fake_source("t.a", roles={Role.DISTRICT_OFFICER}, items=[item("a")], calls=calls))
    # when the home page lists the to-dos and the menu then counts, for this request and the next
    todos.todo_list(officer, today=MONDAY)
    todos.menu_counts(officer, today=MONDAY)
    again = todos.menu_counts(type(officer).objects.get(pk=officer.pk), today=MONDAY)
    # then the source counted once: the menu reused the page's count, the next request the cache
    assert calls["t.a"] == 1 and again == {"home": 1}
    # and after menu_counts_forget the count is fresh
    todos.menu_counts_forget(officer, today=MONDAY)
    todos.menu_counts(type(officer).objects.get(pk=officer.pk), today=MONDAY)
    assert calls["t.a"] == 2
    cache.clear()
