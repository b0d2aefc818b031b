"""Credit repair (信用修复, DOMAIN §2.4): the enterprise applies with proof of compliance and a credit
commitment letter; the regulator accepts and decides within working-day periods; an approval removes the
listing or stops the penalty publication."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import deadlines
from qcity.core.access import require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction, NotificationKind
from qcity.core.deadlines import Deadline, deadline
from qcity.core.models import User
from qcity.core.notifications import notify
from qcity.core.roles import MARKET_OFFICERS
from qcity.enterprises.models import Enterprise

from ..choices import (
    CreditAttachmentKind,
    CreditEventKind,
    CreditEventStatus,
    CreditListEntryStatus,
    CreditListKind,
    CreditListRemovalReason,
    CreditRepairKind,
    CreditRepairStatus,
)
from ..models import CreditEvent, CreditListEntry, CreditRepair
from ..periods import period_end, rule_in_force
from .access import deciders_of, enterprise_users, require_officer_or_own
from .attachments import attachments_atomic, attachments_check, attachments_store
from .lists import list_entry_remove

AUDITED = ["kind", "status", "submitted_on", "acceptance_due_on", "acceptance_due_on_provisional_year", "accepted_on",
           "decision_due_on", "decision_due_on_provisional_year", "decided_on", "decision_note"]
OPEN_STATUSES = (CreditRepairStatus.SUBMITTED, CreditRepairStatus.ACCEPTED)
DECISION_CODES = {
    CreditRepairKind.ABNORMAL_LIST_REMOVAL: "abnormal-list-exit-decision",
    CreditRepairKind.SERIOUS_LIST_EARLY_REMOVAL: "serious-list-early-removal-decision",
    CreditRepairKind.PENALTY_PUBLICATION_STOP: "penalty-publication-early-stop-decision",
}
ACCEPTANCE_CODE = "credit-repair-acceptance"


def acceptance_due_on(application: CreditRepair) -> Deadline:
    """DOMAIN §2.4: a repair application is accepted or refused within a short period of working days."""
    return deadline(ACCEPTANCE_CODE, application.submitted_on)


def decision_due_on(application: CreditRepair) -> Deadline | None:
    """The decision period of the repair's kind, from acceptance (5 / 15 / 15 working days)."""
    if application.accepted_on is None:
        return None
    return deadline(DECISION_CODES[application.kind], application.accepted_on)


def _check_list_target(kind: str, entry: CreditListEntry | None, enterprise: Enterprise,
                       today: datetime.date) -> None:
    wanted = (CreditListKind.ABNORMAL_OPERATIONS if kind == CreditRepairKind.ABNORMAL_LIST_REMOVAL
              else CreditListKind.SERIOUS_VIOLATION)
    if entry is None or entry.enterprise_id != enterprise.pk or entry.list_kind != wanted:
        raise ValidationError({"list_entry": [_("请选择该企业的%(label)s记录") % {"label": CreditListKind(wanted).label}]})
    if entry.status != CreditListEntryStatus.LISTED:
        raise ValidationError({"list_entry": [_("该记录已移出")]})
    if kind == CreditRepairKind.SERIOUS_LIST_EARLY_REMOVAL:
        # DOMAIN §2.2 / 总局令第44号: early removal only after 1 full year on the list ...
        if entry.earliest_repair_on and today < entry.earliest_repair_on:
            raise ValidationError({"list_entry": [
                _("列入严重违法失信名单未满1年，%(earliest_repair_on)s起方可申请提前移出") % {"earliest_repair_on": format(entry.earliest_repair_on, '%Y-%m-%d')}]})
        # ... and with no new heavier penalty since the listing
        if CreditEvent.objects.filter(enterprise=enterprise, kind=CreditEventKind.HEAVIER_PENALTY,
                                      occurred_on__gt=entry.decided_on).exclude(
                status=CreditEventStatus.WITHDRAWN).exists():
            raise ValidationError({"list_entry": [_("列入名单后又受到较重行政处罚，不能申请提前移出")]})


def _check_penalty_target(event: CreditEvent | None, enterprise: Enterprise, today: datetime.date) -> None:
    """DOMAIN §2.3 / 总局令第45号 art. 14: early stop needs the minimum period met and the enterprise off the
    abnormal and serious lists; never for heavier penalties (suspension, revoked licence, …)."""
    if event is None or event.enterprise_id != enterprise.pk or event.kind not in (
            CreditEventKind.ADMINISTRATIVE_PENALTY, CreditEventKind.HEAVIER_PENALTY):
        raise ValidationError({"credit_event": [_("请选择该企业的行政处罚信息")]})
    if event.kind == CreditEventKind.HEAVIER_PENALTY:
        raise ValidationError({"credit_event": [_("较重行政处罚信息不能提前停止公示")]})
    if not event.is_public_on(today):
        raise ValidationError({"credit_event": [_("该行政处罚信息不在公示期内")]})
    with rule_in_force("credit_event", event.published_on):
        earliest = period_end("penalty-publication-early-stop-minimum", event.published_on)
    if today < earliest:
        raise ValidationError({"credit_event": [_("公示未满最短公示期，%(earliest)s起方可申请") % {"earliest": format(earliest, '%Y-%m-%d')}]})
    if CreditListEntry.objects.filter(enterprise=enterprise, status=CreditListEntryStatus.LISTED, list_kind__in=[
            CreditListKind.ABNORMAL_OPERATIONS, CreditListKind.SERIOUS_VIOLATION]).exists():
        raise ValidationError({"credit_event": [_("企业在经营异常名录或严重违法失信名单中，不能申请提前停止公示")]})


@attachments_atomic()  # the documents' files go when the application rolls back
def credit_repair_apply(*, enterprise: Enterprise, kind: str, compliance_proof: str, commitment_letter: str,
                 list_entry: CreditListEntry | None = None, credit_event: CreditEvent | None = None,
                 compliance_proof_file=None, commitment_letter_file=None,
                 by: User | None, today: datetime.date | None = None) -> CreditRepair:
    """Apply for repair. Both documents are required (PDF/JPEG/PNG): the proof of compliance and the signed
    credit commitment letter; the text fields describe them. The deciders are told."""
    today = today or timezone.localdate()
    uploads = {CreditAttachmentKind.COMPLIANCE_PROOF: compliance_proof_file,
               CreditAttachmentKind.COMMITMENT_LETTER: commitment_letter_file}
    errors: dict[str, list[str]] = attachments_check(uploads, required=tuple(uploads))
    if kind not in CreditRepairKind.values:
        errors["kind"] = [_("未知的修复类别")]
    if not (compliance_proof or "").strip():
        errors["compliance_proof"] = [_("请提交已履行义务、纠正失信行为的证明")]
    if not (commitment_letter or "").strip():
        errors["commitment_letter"] = [_("请提交信用承诺书")]
    if errors:
        raise ValidationError(errors)
    require_officer_or_own(by, enterprise, action="apply for credit repair")
    if kind == CreditRepairKind.PENALTY_PUBLICATION_STOP:
        _check_penalty_target(credit_event, enterprise, today)
        list_entry = None
        open_same = CreditRepair.objects.filter(credit_event=credit_event, status__in=OPEN_STATUSES)
    else:
        _check_list_target(kind, list_entry, enterprise, today)
        credit_event = None
        open_same = CreditRepair.objects.filter(list_entry=list_entry, status__in=OPEN_STATUSES)
    if open_same.exists():
        raise ValidationError({"list_entry" if list_entry else "credit_event": [_("已有一份正在办理的修复申请")]})
    application = CreditRepair(
        enterprise=enterprise, kind=kind, list_entry=list_entry, credit_event=credit_event,
        compliance_proof=compliance_proof.strip(), commitment_letter=commitment_letter.strip(), submitted_on=today,
        submitted_by=by)
    deadlines.assign(application, "acceptance_due_on", acceptance_due_on(application))
    application.save()
    attachments_store(owner=application, uploads=uploads, by=by)
    audit_record(action=AuditAction.CREATE, by=by, obj=application, org_unit=enterprise.org_unit,
                 message=f"credit repair applied for: {kind}", after=snapshot(application, AUDITED))
    notify(recipients=deciders_of(enterprise), kind=NotificationKind.ASSIGNMENT,
           key=f"credit-repair:{application.pk}:filed",
           title=_("新的信用修复申请待受理：%(enterprise)s") % {"enterprise": enterprise.name},
           body=_("%(kind)s；受理期限 %(due)s") % {"kind": application.get_kind_display(),
                                               "due": format(application.acceptance_due_on, "%Y-%m-%d")},
           url=reverse("credit:repair-queue"))
    return application


def _notify_decided(application: CreditRepair) -> None:
    """The enterprise's accounts and whoever applied hear the outcome (not accepted, approved, rejected), once."""
    body = _("%(enterprise)s %(submitted_on)s 提交的%(kind)s申请：%(result)s") % {
        "enterprise": application.enterprise.name, "submitted_on": format(application.submitted_on, "%Y-%m-%d"),
        "kind": application.get_kind_display(), "result": application.get_status_display()}
    if application.decision_note:
        body += _("。处理意见：%(note)s") % {"note": application.decision_note}
    notify(recipients=[*enterprise_users(application.enterprise), application.submitted_by],
           kind=NotificationKind.DECISION, key=f"credit-repair:{application.pk}:decided",
           title=_("信用修复申请结果：%(result)s") % {"result": application.get_status_display()}, body=body,
           url=reverse("credit:file", args=[application.enterprise_id]))


def _locked(application: CreditRepair) -> CreditRepair:
    return (CreditRepair.objects.select_for_update(of=("self",))
            .select_related("enterprise__org_unit", "list_entry", "credit_event", "submitted_by").get(pk=application.pk))


@transaction.atomic
def credit_repair_accept(*, application: CreditRepair, accept: bool = True, note: str = "", by: User | None,
                  today: datetime.date | None = None) -> CreditRepair:
    """Accept (the decision period starts) or refuse to accept (with the reason)."""
    today = today or timezone.localdate()
    application = _locked(application)
    require_scope(by, application.enterprise.org_unit, roles=MARKET_OFFICERS, action="accept a credit repair application")
    if application.status != CreditRepairStatus.SUBMITTED:
        raise ValidationError({"status": [_("只有待受理的申请可以受理")]})
    if not accept and not (note or "").strip():
        raise ValidationError({"note": [_("不予受理须说明理由")]})
    before = snapshot(application, AUDITED)
    if accept:
        application.status, application.accepted_on = CreditRepairStatus.ACCEPTED, today
        deadlines.assign(application, "decision_due_on", decision_due_on(application))
    else:
        application.status, application.decided_on = CreditRepairStatus.NOT_ACCEPTED, today
        application.decided_by = by
    application.decision_note = (note or "").strip()[:500]
    application.save()
    audit_record(action=AuditAction.UPDATE, by=by, obj=application, org_unit=application.enterprise.org_unit,
                 message=f"credit repair {'accepted' if accept else 'not accepted'}", before=before,
                 after=snapshot(application, AUDITED))
    if not accept:
        _notify_decided(application)
    return application


@transaction.atomic
def credit_repair_decide(*, application: CreditRepair, approve: bool, note: str = "", by: User | None,
                  today: datetime.date | None = None) -> CreditRepair:
    today = today or timezone.localdate()
    application = _locked(application)
    require_scope(by, application.enterprise.org_unit, roles=MARKET_OFFICERS, action="decide a credit repair application")
    if application.status != CreditRepairStatus.ACCEPTED:
        raise ValidationError({"status": [_("只有已受理的申请可以作出决定")]})
    if not approve and not (note or "").strip():
        raise ValidationError({"note": [_("不予修复须说明理由")]})
    before = snapshot(application, AUDITED)
    application.status = CreditRepairStatus.APPROVED if approve else CreditRepairStatus.REJECTED
    application.decided_on, application.decided_by = today, by
    application.decision_note = (note or "").strip()[:500]
    application.save()
    if approve:
        if application.kind == CreditRepairKind.PENALTY_PUBLICATION_STOP:
            event = application.credit_event
            CreditEvent.objects.filter(pk=event.pk).update(publication_ends_on=today)
            audit_record(action=AuditAction.UPDATE, by=by, obj=event, org_unit=application.enterprise.org_unit,
                         message=f"penalty publication stopped early on {today} (credit repair)",
                         before={"publication_ends_on": str(event.publication_ends_on)},
                         after={"publication_ends_on": today.isoformat()})
        else:
            reason = (CreditListRemovalReason.CURED if application.kind == CreditRepairKind.ABNORMAL_LIST_REMOVAL
                      else CreditListRemovalReason.EARLY_REMOVAL)
            list_entry_remove(entry=application.list_entry, reason=reason, note=f"信用修复申请 {application.pk}",  # i18n-ignore: public credit record text, stored in Chinese
                              by=by, today=today)
    audit_record(action=AuditAction.UPDATE, by=by, obj=application, org_unit=application.enterprise.org_unit,
                 message=f"credit repair {'approved' if approve else 'rejected'}", before=before,
                 after=snapshot(application, AUDITED))
    _notify_decided(application)
    return application
