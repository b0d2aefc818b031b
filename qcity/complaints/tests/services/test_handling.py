"""Handling of complaints and reports: every transition, its refusals, and the deadlines it moves."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.complaints.choices import (
    ComplaintEventKind,
    ComplaintStatus,
    DeclineGround,
    MediationMode,
    MediationOutcome,
    Remedy,
    ReporterChannel,
    ReportTipDecision,
    SuspensionReason,
    TerminationGround,
)
from qcity.complaints.deadlines import refresh
from qcity.complaints.services import handling
from qcity.core import deadlines, sms, workdays
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, Notification
from qcity.enterprises.tests.factories import EnterpriseFactory

from ..factories import ComplaintFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)


@pytest.fixture
def handler(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, district)


@pytest.fixture
def mediator(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, district)


@pytest.fixture
def elsewhere(make_user, city):
    """A complaint handler of another district."""
    return make_user(Role.COMPLAINT_HANDLER, city.children.exclude(name="金水区").first())


def make_complaint(district, **fields):
    complaint = ComplaintFactory(org_unit=district, **fields)
    refresh(complaint)
    complaint.save()
    return complaint


def events(complaint, kind):
    return list(complaint.events.filter(kind=kind))


def accepted(district, handler, **fields):
    return handling.complaint_accept(complaint=make_complaint(district, **fields), by=handler)


def mediating(district, handler, mediator, **fields):
    return handling.complaint_mediation_start(complaint=accepted(district, handler, **fields),
                                              mode=MediationMode.ON_SITE, mediator=mediator, by=handler)


# --- acceptance -----------------------------------------------------------------------------------------------

def test_accepting_starts_the_45_working_day_mediation_period(district, handler, today):
    # given a complaint received today
    complaint = make_complaint(district)
    # when it is accepted
    handling.complaint_accept(complaint=complaint, by=handler)
    # then it is accepted today and mediation runs 45 working days from today
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ACCEPTED
    assert complaint.accepted_on == today
    assert complaint.mediation_deadline == deadlines.deadline("complaint-mediation-limit", today).on
    [event] = events(complaint, ComplaintEventKind.ACCEPTED)
    assert "逾期" not in event.note and str(complaint.mediation_deadline) in event.note


def test_a_late_acceptance_is_allowed_and_flagged(district, handler, time_machine):
    complaint = make_complaint(district, received_at=at(datetime.date(2026, 3, 2)))
    time_machine.move_to(at(datetime.date(2026, 3, 20)))  # 14 working days later; the limit is 7
    handling.complaint_accept(complaint=complaint, by=handler)
    assert complaint.status == ComplaintStatus.ACCEPTED
    assert "逾期受理" in events(complaint, ComplaintEventKind.ACCEPTED)[0].note


@pytest.mark.parametrize("days, field", [(1, "accepted_on"), (-30, "accepted_on")])
def test_an_acceptance_date_in_the_future_or_before_receipt_is_refused(district, handler, today, days, field):
    complaint = make_complaint(district)
    with pytest.raises(ValidationError) as error:
        handling.complaint_accept(complaint=complaint, accepted_on=today + datetime.timedelta(days=days), by=handler)
    assert field in error.value.message_dict
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_accepting_with_a_handler_names_and_notifies_them(district, handler, mediator):
    complaint = handling.complaint_accept(complaint=make_complaint(district), handler=mediator, by=handler)
    assert complaint.handler == mediator
    assert Notification.objects.filter(recipient=mediator).count() == 1


def test_a_handler_of_another_district_cannot_be_named(district, handler, elsewhere):
    with pytest.raises(ValidationError) as error:
        handling.complaint_accept(complaint=make_complaint(district), handler=elsewhere, by=handler)
    assert "handler" in error.value.message_dict


def test_a_report_is_not_accepted_as_a_complaint(district, handler):
    with pytest.raises(ValidationError) as error:
        handling.complaint_accept(complaint=make_complaint(district, report=True), by=handler)
    assert "kind" in error.value.message_dict


def test_an_accepted_complaint_cannot_be_accepted_again(district, handler):
    complaint = accepted(district, handler)
    with pytest.raises(ValidationError) as error:
        handling.complaint_accept(complaint=complaint, by=handler)
    assert "status" in error.value.message_dict


def test_a_handler_outside_the_unit_is_refused_and_the_attempt_audited(district, elsewhere):
    complaint = make_complaint(district)
    with pytest.raises(PermissionDenied):
        handling.complaint_accept(complaint=complaint, by=elsewhere)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=elsewhere).exists()
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_declining_needs_a_ground(district, handler):
    complaint = make_complaint(district)
    with pytest.raises(ValidationError) as error:
        handling.complaint_decline(complaint=complaint, ground="", note="", by=handler)
    assert "ground" in error.value.message_dict


def test_declining_names_the_article_of_its_ground(district, handler, today):
    complaint = handling.complaint_decline(complaint=make_complaint(district), ground=DeclineGround.TIME_BARRED,
                                           note="2019年购买", by=handler)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.DECLINED
    assert complaint.decline_ground == DeclineGround.TIME_BARRED and complaint.closed_on == today
    [event] = events(complaint, ComplaintEventKind.DECLINED)
    assert "第十五条第（四）项" in event.note and "2019年购买" in event.note


# --- mediation --------------------------------------------------------------------------------------------------

def test_mediation_starts_with_a_mediator_of_the_unit(district, handler, mediator):
    complaint = mediating(district, handler, mediator)
    assert complaint.status == ComplaintStatus.MEDIATING and complaint.mediator == mediator
    assert Notification.objects.filter(recipient=mediator).exists()


def test_a_mediator_must_cover_the_unit(district, handler, elsewhere):
    complaint = accepted(district, handler)
    with pytest.raises(ValidationError) as error:
        handling.complaint_mediation_start(complaint=complaint, mode=MediationMode.REMOTE, mediator=elsewhere,
                                           by=handler)
    assert "mediator" in error.value.message_dict


def test_a_suspension_moves_the_mediation_deadline_by_the_working_days_suspended(district, handler, mediator,
                                                                                  time_machine):
    # given a complaint accepted on Monday 2 March 2026 (the 2026 calendar is official)
    time_machine.move_to(at(datetime.date(2026, 3, 2)))
    complaint = mediating(district, handler, mediator, received_at=at(datetime.date(2026, 3, 2)))
    before = complaint.mediation_deadline
    assert complaint.mediation_deadline_provisional_year is None
    # when it is suspended for testing on 10 March and resumed on 20 March
    time_machine.move_to(at(datetime.date(2026, 3, 10)))
    handling.complaint_suspend(complaint=complaint, reason=SuspensionReason.TESTING, note="送检", by=handler)
    assert complaint.mediation_deadline == before  # the clock stands; the end is known on resumption
    time_machine.move_to(at(datetime.date(2026, 3, 20)))
    handling.complaint_resume(complaint=complaint, by=handler)
    # then the 8 working days 11–20 March are added to the period
    complaint.refresh_from_db()
    assert complaint.suspended_working_days == 8
    assert complaint.mediation_deadline == workdays.add_working_days(before, 8)
    assert complaint.suspended_since is None and complaint.suspension_reason == ""
    assert "8" in events(complaint, ComplaintEventKind.RESUMED)[0].note


def test_a_deadline_that_reaches_an_unpublished_year_is_provisional(district, handler, mediator, time_machine):
    # accepted in November 2026, the 45 working days end in January 2027, whose holidays are not published
    time_machine.move_to(at(datetime.date(2026, 11, 16)))
    complaint = accepted(district, handler, received_at=at(datetime.date(2026, 11, 16)))
    assert complaint.mediation_deadline.year == 2027
    assert complaint.mediation_deadline_provisional_year == 2027
    assert "2027" in events(complaint, ComplaintEventKind.ACCEPTED)[0].note


def test_a_recusal_suspends_mediation_until_a_new_mediator_is_named(district, handler, mediator, make_user,
                                                                     time_machine):
    time_machine.move_to(at(datetime.date(2026, 3, 2)))
    complaint = mediating(district, handler, mediator, received_at=at(datetime.date(2026, 3, 2)))
    before = complaint.mediation_deadline
    # a recusal request without a successor suspends mediation
    time_machine.move_to(at(datetime.date(2026, 3, 4)))
    handling.complaint_recusal(complaint=complaint, reason="调解人员与被投诉人存在利害关系", by=handler)
    assert complaint.suspension_reason == SuspensionReason.RECUSAL
    with pytest.raises(ValidationError):
        handling.complaint_resume(complaint=complaint, by=handler)  # only a new mediator resumes it
    # naming the new mediator resumes it, the days in between added
    successor = make_user(Role.COMPLAINT_HANDLER, district)
    time_machine.move_to(at(datetime.date(2026, 3, 6)))
    handling.complaint_recusal(complaint=complaint, reason="指定新的调解人员", new_mediator=successor, by=handler)
    complaint.refresh_from_db()
    assert complaint.mediator == successor and complaint.suspended_since is None
    assert complaint.suspended_working_days == 2
    assert complaint.mediation_deadline == workdays.add_working_days(before, 2)
    assert not events(complaint, ComplaintEventKind.RECUSAL)[0].public


def test_the_recused_mediator_cannot_succeed_themselves(district, handler, mediator):
    complaint = mediating(district, handler, mediator)
    with pytest.raises(ValidationError) as error:
        handling.complaint_recusal(complaint=complaint, reason="回避", new_mediator=mediator, by=handler)
    assert "new_mediator" in error.value.message_dict
    assert complaint.suspended_since is None


def test_a_suspension_for_recusal_goes_through_the_recusal_step(district, handler, mediator):
    with pytest.raises(ValidationError) as error:
        handling.complaint_suspend(complaint=mediating(district, handler, mediator), reason=SuspensionReason.RECUSAL,
                                   by=handler)
    assert "reason" in error.value.message_dict


def test_a_suspended_mediation_cannot_be_suspended_or_closed(district, handler, mediator):
    complaint = mediating(district, handler, mediator)
    handling.complaint_suspend(complaint=complaint, reason=SuspensionReason.TESTING, by=handler)
    for call in (lambda: handling.complaint_suspend(complaint=complaint, reason=SuspensionReason.OTHER, by=handler),
                 lambda: handling.complaint_close(complaint=complaint, outcome=MediationOutcome.AGREEMENT,
                                                  remedy=Remedy.REFUND, by=handler)):
        with pytest.raises(ValidationError) as error:
            call()
        assert "status" in error.value.message_dict


@pytest.mark.parametrize("working_days, reason, field", [(0, "复杂", "working_days"), (46, "复杂", "working_days"),
                                                         (5, " ", "reason")])
def test_an_extension_is_bounded_and_needs_a_reason(district, handler, working_days, reason, field):
    with pytest.raises(ValidationError) as error:
        handling.complaint_extend(complaint=accepted(district, handler), working_days=working_days, reason=reason,
                                  by=handler)
    assert field in error.value.message_dict


def test_an_extension_moves_the_mediation_deadline(district, handler):
    complaint = accepted(district, handler)
    before = complaint.mediation_deadline
    handling.complaint_extend(complaint=complaint, working_days=10, reason="需要现场核实", by=handler)
    assert complaint.mediation_deadline == workdays.add_working_days(before, 10)
    with pytest.raises(ValidationError):  # 45 working days in all
        handling.complaint_extend(complaint=complaint, working_days=36, reason="再延", by=handler)


# --- a violation clue -------------------------------------------------------------------------------------------

def test_a_clue_is_verified_within_15_working_days_extended_once(district, handler, mediator, today):
    complaint = mediating(district, handler, mediator)
    handling.complaint_clue_record(complaint=complaint, note="疑似销售过期食品", by=handler)
    assert complaint.clue_found_on == today
    assert complaint.clue_verification_deadline == deadlines.deadline("mediation-clue-verification", today).on
    handling.complaint_clue_extend(complaint=complaint, reason="需检验", by=handler)
    assert complaint.clue_verification_deadline == workdays.add_working_days(today, 30)
    with pytest.raises(ValidationError) as error:
        handling.complaint_clue_extend(complaint=complaint, reason="再延", by=handler)
    assert "clue_extended" in error.value.message_dict


def test_an_unsubstantiated_clue_is_closed_without_a_case(district, handler, mediator, today):
    complaint = mediating(district, handler, mediator)
    handling.complaint_clue_record(complaint=complaint, note="疑似", by=handler)
    handling.complaint_clue_verify(complaint=complaint, substantiated=False, note="经核查不属实", by=handler)
    assert complaint.clue_verified_on == today
    with pytest.raises(ValidationError):
        handling.complaint_clue_verify(complaint=complaint, substantiated=True, by=handler)


def test_a_substantiated_clue_goes_to_the_inspectors(district, handler, mediator):
    from qcity.inspections.models import CaseLead

    complaint = mediating(district, handler, mediator)
    handling.complaint_clue_record(complaint=complaint, note="疑似无证经营", by=handler)
    handling.complaint_clue_verify(complaint=complaint, substantiated=True, note="属实", by=handler)
    assert CaseLead.objects.filter(source_ref=f"complaint-clue:{complaint.pk}", org_unit=district).exists()


# --- the end of mediation ---------------------------------------------------------------------------------------

def test_closing_records_the_outcome(district, handler, mediator, today):
    complaint = mediating(district, handler, mediator)
    handling.complaint_close(complaint=complaint, outcome=MediationOutcome.AGREEMENT, remedy=Remedy.REFUND,
                             amount_recovered=Decimal("99.50"), note="当场退款", by=handler)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.closed_on == today
    assert complaint.amount_recovered == Decimal("99.50") and not complaint.closed_late


def test_a_mediation_closed_after_its_deadline_is_allowed_and_flagged_late(district, handler, mediator,
                                                                           time_machine):
    time_machine.move_to(at(datetime.date(2026, 3, 2)))
    complaint = mediating(district, handler, mediator, received_at=at(datetime.date(2026, 3, 2)))
    time_machine.move_to(at(complaint.mediation_deadline + datetime.timedelta(days=1)))
    handling.complaint_close(complaint=complaint, outcome=MediationOutcome.AGREEMENT, remedy=Remedy.REPAIR,
                             by=handler)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.closed_late
    assert "超期办结" in events(complaint, ComplaintEventKind.CLOSED)[0].note


def test_a_substantiated_complaint_is_recorded_in_the_credit_file(district, handler, mediator):
    from qcity.credit.models import CreditEvent

    enterprise = EnterpriseFactory(org_unit=district)
    complaint = mediating(district, handler, mediator, respondent=enterprise)
    handling.complaint_close(complaint=complaint, outcome=MediationOutcome.AGREEMENT, remedy=Remedy.COMPENSATION,
                             substantiated=True, by=handler)
    assert CreditEvent.objects.filter(enterprise=enterprise, source_ref=f"complaint:{complaint.pk}").exists()


@pytest.mark.parametrize("field, value", [("outcome", ""), ("remedy", "cash"), ("amount_recovered", Decimal("-1"))])
def test_closing_refuses_bad_input_naming_the_field(district, handler, mediator, field, value):
    values = {"outcome": MediationOutcome.AGREEMENT, "remedy": Remedy.REFUND, field: value}
    complaint = mediating(district, handler, mediator)
    with pytest.raises(ValidationError) as error:
        handling.complaint_close(complaint=complaint, by=handler, **values)
    assert field in error.value.message_dict
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.MEDIATING


def test_terminating_records_the_notice_deadline(district, handler, mediator, today):
    complaint = mediating(district, handler, mediator)
    handling.complaint_terminate(complaint=complaint, ground=TerminationGround.ABSENT_OR_REFUSED, note="", by=handler)
    assert complaint.status == ComplaintStatus.TERMINATED
    notice = deadlines.deadline("complaint-mediation-end-notice", today).on
    assert str(notice) in events(complaint, ComplaintEventKind.TERMINATED)[0].note


def test_the_time_limit_ground_needs_the_period_to_have_run_out(district, handler, mediator):
    with pytest.raises(ValidationError) as error:
        handling.complaint_terminate(complaint=mediating(district, handler, mediator),
                                     ground=TerminationGround.TIME_LIMIT, by=handler)
    assert "ground" in error.value.message_dict


def test_a_finished_complaint_is_rated_once(district, handler, mediator):
    complaint = mediating(district, handler, mediator)
    with pytest.raises(ValidationError):
        handling.complaint_rate(complaint=complaint, satisfaction=5)  # not finished yet
    handling.complaint_close(complaint=complaint, outcome=MediationOutcome.AGREEMENT, remedy=Remedy.REFUND,
                             by=handler)
    with pytest.raises(ValidationError) as error:
        handling.complaint_rate(complaint=complaint, satisfaction=6)
    assert "satisfaction" in error.value.message_dict
    handling.complaint_rate(complaint=complaint, satisfaction=4, comment="处理及时")
    assert complaint.satisfaction == 4
    with pytest.raises(ValidationError):
        handling.complaint_rate(complaint=complaint, satisfaction=5)


def test_assigning_names_the_handler_in_charge(district, handler, mediator, elsewhere):
    complaint = make_complaint(district)
    handling.complaint_assign(complaint=complaint, handler=mediator, by=handler)
    assert complaint.handler == mediator
    assert not events(complaint, ComplaintEventKind.ASSIGNED)[0].public
    with pytest.raises(ValidationError):
        handling.complaint_assign(complaint=complaint, handler=elsewhere, by=handler)


# --- reports ----------------------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def verifying(district, handler, **fields):
    return handling.report_tip_verify_start(complaint=make_complaint(district, report=True, **fields), by=handler)


def test_a_report_check_is_extended_once_by_15_working_days(district, handler, today):
    complaint = verifying(district, handler)
    before = complaint.acceptance_deadline
    handling.report_tip_check_extend(complaint=complaint, reason="需调取交易记录", by=handler)
    assert complaint.acceptance_deadline == workdays.add_working_days(before, 15)
    with pytest.raises(ValidationError) as error:
        handling.report_tip_check_extend(complaint=complaint, reason="再延", by=handler)
    assert "tip_check_extended" in error.value.message_dict


def test_opening_a_case_hands_a_case_lead_to_the_inspectors(district, handler, today):
    from qcity.inspections.models import CaseLead

    enterprise = EnterpriseFactory(org_unit=district)
    complaint = verifying(district, handler, respondent=enterprise)
    handling.report_tip_decide(complaint=complaint, decision=ReportTipDecision.CASE_OPENED, case_number="郑金市监立〔2026〕1号",
                               note="", by=handler)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CASE_OPENED and complaint.tip_decided_on == today
    assert complaint.reporter_notice_deadline == deadlines.deadline("report-tip-case-notice", today).on
    lead = CaseLead.objects.get(source_ref=f"complaint:{complaint.pk}")
    assert lead.enterprise == enterprise and lead.org_unit == district
    assert complaint.person_name not in lead.summary and complaint.person_phone not in lead.summary


def test_not_opening_a_case_closes_the_report(district, handler, today):
    complaint = verifying(district, handler)
    handling.report_tip_decide(complaint=complaint, decision=ReportTipDecision.NOT_OPENED, by=handler)
    assert complaint.status == ComplaintStatus.CLOSED and complaint.closed_on == today
    assert complaint.case_number == ""


def test_a_decision_needs_the_check_to_have_started(district, handler):
    with pytest.raises(ValidationError) as error:
        handling.report_tip_decide(complaint=make_complaint(district, report=True),
                                   decision=ReportTipDecision.NOT_OPENED, by=handler)
    assert "status" in error.value.message_dict


def test_an_anonymous_report_has_no_reporter_notice(district, handler):
    complaint = verifying(district, handler, anonymous=True, person_name="", person_phone="")
    handling.report_tip_decide(complaint=complaint, decision=ReportTipDecision.NOT_OPENED, by=handler)
    assert complaint.reporter_notice_deadline is None
    with pytest.raises(ValidationError) as error:
        handling.report_tip_reporter_notify(complaint=complaint, by=handler)
    assert "anonymous" in error.value.message_dict


def test_the_reporter_is_told_by_sms_naming_only_the_tracking_number(district, handler, today):
    complaint = verifying(district, handler, respondent_name="郑州某某超市")
    handling.report_tip_decide(complaint=complaint, decision=ReportTipDecision.NOT_OPENED, by=handler)
    handling.report_tip_reporter_notify(complaint=complaint, by=handler)
    assert complaint.reporter_notified_on == today
    [message] = sms.outbox
    assert message.to == complaint.person_phone
    assert complaint.tracking_number in message.text
    assert "超市" not in message.text and handler.username not in message.text
    with pytest.raises(ValidationError):
        handling.report_tip_reporter_notify(complaint=complaint, by=handler)  # once
    assert len(sms.outbox) == 1


def test_a_reporter_who_chose_the_phone_gets_no_sms(district, handler):
    complaint = verifying(district, handler, reporter_channel=ReporterChannel.PHONE)
    handling.report_tip_decide(complaint=complaint, decision=ReportTipDecision.NOT_OPENED, by=handler)
    handling.report_tip_reporter_notify(complaint=complaint, by=handler)
    assert complaint.reporter_notified_on is not None and sms.outbox == []


def test_a_failed_sms_records_no_notice(district, handler, monkeypatch):
    complaint = verifying(district, handler)
    handling.report_tip_decide(complaint=complaint, decision=ReportTipDecision.NOT_OPENED, by=handler)

    def fail(**kwargs):
        raise sms.SmsSendError("gateway down")

    monkeypatch.setattr(sms, "sms_send", fail)
    with pytest.raises(ValidationError):
        handling.report_tip_reporter_notify(complaint=complaint, by=handler)
    complaint.refresh_from_db()
    assert complaint.reporter_notified_on is None
    assert not events(complaint, ComplaintEventKind.REPORTER_NOTIFIED)


def test_a_report_with_a_case_is_closed_substantiated(district, handler, today):
    complaint = verifying(district, handler)
    handling.report_tip_decide(complaint=complaint, decision=ReportTipDecision.CASE_OPENED, by=handler)
    handling.report_tip_close(complaint=complaint, substantiated=True, note="已作出行政处罚", by=handler)
    assert complaint.status == ComplaintStatus.CLOSED and complaint.substantiated and complaint.closed_on == today


def test_a_case_lead_never_names_the_reporter(district, handler):
    from qcity.inspections.models import CaseLead

    # given a report whose subject names the reporter
    complaint = verifying(district, handler, subject="王小明举报无证经营", person_name="王小明")
    # when a case is opened
    handling.report_tip_decide(complaint=complaint, decision=ReportTipDecision.CASE_OPENED, case_number="1",
                               by=handler)
    # then the inspectors' case lead masks the name
    summary = CaseLead.objects.get(source_ref=f"complaint:{complaint.pk}").summary
    assert "王小明" not in summary and "王*明" in summary


def test_a_time_barred_complaint_cannot_be_accepted(district, handler, today):
    # given a complaint about a harm known more than three years before receipt
    complaint = make_complaint(district, harm_known_on=today.replace(year=today.year - 4))
    # when it is accepted, then the handler is told to decline it instead
    with pytest.raises(ValidationError) as error:
        handling.complaint_accept(complaint=complaint, by=handler)
    assert "harm_known_on" in error.value.message_dict
    handling.complaint_decline(complaint=complaint, ground=DeclineGround.TIME_BARRED, by=handler)


def test_a_late_decline_counts_as_late(district, handler, today):
    # given a complaint whose acceptance period ended yesterday
    complaint = make_complaint(district)
    complaint.acceptance_deadline = today - datetime.timedelta(days=1)
    complaint.save()
    # when it is declined today, then it is counted late
    handling.complaint_decline(complaint=complaint, ground=DeclineGround.NOT_COMPETENT, by=handler)
    complaint.refresh_from_db()
    assert complaint.closed_late


def test_the_audit_log_masks_names_and_phones_in_notes(district, handler):
    complaint = make_complaint(district, person_name="王小明")
    handling.complaint_decline(complaint=complaint, ground=DeclineGround.NOT_COMPETENT,
                               note="王小明来电13812345678称已起诉", by=handler)
    message = AuditEvent.objects.filter(object_repr=complaint.tracking_number).latest("id").message
    assert "王小明" not in message and "13812345678" not in message
