"""The reward computation (rewards.py, pure): the band of the fine, rate × fine, the floor and the cap."""

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcity.complaints import rewards
from qcity.complaints.choices import ComplaintKind, ComplaintStatus, ReportTipDecision
from qcity.complaints.services.rewards import RULES_FILE

RULES = [rewards.Band(r["grade"], Decimal(r["fine_from"]), Decimal(r["fine_to"]) if r["fine_to"] else None,
                      Decimal(r["rate_percent"]), Decimal(r["minimum"]), Decimal(r["cap"]))
         for r in json.loads(RULES_FILE.read_text("utf-8"))["rules"]]
GRADES = sorted({r.grade for r in RULES})
fines = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def test_the_amount_is_the_rate_of_the_fine_rounded_to_yuan():
    # given grade 1's first band: 5 %, at least 5,000, at most 50,000
    # when the fine is 300,010.10 / then the reward is 15,000.505 → 15,001 yuan (half up)
    assert rewards.reward_amount(RULES, "grade_1", Decimal("300010.10")) == Decimal("15001")


def test_a_small_fine_earns_the_minimum_and_a_large_one_the_cap():
    assert rewards.reward_amount(RULES, "grade_3", Decimal("0")) == Decimal("1000")
    assert rewards.reward_amount(RULES, "grade_3", Decimal("999999")) == Decimal("10000")
    assert rewards.reward_amount(RULES, "grade_1", Decimal("10") ** 9) == Decimal("1000000")


def test_a_grade_without_a_band_has_no_reward():
    with pytest.raises(rewards.NoRewardRule):
        rewards.reward_amount(RULES, "grade_9", Decimal("1000"))
    with pytest.raises(ValueError):
        rewards.reward_amount(RULES, "grade_1", Decimal("-1"))


def test_a_cap_that_is_not_whole_yuan_is_never_exceeded_by_rounding():
    band = rewards.Band("grade_1", Decimal(0), None, Decimal(10), Decimal(0), Decimal("100.60"))
    assert rewards.reward_amount([band], "grade_1", Decimal("1006")) == Decimal("100")


@given(grade=st.sampled_from(GRADES), a=fines, b=fines)
def test_within_a_band_the_reward_never_falls_as_the_fine_grows(grade, a, b):
    low, high = sorted((a, b))
    if rewards.band_for(RULES, grade, low) == rewards.band_for(RULES, grade, high):
        assert rewards.reward_amount(RULES, grade, low) <= rewards.reward_amount(RULES, grade, high)


@given(grade=st.sampled_from(GRADES), fine=fines)
def test_the_reward_is_never_above_the_cap_nor_below_zero(grade, fine):
    amount = rewards.reward_amount(RULES, grade, fine)
    assert 0 <= amount <= rewards.reward_cap(RULES, grade, fine)
    assert amount == amount.to_integral_value()


@given(grade=st.sampled_from(GRADES), a=fines, b=fines)
def test_the_shipped_table_never_pays_less_for_a_larger_fine(grade, a, b):
    # the shipped bands chain (each band's minimum is the band below's cap), so monotone across bands too
    low, high = sorted((a, b))
    assert rewards.reward_amount(RULES, grade, low) <= rewards.reward_amount(RULES, grade, high)


@pytest.mark.parametrize(("kind", "anonymous", "decision", "status", "substantiated", "eligible"), [
    (ComplaintKind.REPORT_TIP, False, ReportTipDecision.CASE_OPENED, ComplaintStatus.CASE_OPENED, False, True),
    (ComplaintKind.REPORT_TIP, False, "", ComplaintStatus.CLOSED, True, True),
    (ComplaintKind.REPORT_TIP, True, ReportTipDecision.CASE_OPENED, ComplaintStatus.CASE_OPENED, False, False),
    (ComplaintKind.REPORT_TIP, False, ReportTipDecision.NOT_OPENED, ComplaintStatus.CLOSED, False, False),
    (ComplaintKind.REPORT_TIP, False, "", ComplaintStatus.VERIFYING, False, False),
    (ComplaintKind.COMPLAINT, False, "", ComplaintStatus.CLOSED, True, False),
])
def test_only_a_real_name_report_that_led_to_a_case_is_eligible(kind, anonymous, decision, status, substantiated,
                                                                eligible):
    report = SimpleNamespace(kind=kind, anonymous=anonymous, tip_decision=decision, status=status,
                             substantiated=substantiated)
    assert rewards.reward_eligible(report) is eligible
