"""Routing, transfer and direct settlement (services/routing.py): jurisdiction, the clocks, the refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.complaints.choices import (
    ComplaintEventKind,
    ComplaintKind,
    ComplaintStatus,
    RoutingMethod,
    SettlementAnswer,
)
from qcity.complaints.models import DirectSettlementMembership
from qcity.complaints.services import routing
from qcity.complaints.services.gazetteer import gazetteer_load
from qcity.core import deadlines
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, Notification
from qcity.enterprises.tests.factories import EnterpriseAccountFactory, EnterpriseFactory

from ..factories import ComplaintFactory, DirectSettlementMembershipFactory


@pytest.fixture
def units(city):
    return {u.name: u for u in city.children.all()}


@pytest.fixture
def gazetteer(units):
    gazetteer_load()


@pytest.fixture
def handler(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, district)


@pytest.fixture
def city_handler(make_user, city):
    return make_user(Role.COMPLAINT_HANDLER, city)


def _new(**fields):
    """A complaint as intake leaves it before routing: no unit yet."""
    fields.setdefault("respondent_address", "")
    return ComplaintFactory(org_unit=None, status=ComplaintStatus.TRIAGE, acceptance_clock_from=None, **fields)


def _member(make_user, enterprise, *, confirmed=True):
    """An enterprise in direct settlement with one (confirmed) account; returns its user."""
    DirectSettlementMembershipFactory(enterprise=enterprise)
    user = make_user(Role.ENTERPRISE_USER, enterprise.org_unit, enterprise=enterprise)
    EnterpriseAccountFactory(user=user, enterprise=enterprise, status="confirmed" if confirmed else "unconfirmed")
    return user


# --- jurisdiction ----------------------------------------------------------------------------------------


def test_a_respondent_in_the_registry_goes_to_its_unit_and_starts_the_acceptance_clock(units, today):
    # given a complaint against a registered enterprise of 二七区
    respondent = EnterpriseFactory(org_unit=units["二七区"])
    complaint = _new(respondent=respondent, respondent_address="北京市朝阳区建国路1号")
    # when it is routed
    routing.complaint_route(complaint=complaint, by=None)
    # then the registry decides, the address does not, and the 7-working-day clock runs from receipt
    complaint.refresh_from_db()
    assert (complaint.org_unit, complaint.routing_method, complaint.status) == (
        units["二七区"], RoutingMethod.REGISTRY, ComplaintStatus.RECEIVED)
    assert complaint.acceptance_clock_from == today
    assert complaint.acceptance_deadline == deadlines.deadline("complaint-acceptance-decision", today).on
    event = complaint.events.get(kind=ComplaintEventKind.ROUTED)
    assert event.public and event.to_unit == units["二七区"]


def test_an_address_naming_a_district_is_placed_there(units):
    complaint = routing.complaint_route(complaint=_new(respondent_address="郑州市管城回族区东大街1号"), by=None)
    assert (complaint.org_unit, complaint.routing_method) == (units["管城回族区"], RoutingMethod.ADDRESS)


def test_a_road_only_address_is_placed_by_the_gazetteer(units, gazetteer):
    complaint = routing.complaint_route(complaint=_new(respondent_address="花园路88号正弘城3楼"), by=None)
    assert (complaint.org_unit, complaint.routing_method) == (units["金水区"], RoutingMethod.GAZETTEER)
    assert "花园路" in complaint.routing_note or "正弘城" in complaint.routing_note


def test_a_development_zone_is_placed_by_the_gazetteer(units, gazetteer):
    complaint = routing.complaint_route(complaint=_new(respondent_address="郑州市郑东新区商务外环路20号"), by=None)
    assert (complaint.org_unit, complaint.routing_method) == (units["郑东新区"], RoutingMethod.GAZETTEER)


def test_an_address_in_another_city_goes_to_the_triage_queue_with_the_clock_from_receipt(gazetteer, today):
    complaint = routing.complaint_route(complaint=_new(respondent_address="北京市朝阳区建国路1号"), by=None)
    assert (complaint.org_unit, complaint.status, complaint.routing_method) == (
        None, ComplaintStatus.TRIAGE, RoutingMethod.TRIAGE)
    assert complaint.acceptance_clock_from == today


def test_a_seller_on_a_platform_goes_to_its_place_of_business_else_to_the_platform(units, gazetteer):
    platform = EnterpriseFactory(org_unit=units["郑州高新技术产业开发区"], name="郑州优品电子商务有限公司")
    known = routing.complaint_route(complaint=_new(platform_name="郑州优品电子商务有限公司",
                                                   respondent_address="郑州市中原区建设西路1号"), by=None)
    assert (known.org_unit, known.routing_method) == (units["中原区"], RoutingMethod.ADDRESS)
    unknown = routing.complaint_route(complaint=_new(platform_name="郑州优品电子商务有限公司"), by=None)
    assert (unknown.org_unit, unknown.routing_method, unknown.platform) == (
        platform.org_unit, RoutingMethod.PLATFORM, platform)


# --- direct settlement ---------------------------------------------------------------------------------------


def test_a_complaint_against_a_member_goes_to_the_enterprise_first(make_user, district, today):
    respondent = EnterpriseFactory(org_unit=district)
    user = _member(make_user, respondent)
    complaint = routing.complaint_route(complaint=_new(respondent=respondent), by=None)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.DIRECT_SETTLEMENT
    assert complaint.settlement_started_on == today
    assert complaint.settlement_deadline == deadlines.deadline("complaint-direct-settlement", today).on
    assert complaint.acceptance_clock_from is None and complaint.acceptance_deadline is None
    assert Notification.objects.filter(recipient=user, key=f"complaint-settlement:{complaint.pk}").exists()
    assert complaint.events.filter(kind=ComplaintEventKind.SETTLEMENT_STARTED).exists()


@pytest.mark.parametrize("case", ["unconfirmed account", "report", "left"])
def test_no_direct_settlement_without_a_confirmed_account_for_a_report_or_after_leaving(case, make_user, district,
                                                                                        today):
    respondent = EnterpriseFactory(org_unit=district)
    _member(make_user, respondent, confirmed=case != "unconfirmed account")
    if case == "left":
        DirectSettlementMembership.objects.filter(enterprise=respondent).update(left_on=today)
    kind = ComplaintKind.REPORT_TIP if case == "report" else ComplaintKind.COMPLAINT
    complaint = routing.complaint_route(complaint=_new(respondent=respondent, kind=kind), by=None)
    assert complaint.status == ComplaintStatus.RECEIVED


@pytest.fixture
def in_settlement(make_user, district):
    respondent = EnterpriseFactory(org_unit=district)
    user = _member(make_user, respondent)
    return routing.complaint_route(complaint=_new(respondent=respondent), by=None), user


def test_a_window_that_passed_lapses_back_to_the_regulator_from_the_day_after_it(in_settlement):
    complaint, _user = in_settlement
    end = complaint.settlement_deadline
    # on the last day of the window nothing happens
    assert routing.settlements_lapse(today=end) == 0
    # the day after, the complaint returns, its clock from the day after the window
    assert routing.settlements_lapse(today=end + datetime.timedelta(days=3)) == 1
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED
    assert complaint.acceptance_clock_from == end + datetime.timedelta(days=1)
    assert complaint.acceptance_deadline == deadlines.deadline("complaint-acceptance-decision",
                                                               end + datetime.timedelta(days=1)).on
    assert complaint.events.filter(kind=ComplaintEventKind.SETTLEMENT_LAPSED).exists()
    assert routing.settlements_lapse(today=end + datetime.timedelta(days=4)) == 0  # once


def test_an_answered_settlement_confirmed_by_the_complainant_ends_the_complaint(in_settlement, today):
    complaint, user = in_settlement
    routing.settlement_answer(complaint=complaint, answer=SettlementAnswer.SETTLED, note="已退款", by=user)
    routing.settlement_confirm(complaint=complaint, settled=True)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_on) == (ComplaintStatus.SETTLED, today)
    assert routing.settlements_lapse(today=complaint.settlement_deadline + datetime.timedelta(days=1)) == 0


def test_the_complainant_cannot_confirm_a_settlement_the_enterprise_did_not_report(in_settlement):
    complaint, _user = in_settlement
    with pytest.raises(ValidationError) as refused:
        routing.settlement_confirm(complaint=complaint, settled=True)
    assert "settled" in refused.value.message_dict


@pytest.mark.parametrize("by_enterprise", [True, False])
def test_not_settled_returns_the_complaint_to_the_regulator_from_today(by_enterprise, in_settlement, today):
    complaint, user = in_settlement
    if by_enterprise:
        routing.settlement_answer(complaint=complaint, answer=SettlementAnswer.NOT_SETTLED, note="协商未果", by=user)
    else:
        routing.settlement_confirm(complaint=complaint, settled=False)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.acceptance_clock_from) == (ComplaintStatus.RECEIVED, today)


def test_only_the_respondents_own_user_answers(in_settlement, make_user, district):
    complaint, _user = in_settlement
    other = EnterpriseFactory(org_unit=district, numbered=True)
    stranger = make_user(Role.ENTERPRISE_USER, district, enterprise=other)
    with pytest.raises(PermissionDenied):
        routing.settlement_answer(complaint=complaint, answer=SettlementAnswer.SETTLED, note="x", by=stranger)
    with pytest.raises(ValidationError) as refused:
        routing.settlement_answer(complaint=complaint, answer="maybe", note="x", by=_user)
    assert "answer" in refused.value.message_dict


def test_an_enterprise_joins_and_leaves_direct_settlement_itself(make_user, district, today):
    enterprise = EnterpriseFactory(org_unit=district)
    user = make_user(Role.ENTERPRISE_USER, district, enterprise=enterprise)
    membership = routing.direct_settlement_join(enterprise=enterprise, by=user)
    assert (membership.joined_on, membership.left_on) == (today, None)
    with pytest.raises(ValidationError):
        routing.direct_settlement_join(enterprise=enterprise, by=user)
    assert routing.direct_settlement_leave(enterprise=enterprise, by=user).left_on == today
    other = make_user(Role.ENTERPRISE_USER, district, enterprise=EnterpriseFactory(org_unit=district, numbered=True))
    with pytest.raises(PermissionDenied):
        routing.direct_settlement_join(enterprise=enterprise, by=other)


# --- transfer ------------------------------------------------------------------------------------------------


def test_a_transfer_restarts_the_acceptance_clock_at_the_receiving_unit(handler, district, units, make_user, today):
    # given a complaint received ten days ago in 金水区
    received = today - datetime.timedelta(days=10)
    complaint = ComplaintFactory(org_unit=district, received_on=received, acceptance_clock_from=received)
    receiver = make_user(Role.COMPLAINT_HANDLER, units["二七区"])
    # when the 金水区 handler transfers it to 二七区
    routing.complaint_transfer(complaint=complaint, to_unit=units["二七区"], reason="经营场所在二七区", by=handler)
    # then 二七区's clock starts today, the history names both units, and the step is audited and notified
    complaint.refresh_from_db()
    assert (complaint.org_unit, complaint.routing_method, complaint.status) == (
        units["二七区"], RoutingMethod.TRANSFER, ComplaintStatus.RECEIVED)
    assert complaint.acceptance_clock_from == today
    assert complaint.acceptance_deadline == deadlines.deadline("complaint-acceptance-decision", today).on
    event = complaint.events.get(kind=ComplaintEventKind.TRANSFERRED)
    assert (event.from_unit, event.to_unit, event.note) == (district, units["二七区"], "经营场所在二七区")
    assert AuditEvent.objects.filter(object_type="complaints.complaint", object_id=str(complaint.pk),
                                     action=AuditAction.UPDATE, actor=handler).exists()
    assert Notification.objects.filter(recipient=receiver, url__contains=str(complaint.pk)).exists()


def test_a_transfer_to_the_same_unit_or_without_a_reason_is_refused(handler, district, units):
    complaint = ComplaintFactory(org_unit=district)
    with pytest.raises(ValidationError) as refused:
        routing.complaint_transfer(complaint=complaint, to_unit=district, reason="误分", by=handler)
    assert "to_unit" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        routing.complaint_transfer(complaint=complaint, to_unit=units["二七区"], reason=" ", by=handler)
    assert "reason" in refused.value.message_dict
    complaint.refresh_from_db()
    assert complaint.org_unit == district and not complaint.events.exists()


@pytest.mark.parametrize("status", [ComplaintStatus.DIRECT_SETTLEMENT, ComplaintStatus.ACCEPTED])
def test_no_transfer_in_direct_settlement_or_after_acceptance(status, handler, district, units):
    complaint = ComplaintFactory(org_unit=district, status=status)
    with pytest.raises(ValidationError) as refused:
        routing.complaint_transfer(complaint=complaint, to_unit=units["二七区"], reason="x", by=handler)
    assert "status" in refused.value.message_dict


def test_a_handler_of_another_unit_cannot_transfer_and_the_refusal_is_audited(make_user, district, units):
    complaint = ComplaintFactory(org_unit=district)
    outsider = make_user(Role.COMPLAINT_HANDLER, units["二七区"])
    with pytest.raises(PermissionDenied):
        routing.complaint_transfer(complaint=complaint, to_unit=units["二七区"], reason="x", by=outsider)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=outsider).exists()


def test_the_city_level_sends_a_triage_complaint_to_a_unit(city_handler, handler, units, today):
    complaint = routing.complaint_route(complaint=_new(respondent_address="外地某处"), by=None)
    with pytest.raises(PermissionDenied):  # a district handler does not hold the triage queue
        routing.complaint_transfer(complaint=complaint, to_unit=units["金水区"], reason="x", by=handler)
    routing.complaint_transfer(complaint=complaint, to_unit=units["金水区"], reason="经核实在金水区经营",
                               by=city_handler)
    complaint.refresh_from_db()
    assert (complaint.org_unit, complaint.status, complaint.routing_method) == (
        units["金水区"], ComplaintStatus.RECEIVED, RoutingMethod.TRIAGE)
    assert complaint.acceptance_clock_from == today
    assert complaint.events.filter(kind=ComplaintEventKind.ROUTED, to_unit=units["金水区"], by=city_handler).exists()


def test_time_in_the_triage_queue_does_not_lengthen_the_acceptance_period(city_handler, units, today):
    # given a complaint received three days ago that went to the triage queue
    received = today - datetime.timedelta(days=3)
    complaint = routing.complaint_route(complaint=_new(respondent_address="外地某处", received_on=received), by=None)
    # when the city level sends it to a unit today
    routing.complaint_transfer(complaint=complaint, to_unit=units["金水区"], reason="经核实在金水区经营",
                               by=city_handler)
    # then its acceptance clock still runs from receipt
    complaint.refresh_from_db()
    assert complaint.acceptance_clock_from == received
