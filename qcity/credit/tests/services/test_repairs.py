"""Credit services: credit repair (信用修复) — leaving a list or ending a publication early."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import NotificationKind, Role
from qcity.core.models import Notification
from qcity.credit.choices import CreditListEntryStatus, CreditListRemovalReason, CreditRepairStatus
from qcity.credit.models import CreditRepair
from qcity.credit.selectors import risk_class_of
from qcity.credit.services import (
    abnormal_list_enter,
    credit_repair_accept,
    credit_repair_apply,
    credit_repair_decide,
    repairs,
    serious_list_enter,
)
from qcity.enterprises.tests.factories import EnterpriseFactory

from ..factories import TODAY, make_credit_event, repair_documents

pytestmark = pytest.mark.django_db


PROOF = {"compliance_proof": "已补报2024年度年报", "commitment_letter": "本企业承诺……"}


def test_abnormal_exit_by_repair_application(enterprise, owner, officer):
    entry = abnormal_list_enter(enterprise=enterprise, reason="no_annual_report", decided_on=TODAY,
                                decision_authority="金水区局", by=officer, today=TODAY)
    application = credit_repair_apply(enterprise=enterprise, kind="abnormal_list_removal", list_entry=entry, by=owner,
                               today=TODAY, **PROOF, **repair_documents())
    assert application.acceptance_due_on == datetime.date(2025, 12, 2)  # 2 working days after a Friday
    application = credit_repair_accept(application=application, by=officer, today=TODAY)
    assert application.status == CreditRepairStatus.ACCEPTED
    assert application.decision_due_on == datetime.date(2025, 12, 5)  # 5 working days
    with pytest.raises(ValidationError):
        credit_repair_accept(application=application, by=officer, today=TODAY)
    credit_repair_decide(application=application, approve=True, by=officer, today=TODAY)
    entry.refresh_from_db()
    assert entry.status == CreditListEntryStatus.REMOVED and entry.removal_reason == CreditListRemovalReason.CURED
    assert risk_class_of(enterprise) == "b"


@pytest.mark.parametrize("field", ["compliance_proof", "commitment_letter"])
def test_repair_needs_proof_and_commitment_letter(enterprise, owner, officer, field):
    entry = abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=TODAY,
                                decision_authority="金水区局", by=officer, today=TODAY)
    with pytest.raises(ValidationError) as error:
        credit_repair_apply(enterprise=enterprise, kind="abnormal_list_removal", list_entry=entry, by=owner, today=TODAY,
                     **{**PROOF, field: " "}, **repair_documents())
    assert field in error.value.message_dict


def test_serious_early_removal_before_one_year_names_the_field(enterprise, owner, officer):
    penalty = make_credit_event(enterprise, kind="heavier_penalty", occurred_on=datetime.date(2025, 3, 3))
    entry = serious_list_enter(enterprise=enterprise, penalty_event=penalty, decided_on=datetime.date(2025, 3, 3),
                               decision_authority="金水区局", by=officer, today=TODAY)
    with pytest.raises(ValidationError) as error:
        credit_repair_apply(enterprise=enterprise, kind="serious_list_early_removal", list_entry=entry, by=owner,
                     today=TODAY, **PROOF, **repair_documents())
    assert "list_entry" in error.value.message_dict and "2026-03-03" in error.value.message_dict["list_entry"][0]
    assert not CreditRepair.objects.exists()
    later = datetime.date(2026, 3, 3)
    application = credit_repair_apply(enterprise=enterprise, kind="serious_list_early_removal", list_entry=entry, by=owner,
                               today=later, **PROOF, **repair_documents())
    with pytest.raises(ValidationError) as error:  # one open application per item
        credit_repair_apply(enterprise=enterprise, kind="serious_list_early_removal", list_entry=entry, by=owner,
                     today=later, **PROOF, **repair_documents())
    credit_repair_accept(application=application, by=officer, today=later)
    with pytest.raises(ValidationError) as error:
        credit_repair_decide(application=application, approve=False, note="", by=officer, today=later)
    assert "note" in error.value.message_dict
    credit_repair_decide(application=application, approve=True, by=officer, today=later)
    entry.refresh_from_db()
    assert entry.removal_reason == CreditListRemovalReason.EARLY_REMOVAL


def test_serious_early_removal_refused_after_a_new_heavier_penalty(enterprise, owner, officer):
    penalty = make_credit_event(enterprise, kind="heavier_penalty", occurred_on=datetime.date(2024, 3, 1))
    entry = serious_list_enter(enterprise=enterprise, penalty_event=penalty, decided_on=datetime.date(2024, 3, 1),
                               decision_authority="金水区局", by=officer, today=TODAY)
    make_credit_event(enterprise, kind="heavier_penalty", occurred_on=datetime.date(2025, 6, 1))
    with pytest.raises(ValidationError) as error:
        credit_repair_apply(enterprise=enterprise, kind="serious_list_early_removal", list_entry=entry, by=owner,
                     today=TODAY, **PROOF, **repair_documents())
    assert "list_entry" in error.value.message_dict


def test_penalty_publication_early_stop(enterprise, owner, officer):
    penalty = make_credit_event(enterprise, occurred_on=datetime.date(2025, 3, 3), published_on=datetime.date(2025, 3, 10))
    with pytest.raises(ValidationError) as error:  # minimum 6 months not met
        credit_repair_apply(enterprise=enterprise, kind="penalty_publication_stop", credit_event=penalty, by=owner,
                     today=datetime.date(2025, 8, 1), **PROOF, **repair_documents())
    assert "credit_event" in error.value.message_dict
    application = credit_repair_apply(enterprise=enterprise, kind="penalty_publication_stop", credit_event=penalty,
                               by=owner, today=TODAY, **PROOF, **repair_documents())
    credit_repair_accept(application=application, by=officer, today=TODAY)
    credit_repair_decide(application=application, approve=True, by=officer, today=TODAY)
    penalty.refresh_from_db()
    assert penalty.publication_ends_on == TODAY and not penalty.is_public_on(TODAY + datetime.timedelta(days=1))


def test_heavier_penalty_publication_cannot_stop_early(enterprise, owner):
    penalty = make_credit_event(enterprise, kind="heavier_penalty", occurred_on=datetime.date(2025, 1, 3),
                            published_on=datetime.date(2025, 1, 10))
    with pytest.raises(ValidationError) as error:
        credit_repair_apply(enterprise=enterprise, kind="penalty_publication_stop", credit_event=penalty, by=owner,
                     today=TODAY, **PROOF, **repair_documents())
    assert "credit_event" in error.value.message_dict


def test_another_enterprise_user_cannot_apply(enterprise, make_user, district, officer):
    stranger = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=EnterpriseFactory(org_unit=district))
    entry = abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=TODAY,
                                decision_authority="金水区局", by=officer, today=TODAY)
    with pytest.raises(PermissionDenied):
        credit_repair_apply(enterprise=enterprise, kind="abnormal_list_removal", list_entry=entry, by=stranger,
                     today=TODAY, **PROOF, **repair_documents())


def test_an_application_is_assigned_to_the_district_officers_and_its_outcome_told_once(enterprise, owner, officer,
                                                                                       make_user):
    # given an abnormal listing, a second account of the enterprise and the office
    colleague = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)
    office = make_user(Role.LEADERSHIP_OFFICE)
    entry = abnormal_list_enter(enterprise=enterprise, reason="no_annual_report", decided_on=TODAY,
                                decision_authority="金水区局", by=officer, today=TODAY)
    # when the enterprise applies
    application = credit_repair_apply(enterprise=enterprise, kind="abnormal_list_removal", list_entry=entry, by=owner,
                                      today=TODAY, **PROOF, **repair_documents())
    # then the district officer is assigned it (not the office: the district decides)
    filed = Notification.objects.filter(key=f"credit-repair:{application.pk}:filed")
    assert [(n.recipient, n.kind) for n in filed] == [(officer, NotificationKind.ASSIGNMENT)]
    # when it is accepted, then no decision is told yet
    application = credit_repair_accept(application=application, by=officer, today=TODAY)
    assert not Notification.objects.filter(key=f"credit-repair:{application.pk}:decided").exists()
    # when it is approved (and the notice attempted again)
    application = credit_repair_decide(application=application, approve=True, by=officer, today=TODAY)
    repairs._notify_decided(application)
    # then the enterprise's accounts (the applicant among them) have one decision message each
    decided = Notification.objects.filter(key=f"credit-repair:{application.pk}:decided")
    assert sorted(n.recipient_id for n in decided) == sorted([owner.pk, colleague.pk])
    assert {n.kind for n in decided} == {NotificationKind.DECISION} and "准予修复" in decided[0].title
    assert not Notification.objects.filter(recipient=office).exists()


def test_an_application_not_accepted_is_a_decision_told_to_the_enterprise(enterprise, owner, officer):
    entry = abnormal_list_enter(enterprise=enterprise, reason="no_annual_report", decided_on=TODAY,
                                decision_authority="金水区局", by=officer, today=TODAY)
    application = credit_repair_apply(enterprise=enterprise, kind="abnormal_list_removal", list_entry=entry, by=owner,
                                      today=TODAY, **PROOF, **repair_documents())
    # when the officer refuses to accept it
    credit_repair_accept(application=application, accept=False, note="年报仍未补报", by=officer, today=TODAY)
    # then the enterprise hears it, with the reason
    decided = Notification.objects.get(key=f"credit-repair:{application.pk}:decided")
    assert decided.recipient == owner and "不予受理" in decided.title and "年报仍未补报" in decided.body
