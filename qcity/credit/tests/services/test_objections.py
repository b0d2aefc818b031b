"""Credit services: objections (异议) against published credit information."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from qcity.core.choices import NotificationKind, Role
from qcity.core.models import Notification
from qcity.credit.choices import CreditListRemovalReason, CreditObjectionStatus
from qcity.credit.demo import placeholder_pdf
from qcity.credit.models import CreditAttachment, CreditObjection
from qcity.credit.selectors import risk_class_of
from qcity.credit.services import (
    abnormal_list_enter,
    credit_objection_decide,
    credit_objection_file,
    objections,
)
from qcity.enterprises.tests.factories import EnterpriseFactory

from ..factories import TODAY, make_credit_event

pytestmark = pytest.mark.django_db


def test_objection_on_unpublished_item_is_refused(enterprise, owner):
    event = make_credit_event(enterprise, kind="sampling_failure")
    with pytest.raises(ValidationError) as error:
        credit_objection_file(credit_event=event, grounds="检验方法错误", by=owner, today=TODAY)
    assert "credit_event" in error.value.message_dict
    assert not CreditObjection.objects.exists()


def test_objection_upheld_withdraws_the_event(enterprise, owner, officer):
    event = make_credit_event(enterprise, kind="sampling_failure", published_on=TODAY)
    assert risk_class_of(enterprise) == "b"  # 15 points
    with pytest.raises(ValidationError) as error:
        credit_objection_file(credit_event=event, grounds=" ", by=owner, today=TODAY)
    assert "grounds" in error.value.message_dict
    objection = credit_objection_file(credit_event=event, grounds="检验方法错误", by=owner, today=TODAY)
    assert objection.reply_due_on == datetime.date(2025, 12, 26)
    with pytest.raises(ValidationError):
        credit_objection_file(credit_event=event, grounds="再次", by=owner, today=TODAY)
    with pytest.raises(PermissionDenied):
        credit_objection_decide(objection=objection, upheld=True, note="x", by=owner, today=TODAY)
    credit_objection_decide(objection=objection, upheld=True, note="复核检验方法确有错误", by=officer, today=TODAY)
    event.refresh_from_db()
    assert event.status == "withdrawn"
    with pytest.raises(ValidationError) as error:
        credit_objection_decide(objection=objection, upheld=False, note="x", by=officer, today=TODAY)
    assert "status" in error.value.message_dict


def test_objection_against_a_listing_dismissed(enterprise, owner, officer):
    entry = abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=TODAY,
                                decision_authority="金水区局", by=officer, today=TODAY)
    objection = credit_objection_file(list_entry=entry, grounds="住所可以联系", by=owner, today=TODAY)
    objection = credit_objection_decide(objection=objection, upheld=False, note="实地核查无法联系", by=officer, today=TODAY)
    assert objection.status == CreditObjectionStatus.DISMISSED
    entry.refresh_from_db()
    assert entry.is_listed
    objection = credit_objection_file(list_entry=entry, grounds="已恢复联系", by=owner, today=TODAY)
    credit_objection_decide(objection=objection, upheld=True, note="核实可联系", by=officer, today=TODAY)
    entry.refresh_from_db()
    assert entry.removal_reason == CreditListRemovalReason.OBJECTION_UPHELD


def test_filing_an_objection_assigns_it_to_the_officers_of_the_enterprises_district(enterprise, owner, officer,
                                                                                     make_user):
    # given a published event, the district officer, an inspector of the district and the office
    inspector = make_user(Role.INSPECTOR, org_unit=enterprise.org_unit)
    office = make_user(Role.LEADERSHIP_OFFICE)
    event = make_credit_event(enterprise, published_on=TODAY)
    # when the enterprise files an objection
    objection = credit_objection_file(credit_event=event, grounds="数额有误", by=owner, today=TODAY)
    # then the district officer (who decides it) gets an assignment; the inspector and the office do not
    sent = Notification.objects.filter(key=f"credit-objection:{objection.pk}:filed")
    assert [(n.recipient, n.kind, n.url) for n in sent] == [(officer, NotificationKind.ASSIGNMENT, "/credit/objections/")]
    assert not Notification.objects.filter(recipient__in=[inspector, office]).exists()


def test_a_decision_is_told_once_to_the_enterprises_accounts_and_the_filer(enterprise, owner, officer, make_user):
    # given an objection filed by an officer for the enterprise, a second account of the enterprise, a disabled
    # one, and an account of another enterprise
    colleague = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)
    disabled = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)
    disabled.is_active = False
    disabled.save()
    other = EnterpriseFactory(org_unit=enterprise.org_unit)
    stranger = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=other)
    filer = make_user(Role.DISTRICT_OFFICER, org_unit=enterprise.org_unit)
    event = make_credit_event(enterprise, published_on=TODAY)
    objection = credit_objection_file(credit_event=event, grounds="处罚已撤销", by=filer, today=TODAY)
    # when the officer upholds it, and the notification is attempted again
    objection = credit_objection_decide(objection=objection, upheld=True, note="复议已撤销", by=officer, today=TODAY)
    objections._notify_decided(objection)
    # then the enterprise's active accounts and the filer each have one decision message, nobody else
    sent = Notification.objects.filter(key=f"credit-objection:{objection.pk}:decided")
    assert sorted(n.recipient_id for n in sent) == sorted([owner.pk, colleague.pk, filer.pk])
    assert {n.kind for n in sent} == {NotificationKind.DECISION}
    assert "异议成立" in sent[0].title and enterprise.uscc not in sent[0].body
    assert not Notification.objects.filter(recipient__in=[disabled, stranger]).exists()


def test_objection_evidence_is_stored_and_a_bad_file_writes_nothing(enterprise, owner):
    # given a published event
    event = make_credit_event(enterprise, published_on=TODAY)
    # when the enterprise objects with an executable renamed .pdf as evidence
    with pytest.raises(ValidationError) as error:
        credit_objection_file(credit_event=event, grounds="数额有误", by=owner, today=TODAY,
                              evidence_file=ContentFile(b"MZ\x90\x00" + b"\x00" * 200, name="evidence.pdf"))
    # then the refusal names the field and nothing is written
    assert list(error.value.message_dict) == ["evidence_file"]
    assert not CreditObjection.objects.exists() and not CreditAttachment.objects.exists()
    # and with a real PDF (or none: evidence is optional) the objection keeps its document
    objection = credit_objection_file(credit_event=event, grounds="数额有误", by=owner, today=TODAY,
                                      evidence_file=placeholder_pdf("复议决定书.pdf"))
    assert [(a.kind, a.original_name) for a in objection.attachments.all()] == [("objection_evidence", "复议决定书.pdf")]
