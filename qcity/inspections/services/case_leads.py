"""Case leads (案件线索): suspected violations handed to the market officers of a unit for the penalty
procedure. A higher module (complaints: a report whose case was opened) hands one over by a reference of
its own; the same reference makes one lead however often it is handed over (a retried job, a double click).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core.access import require_scope
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.models import OrgUnit, User
from qcity.core.roles import MARKET_OFFICERS
from qcity.enterprises.models import Enterprise

from ..choices import CaseLeadStatus
from ..models import CaseLead


def case_lead_create(*, enterprise: Enterprise | None, org_unit: OrgUnit, source_ref: str, summary: str,
                     by: User | None) -> CaseLead:
    """Open a lead for `org_unit` (idempotent on `source_ref`: the existing lead is returned unchanged). The
    caller's own service has checked who may hand it over; the lead is audited."""
    source_ref = (source_ref or "").strip()
    errors: dict[str, list[str]] = {}
    if not source_ref:
        errors["source_ref"] = [_("请提供来源编号")]
    if not (summary or "").strip():
        errors["summary"] = [_("请填写线索摘要")]
    if errors:
        raise ValidationError(errors)
    existing = CaseLead.objects.filter(source_ref=source_ref).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            lead = CaseLead.objects.create(source_ref=source_ref, enterprise=enterprise, org_unit=org_unit,
                                           summary=summary.strip()[:2000], created_on=timezone.localdate(), by=by)
            audit_record(action=AuditAction.CREATE, by=by, obj=lead, org_unit=org_unit,
                         message=f"case lead opened from {source_ref}")
    except IntegrityError:  # handed over twice at the same moment: the other call's lead
        return CaseLead.objects.get(source_ref=source_ref)
    return lead


def case_lead_close(*, case_lead: CaseLead, note: str, by: User | None) -> CaseLead:
    """The officers of the unit record what came of the lead (case opened, or why not)."""
    require_scope(by, case_lead.org_unit, roles=MARKET_OFFICERS, action="close case lead", obj=case_lead)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写处理结果")]})
    with transaction.atomic():
        case_lead = CaseLead.objects.select_for_update().get(pk=case_lead.pk)
        if case_lead.status != CaseLeadStatus.OPEN:
            raise ValidationError(_("该线索已处理"))
        case_lead.status, case_lead.closed_on, case_lead.closing_note = (CaseLeadStatus.CLOSED, timezone.localdate(),
                                                                         note[:500])
        case_lead.save(update_fields=["status", "closed_on", "closing_note"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=case_lead, org_unit=case_lead.org_unit,
                     message=f"case lead closed: {note[:200]}")
    return case_lead
