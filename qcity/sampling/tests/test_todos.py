"""To-do items and reminders of supervision sampling: officers in their scope, enterprises their served
results with the retest window counting down, nearest deadline first, in a bounded number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qcity.core import todos, workdays
from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling import services
from qcity.sampling import todos as sampling_todos
from qcity.sampling.choices import SamplingConclusion
from qcity.sampling.models import Sample, SamplingPlan

from .factories import FAILING, PASSING, category, make_plan

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _plan(city, today, *, end=None, title=None):
    return make_plan(city, start=today - 200 * DAY, end=end or today + 100 * DAY, title=title)


def _sample(plan, enterprise, samplers, today, batch="B1"):
    return services.sample_create(
        by=None, plan=plan, category=category("SP01"), enterprise=enterprise, product_name="小麦粉",
        batch_number=batch, sampling_date=today - 40 * DAY, sampling_place="market", samplers=samplers,
        quantity=4, backup_quantity=2, today=today)


def _conclude(sample, today, *, fail=False, served_on=None):
    services.test_results_record(sample=sample, items=FAILING if fail else PASSING, by=None)
    services.sample_conclude(sample=sample, conclusion=SamplingConclusion.FAIL if fail else SamplingConclusion.PASS,
                             test_report_number=f"R-{sample.pk}", concluded_on=today - 35 * DAY, by=None, today=today)
    if served_on is not None:
        services.sample_serve(sample=sample, served_on=served_on, by=None, today=today)
    sample.refresh_from_db()
    return sample


@pytest.fixture
def other_district(city):
    return city.children.get(name="二七区")


# --- officers --------------------------------------------------------------------------------------------


def test_officers_see_samples_to_conclude_of_their_district_nearest_plan_end_first(
        city, district, other_district, enterprise, samplers, make_user, today):
    # given samples of two plans in 金水区 and one in 二七区
    late = _sample(_plan(city, today, end=today + 60 * DAY), enterprise, samplers, today, batch="L")
    soon = _sample(_plan(city, today, end=today + 10 * DAY), enterprise, samplers, today, batch="S")
    _sample(_plan(city, today), EnterpriseFactory(org_unit=other_district), samplers, today, batch="O")
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    # when the officer's to-dos are read
    items = sampling_todos.samples_to_conclude(officer, today, 10)
    # then their district's, the nearest plan end first, each linking to its sample
    assert [i.url for i in items] == [reverse("sampling:sample-detail", args=[s.pk]) for s in (soon, late)]
    assert items[0].due_on == today + 10 * DAY and items[0].detail == enterprise.name
    assert sampling_todos.samples_to_conclude_count(officer, today) == 2
    assert sampling_todos.samples_to_conclude_count(make_user(Role.DISTRICT_OFFICER, org_unit=other_district),
                                                    today) == 1
    # and the limit holds
    assert len(sampling_todos.samples_to_conclude(officer, today, 1)) == 1


def test_results_to_serve_and_retests_to_decide_follow_the_sample_status(
        city, district, enterprise, samplers, make_user, today):
    plan = _plan(city, today)
    to_serve = _conclude(_sample(plan, enterprise, samplers, today, batch="A"), today)
    objected = _conclude(_sample(plan, enterprise, samplers, today, batch="B"), today, fail=True,
                         served_on=today - 2 * DAY)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    assert [i.url for i in sampling_todos.samples_to_serve(officer, today, 10)] == [
        reverse("sampling:sample-detail", args=[to_serve.pk])]
    assert sampling_todos.retests_to_decide_count(officer, today) == 0
    services.sampling_objection_apply(sample=objected, applied_on=today, reason="检测方法有误", by=None, today=today)
    items = sampling_todos.retests_to_decide(officer, today, 10)
    assert [i.url for i in items] == [reverse("sampling:sample-detail", args=[objected.pk])]
    assert items[0].due_on is None and sampling_todos.retests_to_decide_count(officer, today) == 1


def test_followups_in_progress_nearest_rectification_deadline_first(city, district, enterprise, samplers,
                                                                     make_user, today):
    plan = _plan(city, today)
    orders = []
    for batch, days in (("F1", 30), ("F2", 5)):
        sample = _conclude(_sample(plan, enterprise, samplers, today, batch=batch), today, fail=True,
                           served_on=today - 30 * DAY)  # the retest window has closed: the failure is final
        orders.append(services.followup_order(sample=sample, ordered_on=today, rectification_deadline=today + days * DAY,
                                              by=None, today=today))
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    items = sampling_todos.followups_due(officer, today, 10)
    assert [i.due_on for i in items] == [today + 5 * DAY, today + 30 * DAY]
    assert sampling_todos.followups_due_count(officer, today) == 2


# --- enterprises -----------------------------------------------------------------------------------------


def test_enterprise_users_see_their_failed_result_with_the_retest_window_counting_down(
        city, district, enterprise, samplers, make_user, today):
    # given a failing result served on the enterprise two days ago
    sample = _conclude(_sample(_plan(city, today), enterprise, samplers, today), today, fail=True,
                       served_on=today - 2 * DAY)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    stranger = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=EnterpriseFactory(org_unit=district))
    # then its users have it, due on the last day of the window, with the countdown's inputs
    [item] = sampling_todos.results_served(owner, today, 10)
    assert item.due_on == sample.retest_deadline and item.url.endswith(f"/samples/{sample.pk}/")
    assert item.provisional == (sample.retest_deadline_provisional_year is not None)
    assert todos.countdown(item.due_on, today) == workdays.working_days_between(today, sample.retest_deadline)
    assert sampling_todos.results_served_count(stranger, today) == 0
    # and once they object, it is the officers' to decide, no longer theirs
    services.sampling_objection_apply(sample=sample, applied_on=today, reason="检测方法有误", by=owner, today=today)
    assert sampling_todos.results_served_count(owner, today) == 0


def test_a_passed_result_is_a_to_do_until_the_enterprise_reads_it(city, district, enterprise, samplers, make_user,
                                                                  client_for, today):
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    sample = _conclude(_sample(_plan(city, today), enterprise, samplers, today), today, served_on=today - 2 * DAY)
    assert sampling_todos.results_served_count(owner, today) == 1
    # when the enterprise opens the result
    client_for(owner).get(reverse("sampling:sample-detail", args=[sample.pk]))
    # then it has been read: no longer a to-do
    assert sampling_todos.results_served_count(owner, today) == 0


# --- reminders -----------------------------------------------------------------------------------------------


def test_conclude_reminders_go_to_the_samplers_three_working_days_ahead_and_overdue(city, enterprise, samplers,
                                                                                    today):
    ahead = workdays.add_working_days(today, 3)
    soon = _sample(_plan(city, today, end=ahead), enterprise, samplers, today, batch="A")
    late = _sample(_plan(city, today, end=today - DAY), enterprise, samplers, today, batch="B")
    _sample(_plan(city, today, end=today + 100 * DAY), enterprise, samplers, today, batch="C")
    reminders = list(sampling_todos.samples_to_conclude_reminders(today))
    assert sorted((r.user_id, r.item.due_on) for r in reminders) == sorted(
        (u.pk, s.plan.period_end) for s in (soon, late) for u in samplers)
    assert len({(r.user_id, r.key) for r in reminders}) == 4


def test_followup_reminders_go_to_the_district_officers(city, district, other_district, enterprise, samplers,
                                                         make_user, today):
    sample = _conclude(_sample(_plan(city, today), enterprise, samplers, today), today, fail=True,
                       served_on=today - 30 * DAY)
    ahead = workdays.add_working_days(today, 3)
    services.followup_order(sample=sample, ordered_on=today, rectification_deadline=ahead, by=None, today=today)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    make_user(Role.DISTRICT_OFFICER, org_unit=other_district)
    make_user(Role.LEADERSHIP_OFFICE, org_unit=city)
    assert [(r.user_id, r.item.due_on) for r in sampling_todos.followups_due_reminders(today)] == [(officer.pk, ahead)]


def test_retest_window_reminders_go_to_the_enterprise_accounts(city, district, enterprise, samplers, make_user,
                                                               today):
    sample = _conclude(_sample(_plan(city, today), enterprise, samplers, today), today, fail=True,
                       served_on=today - 2 * DAY)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    ahead = workdays.add_working_days(today, 3)
    Sample.objects.filter(pk=sample.pk).update(retest_deadline=ahead)
    assert [r.user_id for r in sampling_todos.results_served_reminders(today)] == [owner.pk]
    Sample.objects.filter(pk=sample.pk).update(retest_deadline=ahead + DAY)
    assert list(sampling_todos.results_served_reminders(today)) == []


# --- queries ---------------------------------------------------------------------------------------------


def _queries(user, sources, today):
    user = type(user).objects.get(pk=user.pk)  # a request's user: nothing cached on it yet
    with CaptureQueriesContext(connection) as captured:
        for source in sources:
            source.count(user, today)
            source.items(user, today, 8)
    return len(captured)


def test_the_home_page_groups_take_a_bounded_number_of_queries(city, district, enterprise, samplers, make_user,
                                                               today):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    plan = _plan(city, today)
    _conclude(_sample(plan, enterprise, samplers, today, batch="X"), today, fail=True, served_on=today - DAY)
    officer_sources = [s for s in todos.sources_for(officer) if s.key.startswith("sampling.")]
    owner_sources = [s for s in todos.sources_for(owner) if s.key.startswith("sampling.")]
    assert [s.key for s in owner_sources] == ["sampling.results-served"]
    few = (_queries(officer, officer_sources, today), _queries(owner, owner_sources, today))
    for n in range(6):
        sample = _sample(plan, enterprise, samplers, today, batch=f"M{n}")
        if n % 2:
            _conclude(sample, today, fail=True, served_on=today - DAY)
    assert SamplingPlan.objects.count() == 1
    assert (_queries(officer, officer_sources, today), _queries(owner, owner_sources, today)) == few
    # count and items, each with the officer's org-unit scope resolved: at most 4 queries a source
    assert few[0] <= 4 * len(officer_sources) and few[1] <= 2
