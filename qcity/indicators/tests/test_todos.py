"""To-do items of the indicators module: values to report, to resubmit, to review, and their reminders."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qcity.core import todos as core_todos
from qcity.core import workdays
from qcity.core.choices import Role
from qcity.core.models import Department
from qcity.indicators import todos
from qcity.indicators.choices import (
    IndicatorAccumulation,
    IndicatorDecomposition,
    ReportedValueStatus,
    ReportingPeriodKind,
)

from .factories import IndicatorFactory, PlanFactory, ReportedValueFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 7)  # a Monday: the 2025 annual values are overdue, the 2026 Q3 values too


def y2025() -> todos.ReportingPeriod:
    return todos.reporting_period(ReportingPeriodKind.YEAR, 2025)


def q3_2026() -> todos.ReportingPeriod:
    return todos.reporting_period(ReportingPeriodKind.QUARTER, 2026, 3)


@pytest.fixture
def other_district(city):
    return city.children.get(name="二七区")


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, district)


@pytest.fixture
def other_officer(make_user, other_district):
    return make_user(Role.DISTRICT_OFFICER, other_district)


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)


@pytest.fixture
def plan():
    return PlanFactory(period_start=2021, period_end=2025)


def test_the_reporting_deadline_is_fifteen_working_days_after_the_period_ends():
    assert y2025().ends_on == D(2025, 12, 31)
    assert y2025().due_on == workdays.add_working_days(D(2025, 12, 31), 15)
    assert q3_2026().ends_on == D(2026, 9, 30)
    assert q3_2026().due_on == workdays.add_working_days(D(2026, 9, 30), 15)


def test_the_periods_due_are_the_last_ended_year_and_the_last_ended_quarter_of_this_year():
    assert [p.key for p in todos.reporting_periods(TODAY)] == [("year", 2025, 0), ("quarter", 2026, 3)]
    assert [p.key for p in todos.reporting_periods(D(2027, 2, 1))] == [("year", 2026, 0)]


def test_a_district_officer_sees_the_values_their_district_has_not_reported(plan, officer, district, other_district):
    # given two indicators of a plan covering 2025, one already reported by the district
    done, missing = IndicatorFactory(plan=plan, name="已报指标"), IndicatorFactory(plan=plan, name="未报指标")
    ReportedValueFactory(indicator=done, org_unit=district, year=2025)
    ReportedValueFactory(indicator=missing, org_unit=other_district, year=2025)  # another district's value
    # when / then
    items = todos.values_to_report(officer, TODAY, 8)
    assert [i.title.split(" · ")[0] for i in items] == ["未报指标"]
    assert items[0].due_on == y2025().due_on
    assert items[0].url.endswith(f"?indicator={missing.pk}")
    assert todos.values_to_report_count(officer, TODAY) == 1


def test_another_districts_gaps_are_not_shown(plan, officer, other_officer, district, other_district):
    indicator = IndicatorFactory(plan=plan)
    ReportedValueFactory(indicator=indicator, org_unit=other_district, year=2024)
    ReportedValueFactory(indicator=indicator, org_unit=district, year=2025)
    assert todos.values_to_report_count(officer, TODAY) == 0
    assert todos.values_to_report_count(other_officer, TODAY) == 1


def test_a_plan_only_one_district_reports_on_is_not_due_from_the_others(plan, officer, other_officer, other_district):
    # given a plan (like the airport zone's) only the other district has ever reported on
    old = IndicatorFactory(plan=plan)
    ReportedValueFactory(indicator=old, org_unit=other_district, year=2024)
    # then it is due from that district only
    assert todos.values_to_report_count(other_officer, TODAY) == 1
    assert todos.values_to_report_count(officer, TODAY) == 0


def test_a_city_title_is_not_due_from_a_district(plan, officer):
    IndicatorFactory(plan=plan, decomposition=IndicatorDecomposition.CITY_ONLY)
    assert todos.values_to_report_count(officer, TODAY) == 0


def test_a_department_reporter_sees_the_city_values_of_its_departments_indicators(plan, make_user):
    market = Department.objects.get(code="market-regulation")
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=market)
    ours, theirs = IndicatorFactory(plan=plan, name="本部门指标"), IndicatorFactory(plan=plan, name="其他部门指标")
    ours.departments.set([market])
    theirs.departments.set([Department.objects.exclude(pk=market.pk).first()])
    assert [i.title.split(" · ")[0] for i in todos.values_to_report(reporter, TODAY, 8)] == ["本部门指标"]


def test_values_to_report_come_nearest_deadline_first(officer):
    # given a plan covering 2025–2027: the annual 2025 value and the third quarter of 2026 are due
    plan = PlanFactory(period_start=2025, period_end=2027)
    IndicatorFactory(plan=plan, name="水平指标")
    IndicatorFactory(plan=plan, name="累计指标", accumulation=IndicatorAccumulation.CUMULATIVE)
    items = todos.values_to_report(officer, TODAY, 8)
    # the cumulative count is reported once a year only
    assert [(i.title.split(" · ")[0], i.due_on) for i in items] == [
        ("水平指标", y2025().due_on), ("累计指标", y2025().due_on), ("水平指标", q3_2026().due_on)]
    assert todos.values_to_report(officer, TODAY, 1) == items[:1]


def test_count_and_items_take_a_fixed_number_of_queries(plan, officer, district):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            todos.values_to_report_count(officer, TODAY)
            todos.values_to_report(officer, TODAY, 8)
            todos.values_to_resubmit_count(officer, TODAY)
            todos.values_to_resubmit(officer, TODAY, 8)
        return len(captured)

    ReportedValueFactory(indicator=IndicatorFactory(plan=plan), org_unit=district, year=2024)
    queries()  # the user's roles and the holiday calendar are read once, then cached
    few = queries()
    for _ in range(12):
        indicator = IndicatorFactory(plan=plan)
        ReportedValueFactory(indicator=indicator, org_unit=district, year=2025, status=ReportedValueStatus.RETURNED)
    assert queries() == few
    assert few <= 12


def test_the_home_page_pass_finds_the_missing_values_once_for_count_and_items(plan, officer, district, monkeypatch):
    # given a district with values to report, and the finder of missing values counted
    IndicatorFactory(plan=plan)
    calls = []
    finder = todos._missing
    monkeypatch.setattr(todos, "_missing", lambda *args: calls.append(1) or finder(*args))
    # when the registry builds the officer's to-do list (counts, then items)
    groups = core_todos.todo_list(officer, today=TODAY)
    # then the group is there, and the values were looked for once, not once for the count and once for the items
    assert any(g.source.key == "indicators.values-to-report" and g.count and g.items for g in groups)
    assert len(calls) == 1
    # and outside a pass each call looks again (never stale)
    todos.values_to_report_count(officer, TODAY)
    assert len(calls) == 2


def test_a_returned_value_is_to_resubmit_with_its_reason_for_its_district_only(plan, officer, other_officer, district):
    value = ReportedValueFactory(indicator=IndicatorFactory(plan=plan), org_unit=district, year=2025,
                                 status=ReportedValueStatus.RETURNED, status_note="口径与统计年鉴不一致")
    items = todos.values_to_resubmit(officer, TODAY, 8)
    assert [(i.detail, i.due_on) for i in items] == [("口径与统计年鉴不一致", y2025().due_on)]
    assert items[0].url.endswith(f"/values/{value.pk}/resubmit/")
    assert todos.values_to_resubmit_count(officer, TODAY) == 1
    assert todos.values_to_resubmit_count(other_officer, TODAY) == 0
    assert todos.values_to_report_count(officer, TODAY) == 0  # it is in: resubmitting is the other list


def test_the_office_reviews_submitted_and_approves_reviewed_values(plan, office, officer, district):
    indicator = IndicatorFactory(plan=plan)
    ReportedValueFactory(indicator=indicator, org_unit=district, year=2025, status=ReportedValueStatus.REVIEWED)
    ReportedValueFactory(indicator=indicator, org_unit=district, year=2024, status=ReportedValueStatus.SUBMITTED)
    ReportedValueFactory(indicator=indicator, org_unit=district, year=2023)  # approved: nothing to do
    items = todos.values_to_review(office, TODAY, 8)
    assert [(i.title.rsplit(" · ", 1)[1], i.detail) for i in items] == [("2024年度", "待审核"), ("2025年度", "待审定")]
    assert todos.values_to_review_count(office, TODAY) == 2
    sources = {s.key for s in core_todos.sources_for(officer)}
    assert "indicators.values-to-review" not in sources


# --- reminders ------------------------------------------------------------------------------------------


def test_reminders_go_to_the_reporters_three_working_days_before_the_deadline(plan, officer, other_officer, district):
    indicator = IndicatorFactory(plan=plan)
    ReportedValueFactory(indicator=indicator, org_unit=district, year=2024)  # both districts report the plan
    ReportedValueFactory(indicator=indicator, org_unit=other_officer.org_unit, year=2024)
    ReportedValueFactory(indicator=indicator, org_unit=other_officer.org_unit, year=2025)  # this one is in
    three_before = workdays.add_working_days(y2025().due_on, -3)
    reminders = list(todos.values_to_report_reminders(three_before))
    assert [(r.user_id, r.item.due_on) for r in reminders] == [(officer.pk, y2025().due_on)]
    assert reminders[0].key.endswith(f":due:{y2025().due_on.isoformat()}:soon")
    assert list(todos.values_to_report_reminders(workdays.add_working_days(y2025().due_on, -4))) == []
    assert list(todos.values_to_report_reminders(workdays.add_working_days(y2025().due_on, -2))) == []


def test_an_overdue_reminder_goes_out_the_day_after_the_deadline_once(plan, officer):
    IndicatorFactory(plan=plan)
    after = y2025().due_on + datetime.timedelta(days=1)
    reminders = list(todos.values_to_report_reminders(after))
    assert [r.user_id for r in reminders] == [officer.pk]
    assert reminders[0].key.endswith(":overdue")
    assert list(todos.values_to_report_reminders(workdays.add_working_days(y2025().due_on, 2))) == []


def test_the_reminder_window_crosses_a_weekend():
    friday, monday = D(2026, 11, 20), D(2026, 11, 23)
    assert core_todos.reminder_days(friday) == (D(2026, 11, 25), D(2026, 11, 19))
    # on Monday a Friday deadline is overdue since "yesterday" (the last working day)
    assert core_todos.reminder_kind(friday, monday) == "overdue"
    assert core_todos.reminder_kind(friday, D(2026, 11, 24)) is None
    assert core_todos.reminder_kind(D(2026, 11, 26), monday) == "soon"
