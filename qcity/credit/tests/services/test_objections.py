"""Credit services: objections (异议) against published credit information."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.credit.choices import CreditListRemovalReason, CreditObjectionStatus
from qcity.credit.models import CreditObjection
from qcity.credit.selectors import risk_class_of
from qcity.credit.services import abnormal_list_enter, credit_objection_decide, credit_objection_file

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
