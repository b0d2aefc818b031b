"""SamplingObjection and retest (异议 / 复检) on the sealed backup sample."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.access import require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction, NotificationKind
from qcity.core.deadlines import legal_duration_in_force
from qcity.core.models import User
from qcity.core.notifications import notify
from qcity.core.roles import MARKET_OFFICERS
from qcity.core.uploads import validate_upload

from ..choices import FollowupStatus, RetestOutcome, SampleStatus, SamplingConclusion
from ..models import Followup, Sample, SamplingObjection, SamplingObjectionEvidence
from ..selectors import sample_can_object
from . import feeds
from .samples import RETEST_CODE, enterprise_users, sample_url

logger = logging.getLogger(__name__)

# What an objection's evidence may be: scans and photos of documents (PDF, JPEG, PNG), checked by content.
EVIDENCE_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
MAX_EVIDENCE_FILES = 10


def sampling_objection_apply(*, sample: Sample, applied_on: datetime.date, reason: str, by: User | None,
                    applicant: str = "", evidence: Sequence = (), today: datetime.date | None = None,
                    ) -> SamplingObjection:
    """The sampled party (or the named manufacturer) applies for a retest of a failing result, with its
    evidence files (PDF/JPEG/PNG, checked by content and size before anything is saved)."""
    if by is not None and not sample_can_object(user=by, sample=sample):
        raise access.deny(by, action="apply for retest", obj=sample, org_unit=sample.org_unit)
    today = today or timezone.localdate()
    if sample.status in (SampleStatus.RETESTING, SampleStatus.RETESTED):
        raise ValidationError({"status": [_("该样品已申请复检，不能重复申请")]})
    if sample.status != SampleStatus.SERVED:
        raise ValidationError({"status": [_("检验结论尚未送达，不能申请复检")]})
    if sample.conclusion != SamplingConclusion.FAIL:
        raise ValidationError({"conclusion": [_("检验结论为合格，无需复检")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写异议理由")]})
    if applied_on < sample.served_on or applied_on > today:
        raise ValidationError({"applied_on": [_("申请日期须在送达日期之后、不晚于今天")]})
    if applied_on > sample.retest_deadline:
        # DOMAIN §6 / 产品质量法 art. 15: retest application within 15 natural days of receiving the result
        rule = legal_duration_in_force(RETEST_CODE, sample.served_on)
        raise ValidationError({"applied_on": [
            _("复检申请须自收到检验结果之日起%(value)s日内提出（送达 %(served_on)s，截止 %(retest_deadline)s），已超过期限") % {"value": rule.value, "served_on": sample.served_on, "retest_deadline": sample.retest_deadline}]})
    if sample.backup_quantity < 1 or not sample.backup_sealed:
        # Order 18: the retest is done on the sealed backup sample
        raise ValidationError({"sample": [_("没有封存的备用样品，无法复检")]})
    evidence = [f for f in evidence if f]
    if len(evidence) > MAX_EVIDENCE_FILES:
        raise ValidationError({"evidence": [_("证据材料最多 %(n)s 个文件") % {"n": MAX_EVIDENCE_FILES}]})
    for upload in evidence:
        validate_upload(upload, field="evidence", allowed=EVIDENCE_TYPES, label=_("证据材料"))
    if not applicant and by is not None and by.enterprise_id in (sample.enterprise_id, sample.manufacturer_id):
        applicant = by.enterprise.name
    files: list[SamplingObjectionEvidence] = []
    try:
        with transaction.atomic():
            objection = SamplingObjection.objects.create(sample=sample, applied_on=applied_on,
                                                         applicant=(applicant or sample.enterprise.name)[:200],
                                                         reason=reason.strip(), recorded_by=by)
            for upload in evidence:
                row = SamplingObjectionEvidence(objection=objection, original_name=upload.name[:200], uploaded_by=by)
                row.file.save(upload.name, upload, save=False)
                files.append(row)  # written: deleted if anything below fails, this row's insert included
                row.save()
            sample.status = SampleStatus.RETESTING
            sample.save(update_fields=["status"])
            audit_record(action=AuditAction.CREATE, by=by, obj=objection, org_unit=sample.org_unit,
                         after=snapshot(objection) | {"evidence": [f.original_name for f in files]},
                         message=f"retest applied for {sample.number}")
            feeds.indicators_refresh_on_commit(sample)  # under retest: no longer counted until it concludes
    except BaseException:
        _files_delete(files)  # the rows rolled back: no file may stay without its row
        raise
    return objection


def _files_delete(files: Sequence[SamplingObjectionEvidence]) -> None:
    for evidence in files:
        try:
            evidence.file.storage.delete(evidence.file.name)
        except OSError:
            logger.warning("could not delete %s after a rollback", evidence.file.name, exc_info=True)


def retest_conclude(*, sample: Sample, retest_conclusion: str, retest_report_number: str,
                    retested_on: datetime.date, by: User | None, retest_agency: str = "",
                    today: datetime.date | None = None) -> SamplingObjection:
    """The retest's result becomes the sample's conclusion: a pass overturns the failure and withdraws
    its credit event; a failure confirms it."""
    require_scope(by, sample.org_unit, roles=MARKET_OFFICERS, action="record retest result", obj=sample)
    today = today or timezone.localdate()
    if sample.status != SampleStatus.RETESTING:
        raise ValidationError({"status": [_("该样品没有待复检的申请")]})
    objection = sample.objection
    errors: dict[str, list[str]] = {}
    if retest_conclusion not in SamplingConclusion.values:
        errors["retest_conclusion"] = [_("复检结论须为合格或不合格")]
    if not (retest_report_number or "").strip():
        errors["retest_report_number"] = [_("请填写复检报告编号")]
    if retested_on < objection.applied_on or retested_on > today:
        errors["retested_on"] = [_("复检日期须在申请日期之后、不晚于今天")]
    if errors:
        raise ValidationError(errors)
    overturned = retest_conclusion == SamplingConclusion.PASS
    with transaction.atomic():
        objection.retested_on = retested_on
        objection.retest_report_number = retest_report_number.strip()[:60]
        objection.retest_agency = retest_agency.strip()[:200]
        objection.retest_conclusion = retest_conclusion
        objection.outcome = RetestOutcome.OVERTURNED if overturned else RetestOutcome.CONFIRMED
        objection.save()
        sample.status = SampleStatus.RETESTED
        sample.conclusion = retest_conclusion
        sample.save(update_fields=["status", "conclusion"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=objection, org_unit=sample.org_unit,
                     message=f"retest of {sample.number}: {objection.get_outcome_display()}")
        if overturned:
            feeds.credit_withdraw(sample, reason=f"复检合格（复检报告 {objection.retest_report_number}），原不合格结论撤销",  # i18n-ignore: public credit record text, stored in Chinese
                                  by=by)
            Followup.objects.filter(sample=sample).update(status=FollowupStatus.CANCELLED)
        feeds.indicators_refresh_on_commit(sample)
        _decision_notify(sample, objection)
    return objection


def _decision_notify(sample: Sample, objection: SamplingObjection) -> None:
    """The decision on the objection goes to the enterprise's users (DECISION: SMS by default)."""
    notify(recipients=enterprise_users(sample), kind=NotificationKind.DECISION,
           key=f"sample:{sample.pk}:retest-decided",
           title=_("复检结果：%(product)s（%(number)s）%(outcome)s") % {
               "product": sample.product_name, "number": sample.number, "outcome": objection.get_outcome_display()},
           body=_("复检结论：%(conclusion)s，复检报告编号 %(report)s。") % {
               "conclusion": objection.get_retest_conclusion_display(), "report": objection.retest_report_number},
           url=sample_url(sample))
