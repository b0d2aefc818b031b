import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import Role
from qcity.credit.choices import ListEntryStatus, ListRemovalReason, ObjectionStatus, RepairStatus
from qcity.credit.models import Objection, RepairApplication
from qcity.credit.selectors import risk_class_of
from qcity.credit.services import (
    abnormal_list_enter,
    objection_decide,
    objection_file,
    repair_accept,
    repair_apply,
    repair_decide,
    serious_list_enter,
)

from .factories import TODAY, enterprise_factory, event_factory

pytestmark = pytest.mark.django_db
PROOF = {"compliance_proof": "已补报2024年度年报", "commitment_letter": "本企业承诺……"}


@pytest.fixture
def enterprise(district):
    return enterprise_factory(org_unit=district, established_on=datetime.date(2018, 5, 1))


@pytest.fixture
def owner(make_user, enterprise):
    return make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)


@pytest.fixture
def officer(make_user, enterprise):
    return make_user(Role.DISTRICT_OFFICER, org_unit=enterprise.org_unit)


def test_abnormal_exit_by_repair_application(enterprise, owner, officer):
    entry = abnormal_list_enter(enterprise=enterprise, reason="no_annual_report", decided_on=TODAY,
                                decision_authority="金水区局", by=officer, today=TODAY)
    application = repair_apply(enterprise=enterprise, kind="abnormal_list_removal", list_entry=entry, by=owner,
                               today=TODAY, **PROOF)
    assert application.acceptance_due_on == datetime.date(2025, 12, 2)  # 2 working days after a Friday
    application = repair_accept(application=application, by=officer, today=TODAY)
    assert application.status == RepairStatus.ACCEPTED
    assert application.decision_due_on == datetime.date(2025, 12, 5)  # 5 working days
    with pytest.raises(ValidationError):
        repair_accept(application=application, by=officer, today=TODAY)
    repair_decide(application=application, approve=True, by=officer, today=TODAY)
    entry.refresh_from_db()
    assert entry.status == ListEntryStatus.REMOVED and entry.removal_reason == ListRemovalReason.CURED
    assert risk_class_of(enterprise) == "b"


@pytest.mark.parametrize("field", ["compliance_proof", "commitment_letter"])
def test_repair_needs_proof_and_commitment_letter(enterprise, owner, officer, field):
    entry = abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=TODAY,
                                decision_authority="金水区局", by=officer, today=TODAY)
    with pytest.raises(ValidationError) as error:
        repair_apply(enterprise=enterprise, kind="abnormal_list_removal", list_entry=entry, by=owner, today=TODAY,
                     **{**PROOF, field: " "})
    assert field in error.value.message_dict


def test_serious_early_removal_before_one_year_names_the_field(enterprise, owner, officer):
    penalty = event_factory(enterprise, kind="heavier_penalty", occurred_on=datetime.date(2025, 3, 3))
    entry = serious_list_enter(enterprise=enterprise, penalty_event=penalty, decided_on=datetime.date(2025, 3, 3),
                               decision_authority="金水区局", by=officer, today=TODAY)
    with pytest.raises(ValidationError) as error:
        repair_apply(enterprise=enterprise, kind="serious_list_early_removal", list_entry=entry, by=owner,
                     today=TODAY, **PROOF)
    assert "list_entry" in error.value.message_dict and "2026-03-03" in error.value.message_dict["list_entry"][0]
    assert not RepairApplication.objects.exists()
    later = datetime.date(2026, 3, 3)
    application = repair_apply(enterprise=enterprise, kind="serious_list_early_removal", list_entry=entry, by=owner,
                               today=later, **PROOF)
    with pytest.raises(ValidationError) as error:  # one open application per item
        repair_apply(enterprise=enterprise, kind="serious_list_early_removal", list_entry=entry, by=owner,
                     today=later, **PROOF)
    repair_accept(application=application, by=officer, today=later)
    with pytest.raises(ValidationError) as error:
        repair_decide(application=application, approve=False, note="", by=officer, today=later)
    assert "note" in error.value.message_dict
    repair_decide(application=application, approve=True, by=officer, today=later)
    entry.refresh_from_db()
    assert entry.removal_reason == ListRemovalReason.EARLY_REMOVAL


def test_serious_early_removal_refused_after_a_new_heavier_penalty(enterprise, owner, officer):
    penalty = event_factory(enterprise, kind="heavier_penalty", occurred_on=datetime.date(2024, 3, 1))
    entry = serious_list_enter(enterprise=enterprise, penalty_event=penalty, decided_on=datetime.date(2024, 3, 1),
                               decision_authority="金水区局", by=officer, today=TODAY)
    event_factory(enterprise, kind="heavier_penalty", occurred_on=datetime.date(2025, 6, 1))
    with pytest.raises(ValidationError) as error:
        repair_apply(enterprise=enterprise, kind="serious_list_early_removal", list_entry=entry, by=owner,
                     today=TODAY, **PROOF)
    assert "list_entry" in error.value.message_dict


def test_penalty_publication_early_stop(enterprise, owner, officer):
    penalty = event_factory(enterprise, occurred_on=datetime.date(2025, 3, 3), published_on=datetime.date(2025, 3, 10))
    with pytest.raises(ValidationError) as error:  # minimum 6 months not met
        repair_apply(enterprise=enterprise, kind="penalty_publication_stop", credit_event=penalty, by=owner,
                     today=datetime.date(2025, 8, 1), **PROOF)
    assert "credit_event" in error.value.message_dict
    application = repair_apply(enterprise=enterprise, kind="penalty_publication_stop", credit_event=penalty,
                               by=owner, today=TODAY, **PROOF)
    repair_accept(application=application, by=officer, today=TODAY)
    repair_decide(application=application, approve=True, by=officer, today=TODAY)
    penalty.refresh_from_db()
    assert penalty.publication_ends_on == TODAY and not penalty.is_public_on(TODAY + datetime.timedelta(days=1))


def test_heavier_penalty_publication_cannot_stop_early(enterprise, owner):
    penalty = event_factory(enterprise, kind="heavier_penalty", occurred_on=datetime.date(2025, 1, 3),
                            published_on=datetime.date(2025, 1, 10))
    with pytest.raises(ValidationError) as error:
        repair_apply(enterprise=enterprise, kind="penalty_publication_stop", credit_event=penalty, by=owner,
                     today=TODAY, **PROOF)
    assert "credit_event" in error.value.message_dict


def test_another_enterprise_user_cannot_apply(enterprise, make_user, district, officer):
    stranger = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise_factory(org_unit=district))
    entry = abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=TODAY,
                                decision_authority="金水区局", by=officer, today=TODAY)
    with pytest.raises(PermissionDenied):
        repair_apply(enterprise=enterprise, kind="abnormal_list_removal", list_entry=entry, by=stranger,
                     today=TODAY, **PROOF)


def test_objection_on_unpublished_item_is_refused(enterprise, owner):
    event = event_factory(enterprise, kind="sampling_failure")
    with pytest.raises(ValidationError) as error:
        objection_file(credit_event=event, grounds="检验方法错误", by=owner, today=TODAY)
    assert "credit_event" in error.value.message_dict
    assert not Objection.objects.exists()


def test_objection_upheld_withdraws_the_event(enterprise, owner, officer):
    event = event_factory(enterprise, kind="sampling_failure", published_on=TODAY)
    assert risk_class_of(enterprise) == "b"  # 15 points
    with pytest.raises(ValidationError) as error:
        objection_file(credit_event=event, grounds=" ", by=owner, today=TODAY)
    assert "grounds" in error.value.message_dict
    objection = objection_file(credit_event=event, grounds="检验方法错误", by=owner, today=TODAY)
    assert objection.reply_due_on == datetime.date(2025, 12, 26)
    with pytest.raises(ValidationError):
        objection_file(credit_event=event, grounds="再次", by=owner, today=TODAY)
    with pytest.raises(PermissionDenied):
        objection_decide(objection=objection, upheld=True, note="x", by=owner, today=TODAY)
    objection_decide(objection=objection, upheld=True, note="复核检验方法确有错误", by=officer, today=TODAY)
    event.refresh_from_db()
    assert event.status == "withdrawn"
    with pytest.raises(ValidationError) as error:
        objection_decide(objection=objection, upheld=False, note="x", by=officer, today=TODAY)
    assert "status" in error.value.message_dict


def test_objection_against_a_listing_dismissed(enterprise, owner, officer):
    entry = abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=TODAY,
                                decision_authority="金水区局", by=officer, today=TODAY)
    objection = objection_file(list_entry=entry, grounds="住所可以联系", by=owner, today=TODAY)
    objection = objection_decide(objection=objection, upheld=False, note="实地核查无法联系", by=officer, today=TODAY)
    assert objection.status == ObjectionStatus.DISMISSED
    entry.refresh_from_db()
    assert entry.is_listed
    objection = objection_file(list_entry=entry, grounds="已恢复联系", by=owner, today=TODAY)
    objection_decide(objection=objection, upheld=True, note="核实可联系", by=officer, today=TODAY)
    entry.refresh_from_db()
    assert entry.removal_reason == ListRemovalReason.OBJECTION_UPHELD
