"""The scoring rules of an assessment, as plain functions over data already read (no queries here).

The rules (also in the README):

- The scheme's base items (indicator items and the task item) sit in weighted groups (a domain of
  indicators, the key tasks) whose weights add up to 100. Inside a group an item counts with its own
  points when it sets them, else with an equal share of what the group has left.
- An item is left out of a subject's score when it is
  * not yet due: a department's key tasks when none of its tasks of the year has reached its deadline
    (open tasks whose deadline is still ahead are left out of the tally; completed ones count), or an
    indicator without an approved value while the year is still running (the annual value is reported
    after the year ends; once the year is over a missing value scores 0);
  * not applicable: the indicator's status for the unit is "not applicable" (a city-only indicator and a
    district), an indicator the department is not responsible for (Indicator.departments), a plan the
    unit reports nothing on that year (a zone's own plan does not count against the other districts),
    or a department with no task in the year.
  The assessable items of a group share the whole group weight in proportion to their points; a group
  with no assessable item drops out and the remaining groups are rescaled to 100 (百分制). The breakdown
  lists the left-out items with the reason and states the rescaling factor.
- A subject with no assessable item is "not assessed" (未参评), never scored 0 — unless it is vetoed.
- An indicator item is "met" when the value achieves the year's milestone or is on track (at or beyond
  the straight-line expectation for the year): full marks under both rules. Otherwise full_or_nothing
  gives 0 and proportional gives the maximum × attainment (value ÷ target, or target ÷ value for a
  "≤" target, in [0, 1]).
- The task item scores the share of the department's tasks due so far completed on time, a late
  completion counting half.
- Bonus points are added on top, capped at the bonus item's weight per item and subject.
- A veto (一票否决) makes the grade 不合格 whatever the score; vetoed subjects rank after the others, and
  subjects not assessed after them.
- Ranks are by score, highest first; equal scores share a rank (1, 1, 3).
Every line of the breakdown is rounded to 0.01 and the score is their sum, so the breakdown always
adds up to the score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from qcity.indicators.choices import IndicatorComparator, TargetStatus

from .choices import AssessmentGrade, SchemeItemExclusion, SchemeItemScoringRule

CENT = Decimal("0.01")
FULL_SCALE = Decimal(100)
LATE_CREDIT = Decimal("0.5")
MET = (TargetStatus.ACHIEVED, TargetStatus.ON_TRACK)
NO_ITEMS = "none"  # breakdown line of a subject with no assessable base item: why it is not assessed
RESCALE = "rescale"  # breakdown line stating what was left out and the factor applied to the rest
NOTE_KINDS = (NO_ITEMS, RESCALE)


@dataclass
class Scored:
    """One subject's outcome, ready to be saved as an AssessmentResult."""

    subject: object  # OrgUnit or Department
    kind: str
    score: Decimal = Decimal(0)
    vetoed: bool = False
    breakdown: list[dict] = field(default_factory=list)
    grade: str = ""
    rank: int = 0
    assessed: bool = True


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def target_text(comparator: str, milestone) -> str:
    if milestone is None:
        return ""
    if milestone.value is None:
        return f"{_text(milestone.low)}–{_text(milestone.high)}（{milestone.year}）"
    return f"{IndicatorComparator(comparator).label} {_text(milestone.value)}（{milestone.year}）"


def _status_label(status: str) -> str:
    return str(TargetStatus(status).label)


def excluded(reason: str, facts: dict | None = None, note: str = "") -> tuple[None, dict]:
    """A base line left out of the score: share None, the reason kept in the breakdown."""
    label = str(SchemeItemExclusion(reason).label)
    return None, {"value": None, "target": "", **(facts or {}), "excluded": reason,
                  "note": f"{label}（{note}）" if note else label}


def indicator_line(item, status, *, period_closed: bool = True) -> tuple[Decimal | None, dict]:
    """(share of the item's weight earned, facts that justify it) for one indicator and unit; the share
    is None when the item is left out (not applicable, or no value while the year is still running)."""
    result = status.result
    if result.status == TargetStatus.NOT_APPLICABLE:
        return excluded(SchemeItemExclusion.NOT_APPLICABLE, {"unit": item.indicator.unit},
                        _("该指标不考核本单位"))
    indicator = item.indicator
    facts = {"value": _text(result.actual), "target": target_text(indicator.comparator, result.milestone),
             "status": result.status, "status_label": _status_label(result.status),
             "attainment": _text(result.attainment.quantize(Decimal("0.0001")) if result.attainment is not None
                                 else None),
             "unit": indicator.unit}
    if result.actual is None:
        if not period_closed:
            return excluded(SchemeItemExclusion.NOT_DUE, facts, _("年度数据在年度结束后报送"))
        return Decimal(0), {**facts, "note": _("无审定数据，不得分")}
    if result.status in MET:
        note = _("已达标，得满分") if result.status == TargetStatus.ACHIEVED else _("达到年度进度要求，得满分")
        return Decimal(1), {**facts, "note": note}
    if item.rule == SchemeItemScoringRule.FULL_OR_NOTHING:
        return Decimal(0), {**facts, "note": _("未达标，不得分")}
    share = result.attainment or Decimal(0)
    return share, {**facts, "note": _("未达标，按完成程度 %(percent)s%% 得分") % {"percent": format(share * 100, ".1f")}}


def task_line(tally) -> tuple[Decimal | None, dict]:
    """Share earned on the task item over the tasks due so far; None (left out) when the department has
    no task in the year or none of them is due yet."""
    if tally is None or not tally.total:
        return excluded(SchemeItemExclusion.NOT_APPLICABLE, note=_("本年度无牵头任务"))
    tasks = {"total": tally.total, "completed_on_time": tally.completed_on_time,
             "completed_late": tally.completed_late, "open_overdue": tally.open_overdue,
             "open_not_due": tally.open_not_due}
    due = tally.total - tally.open_not_due
    if not due:
        return excluded(SchemeItemExclusion.NOT_DUE, {"tasks": tasks},
                        _("%(n)s 项任务均未到完成时限") % {"n": tally.total})
    share = (Decimal(tally.completed_on_time) + LATE_CREDIT * tally.completed_late) / Decimal(due)
    note = (_("按期完成 %(on_time)s 项、逾期完成 %(late)s 项（计一半）、共 %(total)s 项到期")
            % {"on_time": tally.completed_on_time, "late": tally.completed_late, "total": due})
    if tally.open_not_due:
        note += _("；另有 %(n)s 项未到期，不计分") % {"n": tally.open_not_due}
    facts = {"value": f"{tally.completed_on_time}/{due}", "target": _("按期完成全部到期任务"), "tasks": tasks,
             "note": note}
    return share, facts


def _line(item, maximum: Decimal, points: Decimal, facts: dict) -> dict:
    group = getattr(item, "group", None)
    return {"item": item.pk, "kind": item.kind, "name": item.name, "rule": item.rule,
            "weight": _money(item.weight) if item.weight is not None else "",
            "group": group.name if group is not None else "", "max": _money(maximum), "points": _money(points),
            **facts}


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


def _factor(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.0001')).normalize():f}"


def item_points(groups: Iterable[tuple[object, list]]) -> dict[int, Decimal]:
    """Configured points of every base item: its own weight, or an equal share of what its group has
    left after the items with their own points (never below 0). `groups`: (group, items) pairs."""
    points = {}
    for group, items in groups:
        own = sum((i.weight for i in items if i.weight is not None), Decimal(0))
        shared = [i for i in items if i.weight is None]
        share = max(Decimal(0), group.weight - own) / len(shared) if shared else Decimal(0)
        for item in items:
            points[item.pk] = item.weight if item.weight is not None else share
    return points


def weight_problems(groups: Iterable[tuple[object, list]]) -> dict[str, str]:
    """Why the groups' weights are not a valid 100-point scheme ({} when they are): the groups must add
    up to 100 and each group's own item points must fit in (or, with no shared item, fill) the group."""
    groups = list(groups)
    problems = {}
    for group, items in groups:
        own = sum((i.weight for i in items if i.weight is not None), Decimal(0))
        shared = any(i.weight is None for i in items)
        if own > group.weight or (items and not shared and own != group.weight):
            problems[f"group_{group.pk}"] = (_("分组“%(group)s”分值为 %(weight)s，组内考核项分值合计 %(own)s，两者应相等")
                                             % {"group": group.name, "weight": _money(group.weight),
                                                "own": _money(own)})
    total = sum((group.weight for group, _items in groups), Decimal(0))
    if total != FULL_SCALE:
        problems["groups"] = (_("各分组分值合计应为 100，现为 %(total)s（%(groups)s）")
                              % {"total": _money(total),
                                 "groups": "、".join(f"{g.name} {_money(g.weight)}" for g, _items in groups)})
    return problems


def score_subject(*, subject, kind: str, base: list[tuple[object, Decimal | None, dict]],
                  bonuses: list[tuple[object, list]], vetoes: list[tuple[object, list]],
                  points: dict[int, Decimal] | None = None, omitted: int = 0) -> Scored:
    """Combine the base lines (item, share earned or None when left out, facts), bonus and veto
    adjustments into a score. `points`: configured points per item (`item_points`; default: the item's
    weight); `omitted`: items left out as not applicable that get no line of their own (a department's
    indicators of other departments), counted in the rescaling line."""
    scored = Scored(subject=subject, kind=kind)
    points = points or {}

    def configured(item) -> Decimal:
        return points.get(item.pk, item.weight if item.weight is not None else Decimal(0))

    kept = [(item, share, facts) for item, share, facts in base if share is not None]
    left_out = [(item, facts) for item, share, facts in base if share is None]
    # Each group with an assessable item keeps its whole weight, shared by those items pro rata.
    by_group: dict[object, list] = {}
    for item, _share, _facts in kept:
        by_group.setdefault(_group_key(item), []).append(item)
    group_weight = {key: _group_weight(items, configured) for key, items in by_group.items()}
    total_weight = sum(group_weight.values(), Decimal(0))
    scale = FULL_SCALE / total_weight if total_weight else Decimal(0)
    score = Decimal(0)
    for item, share, facts in kept:
        items = by_group[_group_key(item)]
        mass = sum((configured(i) for i in items), Decimal(0))
        effective = (group_weight[_group_key(item)] * configured(item) / mass if mass
                     else group_weight[_group_key(item)] / len(items))
        maximum = (effective * scale).quantize(CENT)
        earned = (maximum * share).quantize(CENT)
        score += earned
        scored.breakdown.append(_line(item, maximum, earned, facts))
    for item, facts in left_out:
        scored.breakdown.append(_line(item, Decimal(0), Decimal(0), facts))
    if not kept:
        scored.assessed = False
        scored.breakdown.append({"item": None, "kind": NO_ITEMS, "name": _("无可考核项"), "rule": "", "weight": "0.00",
                                 "group": "", "max": "0.00", "points": "0.00", "value": None, "target": "",
                                 "note": _("考核项均未到期或不适用，本年度不参与考核")})
    elif left_out or omitted or total_weight != FULL_SCALE:
        scored.breakdown.append({
            "item": None, "kind": RESCALE, "name": _("折算说明"), "rule": "", "weight": "", "group": "",
            "max": "0.00", "points": "0.00", "value": None, "target": "", "factor": _factor(scale),
            "note": _rescale_note(left_out, omitted, total_weight, scale)})
    for item, adjustments in bonuses:
        claimed = sum((a.points for a in adjustments), Decimal(0))
        earned = min(claimed, item.weight).quantize(CENT)
        score += earned
        reasons = "；".join(f"{a.reason}（+{_money(a.points)}）" for a in adjustments)
        capped = _("，超过上限按 %(cap)s 分计") % {"cap": _money(item.weight)} if claimed > item.weight else ""
        scored.breakdown.append(_line(item, item.weight, earned, {
            "value": _money(claimed), "target": _("上限 %(cap)s") % {"cap": _money(item.weight)}, "note": f"{reasons}{capped}",
            "evidence": [a.evidence for a in adjustments if a.evidence]}))
    for item, adjustments in vetoes:
        scored.vetoed = True
        scored.assessed = True  # a veto is a finding against the subject: 不合格 even with nothing else to score
        scored.breakdown.append(_line(item, Decimal(0), Decimal(0), {
            "value": None, "target": "", "note": _("一票否决：%(reasons)s") % {"reasons": "；".join(a.reason for a in adjustments)},
            "evidence": [a.evidence for a in adjustments if a.evidence]}))
    scored.score = score
    return scored


def _rescale_note(left_out: list, omitted: int, total_weight: Decimal, scale: Decimal) -> str:
    reasons = [facts.get("excluded") for _item, facts in left_out]
    note = (_("未到期 %(not_due)s 项、不适用 %(not_applicable)s 项，不计分")
            % {"not_due": reasons.count(SchemeItemExclusion.NOT_DUE),
               "not_applicable": reasons.count(SchemeItemExclusion.NOT_APPLICABLE)})
    if omitted:
        note += _("（另有 %(n)s 项指标不考核本单位：非本单位负责，或所属规划本单位未报送，未逐项列出）") % {"n": omitted}
    return note + _("；参与计分的分组分值合计 %(total)s 分，按 ×%(factor)s 折算为百分制") % {
        "total": _money(total_weight), "factor": _factor(scale)}


def _group_key(item):
    return getattr(item, "group_id", None) or ("item", item.pk)


def _group_weight(items: list, configured) -> Decimal:
    group = getattr(items[0], "group", None)
    if group is not None:
        return group.weight
    return sum((configured(i) for i in items), Decimal(0))  # an item outside any group weighs its own points


def rank(scored: Iterable[Scored], *, grade_for) -> list[Scored]:
    """Competition ranking within one subject kind: by score, vetoed after, not assessed last; ties share a rank."""
    ordered = sorted(scored, key=lambda s: (not s.assessed, s.vetoed, -s.score, str(s.subject)))
    previous, current = None, 0
    for position, item in enumerate(ordered, start=1):
        key = (item.assessed, item.vetoed, item.score if item.assessed else None)
        if key != previous:
            current, previous = position, key
        item.rank = current
        item.grade = grade_for(item.score, vetoed=item.vetoed) if item.assessed else AssessmentGrade.NOT_ASSESSED
    return ordered
