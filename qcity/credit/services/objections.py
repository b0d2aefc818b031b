"""Objections (异议) against a published credit item: an event or a list entry. Replied to within 20
working days (企业信息公示暂行条例 art. 13, the same period as a report of false information); an upheld
objection withdraws the event or removes the listing."""

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

from ..choices import (
    CreditAttachmentKind,
    CreditListEntryStatus,
    CreditListRemovalReason,
    CreditObjectionStatus,
)
from ..models import CreditEvent, CreditListEntry, CreditObjection
from .access import deciders_of, enterprise_users, require_officer_or_own
from .attachments import attachments_atomic, attachments_check, attachments_store
from .events import credit_event_withdraw_item
from .lists import list_entry_remove

AUDITED = ["status", "submitted_on", "reply_due_on", "reply_due_on_provisional_year", "decided_on", "decision_note"]
REPLY_CODE = "disclosure-query-reply"


def reply_due_on(objection: CreditObjection) -> Deadline:
    """The 20 working days of 企业信息公示暂行条例 art. 13 for verifying and answering, from submission."""
    return deadline(REPLY_CODE, objection.submitted_on)


@attachments_atomic()  # the evidence file goes when the objection rolls back
def credit_objection_file(*, grounds: str, evidence: str = "", credit_event: CreditEvent | None = None,
                   list_entry: CreditListEntry | None = None, evidence_file=None, by: User | None,
                   today: datetime.date | None = None) -> CreditObjection:
    """File an objection, with an optional evidence document (PDF/JPEG/PNG); the deciders are told."""
    today = today or timezone.localdate()
    if (credit_event is None) == (list_entry is None):
        raise ValidationError({"credit_event": [_("请选择一项信用事项或名录名单记录")]})
    if not (grounds or "").strip():
        raise ValidationError({"grounds": [_("请填写异议理由")]})
    uploads = {CreditAttachmentKind.OBJECTION_EVIDENCE: evidence_file}
    if errors := attachments_check(uploads):
        raise ValidationError(errors)
    enterprise = (credit_event or list_entry).enterprise
    require_officer_or_own(by, enterprise, action="file a credit objection")
    # Only what the public can see can be objected to; an unpublished item is not yet a finding.
    if credit_event is not None and not credit_event.is_public_on(today):
        raise ValidationError({"credit_event": [_("该信用事项未公示或不在公示期内，不能提出异议")]})
    if list_entry is not None and (list_entry.published_on is None or list_entry.status != CreditListEntryStatus.LISTED):
        raise ValidationError({"list_entry": [_("该名录名单记录未公示或已移出，不能提出异议")]})
    open_same = CreditObjection.objects.filter(status=CreditObjectionStatus.SUBMITTED, credit_event=credit_event,
                                         list_entry=list_entry)
    if open_same.exists():
        raise ValidationError({"credit_event" if credit_event else "list_entry": [_("已有一份待处理的异议")]})
    objection = CreditObjection(
        enterprise=enterprise, credit_event=credit_event, list_entry=list_entry, grounds=grounds.strip(),
        evidence=(evidence or "").strip(), submitted_on=today, submitted_by=by)
    deadlines.assign(objection, "reply_due_on", reply_due_on(objection))
    objection.save()
    attachments_store(owner=objection, uploads=uploads, by=by)
    audit_record(action=AuditAction.CREATE, by=by, obj=objection, org_unit=enterprise.org_unit,
                 message="credit objection filed", after=snapshot(objection, AUDITED))
    notify(recipients=deciders_of(enterprise), kind=NotificationKind.ASSIGNMENT,
           key=f"credit-objection:{objection.pk}:filed",
           title=_("新的信用异议待处理：%(enterprise)s") % {"enterprise": enterprise.name},
           body=_("答复期限 %(due)s") % {"due": format(objection.reply_due_on, "%Y-%m-%d")},
           url=reverse("credit:objection-queue"))
    return objection


def _notify_decided(objection: CreditObjection) -> None:
    """The enterprise's accounts and whoever filed the objection hear the decision, once."""
    notify(recipients=[*enterprise_users(objection.enterprise), objection.submitted_by],
           kind=NotificationKind.DECISION, key=f"credit-objection:{objection.pk}:decided",
           title=_("信用异议处理结果：%(result)s") % {"result": objection.get_status_display()},
           body=_("%(enterprise)s %(submitted_on)s 提出的异议已处理。处理意见：%(note)s") % {
               "enterprise": objection.enterprise.name, "submitted_on": format(objection.submitted_on, "%Y-%m-%d"),
               "note": objection.decision_note},
           url=reverse("credit:file", args=[objection.enterprise_id]))


@transaction.atomic
def credit_objection_decide(*, objection: CreditObjection, upheld: bool, note: str, by: User | None,
                     today: datetime.date | None = None) -> CreditObjection:
    today = today or timezone.localdate()
    objection = (CreditObjection.objects.select_for_update(of=("self",))
                 .select_related("enterprise__org_unit", "credit_event", "list_entry", "submitted_by")
                 .get(pk=objection.pk))
    require_scope(by, objection.enterprise.org_unit, roles=MARKET_OFFICERS, action="decide a credit objection")
    if objection.status != CreditObjectionStatus.SUBMITTED:
        raise ValidationError({"status": [_("该异议已处理")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写处理意见")]})
    before = snapshot(objection, AUDITED)
    objection.status = CreditObjectionStatus.UPHELD if upheld else CreditObjectionStatus.DISMISSED
    objection.decided_on, objection.decided_by, objection.decision_note = today, by, note.strip()[:500]
    objection.save()
    if upheld:
        if objection.credit_event is not None:
            credit_event_withdraw_item(event=objection.credit_event, reason=f"异议成立：{note.strip()}"[:300], by=by,  # i18n-ignore: public credit record text, stored in Chinese
                                       today=today)
        elif objection.list_entry.status == CreditListEntryStatus.LISTED:
            list_entry_remove(entry=objection.list_entry, reason=CreditListRemovalReason.OBJECTION_UPHELD,
                              note=note, by=by, today=today)
    audit_record(action=AuditAction.UPDATE, by=by, obj=objection, org_unit=objection.enterprise.org_unit,
                 message=f"credit objection {'upheld' if upheld else 'dismissed'}", before=before,
                 after=snapshot(objection, AUDITED))
    _notify_decided(objection)
    return objection
