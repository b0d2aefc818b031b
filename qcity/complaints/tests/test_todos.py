"""Complaint to-dos: what each role has to do, in its scope, nearest deadline first, with bulk reminders."""

import datetime

import pytest
from django.db import connection

from qcity.complaints import todos
from qcity.complaints.choices import ComplaintStatus, RewardStatus
from qcity.complaints.models import Complaint
from qcity.core import todos as core_todos
from qcity.core import workdays
from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import ComplaintFactory, RewardFactory

pytestmark = pytest.mark.django_db


def _day(today, n):
    return today + datetime.timedelta(days=n)


@pytest.fixture
def other_district(city):
    return city.children.exclude(name="金水区").order_by("pk").first()


def _source(key):
    return next(s for s in core_todos.sources() if s.key == key)


def _keys(user):
    return {s.key for s in core_todos.sources_for(user) if s.key.startswith("complaints.")}


def test_each_role_gets_its_own_sources(make_user, district):
    handler = make_user(Role.COMPLAINT_HANDLER, org_unit=district)
    office = make_user(Role.LEADERSHIP_OFFICE)
    firm = EnterpriseFactory(org_unit=district)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=firm)
    inspector = make_user(Role.INSPECTOR, org_unit=district)
    duties = {"complaints.acceptance", "complaints.mediation", "complaints.clue", "complaints.reporter-notice",
              "complaints.triage-queue", "complaints.reporters-to-call"}
    assert _keys(handler) == duties
    assert _keys(office) == duties | {"complaints.rewards-to-decide"}
    assert _keys(owner) == {"complaints.settlements-to-answer"}
    assert _keys(inspector) == set()


def test_a_handler_sees_the_decisions_due_in_scope_nearest_first(make_user, district, other_district, today):
    handler = make_user(Role.COMPLAINT_HANDLER, org_unit=district)
    later = ComplaintFactory(org_unit=district, acceptance_deadline=_day(today, 5))
    sooner = ComplaintFactory(org_unit=district, acceptance_deadline=_day(today, -1),
                              acceptance_deadline_provisional_year=2027)
    ComplaintFactory(org_unit=other_district, acceptance_deadline=_day(today, 1))  # another district's
    ComplaintFactory(org_unit=district, status=ComplaintStatus.CLOSED, acceptance_deadline=_day(today, 1))
    source = _source("complaints.acceptance")
    assert source.count(handler, today) == 2
    items = source.items(handler, today, 8)
    assert [i.url for i in items] == [f"/complaints/{sooner.pk}/", f"/complaints/{later.pk}/"]
    assert items[0].provisional and sooner.tracking_number in items[0].title
    # and the home page counts it down in working days, overdue first
    group = next(g for g in core_todos.todo_list(handler, today=today) if g.source.key == "complaints.acceptance")
    assert group.items[0].days < 0 and group.items[1].days == core_todos.countdown(later.acceptance_deadline, today)


def test_the_triage_queue_is_the_city_level_holders(make_user, district, today):
    ComplaintFactory(org_unit=None, status=ComplaintStatus.TRIAGE)
    city_handler = make_user(Role.COMPLAINT_HANDLER)
    district_handler = make_user(Role.COMPLAINT_HANDLER, org_unit=district)
    source = _source("complaints.triage-queue")
    assert source.count(city_handler, today) == 1 and len(source.items(city_handler, today, 8)) == 1
    assert source.count(district_handler, today) == 0


def test_the_office_decides_proposed_rewards(make_user, district, today):
    office = make_user(Role.LEADERSHIP_OFFICE)
    RewardFactory(complaint=ComplaintFactory(report=True, org_unit=district))
    RewardFactory(complaint=ComplaintFactory(report=True, org_unit=district), status=RewardStatus.APPROVED)
    source = _source("complaints.rewards-to-decide")
    assert source.count(office, today) == 1
    assert "6000" in source.items(office, today, 8)[0].title


def test_an_enterprise_answers_its_direct_settlements(make_user, district, today):
    firm, other = EnterpriseFactory(org_unit=district), EnterpriseFactory(org_unit=district)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=firm)
    ComplaintFactory(respondent=firm, org_unit=district, status=ComplaintStatus.DIRECT_SETTLEMENT,
                     settlement_deadline=_day(today, 3))
    ComplaintFactory(respondent=other, org_unit=district, status=ComplaintStatus.DIRECT_SETTLEMENT,
                     settlement_deadline=_day(today, 3))
    source = _source("complaints.settlements-to-answer")
    assert source.count(owner, today) == 1
    assert source.items(owner, today, 8)[0].due_on == _day(today, 3)


def test_reminders_go_to_the_assigned_handler_else_to_the_units_handlers(make_user, district, today):
    assigned = make_user(Role.COMPLAINT_HANDLER, org_unit=district)
    colleague = make_user(Role.COMPLAINT_HANDLER, org_unit=district)
    ahead = workdays.add_working_days(today, core_todos.REMINDER_WORKING_DAYS)
    mine = ComplaintFactory(org_unit=district, handler=assigned, acceptance_deadline=ahead)
    unassigned = ComplaintFactory(org_unit=district, acceptance_deadline=ahead)
    ComplaintFactory(org_unit=district, acceptance_deadline=_day(today, 30))  # not yet
    reminders = list(_source("complaints.acceptance").reminders(today))
    assert sorted((r.user_id, r.item.url) for r in reminders) == sorted([
        (assigned.pk, f"/complaints/{mine.pk}/"), (assigned.pk, f"/complaints/{unassigned.pk}/"),
        (colleague.pk, f"/complaints/{unassigned.pk}/")])
    assert len({r.key for r in reminders}) == 2


def test_the_to_do_duties_are_what_the_scan_escalates():
    assert {d.key for d in todos.ESCALATED_DUTIES} == {"acceptance", "mediation", "clue", "reporter-notice"}


def test_each_duty_index_covers_the_rows_its_to_do_reads():
    # given the partial indexes of the complaint table and the duties the to-dos read
    conditions = {index.name: index.condition for index in Complaint._meta.indexes if index.condition is not None}
    # then the mediation duty's rows are exactly those of its index (a status or kind added to one and not the
    # other would leave the home page reading every complaint in mediation through the status composite)
    duty = todos.DUTIES["mediation"]
    assert conditions["complaint_mediate_open"] == conditions["complaint_mediate_unit"] == duty.condition
    assert {f for index in Complaint._meta.indexes if index.name.startswith("complaint_mediate_")
            for f in index.fields[-1:]} == {duty.field}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan of its foreign-key check")
def test_the_platform_key_is_looked_up_through_its_index():
    # given the lookup SQLite's foreign-key check (and Django's PROTECT check) makes when an enterprise is deleted
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN SELECT 1 FROM complaints_complaint WHERE platform_id = %s", [1])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    # then it reads the partial index, not every complaint
    assert "complaint_platform" in plan, plan
