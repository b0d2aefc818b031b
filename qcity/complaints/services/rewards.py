"""Rewards for reports (有奖举报): proposed by the handler, decided and paid by the office, told to the reporter.

Only a real-name report that led to a case (立案, or closed as substantiated) earns a reward: an anonymous
reporter cannot be paid, and a report that opened no case found nothing to reward. One reward per report.
The amount comes from the reward table (`rewards.reward_amount`); the office may change it when deciding
but never above the band's cap. After payment the reporter is told through the channel they chose.
"""

from __future__ import annotations

import datetime
import json
import logging
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import sms
from qcity.core.access import require_role, require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction
from qcity.core.models import User
from qcity.core.roles import COMPLAINT_HANDLERS, OFFICE

from .. import rewards
from ..choices import CaseGrade, ComplaintEventKind, ReporterChannel, RewardStatus
from ..models import Complaint, Reward, RewardRule
from .events import complaint_event_add

logger = logging.getLogger(__name__)

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "reward_rules.json"


def reward_rules_load(*, using: str = "default") -> int:
    """Create the shipped reward bands that are missing (after every migrate); rows that exist keep the
    office's edits. Returns the number created."""
    rows = json.loads(RULES_FILE.read_text("utf-8"))["rules"]
    existing = {(g, Decimal(f)) for g, f in RewardRule.objects.using(using).values_list("grade", "fine_from")}
    new = [RewardRule(**row) for row in rows if (row["grade"], Decimal(row["fine_from"])) not in existing]
    RewardRule.objects.using(using).bulk_create(new)
    return len(new)


REWARD_RULE_FIELDS = ("fine_to", "rate_percent", "minimum", "cap")


def reward_rule_update(*, rule: RewardRule, fine_to: Decimal | None, rate_percent: Decimal, minimum: Decimal,
                       cap: Decimal, by: User | None) -> RewardRule:
    """The office edits one band of the reward table (local parameters); rewards already proposed keep
    their amount."""
    require_role(by, *OFFICE, action="edit reward rule")
    errors: dict[str, list[str]] = {}
    if fine_to is not None and fine_to <= rule.fine_from:
        errors["fine_to"] = [_("罚没款上限须大于下限")]
    if rate_percent is None or not 0 <= rate_percent <= 100:
        errors["rate_percent"] = [_("奖励比例须在0至100之间")]
    if minimum is None or minimum < 0:
        errors["minimum"] = [_("最低奖励不能为负数")]
    if cap is None or (minimum is not None and cap < minimum):
        errors["cap"] = [_("最高奖励不能低于最低奖励")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(rule, REWARD_RULE_FIELDS)
        rule.fine_to, rule.rate_percent, rule.minimum, rule.cap = fine_to, rate_percent, minimum, cap
        rule.save(update_fields=list(REWARD_RULE_FIELDS))
        audit_record(action=AuditAction.UPDATE, by=by, obj=rule, message="reward rule edited",
                     before=before, after=snapshot(rule, REWARD_RULE_FIELDS))
    return rule


def _rules() -> list[RewardRule]:
    return list(RewardRule.objects.all())


def reward_propose(*, complaint: Complaint, grade: str, fine_amount: Decimal, penalty_decision_number: str,
                   by: User | None) -> Reward:
    """Propose the reward for a report that led to a penalty; the amount is computed from the table."""
    require_scope(by, complaint.org_unit, roles=COMPLAINT_HANDLERS, action="propose report reward", obj=complaint)
    if not rewards.reward_eligible(complaint):
        raise ValidationError(_("只有已立案（或查证属实办结）的实名举报可以申请奖励"))
    errors: dict[str, list[str]] = {}
    if grade not in CaseGrade.values:
        errors["grade"] = [_("请选择案件等级")]
    if fine_amount is None or fine_amount < 0:
        errors["fine_amount"] = [_("罚没款金额不能为负数")]
    penalty_decision_number = (penalty_decision_number or "").strip()
    if not penalty_decision_number:
        errors["penalty_decision_number"] = [_("请填写处罚决定书文号")]
    if errors:
        raise ValidationError(errors)
    try:
        amount = rewards.reward_amount(_rules(), grade, fine_amount)
    except rewards.NoRewardRule:
        raise ValidationError({"fine_amount": [_("奖励标准中没有适用于该等级和金额的档次，请先完善奖励标准")]}) from None
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if Reward.objects.filter(complaint=complaint).exists():
            raise ValidationError(_("该举报已申请奖励"))
        reward = Reward.objects.create(
            complaint=complaint, grade=grade, fine_amount=fine_amount, amount=amount,
            penalty_decision_number=penalty_decision_number, proposed_by=by, proposed_on=timezone.localdate())
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.REWARD_PROPOSED, by=by, public=False,
                            note=_("%(grade)s，罚没款 %(fine)s 元，拟奖励 %(amount)s 元") % {
                                "grade": reward.get_grade_display(), "fine": fine_amount, "amount": amount})
    return reward


def reward_decide(*, reward: Reward, approve: bool, note: str = "", amount: Decimal | None = None,
                  by: User | None) -> Reward:
    """The office approves (possibly with another amount, never above the band's cap) or refuses a reward."""
    require_role(by, *OFFICE, action="decide report reward")
    note = (note or "").strip()
    with transaction.atomic():
        reward = Reward.objects.select_for_update(of=("self",)).select_related("complaint").get(pk=reward.pk)
        if reward.status != RewardStatus.PROPOSED:
            raise ValidationError(_("该奖励已审批"))
        if approve and amount is not None:
            cap = _cap(reward)
            if amount < 0:
                raise ValidationError({"amount": [_("奖励金额不能为负数")]})
            if amount > cap:
                raise ValidationError({"amount": [_("奖励金额不能超过该档次的最高奖励 %(cap)s 元") % {"cap": cap}]})
            reward.amount = amount
        if not approve and not note:
            raise ValidationError({"note": [_("不予奖励须说明理由")]})
        reward.status = RewardStatus.APPROVED if approve else RewardStatus.REJECTED
        reward.decided_by, reward.decided_on, reward.decision_note = by, timezone.localdate(), note[:500]
        reward.save(update_fields=["status", "amount", "decided_by", "decided_on", "decision_note"])
        complaint_event_add(complaint=reward.complaint, kind=ComplaintEventKind.REWARD_DECIDED, by=by, public=False,
                            note=(_("批准奖励 %(amount)s 元") % {"amount": reward.amount}) if approve
                            else _("不予奖励：%(note)s") % {"note": note})
    return reward


def _cap(reward: Reward) -> Decimal:
    """The band's cap; if the office has since removed the band, no more than was proposed."""
    try:
        return rewards.reward_cap(_rules(), reward.grade, reward.fine_amount)
    except rewards.NoRewardRule:
        return reward.amount


def reward_pay(*, reward: Reward, paid_on: datetime.date, payment_ref: str, by: User | None) -> Reward:
    """Record the payment of an approved reward and tell the reporter through the channel they chose:
    an SMS after the commit, a to-do item "call the reporter" for the phone, nothing when they asked for none."""
    require_role(by, *OFFICE, action="pay report reward")
    payment_ref = (payment_ref or "").strip()
    with transaction.atomic():
        reward = Reward.objects.select_for_update(of=("self",)).select_related("complaint").get(pk=reward.pk)
        if reward.status != RewardStatus.APPROVED:
            raise ValidationError(_("只有已批准的奖励可以登记发放"))
        errors: dict[str, list[str]] = {}
        if paid_on is None or paid_on > timezone.localdate():
            errors["paid_on"] = [_("发放日期不能晚于今天")]
        elif paid_on < reward.decided_on:
            errors["paid_on"] = [_("发放日期不能早于审批日期")]
        if not payment_ref:
            errors["payment_ref"] = [_("请填写发放凭证号")]
        if errors:
            raise ValidationError(errors)
        reward.status, reward.paid_on, reward.payment_ref = RewardStatus.PAID, paid_on, payment_ref[:80]
        complaint = reward.complaint
        if complaint.reporter_channel == ReporterChannel.SMS and complaint.person_phone:
            reward.reporter_notified_at = timezone.now()
            transaction.on_commit(lambda: _sms_reporter(complaint.person_phone, complaint.tracking_number,
                                                        reward.amount))
        reward.save(update_fields=["status", "paid_on", "payment_ref", "reporter_notified_at"])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.REWARD_PAID, by=by, public=False,
                            note=_("奖励 %(amount)s 元已发放（凭证号 %(ref)s）") % {
                                "amount": reward.amount, "ref": reward.payment_ref})
    return reward


def _sms_reporter(phone: str, tracking_number: str, amount: Decimal) -> None:
    """Sent after the commit; a gateway failure is logged, not raised (the payment is recorded either way)."""
    text = _("您举报的事项（查询编号%(number)s）经查属实，举报奖励%(amount)s元已发放，感谢您的支持。") % {
        "number": tracking_number, "amount": amount}
    try:
        sms.sms_send(to=phone, text=text)
    except sms.SmsSendError:
        logger.warning("reward SMS to the reporter of %s not accepted", tracking_number)


def reward_reporter_notify(*, reward: Reward, by: User | None) -> Reward:
    """The handler has phoned the reporter about the paid reward: the to-do item goes away."""
    require_scope(by, reward.complaint.org_unit, roles=COMPLAINT_HANDLERS, action="record reward notice",
                  obj=reward.complaint)
    with transaction.atomic():
        reward = Reward.objects.select_for_update(of=("self",)).select_related("complaint").get(pk=reward.pk)
        if reward.status != RewardStatus.PAID or reward.complaint.reporter_channel != ReporterChannel.PHONE:
            raise ValidationError(_("只有已发放且举报人选择电话告知的奖励需要登记电话告知"))
        if reward.reporter_notified_at is not None:
            raise ValidationError(_("已告知举报人"))
        reward.reporter_notified_at = timezone.now()
        reward.save(update_fields=["reporter_notified_at"])
        complaint_event_add(complaint=reward.complaint, kind=ComplaintEventKind.REPORTER_NOTIFIED, by=by,
                            public=False, note=_("已电话告知举报人奖励发放情况"))
    return reward
