"""Credit to-dos: objections to answer, repairs to accept or decide, items to publish — for the managers over
the enterprise's unit, nearest deadline first, with bulk reminders 3 working days ahead and the day after."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qcity.core import todos as core_todos
from qcity.core import workdays
from qcity.core.choices import Role
from qcity.core.models import OrgUnit
from qcity.credit import selectors, todos
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import (
    TODAY,
    CreditEventFactory,
    CreditListEntryFactory,
    CreditObjectionFactory,
    CreditRepairFactory,
)

pytestmark = pytest.mark.django_db

SOURCES = {
    "credit.objections-to-answer",
    "credit.repairs-to-decide",
    "credit.events-to-publish",
    "credit.list-entries-to-publish",
}


def _day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def other_district(city, district):
    return OrgUnit.objects.filter(kind="district").exclude(pk=district.pk).first()


@pytest.fixture
def firm(district):
    return EnterpriseFactory(org_unit=district, name="金水测试有限公司")


@pytest.fixture
def outsider(other_district):
    return EnterpriseFactory(org_unit=other_district, name="外区测试有限公司")


def test_the_module_registers_its_sources_for_the_managers_only(make_user, district, firm):
    # given a district officer, an inspector and an enterprise user
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    inspector = make_user(Role.INSPECTOR, org_unit=district)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=firm)
    # when each asks which sources apply to them
    keys = {user: {s.key for s in core_todos.sources_for(user)} for user in (officer, inspector, owner)}
    # then the credit sources are the officer's, not the inspector's or the enterprise's
    assert SOURCES <= keys[officer]
    assert not SOURCES & keys[inspector] and not SOURCES & keys[owner]
    assert all(s.menu == "credit:file-search" for s in core_todos.sources() if s.key in SOURCES)


def test_objections_to_answer_are_those_in_the_officers_unit_nearest_deadline_first(
    make_user, district, firm, outsider
):
    # given two open objections of the district (the later deadline filed first), one answered, one elsewhere
    late = CreditObjectionFactory(enterprise=firm, reply_due_on=_day(20))
    near = CreditObjectionFactory(enterprise=firm, reply_due_on=_day(5), reply_due_on_provisional_year=2027)
    CreditObjectionFactory(enterprise=firm, reply_due_on=_day(1), status="dismissed")
    CreditObjectionFactory(enterprise=outsider, reply_due_on=_day(2))
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    office = make_user(Role.LEADERSHIP_OFFICE)
    # when the district officer and the (city-wide) office read their to-dos
    items = todos.OBJECTIONS.items(officer, TODAY, 10)
    # then the officer gets the district's open ones, nearest first, provisional deadline marked
    assert [i.due_on for i in items] == [near.reply_due_on, late.reply_due_on]
    assert items[0].provisional and not items[1].provisional
    assert firm.name in items[0].title and items[0].url == "/credit/objections/"
    assert todos.OBJECTIONS.count(officer, TODAY) == 2
    # and the office sees the whole city's open objections; the limit is respected
    assert todos.OBJECTIONS.count(office, TODAY) == 3
    assert [i.due_on for i in todos.OBJECTIONS.items(office, TODAY, 1)] == [_day(2)]


def test_repairs_are_due_by_the_deadline_of_their_open_step(make_user, district, firm):
    # given one application waiting for acceptance and one accepted and waiting for the decision
    to_accept = CreditRepairFactory(enterprise=firm, acceptance_due_on=_day(6))
    to_decide = CreditRepairFactory(
        enterprise=EnterpriseFactory(org_unit=district),
        acceptance_due_on=_day(-5),
        status="accepted",
        accepted_on=_day(-6),
        decision_due_on=_day(3),
    )
    CreditRepairFactory(
        enterprise=EnterpriseFactory(org_unit=district),
        acceptance_due_on=_day(1),
        status="approved",
        decided_on=_day(-1),
    )
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    # when the officer reads the repair to-dos
    items = todos.REPAIRS.items(officer, TODAY, 10)
    # then the accepted one comes first by its decision deadline, then the one to accept
    assert [i.due_on for i in items] == [to_decide.decision_due_on, to_accept.acceptance_due_on]
    assert "作出决定" in items[0].title and "受理" in items[1].title
    assert todos.REPAIRS.count(officer, TODAY) == 2


def test_items_to_publish_are_unpublished_events_and_listings_with_a_deadline(make_user, district, firm):
    # given a recorded penalty with its 20-working-day deadline, a published one, one with no deadline, and an
    # abnormal listing not yet published
    due = CreditEventFactory(enterprise=firm, publication_due_on=_day(10))
    CreditEventFactory(enterprise=firm, publication_due_on=_day(8), status="published")
    CreditEventFactory(enterprise=firm, kind="certification", publication_due_on=None)
    entry = CreditListEntryFactory(enterprise=firm, publication_due_on=_day(-2))
    CreditListEntryFactory(
        enterprise=firm,
        list_kind="serious_violation",
        reason="heavier_penalty",
        publication_due_on=_day(-3),
        published_on=_day(-4),
    )
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    # when the officer reads the publication to-dos
    events, entries = todos.EVENTS.items(officer, TODAY, 10), todos.ENTRIES.items(officer, TODAY, 10)
    # then each source holds the unpublished item, linked to where it is published
    assert [(i.due_on, i.url) for i in events] == [
        (due.publication_due_on, f"/credit/events/{due.pk}/publish/")
    ]
    assert [(i.due_on, i.url) for i in entries] == [(entry.publication_due_on, f"/credit/files/{firm.pk}/")]
    assert (todos.EVENTS.count(officer, TODAY), todos.ENTRIES.count(officer, TODAY)) == (1, 1)


def test_events_to_publish_are_scoped_to_the_enterprises_unit(make_user, city, district, firm, outsider):
    # given penalties to publish in the officer's district and in another one
    own = CreditEventFactory(enterprise=firm, publication_due_on=_day(5))
    other = CreditEventFactory(enterprise=outsider, publication_due_on=_day(3))
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    office = make_user(Role.LEADERSHIP_OFFICE, org_unit=city)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=outsider)
    # when each reads the events to publish (the district's scope read through each event's enterprise key)
    seen = {user: sorted(e.pk for e in selectors.credit_event_to_publish_list(user=user))
            for user in (officer, office, owner)}
    # then the officer sees their district's, the office the city's, an enterprise user only its own
    assert seen[officer] == [own.pk]
    assert seen[office] == sorted([own.pk, other.pk])
    assert seen[owner] == [other.pk]
    assert (todos.EVENTS.count(officer, TODAY), todos.EVENTS.count(office, TODAY)) == (1, 2)
    assert [i.url for i in todos.EVENTS.items(officer, TODAY, 5)] == [f"/credit/events/{own.pk}/publish/"]


def test_reminders_go_to_the_units_district_officers_three_working_days_ahead_and_the_day_after(
    make_user, district, firm, outsider
):
    # given objections due in exactly 3 working days, due yesterday, due in 4 working days; a district
    # officer over the firm's district, the office, and no district officer over the other district
    soon_day = workdays.add_working_days(TODAY, 3)
    soon = CreditObjectionFactory(enterprise=firm, reply_due_on=soon_day)
    overdue = CreditObjectionFactory(enterprise=firm, reply_due_on=TODAY - datetime.timedelta(days=1))
    CreditObjectionFactory(enterprise=firm, reply_due_on=workdays.add_working_days(TODAY, 4))
    elsewhere = CreditObjectionFactory(enterprise=outsider, reply_due_on=soon_day)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    office = make_user(Role.LEADERSHIP_OFFICE)
    # when the daily job asks for the reminders
    reminders = list(todos.OBJECTIONS.reminders(TODAY))
    # then the district's two go to its officer (soon and overdue, each with its own key), and the other
    # district's to the office, as no district officer covers it
    assert {(r.user_id, r.item.due_on, r.key) for r in reminders} == {
        (officer.pk, soon_day, f"credit-objection:{soon.pk}:{soon_day:%Y-%m-%d}:soon"),
        (
            officer.pk,
            overdue.reply_due_on,
            f"credit-objection:{overdue.pk}:{overdue.reply_due_on:%Y-%m-%d}:overdue",
        ),
        (office.pk, soon_day, f"credit-objection:{elsewhere.pk}:{soon_day:%Y-%m-%d}:soon"),
    }


def test_repair_reminders_use_the_deadline_of_the_open_step(make_user, district, firm):
    # given an accepted application whose decision is due in 3 working days (its acceptance deadline long past)
    soon_day = workdays.add_working_days(TODAY, 3)
    application = CreditRepairFactory(
        enterprise=firm,
        status="accepted",
        acceptance_due_on=_day(-10),
        accepted_on=_day(-11),
        decision_due_on=soon_day,
    )
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    # when the reminders are collected
    reminders = list(todos.REPAIRS.reminders(TODAY))
    # then one reminder, for the decision
    assert [(r.user_id, r.key) for r in reminders] == [
        (officer.pk, f"credit-repair:{application.pk}:{soon_day:%Y-%m-%d}:soon")
    ]


def test_counts_and_items_take_a_few_queries_however_many_rows(make_user, district, firm):
    # given many open items of every source
    for n in range(30):
        CreditObjectionFactory(enterprise=firm, reply_due_on=_day(n))
        CreditRepairFactory(enterprise=EnterpriseFactory(org_unit=district), acceptance_due_on=_day(n))
        CreditEventFactory(enterprise=firm, publication_due_on=_day(n))
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    core_todos.todo_list(officer, today=TODAY)  # the role assignments are read once per request
    # when the home page's groups are built
    with CaptureQueriesContext(connection) as queries:
        groups = {g.source.key: g for g in core_todos.todo_list(officer, today=TODAY, limit=8)}
    # then each source costs a handful of queries (scope ids, a COUNT, the nearest items), not one per row
    counts = {key: group.count for key, group in groups.items() if key in SOURCES}
    assert counts == {
        "credit.objections-to-answer": 30,
        "credit.repairs-to-decide": 30,
        "credit.events-to-publish": 30,
    }
    assert all(len(groups[key].items) == 8 for key in counts)
    credit_queries = [q["sql"] for q in queries.captured_queries if '"credit_' in q["sql"]]
    assert len(credit_queries) <= 2 * len(SOURCES)  # a COUNT each, and the items of those with some
