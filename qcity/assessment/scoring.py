"""The scoring rules of an assessment, as plain functions over data already read (no queries here).

The rules (also in the README):

- Base items are the indicator items and the task item. Each subject is scored on the base items that
  apply to it, rescaled so that they add up to 100 (百分制): a district has no task item, and a
  department answers only for the indicators it is responsible for (Indicator.departments).
- An indicator item is "met" when the value achieves the year's milestone or is on track (at or beyond
  the straight-line expectation for the year): full marks under both rules. Otherwise full_or_nothing
  gives 0 and proportional gives the maximum × attainment (value ÷ target, or target ÷ value for a
  "≤" target, in [0, 1]). No approved value: 0 points.
- A plan applies to a unit only if the unit reports on it that year (at least one approved value among
  the scheme's indicators of that plan): a zone's own plan does not count against the other districts.
- The task item scores the share of the department's tasks due that year completed on time, a late
  completion counting half.
- Bonus points are added on top, capped at the bonus item's weight per item and subject.
- A veto (一票否决) makes the grade 不合格 whatever the score; vetoed subjects rank after the others.
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

from .choices import SchemeItemScoringRule

CENT = Decimal("0.01")
FULL_SCALE = Decimal(100)
LATE_CREDIT = Decimal("0.5")
MET = (TargetStatus.ACHIEVED, TargetStatus.ON_TRACK)
NO_ITEMS = "none"  # breakdown line of a subject with no applicable base item, so its 0 is explained too


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


def indicator_line(item, status) -> tuple[Decimal, dict]:
    """(share of the item's weight earned, facts that justify it) for one indicator and unit."""
    result = status.result
    indicator = item.indicator
    facts = {"value": _text(result.actual), "target": target_text(indicator.comparator, result.milestone),
             "status": result.status, "status_label": _status_label(result.status),
             "attainment": _text(result.attainment.quantize(Decimal("0.0001")) if result.attainment is not None
                                 else None),
             "unit": indicator.unit}
    if result.actual is None:
        return Decimal(0), {**facts, "note": _("无审定数据，不得分")}
    if result.status in MET:
        note = _("已达标，得满分") if result.status == TargetStatus.ACHIEVED else _("达到年度进度要求，得满分")
        return Decimal(1), {**facts, "note": note}
    if item.rule == SchemeItemScoringRule.FULL_OR_NOTHING:
        return Decimal(0), {**facts, "note": _("未达标，不得分")}
    share = result.attainment or Decimal(0)
    return share, {**facts, "note": _("未达标，按完成程度 %(percent)s%% 得分") % {"percent": format(share * 100, ".1f")}}


def task_line(tally) -> tuple[Decimal, dict] | None:
    """Share earned on the task item; None when the department has no task due in the year."""
    if tally is None or not tally.total:
        return None
    share = (Decimal(tally.completed_on_time) + LATE_CREDIT * tally.completed_late) / Decimal(tally.total)
    facts = {"value": f"{tally.completed_on_time}/{tally.total}", "target": _("按期完成全部任务"),
             "tasks": {"total": tally.total, "completed_on_time": tally.completed_on_time,
                       "completed_late": tally.completed_late, "open_overdue": tally.open_overdue,
                       "open_not_due": tally.open_not_due},
             "note": _("按期完成 %(on_time)s 项、逾期完成 %(late)s 项（计一半）、共 %(total)s 项")
             % {"on_time": tally.completed_on_time, "late": tally.completed_late, "total": tally.total}}
    return share, facts


def _line(item, maximum: Decimal, points: Decimal, facts: dict) -> dict:
    return {"item": item.pk, "kind": item.kind, "name": item.name, "rule": item.rule, "weight": _money(item.weight),
            "max": _money(maximum), "points": _money(points), **facts}


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


def score_subject(*, subject, kind: str, base: list[tuple[object, Decimal, dict]],
                  bonuses: list[tuple[object, list]], vetoes: list[tuple[object, list]]) -> Scored:
    """Combine the base lines (item, share earned, facts), bonus and veto adjustments into a score."""
    scored = Scored(subject=subject, kind=kind)
    total_weight = sum((item.weight for item, _share, _facts in base), Decimal(0))
    scale = FULL_SCALE / total_weight if total_weight else Decimal(0)
    score = Decimal(0)
    for item, share, facts in base:
        maximum = (item.weight * scale).quantize(CENT)
        points = (maximum * share).quantize(CENT)
        score += points
        scored.breakdown.append(_line(item, maximum, points, facts))
    if not base:
        scored.breakdown.append({"item": None, "kind": NO_ITEMS, "name": _("无适用考核项"), "rule": "", "weight": "0.00",
                                 "max": "0.00", "points": "0.00", "value": None, "target": "",
                                 "note": _("未报送任何考核指标的审定数据，基础分为 0")})
    for item, adjustments in bonuses:
        claimed = sum((a.points for a in adjustments), Decimal(0))
        points = min(claimed, item.weight).quantize(CENT)
        score += points
        reasons = "；".join(f"{a.reason}（+{_money(a.points)}）" for a in adjustments)
        capped = _("，超过上限按 %(cap)s 分计") % {"cap": _money(item.weight)} if claimed > item.weight else ""
        scored.breakdown.append(_line(item, item.weight, points, {
            "value": _money(claimed), "target": _("上限 %(cap)s") % {"cap": _money(item.weight)}, "note": f"{reasons}{capped}",
            "evidence": [a.evidence for a in adjustments if a.evidence]}))
    for item, adjustments in vetoes:
        scored.vetoed = True
        scored.breakdown.append(_line(item, Decimal(0), Decimal(0), {
            "value": None, "target": "", "note": _("一票否决：%(reasons)s") % {"reasons": "；".join(a.reason for a in adjustments)},
            "evidence": [a.evidence for a in adjustments if a.evidence]}))
    scored.score = score
    return scored


def rank(scored: Iterable[Scored], *, grade_for) -> list[Scored]:
    """Competition ranking within one subject kind: by score, vetoed last, ties share a rank."""
    ordered = sorted(scored, key=lambda s: (s.vetoed, -s.score, str(s.subject)))
    previous, current = None, 0
    for position, item in enumerate(ordered, start=1):
        key = (item.vetoed, item.score)
        if key != previous:
            current, previous = position, key
        item.rank = current
        item.grade = grade_for(item.score, vetoed=item.vetoed)
    return ordered

