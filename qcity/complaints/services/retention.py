"""Anonymisation of complaints after the retention period (个人信息保存期限; PIPL art. 19 and 47: personal
data is kept no longer than the purpose needs, then deleted or anonymised).

A finished complaint or report whose finishing day (`closed_on`; a report without it, its case-opening
decision; failing both, its last change) is older than `QCITY_COMPLAINT_RETENTION_DAYS` (3 years by
default: the limitation period of a consumer claim) loses its personal data: the person's name, phone,
ID number, address and the phone's last four digits are blanked (tracking is over), every free text the
person or an officer wrote is passed through `core.masking.mask_text` with the person's name as a known
name, and the evidence files are deleted from storage and from the table. Every statistical column (kind,
dates, category, unit, outcome, amounts, satisfaction) stays, so the figures of past years do not change.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, QuerySet
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core.masking import mask_text

from ..choices import FINISHED_STATUSES, ComplaintEventKind
from ..models import Complaint, ComplaintAttachment, ComplaintEvent, Reward
from .events import complaint_event_add

PERSON_FIELDS = ("person_name", "person_phone", "person_id_number", "person_address", "phone_last4")
# Free text written by the person or about them: masked, not blanked (the history stays readable).
TEXT_FIELDS = ("subject", "facts", "request", "settlement_note", "decision_note", "extension_reason",
               "routing_note", "satisfaction_comment")


def complaints_due_for_anonymisation(*, today: datetime.date, retention_days: int) -> QuerySet[Complaint]:
    cutoff = today - datetime.timedelta(days=retention_days)
    finished_on = Coalesce("closed_on", "tip_decided_on", Cast("updated_at", DateField()))
    return (Complaint.objects.filter(status__in=FINISHED_STATUSES, anonymised_at__isnull=True)
            .annotate(finished_on=finished_on).filter(finished_on__lt=cutoff))


def _anonymise(pk: int) -> bool:
    """Anonymise one complaint (locked; False when another run did it first)."""
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=pk)
        if complaint.anonymised_at is not None:
            return False
        known = [complaint.person_name] if complaint.person_name else []
        for field in TEXT_FIELDS:
            setattr(complaint, field, mask_text(getattr(complaint, field), known_names=known))
        for field in PERSON_FIELDS:
            setattr(complaint, field, "")
        complaint.anonymised_at = timezone.now()
        complaint.save(update_fields=[*PERSON_FIELDS, *TEXT_FIELDS, "anonymised_at", "updated_at"])
        for event in ComplaintEvent.objects.filter(complaint=complaint).exclude(note=""):
            masked = mask_text(event.note, known_names=known)
            if masked != event.note:
                ComplaintEvent.objects.filter(pk=event.pk).update(note=masked)
        for reward in Reward.objects.filter(complaint=complaint).exclude(decision_note=""):
            Reward.objects.filter(pk=reward.pk).update(decision_note=mask_text(reward.decision_note, known_names=known))
        files = [a.file.name for a in ComplaintAttachment.objects.filter(complaint=complaint) if a.file]
        ComplaintAttachment.objects.filter(complaint=complaint).delete()
        storage = ComplaintAttachment._meta.get_field("file").storage
        # Files go after the commit: a rolled-back run must not leave rows pointing at deleted files.
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.ANONYMISED, by=None, public=False,
                            note=_("删除材料 %(count)s 件") % {"count": len(files)} if files else "")
    return True


def complaints_anonymise(*, today: datetime.date | None = None, retention_days: int | None = None) -> int:
    """Anonymise every finished complaint past the retention period; returns how many were anonymised.
    Idempotent (an anonymised row is never picked again); one transaction per complaint, so a long run
    holds no lock for long and an interruption loses nothing done."""
    today = today or timezone.localdate()
    retention_days = settings.QCITY_COMPLAINT_RETENTION_DAYS if retention_days is None else retention_days
    if retention_days < 0:
        raise ValueError("retention_days must not be negative")
    due = complaints_due_for_anonymisation(today=today, retention_days=retention_days)
    return sum(_anonymise(pk) for pk in list(due.order_by("pk").values_list("pk", flat=True)))
