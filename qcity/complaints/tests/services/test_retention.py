"""Anonymisation after the retention period: the person and their text go, the figures stay, files too."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings

from qcity.complaints.choices import ComplaintEventKind, ComplaintStatus, MediationOutcome
from qcity.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from qcity.complaints.services.retention import complaints_anonymise

from ..factories import (
    ComplaintAttachmentFactory,
    ComplaintCategoryFactory,
    ComplaintEventFactory,
    ComplaintFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
LONG_AGO = datetime.date(2023, 1, 10)  # more than 1095 days before TODAY
TYPED = "王小明来电13812345678，身份证410105199001011234，要求赔偿。"


@pytest.fixture
def old(district):
    complaint = ComplaintFactory(
        org_unit=district, status=ComplaintStatus.CLOSED, closed_on=LONG_AGO, outcome=MediationOutcome.AGREEMENT,
        category=ComplaintCategoryFactory(name="食品"), amount=Decimal("120.00"), amount_recovered=Decimal("100.00"),
        satisfaction=5, facts=TYPED, request=TYPED, settlement_note=TYPED, subject="王小明投诉过期牛奶")
    ComplaintEventFactory(complaint=complaint, note=TYPED)
    return complaint


def test_an_old_finished_complaint_loses_the_person_and_keeps_the_figures(old, django_capture_on_commit_callbacks):
    attachment = ComplaintAttachmentFactory(complaint=old)
    stored = attachment.file.name
    assert default_storage.exists(stored)

    # when the job runs
    with django_capture_on_commit_callbacks(execute=True):
        count = complaints_anonymise(today=TODAY)

    # then the person is blank and the free text masked
    assert count == 1
    old.refresh_from_db()
    assert (old.person_name, old.person_phone, old.person_id_number, old.person_address, old.phone_last4) == ("",) * 5
    for text in (old.facts, old.request, old.settlement_note, old.subject,
                 ComplaintEvent.objects.filter(complaint=old, kind=ComplaintEventKind.RECEIVED).get().note):
        assert "王小明" not in text and "13812345678" not in text and "410105199001011234" not in text
    assert "138****5678" in old.facts and "要求赔偿" in old.facts
    # and the statistics stay
    assert (old.status, old.outcome, old.category.name, old.amount, old.amount_recovered, old.satisfaction,
            old.closed_on, old.org_unit_id) == (ComplaintStatus.CLOSED, MediationOutcome.AGREEMENT, "食品",
                                               Decimal("120.00"), Decimal("100.00"), 5, LONG_AGO, old.org_unit_id)
    assert old.anonymised_at is not None
    # and the evidence is gone, from the table and the storage, and the step is in the history
    assert not ComplaintAttachment.objects.filter(complaint=old).exists() and not default_storage.exists(stored)
    assert ComplaintEvent.objects.filter(complaint=old, kind=ComplaintEventKind.ANONYMISED, public=False).count() == 1


def test_a_second_run_changes_nothing(old):
    assert complaints_anonymise(today=TODAY) == 1
    first = Complaint.objects.get(pk=old.pk).anonymised_at
    assert complaints_anonymise(today=TODAY) == 0
    assert Complaint.objects.get(pk=old.pk).anonymised_at == first
    assert ComplaintEvent.objects.filter(complaint=old, kind=ComplaintEventKind.ANONYMISED).count() == 1


def test_recent_or_unfinished_complaints_are_kept(district):
    recent = ComplaintFactory(org_unit=district, status=ComplaintStatus.CLOSED, closed_on=datetime.date(2024, 1, 2))
    open_one = ComplaintFactory(org_unit=district, status=ComplaintStatus.MEDIATING,
                                received_on=LONG_AGO, accepted_on=LONG_AGO)
    assert complaints_anonymise(today=TODAY) == 0
    for complaint in (recent, open_one):
        complaint.refresh_from_db()
        assert complaint.person_name == "王小明" and complaint.anonymised_at is None


def test_the_retention_period_is_a_setting(district):
    ComplaintFactory(org_unit=district, status=ComplaintStatus.CLOSED, closed_on=datetime.date(2026, 5, 1))
    with override_settings(QCITY_COMPLAINT_RETENTION_DAYS=30):
        assert complaints_anonymise(today=TODAY) == 1


def test_the_command_runs_the_job(old, capsys):
    call_command("complaints", "anonymise", "--today", TODAY.isoformat())
    assert "anonymised 1 complaint(s)" in capsys.readouterr().out
    assert Complaint.objects.get(pk=old.pk).person_name == ""


def test_the_nightly_task_runs_the_job(old):
    from qcity.complaints.tasks import complaints_anonymise_task

    assert complaints_anonymise_task(today=TODAY.isoformat()) == 1
