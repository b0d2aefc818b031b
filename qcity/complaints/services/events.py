"""The history of a complaint and the audit record of each step, written together by every service; and the
one way a service saves the fields a step changed."""

from __future__ import annotations

from django.utils import timezone

from qcity.core.audit import audit_event, audit_records_save, snapshot
from qcity.core.choices import AuditAction
from qcity.core.masking import mask_text
from qcity.core.models import AuditEvent, OrgUnit, User

from .. import deadlines as complaint_deadlines
from ..choices import ComplaintEventKind
from ..models import Complaint, ComplaintEvent

# The columns an audit record keeps: the workflow state, never the personal data (the audit log is read by
# the audit administrator, who is not in the handling scope).
AUDITED_FIELDS = ("status", "org_unit", "handler", "routing_method", "acceptance_deadline", "mediation_deadline",
                  "settlement_deadline", "decline_ground", "outcome", "termination_ground", "closed_on",
                  "suspended_since", "extended_working_days", "tip_decision", "category", "problem_type")


def complaint_snapshot(complaint: Complaint) -> dict:
    return snapshot(complaint, AUDITED_FIELDS)


def complaint_event_new(*, complaint: Complaint, kind: str, by: User | None, note: str = "",
                        from_unit: OrgUnit | None = None, to_unit: OrgUnit | None = None, public: bool = True,
                        before: dict | None = None, action: str = AuditAction.UPDATE,
                        ) -> tuple[ComplaintEvent, AuditEvent]:
    """A step of the history and its audit record, not yet saved (`complaint_events_save`). `note` must not
    carry the complainant's personal data: the history is shown to the complainant and the audit log to the
    auditor."""
    event = ComplaintEvent(complaint=complaint, kind=kind, at=timezone.now(), by=by, note=note,
                           from_unit=from_unit, to_unit=to_unit, public=public)
    # The audit log outlives the retention period and is read outside the handling scope: officers' notes
    # go into it masked.
    note = mask_text(note[:200], known_names=[complaint.person_name] if complaint.person_name else []) if note else ""
    audit = audit_event(action=action, by=by, obj=complaint, org_unit=complaint.org_unit,
                        object_repr=complaint.tracking_number,
                        # the enum's label, not get_kind_display(): that rebuilds the translated choices each call
                        message=f"{ComplaintEventKind(kind).label}{'：' + note if note else ''}",
                        before=before, after=complaint_snapshot(complaint) if before is not None else None)
    return event, audit


def complaint_events_save(steps: list[tuple[ComplaintEvent, AuditEvent]]) -> None:
    """Save steps and their audit records, two inserts however many (inside the caller's transaction)."""
    ComplaintEvent.objects.bulk_create([event for event, _audit in steps], batch_size=500)
    audit_records_save([audit for _event, audit in steps])


def complaint_event_add(**fields) -> ComplaintEvent:
    """Add a step to the history and audit it (inside the caller's transaction); the arguments of
    `complaint_event_new`."""
    event, audit = complaint_event_new(**fields)
    event.save()
    audit.save()
    return event


def complaint_save(complaint: Complaint, fields: list[str], *, refresh: bool = False) -> None:
    """Save the fields a step changed and `updated_at`; `refresh`: the step changed what a deadline counts
    from, so every deadline is recomputed and saved too."""
    if refresh:
        fields = [*fields, *complaint_deadlines.refresh(complaint)]
    complaint.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
