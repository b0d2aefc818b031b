"""Scoring rules, adjustments and runs (the services, on the real database)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.assessment import services
from qcity.assessment.choices import (
    AssessmentGrade,
    AssessmentSchemeStatus,
    AssessmentSubjectKind,
    SchemeItemKind,
    SchemeItemScoringRule,
)
from qcity.assessment.models import AssessmentResult
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, Department
from qcity.indicators.choices import IndicatorAccumulation, IndicatorComparator, ReportingPeriodKind
from qcity.indicators.tests.factories import IndicatorFactory, ReportedValueFactory
from qcity.workplan.selectors import PlanTaskTally

from .factories import YEAR, make_scheme, plan_for_year, value

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return plan_for_year()


@pytest.fixture
def other(city):
    return city.children.get(name="二七区")


def result_for(results, subject):
    return next(r for r in results if r.subject == subject)


def test_full_or_nothing_gives_full_marks_when_met_and_zero_otherwise(plan, district, other):
    # given one indicator worth 100, met by 金水区 and missed by 二七区
    rate = IndicatorFactory(plan=plan, target=98)
    scheme, _ = make_scheme([(rate, 100, SchemeItemScoringRule.FULL_OR_NOTHING)])
    value(rate, district, 98.5)
    value(rate, other, 97.9)

    results = services.assessment_run(scheme=scheme, by=None)

    assert result_for(results, district).score == Decimal("100.00")
    assert result_for(results, other).score == Decimal("0.00")
    assert result_for(results, other).breakdown[0]["note"] == "未达标，不得分"


def test_proportional_rule_credits_the_share_of_the_target_reached(plan, district):
    rate = IndicatorFactory(plan=plan, target=90)
    scheme, _ = make_scheme([(rate, 100, SchemeItemScoringRule.PROPORTIONAL)])
    value(rate, district, 45)

    [line] = result_for(services.assessment_run(scheme=scheme, by=None), district).breakdown

    assert (line["points"], line["max"], line["value"], line["status"]) == ("50.00", "100.00", "45", "off_track")


def test_at_most_target_scores_target_over_value(plan, district):
    # given an accident rate that must be ≤ 2 and is 4: half way
    accidents = IndicatorFactory(plan=plan, target=2, comparator=IndicatorComparator.AT_MOST, name="事故率")
    met = IndicatorFactory(plan=plan, target=2, comparator=IndicatorComparator.AT_MOST, name="投诉率")
    scheme, _ = make_scheme([(accidents, 50), (met, 50)])
    value(accidents, district, 4)
    value(met, district, 1.5)

    result = result_for(services.assessment_run(scheme=scheme, by=None), district)

    assert [line["points"] for line in result.breakdown] == ["25.00", "50.00"]
    assert result.score == Decimal("75.00")


def test_missing_value_scores_zero_but_counts_in_the_maximum(plan, district):
    reported = IndicatorFactory(plan=plan, target=10)
    missing = IndicatorFactory(plan=plan, target=10)
    scheme, _ = make_scheme([(reported, 40), (missing, 40)])
    value(reported, district, 10)

    result = result_for(services.assessment_run(scheme=scheme, by=None), district)

    assert result.score == Decimal("50.00")  # 80 points rescaled to 100: 50 + 0
    assert result.breakdown[1]["note"] == "无审定数据，不得分"
    assert result.breakdown[1]["max"] == "50.00"


def test_a_plan_a_district_does_not_report_on_does_not_count_against_it(district, other):
    # given the city plan reported by both, and a zone's own plan reported only by 金水区
    city_plan, zone_plan = plan_for_year(), plan_for_year()
    shared, own = IndicatorFactory(plan=city_plan, target=10), IndicatorFactory(plan=zone_plan, target=10)
    scheme, _ = make_scheme([(shared, 50), (own, 50)])
    value(shared, district, 10)
    value(shared, other, 10)
    value(own, district, 5)

    results = services.assessment_run(scheme=scheme, by=None)

    assert result_for(results, other).score == Decimal("100.00")
    assert len(result_for(results, other).breakdown) == 1
    assert result_for(results, district).score == Decimal("75.00")


def test_district_reporting_nothing_scores_zero_and_fails(plan, district, other):
    rate = IndicatorFactory(plan=plan, target=10)
    scheme, _ = make_scheme([(rate, 100)])
    value(rate, district, 10)

    result = result_for(services.assessment_run(scheme=scheme, by=None), other)

    assert (result.score, result.grade) == (Decimal("0.00"), AssessmentGrade.FAIL)


def test_bonus_points_are_capped_by_the_item(plan, district):
    rate = IndicatorFactory(plan=plan, target=10)
    scheme, [_, bonus] = make_scheme([(rate, 100), (SchemeItemKind.BONUS, 3)])
    value(rate, district, 5)
    services.adjustment_create(item=bonus, by=None, org_unit=district, points=2, reason="省长质量奖")
    services.adjustment_create(item=bonus, by=None, org_unit=district, points=2, reason="标准化试点")

    result = result_for(services.assessment_run(scheme=scheme, by=None), district)

    assert result.score == Decimal("53.00")
    assert result.breakdown[-1]["points"] == "3.00"
    assert "超过上限" in result.breakdown[-1]["note"]


def test_single_bonus_above_the_cap_is_refused(plan, district):
    scheme, [bonus] = make_scheme([(SchemeItemKind.BONUS, 3)])

    with pytest.raises(ValidationError) as error:
        services.adjustment_create(item=bonus, by=None, org_unit=district, points=5, reason="x")

    assert "points" in error.value.message_dict


def test_veto_fails_the_subject_whatever_its_score_and_ranks_it_last(plan, district, other):
    rate = IndicatorFactory(plan=plan, target=10)
    scheme, [_, veto] = make_scheme([(rate, 100), (SchemeItemKind.VETO, 0)])
    value(rate, district, 10)
    value(rate, other, 5)
    services.adjustment_create(item=veto, by=None, org_unit=district, reason="重大质量安全事故", evidence="调查报告")

    results = services.assessment_run(scheme=scheme, by=None)

    vetoed, clean = result_for(results, district), result_for(results, other)
    assert (vetoed.score, vetoed.grade, vetoed.vetoed) == (Decimal("100.00"), AssessmentGrade.FAIL, True)
    assert vetoed.rank > clean.rank
    assert vetoed.breakdown[-1]["kind"] == SchemeItemKind.VETO and vetoed.breakdown[-1]["points"] == "0.00"


def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped(plan, city):
    rate = IndicatorFactory(plan=plan, target=10)
    scheme, _ = make_scheme([(rate, 100)])
    a, b, c = city.children.order_by("sort_order")[:3]
    value(rate, a, 10)
    value(rate, b, 10)
    value(rate, c, 9)

    results = services.assessment_run(scheme=scheme, by=None)

    assert [result_for(results, u).rank for u in (a, b, c)] == [1, 1, 3]


def test_grades_follow_the_scheme_thresholds(plan, city):
    rate = IndicatorFactory(plan=plan, target=100)
    scheme, _ = make_scheme([(rate, 100)])
    units = list(city.children.order_by("sort_order")[:4])
    for unit, amount in zip(units, (90, 80, 60, 59.99), strict=True):
        value(rate, unit, amount)

    results = services.assessment_run(scheme=scheme, by=None)

    assert [result_for(results, u).grade for u in units] == [AssessmentGrade.EXCELLENT, AssessmentGrade.GOOD, AssessmentGrade.PASS, AssessmentGrade.FAIL]


def test_breakdown_adds_up_to_the_score(plan, district):
    items = [(IndicatorFactory(plan=plan, target=t), w) for t, w in ((7, 13), (9, 17), (11, 19), (3, 31))]
    scheme, made = make_scheme([*items, (SchemeItemKind.BONUS, 2)])
    for (ind, _w), amount in zip(items, (6, 9.5, 2, 1), strict=True):
        value(ind, district, amount)
    services.adjustment_create(item=made[-1], by=None, org_unit=district, points="1.5", reason="表彰")

    result = result_for(services.assessment_run(scheme=scheme, by=None), district)

    assert sum(Decimal(line["points"]) for line in result.breakdown) == result.score
    assert all(Decimal(line["points"]) <= Decimal(line["max"]) for line in result.breakdown)


def test_cumulative_indicator_sums_months_since_the_plan_began(plan, district):
    count = IndicatorFactory(plan=plan, target=100, accumulation=IndicatorAccumulation.CUMULATIVE, unit="个")
    scheme, _ = make_scheme([(count, 100)])
    for year, months in ((YEAR - 1, range(1, 13)), (YEAR, range(1, 7))):
        for month in months:
            ReportedValueFactory(indicator=count, org_unit=district, period_kind=ReportingPeriodKind.MONTH,
                                 year=year, period_number=month, value=Decimal(5), status="approved")

    [line] = result_for(services.assessment_run(scheme=scheme, by=None), district).breakdown

    assert line["value"] == "90" and line["points"] == "90.00"


def test_department_is_scored_on_city_values_of_its_indicators_and_on_its_tasks(plan, city, monkeypatch):
    # given market regulation responsible for one indicator met at city level, with 4 tasks due
    market = Department.objects.get(code="market-regulation")
    rate = IndicatorFactory(plan=plan, target=98)
    rate.departments.add(market)
    unrelated = IndicatorFactory(plan=plan, target=50)
    scheme, _ = make_scheme([(rate, 40), (unrelated, 40), (SchemeItemKind.TASKS, 20)], districts=False, departments=True)
    value(rate, city, 99)
    value(unrelated, city, 0)
    monkeypatch.setattr(services, "plan_task_tallies", lambda year: {
        market.pk: PlanTaskTally(total=4, completed_on_time=2, completed_late=1, open_overdue=1)})

    results = services.assessment_run(scheme=scheme, by=None)

    result = result_for(results, market)
    assert result.subject_kind == AssessmentSubjectKind.DEPARTMENT
    assert [(line["kind"], line["max"], line["points"]) for line in result.breakdown] == [
        (SchemeItemKind.INDICATOR, "66.67", "66.67"), (SchemeItemKind.TASKS, "33.33", "20.83")]
    assert result.score == Decimal("87.50")
    # a department with no indicator and no task due is not assessed
    assert not any(r.department and r.department.code == "water" for r in results)


def test_a_run_replaces_the_previous_results_in_one_audit_event(plan, district):
    rate = IndicatorFactory(plan=plan, target=10)
    scheme, _ = make_scheme([(rate, 100)])
    value(rate, district, 10)
    services.assessment_run(scheme=scheme, by=None)
    first = set(AssessmentResult.objects.values_list("pk", flat=True))
    events = AuditEvent.objects.count()

    results = services.assessment_run(scheme=scheme, by=None)

    assert AssessmentResult.objects.filter(scheme=scheme).count() == len(results) == 16
    assert not first & set(AssessmentResult.objects.values_list("pk", flat=True))
    assert AuditEvent.objects.count() == events + 1
    assert "assessment run" in AuditEvent.objects.latest("pk").message


def test_default_scheme_shares_80_points_across_indicators_and_20_for_tasks(plan):
    for target in (1, 2, 3):
        IndicatorFactory(plan=plan, target=target)

    scheme = services.scheme_create_default(year=YEAR, by=None)

    items = list(scheme.items.all())
    assert sum(i.weight for i in items if i.kind == SchemeItemKind.INDICATOR) == Decimal(80)
    assert [i.weight for i in items if i.kind == SchemeItemKind.TASKS] == [Decimal(20)]
    assert {i.kind for i in items} == set(SchemeItemKind.values)


def test_default_scheme_needs_a_plan_covering_the_year():
    with pytest.raises(ValidationError) as error:
        services.scheme_create_default(year=1999 + 100, by=None)
    assert "year" in error.value.message_dict


def test_published_scheme_items_are_locked_but_it_can_still_be_rerun(plan, district):
    rate = IndicatorFactory(plan=plan, target=10)
    scheme, [item] = make_scheme([(rate, 100)])
    value(rate, district, 10)
    with pytest.raises(ValidationError):
        services.scheme_publish(scheme=scheme, by=None)  # not run yet
    services.assessment_run(scheme=scheme, by=None)
    services.scheme_publish(scheme=scheme, by=None)

    with pytest.raises(ValidationError):
        services.scheme_item_update(item=item, by=None, weight=50)
    assert scheme.status == AssessmentSchemeStatus.PUBLISHED
    assert services.assessment_run(scheme=scheme, by=None)


def test_bad_weight_rolls_back_every_item_of_the_form(plan):
    a, b = IndicatorFactory(plan=plan, target=1), IndicatorFactory(plan=plan, target=2)
    scheme, [item_a, item_b] = make_scheme([(a, 50), (b, 50)])

    with pytest.raises(ValidationError) as error:
        services.scheme_items_update(scheme=scheme, by=None, weights={item_a.pk: "60", item_b.pk: "abc"})

    assert f"weight_{item_b.pk}" in error.value.message_dict
    item_a.refresh_from_db()
    assert item_a.weight == Decimal(50)


def test_only_the_leadership_office_manages_assessments(plan, make_user, district):
    rate = IndicatorFactory(plan=plan, target=10)
    scheme, _ = make_scheme([(rate, 100)])
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)

    with pytest.raises(PermissionDenied):
        services.assessment_run(scheme=scheme, by=officer)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=officer).exists()
    assert services.assessment_run(scheme=scheme, by=make_user(Role.LEADERSHIP_OFFICE))
