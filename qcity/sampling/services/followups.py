"""不合格后处理 (产品质量法 art. 17, DOMAIN §6): rectification ordered by a deadline, the enterprise's report,
re-inspection, public announcement of the unrectified, case transfer (立案移送)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core.access import require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction
from qcity.core.messages import not_in_future
from qcity.core.models import User
from qcity.core.roles import MARKET_OFFICERS

from ..choices import FollowupStatus, SamplingConclusion
from ..models import Followup, Sample

CLOSED = (FollowupStatus.RECTIFIED, FollowupStatus.TRANSFERRED, FollowupStatus.CANCELLED)


def _not_future(day: datetime.date, field: str, today: datetime.date, *, after: datetime.date | None = None) -> None:
    if day > today:
        raise ValidationError({field: [not_in_future(_("日期"))]})
    if after is not None and day < after:
        raise ValidationError({field: [_("日期不能早于 %(after)s") % {"after": after}]})


def _save(followup: Followup, by: User | None, fields: list[str], message: str) -> Followup:
    with transaction.atomic():
        followup.save(update_fields=[*fields, "status", "updated_at"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=followup, org_unit=followup.sample.org_unit,
                     message=message)
    return followup


def followup_order(*, sample: Sample, ordered_on: datetime.date, rectification_deadline: datetime.date,
                   by: User | None, today: datetime.date | None = None) -> Followup:
    """Step 1 (art. 17): order the failing party to rectify by a deadline, once the failure is final."""
    require_scope(by, sample.org_unit, roles=MARKET_OFFICERS, action="order rectification", obj=sample)
    today = today or timezone.localdate()
    if sample.conclusion != SamplingConclusion.FAIL:
        raise ValidationError({"conclusion": [_("只有不合格样品需要后处理")]})
    if not sample.is_final(today):
        raise ValidationError({"status": [_("不合格结论尚未最终确定（未送达、复检申请期内或复检中）")]})
    if Followup.objects.filter(sample=sample).exists():
        raise ValidationError({"sample": [_("该样品已责令整改")]})
    _not_future(ordered_on, "ordered_on", today, after=sample.served_on)
    if rectification_deadline < ordered_on:
        raise ValidationError({"rectification_deadline": [_("整改期限不能早于责令整改日期")]})
    with transaction.atomic():
        followup = Followup.objects.create(sample=sample, ordered_on=ordered_on,
                                           rectification_deadline=rectification_deadline)
        audit_record(action=AuditAction.CREATE, by=by, obj=followup, org_unit=sample.org_unit,
                     after=snapshot(followup), message=f"rectification ordered until {rectification_deadline}")
    return followup


def followup_report(*, followup: Followup, received_on: datetime.date, text: str, by: User | None,
                    today: datetime.date | None = None) -> Followup:
    """The enterprise's rectification report (stop selling, find the cause, rectify: Order 18)."""
    require_scope(by, followup.sample.org_unit, roles=MARKET_OFFICERS, action="record rectification report", obj=followup)
    if followup.status != FollowupStatus.ORDERED:
        raise ValidationError({"status": [_("当前状态为“%(followup_status)s”，不能登记整改报告") % {"followup_status": followup.get_status_display()}]})
    if not text.strip():
        raise ValidationError({"text": [_("请填写整改情况")]})
    _not_future(received_on, "received_on", today or timezone.localdate(), after=followup.ordered_on)
    followup.report_received_on, followup.report_text, followup.status = received_on, text.strip(), FollowupStatus.REPORTED
    return _save(followup, by, ["report_received_on", "report_text"], f"rectification report received {received_on}")


def followup_reinspect(*, followup: Followup, reinspected_on: datetime.date, conforming: bool, by: User | None,
                       note: str = "", today: datetime.date | None = None) -> Followup:
    """Re-inspection after the report: conforming closes the follow-up, failing leads to announcement (art. 17)."""
    require_scope(by, followup.sample.org_unit, roles=MARKET_OFFICERS, action="record re-inspection", obj=followup)
    if followup.status != FollowupStatus.REPORTED:
        raise ValidationError({"status": [_("须先登记整改报告再复查")]})
    _not_future(reinspected_on, "reinspected_on", today or timezone.localdate(), after=followup.report_received_on)
    followup.reinspected_on, followup.reinspection_conforming = reinspected_on, bool(conforming)
    followup.reinspection_note = note.strip()[:500]
    followup.status = FollowupStatus.RECTIFIED if conforming else FollowupStatus.REINSPECTION_FAILED
    return _save(followup, by, ["reinspected_on", "reinspection_conforming", "reinspection_note"],
                 f"re-inspected {reinspected_on}: {'conforming' if conforming else 'still failing'}")


def followup_announce(*, followup: Followup, announced_on: datetime.date, by: User | None,
                      today: datetime.date | None = None) -> Followup:
    """Art. 17 step 2: not rectified by the deadline, or failing the re-inspection → public announcement."""
    require_scope(by, followup.sample.org_unit, roles=MARKET_OFFICERS, action="announce unrectified product", obj=followup)
    today = today or timezone.localdate()
    unrectified = (followup.status == FollowupStatus.REINSPECTION_FAILED
                   or (followup.status == FollowupStatus.ORDERED and followup.rectification_deadline < announced_on))
    if not unrectified:
        raise ValidationError({"status": [_("只有逾期未整改或复查仍不合格的才予以公告")]})
    _not_future(announced_on, "announced_on", today, after=followup.ordered_on)
    followup.announced_on, followup.status = announced_on, FollowupStatus.ANNOUNCED
    return _save(followup, by, ["announced_on"], f"announced {announced_on}")


def followup_transfer(*, followup: Followup, transferred_on: datetime.date, transferred_to: str, by: User | None,
                      case_number: str = "", today: datetime.date | None = None) -> Followup:
    """立案移送: hand the case to the enforcement unit (suspension, licence revocation: art. 17 steps 3–4)."""
    require_scope(by, followup.sample.org_unit, roles=MARKET_OFFICERS, action="transfer case", obj=followup)
    if followup.status in CLOSED:
        raise ValidationError({"status": [_("当前状态为“%(followup_status)s”，不能移送") % {"followup_status": followup.get_status_display()}]})
    if not transferred_to.strip():
        raise ValidationError({"transferred_to": [_("请填写移送单位")]})
    _not_future(transferred_on, "transferred_on", today or timezone.localdate(), after=followup.ordered_on)
    followup.transferred_on, followup.transferred_to = transferred_on, transferred_to.strip()[:200]
    followup.case_number, followup.status = case_number.strip()[:60], FollowupStatus.TRANSFERRED
    return _save(followup, by, ["transferred_on", "transferred_to", "case_number"],
                 f"case transferred to {followup.transferred_to} on {transferred_on}")
