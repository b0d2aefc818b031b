"""Handling of complaints and reports by the regulator (《市场监督管理投诉举报处理办法》, DOMAIN §9).

A complaint: received → accepted (or declined) within 7 working days → mediation, which may be suspended
(testing, a recusal request) and extended, and ends within 45 working days of acceptance in an agreement
(closed) or a termination. A violation clue found in mediation is verified within 15 (+15) working days.
A report: received → case-opening check (15, +15 working days) → case opened (a case lead for the
inspectors) or not → closed; a real-name reporter is told within 5 working days of the decision.

Every step checks the status it starts from and the officer's scope, writes history and audit
(`complaint_event_add`) and recomputes the deadlines when one of their start dates changes. Late steps are
allowed and flagged: the law sets the deadline, the officer's lateness does not void the act.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import access, deadlines, sms, workdays
from qcity.core.choices import NotificationKind
from qcity.core.masking import mask_text
from qcity.core.messages import not_in_future
from qcity.core.models import User
from qcity.core.notifications import notify
from qcity.core.roles import COMPLAINT_HANDLERS
from qcity.inspections.services.case_leads import case_lead_create

from ..choices import (
    DECLINE_GROUND_ARTICLES,
    FINISHED_STATUSES,
    MEDIATION_OPEN,
    ComplaintEventKind,
    ComplaintKind,
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
from ..models import Complaint
from .events import complaint_event_add, complaint_save, complaint_snapshot
from .feedback import complaint_feedback_record, complaint_indicators_refresh_on_commit

# An extension of the mediation period, in working days: at least one, and at most 45 in all (the period
# itself; a longer dispute is terminated, not stretched).
EXTENSION_MAX_WORKING_DAYS = 45
# Where mediation may be suspended, extended or ended: accepted (parties being contacted) or mediating.


# --- shared checks ------------------------------------------------------------------------------------------

def _guard(by: User | None, complaint: Complaint, action: str) -> None:
    access.require_scope(by, complaint.org_unit, roles=COMPLAINT_HANDLERS, action=action, obj=complaint)


def _require_kind(complaint: Complaint, kind: str) -> None:
    if complaint.kind != kind:
        raise ValidationError({"kind": [_("此步骤只适用于%(kind)s") % {"kind": ComplaintKind(kind).label}]})


def _require_status(complaint: Complaint, *statuses: str, step: str) -> None:
    if complaint.status not in statuses:
        raise ValidationError({"status": [_("当前状态为“%(status)s”，不能%(step)s") % {
            "status": complaint.get_status_display(), "step": step}]})


def _require_text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [_("请填写%(label)s") % {"label": label}]})
    return value


def _require_choice(value: str, choices, field: str, label: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: [_("请选择%(label)s") % {"label": label}]})
    return value


def _day(value: datetime.date | None, field: str, *, not_before: datetime.date | None) -> datetime.date:
    """The day a step happened: today unless given; never in the future nor before the step it follows."""
    today = timezone.localdate()
    day = value or today
    if day > today:
        raise ValidationError({field: [not_in_future(_("日期"))]})
    if not_before is not None and day < not_before:
        raise ValidationError({field: [_("日期不能早于 %(after)s") % {"after": not_before}]})
    return day


def _require_officer(user: User | None, complaint: Complaint, field: str) -> User:
    """A handler, mediator or new mediator: an active complaint handler covering the complaint's unit."""
    if user is None or not user.is_active or not access.covers(user, complaint.org_unit, COMPLAINT_HANDLERS):
        raise ValidationError({field: [_("须为负责该承办单位的投诉举报处理人员")]})
    return user


def _require_not_suspended(complaint: Complaint, step: str) -> None:
    if complaint.suspended_since is not None:
        raise ValidationError({"status": [_("调解已中止（%(reason)s），须先恢复才能%(step)s") % {
            "reason": complaint.get_suspension_reason_display(), "step": step}]})


def _note(*parts: str) -> str:
    return "；".join(str(p) for p in parts if p)


def _deadline_text(day: datetime.date | None, provisional_year: int | None = None) -> str:
    if day is None:
        return ""
    text = day.isoformat()
    return f"{text}（{deadlines.provisional_note(provisional_year)}）" if provisional_year else text


def _tell(user: User | None, complaint: Complaint, by: User | None, *, key: str, title: str) -> None:
    """The officer who must act now (handler, mediator) hears of it, unless they gave the order themselves."""
    if user is None or user == by:
        return
    notify(recipients=[user], kind=NotificationKind.ASSIGNMENT, key=f"complaint:{complaint.pk}:{key}",
           title=title, body=complaint.tracking_number,
           url=reverse("complaints:complaint-detail", args=[complaint.pk]))


def _finish(complaint: Complaint, status: str) -> list[str]:
    """The regulator's work ends: the year's complaint indicators count it once the step commits."""
    complaint.status = status
    complaint.closed_on = timezone.localdate()
    complaint_indicators_refresh_on_commit(year=complaint.closed_on.year)
    return ["status", "closed_on"]


# --- assignment ---------------------------------------------------------------------------------------------

def complaint_assign(*, complaint: Complaint, handler: User, by: User | None) -> Complaint:
    """Name the handler in charge (承办人), who then sees the complaint among their to-dos."""
    _guard(by, complaint, "assign complaint handler")
    if complaint.status in FINISHED_STATUSES:
        raise ValidationError({"status": [_("已办结，不能再指定承办人")]})
    if complaint.org_unit_id is None:
        raise ValidationError({"org_unit": [_("尚未分派承办单位")]})
    _require_officer(handler, complaint, "handler")
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.handler = handler
        complaint_save(complaint, ["handler"])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.ASSIGNED, by=by, public=False,
                            before=before)
        _tell(handler, complaint, by, key=f"handler:{handler.pk}", title=_("您被指定为投诉举报承办人"))
    return complaint


# --- complaints: acceptance ---------------------------------------------------------------------------------

def time_barred(complaint: Complaint) -> bool:
    """More than the limitation period (3 years, legal duration `complaint-limitation`) between the day the
    complainant knew of the harm and receipt: a ground to decline, never to accept."""
    if complaint.harm_known_on is None:
        return False
    limit = deadlines.deadline("complaint-limitation", complaint.harm_known_on, on=complaint.received_on)
    return complaint.received_on > limit.on


def complaint_accept(*, complaint: Complaint, handler: User | None = None, accepted_on: datetime.date | None = None,
                     by: User | None) -> Complaint:
    """Accept within 7 working days of receipt; the 45-working-day mediation period starts on acceptance. A
    late acceptance still counts (the complainant is owed the mediation), and is flagged in the history."""
    _guard(by, complaint, "accept complaint")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_status(complaint, ComplaintStatus.RECEIVED, step=_("受理"))
    accepted_on = _day(accepted_on, "accepted_on", not_before=complaint.received_on)
    if handler is not None:
        _require_officer(handler, complaint, "handler")
    if time_barred(complaint):
        raise ValidationError({"harm_known_on": [
            _("自知道权益受侵害之日起已超过投诉时效，应以“%(ground)s”不予受理") % {"ground": DeclineGround.TIME_BARRED.label}]})
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.status, complaint.accepted_on = ComplaintStatus.ACCEPTED, accepted_on
        if handler is not None:
            complaint.handler = handler
        complaint_save(complaint, ["status", "accepted_on", "handler"], refresh=True)
        late = complaint.acceptance_deadline is not None and accepted_on > complaint.acceptance_deadline
        note = _note(_("逾期受理") if late else "",
                     _("调解期限：%(deadline)s") % {"deadline": _deadline_text(
                         complaint.mediation_deadline, complaint.mediation_deadline_provisional_year)})
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.ACCEPTED, by=by, note=note, before=before)
        if handler is not None:
            _tell(handler, complaint, by, key=f"handler:{handler.pk}", title=_("您被指定为投诉举报承办人"))
    return complaint


def complaint_decline(*, complaint: Complaint, ground: str, note: str = "", by: User | None) -> Complaint:
    """Decline on one of the grounds the law lists; the decision names its article."""
    _guard(by, complaint, "decline complaint")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_status(complaint, ComplaintStatus.RECEIVED, step=_("不予受理"))
    ground = _require_choice(ground, DeclineGround, "ground", _("不予受理理由"))
    note = (note or "").strip()
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.decline_ground, complaint.decision_note = ground, note
        fields = ["decline_ground", "decision_note", *_finish(complaint, ComplaintStatus.DECLINED)]
        late = complaint.acceptance_deadline is not None and complaint.closed_on > complaint.acceptance_deadline
        complaint.closed_late = late
        complaint_save(complaint, [*fields, "closed_late"])
        reason = f"{DeclineGround(ground).label}（{DECLINE_GROUND_ARTICLES[DeclineGround(ground)]}）"
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.DECLINED, by=by, before=before,
                            note=_note(reason, note, _("逾期作出决定") if late else ""))
    return complaint


# --- complaints: mediation ----------------------------------------------------------------------------------

def complaint_mediation_start(*, complaint: Complaint, mode: str, mediator: User, by: User | None) -> Complaint:
    """Start mediation (with both parties' consent) on site or remotely, led by a named mediator."""
    _guard(by, complaint, "start mediation")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_status(complaint, ComplaintStatus.ACCEPTED, step=_("开始调解"))
    mode = _require_choice(mode, MediationMode, "mode", _("调解方式"))
    _require_officer(mediator, complaint, "mediator")
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.status, complaint.mediation_mode, complaint.mediator = ComplaintStatus.MEDIATING, mode, mediator
        complaint_save(complaint, ["status", "mediation_mode", "mediator"])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.MEDIATION_STARTED, by=by, before=before,
                            note=MediationMode(mode).label)
        _tell(mediator, complaint, by, key=f"mediator:{mediator.pk}", title=_("您被指定为调解人员"))
    return complaint


def _suspend(complaint: Complaint, reason: str, on: datetime.date, note: str, by: User | None) -> None:
    before = complaint_snapshot(complaint)
    complaint.suspended_since, complaint.suspension_reason = on, reason
    complaint_save(complaint, ["suspended_since", "suspension_reason"])
    complaint_event_add(complaint=complaint, kind=ComplaintEventKind.SUSPENDED, by=by, before=before,
                        note=_note(SuspensionReason(reason).label, note))


def _resume(complaint: Complaint, on: datetime.date, by: User | None) -> None:
    """The working days in (suspended_since, on] are added to the mediation period."""
    before = complaint_snapshot(complaint)
    days = workdays.working_days_between(complaint.suspended_since, on)
    complaint.suspended_working_days += days
    complaint.suspended_since, complaint.suspension_reason = None, ""
    complaint_save(complaint, ["suspended_working_days", "suspended_since", "suspension_reason"], refresh=True)
    complaint_event_add(complaint=complaint, kind=ComplaintEventKind.RESUMED, by=by, before=before,
                        note=_("中止%(days)s个工作日，调解期限顺延至%(deadline)s") % {
                            "days": days, "deadline": _deadline_text(
                                complaint.mediation_deadline, complaint.mediation_deadline_provisional_year)})


def complaint_suspend(*, complaint: Complaint, reason: str, note: str = "", on: datetime.date | None = None,
                      by: User | None) -> Complaint:
    """Stop the mediation clock for testing or appraisal (its time is excluded from the 45 working days) or
    another lawful reason. A recusal request suspends through `complaint_recusal`, which names the new mediator."""
    _guard(by, complaint, "suspend mediation")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_status(complaint, *MEDIATION_OPEN, step=_("中止"))
    _require_not_suspended(complaint, _("中止"))
    reason = _require_choice(reason, SuspensionReason, "reason", _("中止原因"))
    if reason == SuspensionReason.RECUSAL:
        raise ValidationError({"reason": [_("回避申请请通过“调解人员回避”办理")]})
    on = _day(on, "on", not_before=complaint.accepted_on)
    with transaction.atomic():
        _suspend(complaint, reason, on, (note or "").strip(), by)
    return complaint


def complaint_resume(*, complaint: Complaint, on: datetime.date | None = None, by: User | None) -> Complaint:
    """Restart the mediation clock; the deadline moves by the working days it stood still."""
    _guard(by, complaint, "resume mediation")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    if complaint.suspended_since is None:
        raise ValidationError({"status": [_("调解未中止")]})
    if complaint.suspension_reason == SuspensionReason.RECUSAL:
        raise ValidationError({"status": [_("因回避中止的，指定新的调解人员后恢复")]})
    on = _day(on, "on", not_before=complaint.suspended_since)
    with transaction.atomic():
        _resume(complaint, on, by)
    return complaint


def complaint_recusal(*, complaint: Complaint, reason: str, new_mediator: User | None = None,
                      by: User | None) -> Complaint:
    """A recusal request (kinship, interest) suspends mediation until another mediator is named; naming
    them resumes it. Called again with the new mediator when the request was recorded without one."""
    _guard(by, complaint, "record mediator recusal")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_status(complaint, ComplaintStatus.MEDIATING, step=_("办理回避"))
    reason = _require_text(reason, "reason", _("回避理由"))
    pending = complaint.suspension_reason == SuspensionReason.RECUSAL
    if complaint.suspended_since is not None and not pending:
        _require_not_suspended(complaint, _("办理回避"))
    if pending and new_mediator is None:
        raise ValidationError({"new_mediator": [_("已申请回避，请指定新的调解人员")]})
    if new_mediator is not None:
        _require_officer(new_mediator, complaint, "new_mediator")
        if new_mediator.pk == complaint.mediator_id:
            raise ValidationError({"new_mediator": [_("新的调解人员不能是申请回避的调解人员")]})
    today = timezone.localdate()
    with transaction.atomic():
        if not pending:
            _suspend(complaint, SuspensionReason.RECUSAL, today, "", by)
        before = complaint_snapshot(complaint)
        if new_mediator is not None:
            complaint.mediator = new_mediator
            complaint_save(complaint, ["mediator"])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.RECUSAL, by=by, before=before,
                            note=reason, public=False)
        if new_mediator is not None:
            _resume(complaint, today, by)
            _tell(new_mediator, complaint, by, key=f"mediator:{new_mediator.pk}", title=_("您被指定为调解人员"))
    return complaint


def complaint_extend(*, complaint: Complaint, working_days: int, reason: str, by: User | None) -> Complaint:
    """Extend the mediation period by 1–45 working days in all, with the reason recorded."""
    _guard(by, complaint, "extend mediation")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_status(complaint, *MEDIATION_OPEN, step=_("延长期限"))
    reason = _require_text(reason, "reason", _("延长理由"))
    left = EXTENSION_MAX_WORKING_DAYS - complaint.extended_working_days
    if not isinstance(working_days, int) or isinstance(working_days, bool) or not 1 <= working_days <= left:
        raise ValidationError({"working_days": [_("延长的工作日须在1至%(left)s之间（合计不超过%(max)s个工作日）") % {
            "left": max(left, 1), "max": EXTENSION_MAX_WORKING_DAYS}]})
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.extended_working_days += working_days
        complaint.extension_reason = reason[:300]
        complaint_save(complaint, ["extended_working_days", "extension_reason"], refresh=True)
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.EXTENDED, by=by, before=before,
                            note=_("延长%(days)s个工作日至%(deadline)s：%(reason)s") % {
                                "days": working_days, "reason": complaint.extension_reason,
                                "deadline": _deadline_text(complaint.mediation_deadline,
                                                           complaint.mediation_deadline_provisional_year)})
    return complaint


# --- complaints: a violation clue found in mediation --------------------------------------------------------

def complaint_clue_record(*, complaint: Complaint, note: str, by: User | None) -> Complaint:
    """A violation found while mediating is verified within 15 working days, then handled as a case."""
    _guard(by, complaint, "record violation clue")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_status(complaint, *MEDIATION_OPEN, step=_("登记违法线索"))
    if complaint.clue_found_on is not None:
        raise ValidationError({"clue_found_on": [_("已登记违法线索")]})
    note = _require_text(note, "note", _("线索情况"))
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.clue_found_on = timezone.localdate()
        complaint_save(complaint, ["clue_found_on"], refresh=True)
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.CLUE_FOUND, by=by, before=before,
                            public=False, note=_note(note, _("核查期限：%(deadline)s") % {"deadline": _deadline_text(
                                complaint.clue_verification_deadline,
                                complaint.clue_verification_deadline_provisional_year)}))
    return complaint


def _require_open_clue(complaint: Complaint) -> None:
    if complaint.clue_found_on is None or complaint.clue_verified_on is not None:
        raise ValidationError({"clue_found_on": [_("没有待核查的违法线索")]})


def complaint_clue_extend(*, complaint: Complaint, reason: str, by: User | None) -> Complaint:
    """Special cases get 15 more working days, once."""
    _guard(by, complaint, "extend clue verification")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_open_clue(complaint)
    if complaint.clue_extended:
        raise ValidationError({"clue_extended": [_("线索核查期限只能延长一次")]})
    reason = _require_text(reason, "reason", _("延长理由"))
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.clue_extended = True
        complaint_save(complaint, ["clue_extended"], refresh=True)
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.EXTENDED, by=by, before=before,
                            public=False, note=_("线索核查期限延长至%(deadline)s：%(reason)s") % {
                                "reason": reason, "deadline": _deadline_text(
                                    complaint.clue_verification_deadline,
                                    complaint.clue_verification_deadline_provisional_year)})
    return complaint


def complaint_clue_verify(*, complaint: Complaint, substantiated: bool, note: str = "",
                          by: User | None) -> Complaint:
    """The verification result; a substantiated clue goes to the inspectors as a case lead (penalty procedure)."""
    _guard(by, complaint, "verify violation clue")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_open_clue(complaint)
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.clue_verified_on = timezone.localdate()
        complaint_save(complaint, ["clue_verified_on"])
        late = (complaint.clue_verification_deadline is not None
                and complaint.clue_verified_on > complaint.clue_verification_deadline)
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.CLUE_VERIFIED, by=by, before=before,
                            public=False, note=_note(_("线索属实，转立案查处") if substantiated else _("线索不属实"),
                                                     (note or "").strip(), _("逾期核查") if late else ""))
        if substantiated:
            _case_lead(complaint, by, source_ref=f"complaint-clue:{complaint.pk}")
    return complaint


# --- complaints: the end of mediation -----------------------------------------------------------------------

def complaint_close(*, complaint: Complaint, outcome: str, remedy: str, amount_recovered: Decimal | None = None,
                    substantiated: bool = False, note: str = "", by: User | None) -> Complaint:
    """Close with the outcome and what the consumer obtained. After the mediation deadline it is still
    closed, and counted as late (`closed_late`); a substantiated complaint goes to the credit file."""
    _guard(by, complaint, "close complaint")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_status(complaint, *MEDIATION_OPEN, step=_("办结"))
    _require_not_suspended(complaint, _("办结"))
    outcome = _require_choice(outcome, MediationOutcome, "outcome", _("调解结果"))
    remedy = _require_choice(remedy, Remedy, "remedy", _("处理方式"))
    if amount_recovered is not None and amount_recovered < 0:
        raise ValidationError({"amount_recovered": [_("挽回经济损失不能为负数")]})
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.outcome, complaint.remedy, complaint.amount_recovered = outcome, remedy, amount_recovered
        complaint.substantiated = bool(substantiated)
        fields = ["outcome", "remedy", "amount_recovered", "substantiated", *_finish(complaint, ComplaintStatus.CLOSED)]
        complaint.closed_late = complaint.mediation_deadline is not None and complaint.closed_on > complaint.mediation_deadline
        complaint_save(complaint, [*fields, "closed_late"])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.CLOSED, by=by, before=before,
                            note=_note(MediationOutcome(outcome).label, Remedy(remedy).label, (note or "").strip(),
                                       _("超期办结") if complaint.closed_late else ""))
        if complaint.substantiated:
            complaint_feedback_record(complaint=complaint, by=by)
    return complaint


def complaint_terminate(*, complaint: Complaint, ground: str, note: str = "", by: User | None) -> Complaint:
    """End mediation on a lawful ground; both parties are told within 7 working days (the notice deadline is
    written into the history)."""
    _guard(by, complaint, "terminate mediation")
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    _require_status(complaint, *MEDIATION_OPEN, step=_("终止调解"))
    _require_not_suspended(complaint, _("终止调解"))
    ground = _require_choice(ground, TerminationGround, "ground", _("终止调解理由"))
    today = timezone.localdate()
    if ground == TerminationGround.TIME_LIMIT and complaint.mediation_deadline and today <= complaint.mediation_deadline:
        raise ValidationError({"ground": [_("调解期限（%(deadline)s）尚未届满") % {
            "deadline": complaint.mediation_deadline}]})
    notice = deadlines.deadline("complaint-mediation-end-notice", today)
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.termination_ground = ground
        complaint_save(complaint, ["termination_ground", *_finish(complaint, ComplaintStatus.TERMINATED)])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.TERMINATED, by=by, before=before,
                            note=_note(TerminationGround(ground).label, (note or "").strip(),
                                       _("应于%(deadline)s前告知双方当事人") % {
                                           "deadline": _deadline_text(notice.on, notice.provisional_year)}))
    return complaint


def complaint_rate(*, complaint: Complaint, satisfaction: int, comment: str = "", by: User | None = None) -> Complaint:
    """The complainant's satisfaction (1–5) with a finished complaint, given once on the tracking page (the
    caller has checked the tracking number and phone; the complainant is not a user)."""
    _require_kind(complaint, ComplaintKind.COMPLAINT)
    if complaint.status not in FINISHED_STATUSES:
        raise ValidationError({"status": [_("办结后才能评价")]})
    if complaint.satisfaction is not None:
        raise ValidationError({"satisfaction": [_("已评价过")]})
    if not isinstance(satisfaction, int) or isinstance(satisfaction, bool) or not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": [_("满意度须为1至5")]})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": [_("评价意见不能超过500字")]})
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.satisfaction, complaint.satisfaction_comment = satisfaction, comment
        complaint_save(complaint, ["satisfaction", "satisfaction_comment"])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.RATED, by=by, before=before,
                            note=_("满意度：%(value)s") % {"value": satisfaction})
        if complaint.closed_on is not None:
            complaint_indicators_refresh_on_commit(year=complaint.closed_on.year)
    return complaint


# --- reports ------------------------------------------------------------------------------------------------

def report_tip_verify_start(*, complaint: Complaint, by: User | None) -> Complaint:
    """Start the case-opening check (核查) of a report."""
    _guard(by, complaint, "start report verification")
    _require_kind(complaint, ComplaintKind.REPORT_TIP)
    _require_status(complaint, ComplaintStatus.RECEIVED, step=_("开始核查"))
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.status = ComplaintStatus.VERIFYING
        complaint_save(complaint, ["status"])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.VERIFICATION_STARTED, by=by, before=before)
    return complaint


def report_tip_check_extend(*, complaint: Complaint, reason: str, by: User | None) -> Complaint:
    """The 15-working-day case-opening check may be extended by 15 more, once."""
    _guard(by, complaint, "extend report verification")
    _require_kind(complaint, ComplaintKind.REPORT_TIP)
    _require_status(complaint, ComplaintStatus.RECEIVED, ComplaintStatus.VERIFYING, step=_("延长核查期限"))
    if complaint.tip_check_extended:
        raise ValidationError({"tip_check_extended": [_("立案核查期限只能延长一次")]})
    reason = _require_text(reason, "reason", _("延长理由"))
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.tip_check_extended = True
        complaint_save(complaint, ["tip_check_extended"], refresh=True)
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.EXTENDED, by=by, before=before,
                            public=False, note=_("立案核查期限延长至%(deadline)s：%(reason)s") % {
                                "reason": reason, "deadline": _deadline_text(
                                    complaint.acceptance_deadline, complaint.acceptance_deadline_provisional_year)})
    return complaint


def _case_lead(complaint: Complaint, by: User | None, *, source_ref: str) -> None:
    """Hand the case to the inspectors; the summary carries no personal data (the reporter stays confidential)."""
    summary = mask_text(f"{complaint.tracking_number} {complaint.subject}",
                        known_names=[complaint.person_name] if complaint.person_name else [])
    case_lead_create(enterprise=complaint.respondent, org_unit=complaint.org_unit, source_ref=source_ref,
                     summary=summary, by=by)


def report_tip_decide(*, complaint: Complaint, decision: str, case_number: str = "", note: str = "",
                      by: User | None) -> Complaint:
    """Open a case (the inspectors get a case lead) or not (the report is closed). A real-name reporter is
    then told within 5 working days."""
    _guard(by, complaint, "decide on report")
    _require_kind(complaint, ComplaintKind.REPORT_TIP)
    _require_status(complaint, ComplaintStatus.VERIFYING, step=_("作出立案决定"))
    decision = _require_choice(decision, ReportTipDecision, "decision", _("立案决定"))
    case_number = (case_number or "").strip()
    if len(case_number) > 50:
        raise ValidationError({"case_number": [_("案件编号不能超过50字")]})
    opened = decision == ReportTipDecision.CASE_OPENED
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.tip_decision, complaint.tip_decided_on = decision, timezone.localdate()
        complaint.case_number = case_number if opened else ""
        fields = ["tip_decision", "tip_decided_on", "case_number"]
        if opened:
            complaint.status = ComplaintStatus.CASE_OPENED
            fields.append("status")
        else:
            fields += _finish(complaint, ComplaintStatus.CLOSED)
        late = complaint.acceptance_deadline is not None and complaint.tip_decided_on > complaint.acceptance_deadline
        if not opened:
            complaint.closed_late = late
            fields.append("closed_late")
        complaint_save(complaint, fields, refresh=True)
        notice = (_("应于%(deadline)s前告知举报人") % {"deadline": _deadline_text(
            complaint.reporter_notice_deadline, complaint.reporter_notice_deadline_provisional_year)}
            if complaint.reporter_notice_deadline else "")
        complaint_event_add(complaint=complaint, before=before, by=by,
                            kind=ComplaintEventKind.CASE_OPENED if opened else ComplaintEventKind.NOT_OPENED,
                            note=_note((note or "").strip(), notice, _("逾期作出决定") if late else ""))
        if opened:
            _case_lead(complaint, by, source_ref=f"complaint:{complaint.pk}")
    return complaint


def reporter_notice_text(complaint: Complaint) -> str:
    """The SMS to the reporter: the tracking number and the decision, no officer and no respondent detail."""
    return _("【市场监管】您的举报（查询编号%(number)s）已作出处理决定：%(decision)s。") % {
        "number": complaint.tracking_number, "decision": complaint.get_tip_decision_display()}


def report_tip_reporter_notify(*, complaint: Complaint, by: User | None) -> Complaint:
    """Tell a real-name reporter of the decision; by SMS when that is the channel they chose. The notice is
    recorded only when the SMS went out (a failed gateway leaves it to be retried)."""
    _guard(by, complaint, "notify reporter")
    _require_kind(complaint, ComplaintKind.REPORT_TIP)
    if complaint.tip_decided_on is None:
        raise ValidationError({"status": [_("尚未作出立案决定")]})
    if complaint.anonymous:
        raise ValidationError({"anonymous": [_("匿名举报无需告知")]})
    if complaint.reporter_notified_on is not None:
        raise ValidationError({"reporter_notified_on": [_("已告知举报人")]})
    by_sms = complaint.reporter_channel == ReporterChannel.SMS
    if by_sms and not complaint.person_phone:
        raise ValidationError({"reporter_channel": [_("举报人未留联系电话，无法短信告知")]})
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.reporter_notified_on = timezone.localdate()
        complaint_save(complaint, ["reporter_notified_on"])
        late = (complaint.reporter_notice_deadline is not None
                and complaint.reporter_notified_on > complaint.reporter_notice_deadline)
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.REPORTER_NOTIFIED, by=by, before=before,
                            note=_note(complaint.get_reporter_channel_display(), _("逾期告知") if late else ""))
        if by_sms:
            try:
                sms.sms_send(to=complaint.person_phone, text=reporter_notice_text(complaint))
            except sms.SmsSendError as exc:
                raise ValidationError({"reporter_channel": [_("短信发送失败，请稍后重试")]}) from exc
    return complaint


def report_tip_close(*, complaint: Complaint, substantiated: bool, note: str = "", by: User | None) -> Complaint:
    """Close a report whose case was opened, once the case is decided; substantiated → the credit file."""
    _guard(by, complaint, "close report")
    _require_kind(complaint, ComplaintKind.REPORT_TIP)
    _require_status(complaint, ComplaintStatus.CASE_OPENED, step=_("办结"))
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.substantiated = bool(substantiated)
        complaint_save(complaint, ["substantiated", *_finish(complaint, ComplaintStatus.CLOSED)])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.CLOSED, by=by, before=before,
                            note=_note(_("查证属实") if substantiated else _("查证不属实"), (note or "").strip()))
        if complaint.substantiated:
            complaint_feedback_record(complaint=complaint, by=by)
    return complaint
