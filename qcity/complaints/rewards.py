"""The reward for a report (有奖举报): how much a report that led to a penalty earns.

Specification. The reward table (`RewardRule` rows, editable by the office) has, per case grade, one or
more fine bands `[fine_from, fine_to)` (`fine_to` None: no upper end). For a grade and the fine actually
imposed (罚没款, in yuan):

1. the band is the row of that grade with `fine_from <= fine < fine_to`; no such row: no reward can be
   computed (`NoRewardRule`), the office has to complete the table first;
2. the amount is `rate_percent`% of the fine, at least the band's `minimum` (a report whose case ended
   with no or a tiny fine still earns the minimum), rounded to whole yuan (half up: rewards are paid in
   yuan);
3. and at most the band's `cap` (rounded down to a yuan), whatever the rate and the minimum say.

So within a band the amount never falls as the fine grows, and it never exceeds the band's cap. The shape
follows SAMR/MOF 《市场监管领域重大违法行为举报奖励暂行办法》 (2021): three grades, a share of the fine,
a floor when there is little or no fine, a cap per case; the figures are local parameters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .choices import ComplaintKind, ComplaintStatus, ReportTipDecision

YUAN = Decimal("1")


class NoRewardRule(LookupError):
    """The table has no band for this grade and fine."""


@dataclass(frozen=True)
class Band:
    """One row of the reward table, as the computation needs it (a `RewardRule` has these attributes)."""

    grade: str
    fine_from: Decimal
    fine_to: Decimal | None
    rate_percent: Decimal
    minimum: Decimal
    cap: Decimal


def band_for(rules: Iterable, grade: str, fine: Decimal) -> Band:
    """The row of `grade` whose band holds `fine`; raises NoRewardRule when none does."""
    for rule in rules:
        if rule.grade == grade and rule.fine_from <= fine and (rule.fine_to is None or fine < rule.fine_to):
            return rule
    raise NoRewardRule(f"no reward band for {grade} and a fine of {fine}")


def reward_amount(rules: Iterable, grade: str, fine: Decimal) -> Decimal:
    """The reward in whole yuan for a case of `grade` whose fine was `fine` (see the module docstring)."""
    fine = Decimal(fine)
    if fine < 0:
        raise ValueError("a fine cannot be negative")
    band = band_for(rules, grade, fine)
    amount = fine * Decimal(band.rate_percent) / 100
    amount = max(amount, Decimal(band.minimum)).quantize(YUAN, rounding=ROUND_HALF_UP)
    # the cap is applied last and rounded down, so no rounding ever takes the amount above it
    return min(amount, Decimal(band.cap).quantize(YUAN, rounding=ROUND_FLOOR))


def reward_cap(rules: Iterable, grade: str, fine: Decimal) -> Decimal:
    """The most the office may award for this grade and fine (the band's cap)."""
    return Decimal(band_for(rules, grade, Decimal(fine)).cap)


def reward_eligible(complaint) -> bool:
    """A real-name report whose case was opened (or that was closed as substantiated): an anonymous reporter
    cannot be paid, and a report that opened no case found nothing to reward."""
    return (complaint.kind == ComplaintKind.REPORT_TIP and not complaint.anonymous
            and (complaint.tip_decision == ReportTipDecision.CASE_OPENED
                 or (complaint.status == ComplaintStatus.CLOSED and complaint.substantiated)))
