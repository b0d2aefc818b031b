"""The scoring rules on plain data (no database): what is left out, how the rest is rescaled, grades."""

from decimal import Decimal
from types import SimpleNamespace

from qcity.assessment import scoring
from qcity.assessment.choices import (
    AssessmentGrade,
    SchemeItemExclusion,
    SchemeItemKind,
    SchemeItemScoringRule,
)
from qcity.indicators.choices import IndicatorComparator, TargetStatus
from qcity.indicators.status import Milestone, StatusResult
from qcity.workplan.selectors import PlanTaskTally


def group(pk, weight, name=None):
    return SimpleNamespace(pk=pk, name=name or f"G{pk}", weight=Decimal(weight))


def item(pk, grp, *, kind=SchemeItemKind.INDICATOR, weight=None, rule=SchemeItemScoringRule.PROPORTIONAL):
    indicator = SimpleNamespace(unit="%", comparator=IndicatorComparator.AT_LEAST) if kind == SchemeItemKind.INDICATOR else None
    return SimpleNamespace(pk=pk, kind=kind, name=f"item {pk}", rule=rule, group=grp, group_id=grp.pk if grp else None,
                           weight=None if weight is None else Decimal(weight), indicator=indicator)


def status(kind, actual=None, target=10):
    return SimpleNamespace(result=StatusResult(status=kind, milestone=Milestone(2024, Decimal(target)), expected=None,
                                               actual=None if actual is None else Decimal(actual)))


def grade_for(score, *, vetoed=False):
    return AssessmentGrade.FAIL if vetoed or score < 60 else AssessmentGrade.EXCELLENT


def test_a_task_item_not_yet_due_is_left_out_and_the_rest_rescaled_to_100():
    # given indicators worth 80 (met) and tasks worth 20, whose only task is not yet due
    indicators, tasks = group(1, 80), group(2, 20)
    rate, task_item = item(1, indicators), item(2, tasks, kind=SchemeItemKind.TASKS)
    base = [(rate, *scoring.indicator_line(rate, status(TargetStatus.ACHIEVED, 10))),
            (task_item, *scoring.task_line(PlanTaskTally(total=1, open_not_due=1)))]

    scored = scoring.score_subject(subject="d", kind="department", base=base, bonuses=[], vetoes=[])

    # then the indicator carries 100 points, the task line says why it is left out, the factor is stated
    lines = {line["kind"]: line for line in scored.breakdown}
    assert scored.score == Decimal("100.00") and scored.assessed
    assert lines[SchemeItemKind.INDICATOR]["max"] == "100.00"
    assert lines[SchemeItemKind.TASKS]["excluded"] == SchemeItemExclusion.NOT_DUE
    assert lines[SchemeItemKind.TASKS]["note"].startswith("未到期，不计分")
    assert (lines[SchemeItemKind.TASKS]["max"], lines[SchemeItemKind.TASKS]["points"]) == ("0.00", "0.00")
    assert lines[scoring.RESCALE]["factor"] == "1.25" and "×1.25" in lines[scoring.RESCALE]["note"]


def test_tasks_not_yet_due_are_left_out_of_the_tally():
    # 3 tasks: one done on time, one overdue, one not due yet → 1 of 2 due
    share, facts = scoring.task_line(PlanTaskTally(total=3, completed_on_time=1, open_overdue=1, open_not_due=1))

    assert share == Decimal("0.5")
    assert facts["value"] == "1/2" and "1 项未到期" in facts["note"]


def test_a_not_applicable_indicator_is_left_out_and_its_group_weight_goes_to_the_others_of_the_group():
    # given two indicators sharing group 1 (50) and one in group 2 (50); the first is not applicable
    first, second = group(1, 50), group(2, 50)
    a, b, c = item(1, first), item(2, first), item(3, second)
    base = [(a, *scoring.indicator_line(a, status(TargetStatus.NOT_APPLICABLE))),
            (b, *scoring.indicator_line(b, status(TargetStatus.ACHIEVED, 10))),
            (c, *scoring.indicator_line(c, status(TargetStatus.OFF_TRACK, 5)))]
    points = scoring.item_points([(first, [a, b]), (second, [c])])

    scored = scoring.score_subject(subject="d", kind="district", base=base, bonuses=[], vetoes=[], points=points)

    # then b takes the whole group (50), c half of its 50; a is shown as not applicable with 0 points
    by_item = {line["item"]: line for line in scored.breakdown}
    assert (by_item[2]["max"], by_item[3]["max"], by_item[3]["points"]) == ("50.00", "50.00", "25.00")
    assert by_item[1]["excluded"] == SchemeItemExclusion.NOT_APPLICABLE and by_item[1]["note"].startswith("不适用")
    assert scored.score == Decimal("75.00")


def test_a_missing_value_is_not_yet_due_while_the_year_runs_and_scores_zero_after():
    rate = item(1, group(1, 100))
    missing = status(TargetStatus.NO_DATA)

    assert scoring.indicator_line(rate, missing, period_closed=False)[0] is None
    assert scoring.indicator_line(rate, missing, period_closed=False)[1]["excluded"] == SchemeItemExclusion.NOT_DUE
    assert scoring.indicator_line(rate, missing, period_closed=True)[0] == Decimal(0)


def test_a_subject_with_nothing_assessable_is_not_assessed_never_zero_and_fail():
    tasks = item(1, group(1, 100), kind=SchemeItemKind.TASKS)
    idle = scoring.score_subject(subject="idle", kind="department", vetoes=[], bonuses=[],
                                 base=[(tasks, *scoring.task_line(PlanTaskTally(total=2, open_not_due=2)))])
    poor = scoring.score_subject(subject="poor", kind="department", vetoes=[], bonuses=[],
                                 base=[(tasks, *scoring.task_line(PlanTaskTally(total=2, open_overdue=2)))])

    ranked = scoring.rank([idle, poor], grade_for=grade_for)

    assert [(s.subject, s.grade, s.rank) for s in ranked] == [("poor", AssessmentGrade.FAIL, 1),
                                                              ("idle", AssessmentGrade.NOT_ASSESSED, 2)]
    assert idle.breakdown[-1]["kind"] == scoring.NO_ITEMS


def test_a_vetoed_subject_fails_even_with_nothing_assessable():
    veto = item(9, None, kind=SchemeItemKind.VETO, weight=0)
    scored = scoring.score_subject(subject="x", kind="district", base=[], bonuses=[],
                                   vetoes=[(veto, [SimpleNamespace(reason="事故", evidence="")])])

    [ranked] = scoring.rank([scored], grade_for=grade_for)

    assert ranked.grade == AssessmentGrade.FAIL


def test_items_share_their_group_equally_unless_they_set_their_own_points():
    grp = group(1, 30)
    own, first, second = item(1, grp, weight=10), item(2, grp), item(3, grp)

    assert scoring.item_points([(grp, [own, first, second])]) == {1: Decimal(10), 2: Decimal(10), 3: Decimal(10)}


def test_groups_must_total_100_and_items_fit_their_group():
    a, b = group(1, 60, "产品质量"), group(2, 30, "重点任务")
    fits = [item(1, a), item(2, b, kind=SchemeItemKind.TASKS)]

    problems = scoring.weight_problems([(a, fits[:1]), (b, fits[1:])])

    assert set(problems) == {"groups"}
    assert "90.00" in problems["groups"] and "产品质量" in problems["groups"] and "重点任务" in problems["groups"]
    over = scoring.weight_problems([(group(1, 100, "产品质量"), [item(1, a, weight=60), item(2, a, weight=50)])])
    assert set(over) == {"group_1"} and "产品质量" in over["group_1"]
    assert scoring.weight_problems([(group(1, 70), [item(1, a)]), (group(2, 30), [item(2, b)])]) == {}
