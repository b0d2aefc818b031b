"""The history of a complaint and the audit record of each step, written together by every service."""

from __future__ import annotations

from django.utils import timezone

from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction
from qcity.core.masking import mask_text
from qcity.core.models import OrgUnit, User

from ..models import Complaint, ComplaintEvent

# The columns an audit record keeps: the workflow state, never the personal data (the audit log is read by
# the audit administrator, who is not in the handling scope).
AUDITED_FIELDS = ("status", "org_unit", "handler", "routing_method", "acceptance_deadline", "mediation_deadline",
                  "settlement_deadline", "decline_ground", "outcome", "termination_ground", "closed_on",
                  "suspended_since", "extended_working_days", "tip_decision", "category", "problem_type")


def complaint_snapshot(complaint: Complaint) -> dict:
    return snapshot(complaint, AUDITED_FIELDS)


def complaint_event_add(*, complaint: Complaint, kind: str, by: User | None, note: str = "",
                        from_unit: OrgUnit | None = None, to_unit: OrgUnit | None = None, public: bool = True,
                        before: dict | None = None, action: str = AuditAction.UPDATE) -> ComplaintEvent:
    """Add a step to the history and audit it (inside the caller's transaction). `note` must not carry the
    complainant's personal data: the history is shown to the complainant and the audit log to the auditor."""
    event = ComplaintEvent.objects.create(complaint=complaint, kind=kind, at=timezone.now(), by=by, note=note,
                                          from_unit=from_unit, to_unit=to_unit, public=public)
    # The audit log outlives the retention period and is read outside the handling scope: officers' notes
    # go into it masked.
    note = mask_text(note[:200], known_names=[complaint.person_name] if complaint.person_name else []) if note else ""
    audit_record(action=action, by=by, obj=complaint, org_unit=complaint.org_unit,
                 object_repr=complaint.tracking_number,
                 message=f"{event.get_kind_display()}{'：' + note if note else ''}",
                 before=before, after=complaint_snapshot(complaint) if before is not None else None)
    return event
