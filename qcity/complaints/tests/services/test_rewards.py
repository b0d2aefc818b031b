"""Rewards for reports: proposed for a real-name report that led to a case, decided by the office within the
band's cap, paid, and told to the reporter through the channel they chose."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.complaints.choices import (
    ComplaintEventKind,
    ComplaintStatus,
    ReporterChannel,
    ReportTipDecision,
    RewardStatus,
)
from qcity.complaints.models import RewardRule
from qcity.complaints.services import rewards as services
from qcity.core import sms, todos
from qcity.core.choices import Role

from ..factories import ComplaintFactory, RewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, org_unit=district)


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)


@pytest.fixture
def report(district, today):
    return ComplaintFactory(report=True, org_unit=district, status=ComplaintStatus.CASE_OPENED,
                            tip_decision=ReportTipDecision.CASE_OPENED, tip_decided_on=today)


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _propose(report, handler, fine="200000", grade="grade_2"):
    return services.reward_propose(complaint=report, grade=grade, fine_amount=Decimal(fine),
                                   penalty_decision_number="郑金市监罚〔2026〕8号", by=handler)


def test_the_shipped_reward_table_is_loaded_once_and_keeps_the_office_edits():
    # given the table loaded after migrate, and an edited band
    assert RewardRule.objects.count() == 6
    RewardRule.objects.filter(grade="grade_1", fine_from=0).update(cap=60_000)
    # when it is loaded again / then nothing is added and the edit stays
    assert services.reward_rules_load() == 0
    assert RewardRule.objects.get(grade="grade_1", fine_from=0).cap == 60_000


def test_a_handler_proposes_the_reward_computed_from_the_table(report, handler, today):
    reward = _propose(report, handler)
    assert (reward.status, reward.amount, reward.proposed_on) == (RewardStatus.PROPOSED, Decimal("6000"), today)
    event = report.events.get(kind=ComplaintEventKind.REWARD_PROPOSED)
    assert not event.public  # the reward is not on the public tracking page


@pytest.mark.parametrize("change", [
    {"anonymous": True, "person_name": "", "person_phone": ""},
    {"tip_decision": ReportTipDecision.NOT_OPENED, "status": ComplaintStatus.CLOSED},
    {"tip_decision": "", "status": ComplaintStatus.VERIFYING},
])
def test_no_reward_for_an_anonymous_or_not_opened_report(report, handler, change):
    for field, value in change.items():
        setattr(report, field, value)
    report.save()
    with pytest.raises(ValidationError):
        _propose(report, handler)


def test_one_reward_per_report(report, handler):
    _propose(report, handler)
    with pytest.raises(ValidationError, match="已申请"):
        _propose(report, handler, fine="1")


def test_bad_input_names_the_field(report, handler):
    with pytest.raises(ValidationError) as refused:
        services.reward_propose(complaint=report, grade="grade_7", fine_amount=Decimal("-1"),
                                penalty_decision_number=" ", by=handler)
    assert set(refused.value.message_dict) == {"grade", "fine_amount", "penalty_decision_number"}
    assert not report.events.exists()


def test_a_handler_of_another_district_cannot_propose(report, make_user, city):
    other = make_user(Role.COMPLAINT_HANDLER, org_unit=city.children.exclude(name="金水区").first())
    with pytest.raises(PermissionDenied):
        _propose(report, other)


def test_only_the_office_decides(report, handler, office):
    reward = _propose(report, handler)
    with pytest.raises(PermissionDenied):
        services.reward_decide(reward=reward, approve=True, by=handler)
    decided = services.reward_decide(reward=reward, approve=True, note="同意", by=office)
    assert (decided.status, decided.decided_by, decided.amount) == (RewardStatus.APPROVED, office, Decimal("6000"))
    with pytest.raises(ValidationError, match="已审批"):
        services.reward_decide(reward=reward, approve=False, note="重复", by=office)


def test_the_office_may_change_the_amount_but_not_above_the_cap(report, handler, office):
    reward = _propose(report, handler)  # grade 2, first band: cap 30,000
    with pytest.raises(ValidationError) as refused:
        services.reward_decide(reward=reward, approve=True, amount=Decimal("30001"), by=office)
    assert "amount" in refused.value.message_dict
    decided = services.reward_decide(reward=reward, approve=True, amount=Decimal("30000"), by=office)
    assert decided.amount == Decimal("30000")


def test_a_refusal_needs_a_reason(report, handler, office):
    reward = _propose(report, handler)
    with pytest.raises(ValidationError) as refused:
        services.reward_decide(reward=reward, approve=False, note="", by=office)
    assert "note" in refused.value.message_dict
    assert services.reward_decide(reward=reward, approve=False, note="证据不足", by=office).status == RewardStatus.REJECTED


def test_payment_texts_the_reporter_after_the_commit(report, handler, office, today, django_capture_on_commit_callbacks):
    reward = services.reward_decide(reward=_propose(report, handler), approve=True, by=office)
    with django_capture_on_commit_callbacks(execute=True):
        paid = services.reward_pay(reward=reward, paid_on=today, payment_ref="ZF-001", by=office)
    assert paid.status == RewardStatus.PAID and paid.reporter_notified_at is not None
    assert [m.to for m in sms.outbox] == [report.person_phone]
    assert "6000" in sms.outbox[0].text and report.tracking_number in sms.outbox[0].text


def test_a_reporter_who_chose_the_phone_becomes_a_call_to_make(report, handler, office, today):
    report.reporter_channel = ReporterChannel.PHONE
    report.save()
    reward = services.reward_decide(reward=_propose(report, handler), approve=True, by=office)
    paid = services.reward_pay(reward=reward, paid_on=today, payment_ref="ZF-002", by=office)
    # then no SMS, but the handler has a call to make
    assert paid.reporter_notified_at is None and sms.outbox == []
    source = next(s for s in todos.sources() if s.key == "complaints.reporters-to-call")
    assert source.count(handler, today) == 1
    services.reward_reporter_notify(reward=paid, by=handler)
    assert source.count(handler, today) == 0


def test_a_reporter_who_wants_no_notice_gets_none(report, handler, office, today):
    report.reporter_channel = ReporterChannel.NONE
    report.save()
    reward = services.reward_decide(reward=_propose(report, handler), approve=True, by=office)
    paid = services.reward_pay(reward=reward, paid_on=today, payment_ref="ZF-003", by=office)
    assert paid.reporter_notified_at is None and sms.outbox == []
    with pytest.raises(ValidationError):
        services.reward_reporter_notify(reward=paid, by=handler)


def test_payment_needs_an_approval_a_reference_and_a_sensible_date(report, handler, office, today):
    reward = RewardFactory(complaint=report)
    with pytest.raises(ValidationError, match="已批准"):
        services.reward_pay(reward=reward, paid_on=today, payment_ref="ZF", by=office)
    reward = services.reward_decide(reward=reward, approve=True, by=office)
    with pytest.raises(ValidationError) as refused:
        services.reward_pay(reward=reward, paid_on=today + datetime.timedelta(days=1), payment_ref=" ", by=office)
    assert set(refused.value.message_dict) == {"paid_on", "payment_ref"}


def test_the_office_edits_a_band_and_bad_values_name_the_field(office, handler):
    rule = RewardRule.objects.get(grade="grade_3", fine_from=0)
    with pytest.raises(PermissionDenied):
        services.reward_rule_update(rule=rule, fine_to=None, rate_percent=Decimal(2), minimum=Decimal(0),
                                    cap=Decimal(1), by=handler)
    with pytest.raises(ValidationError) as refused:
        services.reward_rule_update(rule=rule, fine_to=Decimal(0), rate_percent=Decimal(101), minimum=Decimal(5),
                                    cap=Decimal(1), by=office)
    assert set(refused.value.message_dict) == {"fine_to", "rate_percent", "cap"}
    services.reward_rule_update(rule=rule, fine_to=rule.fine_to, rate_percent=Decimal(2), minimum=Decimal(1000),
                                cap=Decimal(12000), by=office)
    rule.refresh_from_db()
    assert (rule.rate_percent, rule.cap) == (Decimal(2), Decimal(12000))
