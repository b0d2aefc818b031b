"""Scoring rules, adjustments and runs (the services, on the real database)."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.assessment import services
from qcity.assessment.choices import (
    AssessmentGrade,
    AssessmentSchemeStatus,
    AssessmentSubjectKind,
    SchemeItemExclusion,
    SchemeItemKind,
    SchemeItemScoringRule,
)
from qcity.assessment.models import AssessmentResult
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, Department
from qcity.indicators.choices import (
    IndicatorAccumulation,
    IndicatorComparator,
    IndicatorDecomposition,
    ReportingPeriodKind,
    TargetStatus,
)
from qcity.indicators.tests.factories import (
    IndicatorFactory,
    ReportedValueFactory,
    TargetDecompositionFactory,
    UnitTargetFactory,
)
from qcity.workplan.selectors import PlanTaskTally
from qcity.workplan.tests.factories import PlanTaskFactory

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
    assert [line["kind"] for line in result_for(results, other).breakdown] == [SchemeItemKind.INDICATOR, "rescale"]
    assert result_for(results, district).score == Decimal("75.00")


def test_district_reporting_nothing_is_not_assessed_rather_than_scored_zero(plan, district, other):
    rate = IndicatorFactory(plan=plan, target=10)
    scheme, _ = make_scheme([(rate, 100)])
    value(rate, district, 10)

    results = services.assessment_run(scheme=scheme, by=None)

    result = result_for(results, other)
    assert result.grade == AssessmentGrade.NOT_ASSESSED
    assert result.rank == 2 and result_for(results, district).rank == 1  # after every assessed district
    assert result.breakdown[-1]["kind"] == "none"


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
    monkeypatch.setattr(services, "plan_task_tallies", lambda year, today: {
        market.pk: PlanTaskTally(total=4, completed_on_time=2, completed_late=1, open_overdue=1)})

    results = services.assessment_run(scheme=scheme, by=None)

    # then its one indicator carries the whole indicator group (80), the tasks their 20
    result = result_for(results, market)
    assert result.subject_kind == AssessmentSubjectKind.DEPARTMENT
    assert [(line["kind"], line["max"], line["points"]) for line in result.breakdown] == [
        (SchemeItemKind.INDICATOR, "80.00", "80.00"), (SchemeItemKind.TASKS, "20.00", "12.50"), ("rescale", "0.00", "0.00")]
    assert result.score == Decimal("92.50")
    # a department with no indicator and no task in the year is not assessed
    water = next(r for r in results if r.department and r.department.code == "water")
    assert (water.grade, water.breakdown[-1]["kind"]) == (AssessmentGrade.NOT_ASSESSED, "none")


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

    items = list(scheme.items.select_related("group"))
    groups = list(scheme.groups.all())
    assert sum(g.weight for g in groups) == Decimal(100)
    assert sum(g.weight for g in {i.group for i in items if i.kind == SchemeItemKind.INDICATOR}) == Decimal(80)
    assert [i.group.weight for i in items if i.kind == SchemeItemKind.TASKS] == [Decimal(20)]
    assert all(i.weight is None for i in items if i.group_id)  # equal shares of their group
    assert {i.kind for i in items} == set(SchemeItemKind.values)
    assert services.scheme_weight_problems(scheme) == {}


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


# --- not yet due, not applicable, not assessed ------------------------------------------------------------


DECEMBER = datetime.date(2026, 12, 5)
NEXT_YEAR = datetime.date(2027, 1, 10)


def test_a_department_whose_only_task_is_not_yet_due_is_not_assessed_until_it_is(city):
    # given market regulation's only task of 2026 due on 31 December, still open on 5 December
    market = Department.objects.get(code="market-regulation")
    PlanTaskFactory(lead_department=market, deadline=datetime.date(2026, 12, 31))
    scheme, _ = make_scheme([(SchemeItemKind.TASKS, 100)], year=2026, districts=False, departments=True)

    # when run in December, then it is not assessed (never 0 and 不合格), the line saying why
    result = result_for(services.assessment_run(scheme=scheme, by=None, today=DECEMBER), market)
    assert (result.grade, result.score) == (AssessmentGrade.NOT_ASSESSED, Decimal(0))
    assert result.breakdown[0]["excluded"] == SchemeItemExclusion.NOT_DUE and "未到期，不计分" in result.breakdown[0]["note"]

    # when run after the year, the missed task counts
    result = result_for(services.assessment_run(scheme=scheme, by=None, today=NEXT_YEAR), market)
    assert (result.grade, result.score) == (AssessmentGrade.FAIL, Decimal("0.00"))


def test_an_indicator_without_a_value_is_left_out_while_the_year_runs_and_scores_zero_after(district):
    plan = plan_for_year(2026)
    reported = IndicatorFactory(plan=plan, target=10, domain="product")
    missing = IndicatorFactory(plan=plan, target=10, domain="service")
    scheme, _ = make_scheme([(reported, 50), (missing, 50)], year=2026)
    value(reported, district, 10, year=2026)

    during = result_for(services.assessment_run(scheme=scheme, by=None, today=DECEMBER), district)
    after = result_for(services.assessment_run(scheme=scheme, by=None, today=NEXT_YEAR), district)

    assert during.score == Decimal("100.00")
    assert [line.get("excluded") for line in during.breakdown if line["kind"] == SchemeItemKind.INDICATOR] == [
        None, SchemeItemExclusion.NOT_DUE]
    assert "×2" in during.breakdown[-1]["note"]
    assert after.score == Decimal("50.00")


def test_an_indicator_not_applicable_to_a_district_is_left_out_and_the_rest_rescaled(plan, district, other, monkeypatch):
    # given a city-only indicator (not applicable to districts) beside one every district reports
    city_only, shared = IndicatorFactory(plan=plan, target=10), IndicatorFactory(plan=plan, target=10)
    scheme, _ = make_scheme([(city_only, 40), (shared, 60)])
    value(shared, district, 10)
    value(city_only, district, 1)
    real = services.indicator_statuses

    def statuses(**kwargs):
        return [dataclasses.replace(s, result=dataclasses.replace(s.result, status=TargetStatus.NOT_APPLICABLE))
                if s.indicator.pk == city_only.pk else s for s in real(**kwargs)]

    monkeypatch.setattr(services, "indicator_statuses", statuses)

    result = result_for(services.assessment_run(scheme=scheme, by=None), district)

    assert result.score == Decimal("100.00")
    line = next(line for line in result.breakdown if line["item"] and line.get("excluded"))
    assert line["excluded"] == SchemeItemExclusion.NOT_APPLICABLE and line["note"].startswith("不适用")


# --- groups --------------------------------------------------------------------------------------------------


def test_items_added_without_a_group_go_to_their_domain_group_which_weighs_their_sum(plan):
    scheme, [a, b, tasks] = make_scheme([(IndicatorFactory(plan=plan, target=1, domain="product"), 30),
                                         (IndicatorFactory(plan=plan, target=1, domain="product"), 40),
                                         (SchemeItemKind.TASKS, 30)])

    a.group.refresh_from_db()
    assert a.group == b.group and a.group.weight == Decimal(70) and tasks.group.weight == Decimal(30)
    assert services.scheme_weight_problems(scheme) == {}


def test_group_weights_that_do_not_total_100_are_refused_naming_the_groups_and_nothing_is_saved(plan):
    scheme, [a, tasks] = make_scheme([(IndicatorFactory(plan=plan, target=1, domain="product"), None),
                                      (SchemeItemKind.TASKS, None)])
    product, task_group = a.group, tasks.group
    services.scheme_items_update(scheme=scheme, by=None, groups={product.pk: "80", task_group.pk: "20"})

    with pytest.raises(ValidationError) as error:
        services.scheme_items_update(scheme=scheme, by=None, groups={product.pk: "70"},
                                     rules={a.pk: SchemeItemScoringRule.FULL_OR_NOTHING})

    message = error.value.message_dict["groups"][0]
    assert "90.00" in message and product.name in message and task_group.name in message
    product.refresh_from_db()
    a.refresh_from_db()
    assert product.weight == Decimal(80) and a.rule == SchemeItemScoringRule.PROPORTIONAL


def test_an_items_own_points_beyond_its_group_are_refused_naming_the_group(plan):
    scheme, [a, tasks] = make_scheme([(IndicatorFactory(plan=plan, target=1, domain="product"), 80),
                                      (SchemeItemKind.TASKS, 20)])

    with pytest.raises(ValidationError) as error:
        services.scheme_items_update(scheme=scheme, by=None, weights={a.pk: "90"})

    assert a.group.name in error.value.message_dict[f"group_{a.group_id}"][0]


def test_a_scheme_whose_groups_do_not_total_100_cannot_be_published(plan, district):
    rate = IndicatorFactory(plan=plan, target=10)
    scheme, _ = make_scheme([(rate, 90)])
    value(rate, district, 10)
    services.assessment_run(scheme=scheme, by=None)

    with pytest.raises(ValidationError) as error:
        services.scheme_publish(scheme=scheme, by=None)

    assert "groups" in error.value.message_dict
    scheme.refresh_from_db()
    assert scheme.status == AssessmentSchemeStatus.DRAFT


def test_group_weights_changed_are_audited(plan):
    scheme, [a, tasks] = make_scheme([(IndicatorFactory(plan=plan, target=1), 80), (SchemeItemKind.TASKS, 20)])
    services.scheme_items_update(scheme=scheme, by=None, weights={a.pk: "", tasks.pk: ""})

    services.scheme_items_update(scheme=scheme, by=None, groups={a.group_id: "70", tasks.group_id: "30"})

    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type__contains="schemegroup").count() == 2


def test_a_department_is_scored_against_its_own_confirmed_target(plan, city):
    # given the city's food pass rate at 98.5 % against 98 %, and market regulation held to a stricter 99 %
    market = Department.objects.get(code="market-regulation")
    quality = Department.objects.exclude(pk=market.pk).first()
    rate = IndicatorFactory(plan=plan, target=98)
    rate.departments.add(market, quality)
    scheme, _ = make_scheme([(rate, 100, SchemeItemScoringRule.FULL_OR_NOTHING)], districts=False, departments=True)
    value(rate, city, 98.5)
    UnitTargetFactory(decomposition=TargetDecompositionFactory(indicator=rate, year=YEAR), department=market,
                      value=Decimal(99))

    results = services.assessment_run(scheme=scheme, by=None)

    # then market regulation misses its own 99 %, and the breakdown says so; the other department meets the city's
    [strict] = [line for line in result_for(results, market).breakdown if line["kind"] == SchemeItemKind.INDICATOR]
    [other] = [line for line in result_for(results, quality).breakdown if line["kind"] == SchemeItemKind.INDICATOR]
    assert (strict["target"], strict["value"], strict["points"]) == (f"≥ 99（{YEAR}）", "98.5", "0.00")
    assert (other["target"], other["value"], other["points"]) == (f"≥ 98（{YEAR}）", "98.5", "100.00")


def test_a_department_is_scored_on_its_share_of_a_total_and_not_on_a_total_shared_by_others(plan, city):
    # given 10 new famous marks assigned 6 to market regulation and 4 to a second department, 7 reached
    market = Department.objects.get(code="market-regulation")
    second, third = Department.objects.exclude(pk=market.pk)[:2]
    total = IndicatorFactory(plan=plan, name="新增驰名商标", unit="件", target=10,
                             decomposition=IndicatorDecomposition.SPLIT)
    rate = IndicatorFactory(plan=plan, target=98)
    total.departments.add(market, second, third)
    rate.departments.add(third)
    scheme, _ = make_scheme([(total, 50), (rate, 50)], districts=False, departments=True)
    decomposition = TargetDecompositionFactory(indicator=total, year=YEAR)
    UnitTargetFactory(decomposition=decomposition, department=market, value=Decimal(6))
    UnitTargetFactory(decomposition=decomposition, department=second, value=Decimal(4))
    value(total, city, 7)
    value(rate, city, 99)

    results = services.assessment_run(scheme=scheme, by=None)

    # then market regulation is held to its 6, not the city's 10
    [line] = [x for x in result_for(results, market).breakdown if x["kind"] == SchemeItemKind.INDICATOR]
    assert (line["target"], line["value"], line["status"]) == (f"≥ 6（{YEAR}）", "7", TargetStatus.ACHIEVED)
    # and a responsible department given no share of it has the item left out, not scored 0
    [left_out] = [x for x in result_for(results, third).breakdown if x.get("item") and x["name"] == total.name]
    assert left_out["excluded"] == SchemeItemExclusion.NOT_APPLICABLE
    assert result_for(results, third).score == Decimal("100.00")
