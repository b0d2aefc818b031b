"""Status reads each unit's own target (指标分解): `selectors.indicator_statuses` and the ranking."""

import datetime
from decimal import Decimal as D

import pytest
import time_machine

from qcity.core.choices import Role
from qcity.core.models import Department
from qcity.indicators.choices import (
    IndicatorAccumulation,
    IndicatorDecomposition,
    ReportedValueStatus,
    TargetDecompositionStatus,
    TargetStatus,
)
from qcity.indicators.models import Target
from qcity.indicators.selectors import (
    MARKER_SECONDS,
    department_statuses,
    indicator_list,
    indicator_statuses,
    status_board_get,
    status_counts,
    unit_ranking,
)
from qcity.indicators.services.decomposition import target_decomposition_confirm
from qcity.indicators.services.status_rule import status_rule_update
from qcity.indicators.services.values import reported_value_approve

from .factories import (
    IndicatorFactory,
    PlanFactory,
    ReportedValueFactory,
    TargetDecompositionFactory,
    UnitTargetFactory,
)

pytestmark = pytest.mark.django_db


def _status(indicator, unit, year=2025):
    (item,) = indicator_statuses(indicators=[indicator], org_units=[unit], year=year)
    return item


def test_a_district_is_held_to_its_confirmed_share_of_a_total(city, district):
    # given a city total of 9000 split so that the district owes 600, and the district reporting 650
    plan = PlanFactory(period_start=2021, period_end=2025)
    total = IndicatorFactory(plan=plan, name="绿色建筑面积", unit="万平方米", target=9000,
                             decomposition=IndicatorDecomposition.SPLIT)
    UnitTargetFactory(decomposition=TargetDecompositionFactory(indicator=total, year=2025), org_unit=district,
                      value=D(600))
    ReportedValueFactory(indicator=total, org_unit=district, year=2025, value=D(650))

    item = _status(total, district)

    # then the district has achieved its own target, not failed the city's
    assert item.status == TargetStatus.ACHIEVED
    assert item.result.milestone.value == D(600)


def test_a_draft_split_is_not_read_and_the_district_is_not_graded_on_the_city_total(city, district):
    plan = PlanFactory(period_start=2021, period_end=2025)
    total = IndicatorFactory(plan=plan, name="绿色建筑面积", unit="万平方米", target=9000,
                             decomposition=IndicatorDecomposition.SPLIT)
    draft = TargetDecompositionFactory(indicator=total, year=2025, status=TargetDecompositionStatus.DRAFT)
    UnitTargetFactory(decomposition=draft, org_unit=district, value=D(600))
    ReportedValueFactory(indicator=total, org_unit=district, year=2025, value=D(650))

    item = _status(total, district)

    assert item.status == TargetStatus.NOT_APPLICABLE
    assert item.reason


def test_a_uniform_rate_defaults_to_the_city_value_and_a_stricter_district_value_wins(city, district):
    plan = PlanFactory(period_start=2021, period_end=2025)
    rate = IndicatorFactory(plan=plan, target=98, decomposition=IndicatorDecomposition.UNIFORM)
    ReportedValueFactory(indicator=rate, org_unit=district, year=2025, value=D("98.5"))
    assert _status(rate, district).status == TargetStatus.ACHIEVED

    UnitTargetFactory(decomposition=TargetDecompositionFactory(indicator=rate, year=2025), org_unit=district,
                      value=D(99))

    item = _status(rate, district)
    assert item.status != TargetStatus.ACHIEVED
    assert item.result.milestone.value == D(99)


def test_a_city_only_title_is_not_applicable_to_a_district_but_graded_for_the_city(city, district):
    plan = PlanFactory(period_start=2021, period_end=2025)
    title = IndicatorFactory(plan=plan, name="中国质量奖", unit="项", target=2,
                             accumulation=IndicatorAccumulation.CUMULATIVE,
                             decomposition=IndicatorDecomposition.CITY_ONLY)
    ReportedValueFactory(indicator=title, org_unit=city, year=2025, value=D(2))
    ReportedValueFactory(indicator=title, org_unit=district, year=2025, value=D(0))

    statuses = indicator_statuses(indicators=[title], org_units=[city, district], year=2025)
    by_unit = {s.org_unit.pk: s for s in statuses}

    assert by_unit[city.pk].status == TargetStatus.ACHIEVED
    assert by_unit[district.pk].status == TargetStatus.NOT_APPLICABLE
    assert by_unit[district.pk].result.milestone is None


def test_not_applicable_counts_neither_as_lagging_nor_in_the_ranking(city, district):
    # given a district achieving its rate and a city-only title it cannot hold
    plan = PlanFactory(period_start=2021, period_end=2025)
    rate = IndicatorFactory(plan=plan, target=98, decomposition=IndicatorDecomposition.UNIFORM)
    title = IndicatorFactory(plan=plan, name="中国质量奖", unit="项", target=2,
                             decomposition=IndicatorDecomposition.CITY_ONLY)
    ReportedValueFactory(indicator=rate, org_unit=district, year=2025, value=D(99))
    ReportedValueFactory(indicator=title, org_unit=district, year=2025, value=D(0))

    statuses = indicator_statuses(indicators=[rate, title], org_units=[district], year=2025)
    counts = status_counts(statuses)
    (standing,) = unit_ranking(statuses)

    assert counts[TargetStatus.ACHIEVED] == 1
    assert counts[TargetStatus.OFF_TRACK] == counts[TargetStatus.AT_RISK] == 0
    assert standing.attainment == D(1)


def _department_status(indicator, city, *departments, year=2025):
    found = department_statuses(indicators=[indicator], departments=departments, city=city, year=year)
    return [found[(indicator.pk, d.pk)] for d in departments]


def test_a_department_is_held_to_its_own_stricter_rate_on_the_citys_figure(city):
    # given the city's food pass rate at 98.5 % against 98 %, and market regulation held to a stricter 99 %
    market, health = Department.objects.get(code="market-regulation"), Department.objects.exclude(
        code="market-regulation").first()
    plan = PlanFactory(period_start=2021, period_end=2025)
    rate = IndicatorFactory(plan=plan, target=98, decomposition=IndicatorDecomposition.UNIFORM)
    ReportedValueFactory(indicator=rate, org_unit=city, year=2025, value=D("98.5"))
    UnitTargetFactory(decomposition=TargetDecompositionFactory(indicator=rate, year=2025), department=market,
                      value=D(99))

    strict, other = _department_status(rate, city, market, health)

    # then market regulation has not met its own 99 %, while a department without one answers for the city's 98 %
    assert (strict.department, strict.org_unit) == (market, city)
    assert strict.result.milestone.value == D(99) and strict.result.actual == D("98.5")
    assert strict.status != TargetStatus.ACHIEVED
    assert other.result.milestone.value == D(98) and other.status == TargetStatus.ACHIEVED


def test_a_department_is_held_to_its_share_of_a_total_assigned_to_departments(city):
    # given a city total of 10 marks assigned 6 to market regulation and 4 to another department
    market, science = Department.objects.get(code="market-regulation"), Department.objects.exclude(
        code="market-regulation").first()
    third = Department.objects.exclude(pk__in=[market.pk, science.pk]).first()
    plan = PlanFactory(period_start=2021, period_end=2025)
    total = IndicatorFactory(plan=plan, name="新增驰名商标", unit="件", target=10,
                             decomposition=IndicatorDecomposition.SPLIT)
    decomposition = TargetDecompositionFactory(indicator=total, year=2025)
    UnitTargetFactory(decomposition=decomposition, department=market, value=D(6))
    UnitTargetFactory(decomposition=decomposition, department=science, value=D(4))
    ReportedValueFactory(indicator=total, org_unit=city, year=2025, value=D(7))

    own, shared, none = _department_status(total, city, market, science, third)

    # then each is held to its own share, not to the whole city's 10
    assert own.result.milestone.value == D(6) and own.status == TargetStatus.ACHIEVED
    assert shared.result.milestone.value == D(4)
    # and a department that was given no share of a total shared among departments is not graded on it
    assert none.status == TargetStatus.NOT_APPLICABLE and none.reason


def test_a_draft_department_target_is_not_read(city):
    market = Department.objects.get(code="market-regulation")
    plan = PlanFactory(period_start=2021, period_end=2025)
    total = IndicatorFactory(plan=plan, name="新增驰名商标", unit="件", target=10,
                             decomposition=IndicatorDecomposition.SPLIT)
    draft = TargetDecompositionFactory(indicator=total, year=2025, status=TargetDecompositionStatus.DRAFT)
    UnitTargetFactory(decomposition=draft, department=market, value=D(6))
    ReportedValueFactory(indicator=total, org_unit=city, year=2025, value=D(7))

    (item,) = _department_status(total, city, market)

    # then market regulation still answers for the city's 10
    assert item.result.milestone.value == D(10) and item.status != TargetStatus.ACHIEVED


def test_department_statuses_read_their_targets_in_one_query(city, django_assert_max_num_queries):
    departments = list(Department.objects.all())
    plan = PlanFactory(period_start=2021, period_end=2025)
    indicators = [IndicatorFactory(plan=plan, decomposition=IndicatorDecomposition.SPLIT, unit="家", target=100)
                  for _ in range(5)]
    for indicator in indicators:
        decomposition = TargetDecompositionFactory(indicator=indicator, year=2025)
        UnitTargetFactory(decomposition=decomposition, department=departments[0], value=D(100))
    indicators = list(indicator_list(plan=plan))
    city_statuses = {(s.indicator.pk, s.org_unit.pk): s
                     for s in indicator_statuses(indicators=indicators, org_units=[city], year=2025)}

    with django_assert_max_num_queries(3):  # the targets, the start points, the grading rule
        found = department_statuses(indicators=indicators, departments=departments, city=city, year=2025,
                                    city_statuses=city_statuses)
    assert len(found) == len(indicators) * len(departments)


def test_unit_targets_are_read_in_one_query_for_many_units(city, district, django_assert_max_num_queries):
    plan = PlanFactory(period_start=2021, period_end=2025)
    others = list(city.children.order_by("pk")[:5])
    indicators = [IndicatorFactory(plan=plan, decomposition=IndicatorDecomposition.SPLIT, unit="家", target=100)
                  for _ in range(4)]
    for indicator in indicators:
        decomposition = TargetDecompositionFactory(indicator=indicator, year=2025)
        for unit in others:
            UnitTargetFactory(decomposition=decomposition, org_unit=unit, value=D(20))

    listed = list(indicator_list(plan=plan))  # targets prefetched, as the pages read them

    # values (2), first values, unit targets, status rule: a fixed number whatever the size
    with django_assert_max_num_queries(5):
        statuses = indicator_statuses(indicators=listed, org_units=[city, *others], year=2025)

    assert len(statuses) == 4 * 6
    assert {s.result.milestone.value for s in statuses if s.org_unit.parent_id} == {D(20)}


# --- the cached status board (`status_board_get`) and its data marker ------------------------------------


@pytest.fixture
def board_plan(city, district):
    """A rate with a district value waiting for approval and a count with an approved one."""
    plan = PlanFactory(period_start=2021, period_end=2025)
    rate = IndicatorFactory(plan=plan, name="食品抽检合格率", target=98, position=1)
    count = IndicatorFactory(plan=plan, name="新增绿色食品认证", unit="个", target=50, position=2)
    ReportedValueFactory(indicator=count, org_unit=district, value=D(60))
    ReportedValueFactory(indicator=rate, org_unit=city, value=D(97.9))
    waiting = ReportedValueFactory(indicator=rate, org_unit=district, value=D(99), status=ReportedValueStatus.REVIEWED)
    return {"plan": plan, "rate": rate, "count": count, "waiting": waiting}


def _board(plan, units, unit):
    return status_board_get(plan=plan, year=2025, units=units, unit=unit)


def _rate_status(board, rate):
    return next(row.status for row in board.rows if row.indicator.pk == rate.pk)


def test_the_cached_board_equals_the_uncached_computation(board_plan, city, district):
    # given the board computed once (and cached)
    plan, units = board_plan["plan"], [city, district]
    _board(plan, units, district)
    # when it is read again
    board = _board(plan, units, district)
    # then it equals the computation without a cache, row by row and in the ranking
    statuses = indicator_statuses(indicators=indicator_list(plan=plan), org_units=units, year=2025)
    mine = [s for s in statuses if s.org_unit.pk == district.pk]
    assert [(r.indicator.pk, r.status, r.result, r.item.reason) for r in board.rows] == [
        (s.indicator.pk, s.status, s.result, s.reason) for s in mine]
    assert [(s.org_unit.pk, s.attainment, s.counts, s.rank) for s in board.ranking] == [
        (s.org_unit.pk, s.attainment, s.counts, s.rank) for s in unit_ranking([s for s in statuses if s.org_unit.parent_id])]
    assert [r.history for r in board.rows] == [[], [(2025, D(60))]]


def test_a_cached_board_changes_at_once_when_a_value_is_approved(board_plan, city, district, make_user):
    # given a cached board where the district's rate has no approved value yet
    plan, units = board_plan["plan"], [city, district]
    assert _rate_status(_board(plan, units, district), board_plan["rate"]) == TargetStatus.NO_DATA
    # when the office approves the waiting value (an update of the row: no new primary key)
    reported_value_approve(value=board_plan["waiting"], by=make_user(Role.LEADERSHIP_OFFICE))
    # then the next read shows it, without waiting for the marker's slow part
    assert _rate_status(_board(plan, units, district), board_plan["rate"]) == TargetStatus.ACHIEVED


def test_a_cached_board_changes_at_once_when_the_rule_changes(board_plan, city, make_user):
    # given a city rate of 97.9 against 98 (a lag of 0.1 on a floor way of 1.96: on track by default)
    plan = board_plan["plan"]
    before = _rate_status(_board(plan, [city], city), board_plan["rate"])
    # when the office tightens the tolerance to nothing and the at-risk share to 1 %
    status_rule_update(on_track_tolerance=D("0"), at_risk_share=D("0.01"), by=make_user(Role.LEADERSHIP_OFFICE))
    # then the board grades it again
    after = _rate_status(_board(plan, [city], city), board_plan["rate"])
    assert before != after
    assert after == TargetStatus.OFF_TRACK


def test_a_cached_board_changes_at_once_when_a_decomposition_is_confirmed(board_plan, city, district, make_user):
    # given a count split among the districts, still a draft: not applicable to the district
    count = board_plan["count"]
    count.decomposition = IndicatorDecomposition.SPLIT
    count.save()
    draft = TargetDecompositionFactory(indicator=count, status=TargetDecompositionStatus.DRAFT)
    UnitTargetFactory(decomposition=draft, org_unit=district, value=D(50))
    plan = board_plan["plan"]
    status_rule_update(on_track_tolerance=D("0.05"), at_risk_share=D("0.25"), by=make_user(Role.LEADERSHIP_OFFICE))
    assert _rate_status(_board(plan, [city, district], district), count) == TargetStatus.NOT_APPLICABLE
    # when the office confirms the split (the district owes 50 and reported 60)
    target_decomposition_confirm(decomposition=draft, by=make_user(Role.LEADERSHIP_OFFICE))
    # then the district is graded against its share
    assert _rate_status(_board(plan, [city, district], district), count) == TargetStatus.ACHIEVED


def test_a_target_changed_outside_the_services_shows_within_the_marker_seconds(board_plan, city, district):
    # given a cached board where the district's count (60 against 50) is achieved
    plan, count = board_plan["plan"], board_plan["count"]
    with time_machine.travel("2026-12-05 10:00:00+08:00", tick=False) as clock:
        assert _rate_status(_board(plan, [city, district], district), count) == TargetStatus.ACHIEVED
        # when the target is raised to 80 in the table directly (an admin edit, no audit event, no new row)
        Target.objects.filter(indicator=count).update(value=D(80))
        # then the board shows it once the marker's slow part is due again
        clock.shift(datetime.timedelta(seconds=MARKER_SECONDS + 1))
        assert _rate_status(_board(plan, [city, district], district), count) != TargetStatus.ACHIEVED


def test_the_ranking_is_cached_per_scope(board_plan, city, district):
    # given two districts with values, the office's scope holding both and an officer's only one
    other = city.children.exclude(pk=district.pk).first()
    ReportedValueFactory(indicator=board_plan["count"], org_unit=other, value=D(10))
    plan = board_plan["plan"]
    # when the office's board is cached and then the officer opens theirs
    office = _board(plan, [city, district, other], district)
    officer = _board(plan, [district], district)
    # then the officer's ranking lists only their district, and the office's both
    assert [s.org_unit.pk for s in officer.ranking] == [district.pk]
    assert {s.org_unit.pk for s in office.ranking} == {district.pk, other.pk}
    assert officer.rows == office.rows
