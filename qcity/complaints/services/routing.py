"""Routing of a complaint to the unit that handles it, manual transfer, and direct settlement (ODR).

Jurisdiction (DOMAIN §9): the county-level regulator where the respondent operates or is domiciled; a seller on
a platform where it operates, else where the platform is domiciled. What cannot be placed goes to the
city-level triage queue, from which a city-level handler sends it to a unit (`complaint_transfer`).

Direct settlement (在线消费纠纷解决): a complaint against an enterprise that has joined it goes to the
enterprise first, for 10 working days; only when that fails does the regulator's 7-working-day acceptance
period start (from the day after the window, or from the day the failure is known).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction, NotificationKind, Role
from qcity.core.models import OrgUnit, RoleAssignment, User
from qcity.core.notifications import notify
from qcity.core.roles import COMPLAINT_HANDLERS
from qcity.enterprises.choices import EnterpriseAccountStatus
from qcity.enterprises.models import Enterprise

from .. import deadlines as complaint_deadlines
from .. import routing
from ..choices import ComplaintEventKind, ComplaintKind, ComplaintStatus, RoutingMethod, SettlementAnswer
from ..models import Complaint, DirectSettlementMembership
from .events import (
    complaint_event_add,
    complaint_event_new,
    complaint_events_save,
    complaint_save,
    complaint_snapshot,
)
from .feedback import complaint_indicators_refresh_on_commit
from .gazetteer import city_map

# Statuses before acceptance in which the handling unit may still change.
TRANSFERABLE = (ComplaintStatus.RECEIVED, ComplaintStatus.TRIAGE)


# --- jurisdiction -------------------------------------------------------------------------------------------

def _address_placement(address: str, units: dict[int, OrgUnit]) -> tuple[OrgUnit, str, str] | None:
    placement = routing.place(address, city_map()) if address.strip() else None
    if placement is None:
        return None
    label = _("地址解析：%(name)s") if placement.method == RoutingMethod.ADDRESS else _("地名库：%(name)s")
    return units[placement.org_unit_id], placement.method, label % {"name": placement.matched}


def jurisdiction(complaint: Complaint, units: dict[int, OrgUnit]) -> tuple[OrgUnit | None, str, str]:
    """(unit, RoutingMethod, note) by the rules of DOMAIN §9; (None, TRIAGE, note) when nothing places it.
    `units`: every org unit by id, read once for a batch."""
    respondent = complaint.respondent
    if respondent is not None:
        return units[respondent.org_unit_id], RoutingMethod.REGISTRY, _("被投诉举报企业登记住所")
    if complaint.platform_name or complaint.platform_id:
        seller = _address_placement(complaint.respondent_address, units)
        if seller is not None:
            return seller
        platform = complaint.platform or Enterprise.objects.filter(name=complaint.platform_name.strip()).first()
        if platform is not None:
            complaint.platform = platform
            return (units[platform.org_unit_id], RoutingMethod.PLATFORM,
                    _("平台经营者住所：%(name)s") % {"name": platform.name})
    else:
        placed = _address_placement(complaint.respondent_address, units)
        if placed is not None:
            return placed
    return None, RoutingMethod.TRIAGE, _("无法确定管辖地，由市级分派")


def settlement_members(enterprise_ids, on: datetime.date) -> set[int]:
    """Those of the enterprises that had joined direct settlement on that day and have at least one confirmed
    account to answer with (one query)."""
    if not enterprise_ids:
        return set()
    joined = DirectSettlementMembership.objects.filter(enterprise_id__in=list(enterprise_ids), joined_on__lte=on,
                                                       left_on__isnull=True).values("enterprise_id")
    return set(_enterprise_users(joined).values_list("enterprise_account__enterprise_id", flat=True))


def _enterprise_users(enterprises):
    """The active users with a confirmed account of one of the enterprises (ids or a subquery of ids)."""
    return User.objects.filter(is_active=True, enterprise_account__status=EnterpriseAccountStatus.CONFIRMED,
                               enterprise_account__enterprise__in=enterprises)


def _unit_handlers(unit: OrgUnit):
    """The complaint handlers posted at the unit itself (the city's handlers see every queue anyway)."""
    return User.objects.filter(is_active=True, pk__in=RoleAssignment.objects.filter(
        role=Role.COMPLAINT_HANDLER, org_unit=unit).values("user_id"))


def _detail_url(complaint: Complaint) -> str:
    return reverse("complaints:complaint-detail", args=[complaint.pk])


def _start_acceptance(complaint: Complaint, clock_from: datetime.date) -> None:
    complaint.status = ComplaintStatus.RECEIVED
    complaint.acceptance_clock_from = clock_from


# --- routing ------------------------------------------------------------------------------------------------

ROUTED_FIELDS = ["org_unit", "routing_method", "routing_note", "status", "acceptance_clock_from", "platform",
                 "settlement_started_on"]


def complaints_place(complaints: list[Complaint], *, today: datetime.date) -> list[dict]:
    """Route new complaints in memory, reading what a whole batch needs at once (intake writes them after):
    the unit by `jurisdiction`; a complaint against a direct-settlement member goes to the enterprise first,
    anything else starts the acceptance clock on the day of receipt. The triage queue's clock runs from
    receipt too: the city received it. Returns each row's state before routing, for its ROUTED record."""
    units = {unit.pk: unit for unit in OrgUnit.objects.all()}
    members = settlement_members({c.respondent_id for c in complaints
                                  if c.kind == ComplaintKind.COMPLAINT and c.respondent_id}, today)
    routing.place_many([c.respondent_address for c in complaints if c.respondent_id is None], city_map())
    befores = []
    for complaint in complaints:
        befores.append(complaint_snapshot(complaint))
        unit, method, note = jurisdiction(complaint, units)
        complaint.org_unit, complaint.routing_method, complaint.routing_note = unit, method, note[:200]
        if unit is None:
            complaint.status = ComplaintStatus.TRIAGE
            complaint.acceptance_clock_from = complaint.received_on
        elif complaint.kind == ComplaintKind.COMPLAINT and complaint.respondent_id in members:
            complaint.status = ComplaintStatus.DIRECT_SETTLEMENT
            complaint.settlement_started_on = today
            complaint.acceptance_clock_from = None
        else:
            _start_acceptance(complaint, complaint.received_on)
        complaint_deadlines.refresh(complaint)
    return befores


def complaint_routed_steps(complaint: Complaint, before: dict, *, by: User | None) -> list:
    """Once a placed complaint is written: the ROUTED step of its history (and the start of direct
    settlement), audited, unsaved (`complaint_events_save`); the enterprise is told of a settlement."""
    steps = [complaint_event_new(complaint=complaint, kind=ComplaintEventKind.ROUTED, by=by,
                                 to_unit=complaint.org_unit, note=complaint.routing_note, before=before)]
    if complaint.status == ComplaintStatus.DIRECT_SETTLEMENT:
        steps.append(complaint_event_new(
            complaint=complaint, kind=ComplaintEventKind.SETTLEMENT_STARTED, by=by,
            note=_("企业须在 %(day)s 前答复和解结果") % {"day": complaint.settlement_deadline}))
        notify(recipients=_enterprise_users([complaint.respondent_id]), kind=NotificationKind.ASSIGNMENT,
               key=f"complaint-settlement:{complaint.pk}",
               title=_("收到消费者投诉，请在线和解：%(number)s") % {"number": complaint.tracking_number},
               body=_("请于 %(day)s 前与消费者协商和解并答复结果。") % {"day": complaint.settlement_deadline},
               url=reverse("complaints:settlement-list"))
    return steps


def complaint_route(*, complaint: Complaint, by: User | None) -> Complaint:
    """Route one complaint already written without a unit (intake routes its rows before writing them)."""
    with transaction.atomic():
        [before] = complaints_place([complaint], today=timezone.localdate())
        complaint_save(complaint, ROUTED_FIELDS, refresh=True)
        complaint_events_save(complaint_routed_steps(complaint, before, by=by))
    return complaint


def complaint_transfer(*, complaint: Complaint, to_unit: OrgUnit | None, reason: str, by: User | None) -> Complaint:
    """Send a complaint not yet accepted to another unit (移送), or a triage-queue complaint to its unit (市级分派).

    Clock rule: the receiving unit's acceptance period starts on the transfer day (acceptance_clock_from =
    today), as the competent regulator only now has the complaint. Out of the triage queue the clock keeps
    running from receipt: the city received it, and time in the queue must not lengthen the period. Direct settlement is not interrupted: a
    complaint with the enterprise is transferred, if need be, once it comes back."""
    reason = (reason or "").strip()
    today = timezone.localdate()
    # the refusal is audited outside the transaction, so that it survives the exception
    access.require_scope(by, complaint.org_unit, roles=COMPLAINT_HANDLERS, action="transfer complaint", obj=complaint)
    with transaction.atomic():
        seen_unit_id = complaint.org_unit_id
        complaint = Complaint.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=complaint.pk)
        if complaint.org_unit_id != seen_unit_id:
            raise ValidationError({"to_unit": [_("该投诉举报已被移送，请刷新后重试")]})
        if complaint.status not in TRANSFERABLE:
            raise ValidationError({"status": [_("当前状态为“%(status)s”，不能移送") % {
                "status": complaint.get_status_display()}]})
        if to_unit is None or to_unit.parent_id is None:
            raise ValidationError({"to_unit": [_("请选择承办的区县或开发区")]})
        if to_unit.pk == complaint.org_unit_id:
            raise ValidationError({"to_unit": [_("移入单位与当前承办单位相同")]})
        if not reason:
            raise ValidationError({"reason": [_("请填写移送理由")]})
        before = complaint_snapshot(complaint)
        from_unit, from_triage = complaint.org_unit, complaint.status == ComplaintStatus.TRIAGE
        complaint.org_unit, complaint.handler = to_unit, None
        complaint.routing_method = RoutingMethod.TRIAGE if from_triage else RoutingMethod.TRANSFER
        complaint.routing_note = reason[:200]
        _start_acceptance(complaint, (complaint.acceptance_clock_from or today) if from_triage else today)
        complaint_save(complaint, ["org_unit", "handler", "routing_method", "routing_note", "status",
                                   "acceptance_clock_from"], refresh=True)
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.ROUTED if from_triage
                            else ComplaintEventKind.TRANSFERRED, by=by, from_unit=from_unit, to_unit=to_unit,
                            note=reason, before=before)
        notify(recipients=_unit_handlers(to_unit), kind=NotificationKind.ASSIGNMENT,
               key=f"complaint-transfer:{complaint.pk}:{to_unit.pk}:{today}",
               title=_("移入投诉举报：%(number)s") % {"number": complaint.tracking_number},
               body=_("请于 %(day)s 前作出受理决定。") % {"day": complaint.acceptance_deadline},
               url=_detail_url(complaint))
    return complaint


# --- direct settlement ----------------------------------------------------------------------------------------

def _locked_in_settlement(complaint: Complaint) -> Complaint:
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("org_unit", "respondent").get(pk=complaint.pk)
    if complaint.status != ComplaintStatus.DIRECT_SETTLEMENT:
        raise ValidationError({"status": [_("该投诉不在在线和解阶段（当前状态：%(status)s）") % {
            "status": complaint.get_status_display()}]})
    return complaint


def _back_to_regulator(complaint: Complaint, *, clock_from: datetime.date, kind: str, note: str,
                       by: User | None, before: dict) -> None:
    _start_acceptance(complaint, clock_from)
    complaint_save(complaint, ["status", "acceptance_clock_from"], refresh=True)
    complaint_event_add(complaint=complaint, kind=kind, by=by, note=note, before=before)
    notify(recipients=_unit_handlers(complaint.org_unit), kind=NotificationKind.ASSIGNMENT,
           key=f"complaint-settlement-back:{complaint.pk}",
           title=_("在线和解未果，转回受理：%(number)s") % {"number": complaint.tracking_number},
           body=_("请于 %(day)s 前作出受理决定。") % {"day": complaint.acceptance_deadline},
           url=_detail_url(complaint))


def settlement_answer(*, complaint: Complaint, answer: str, note: str, by: User | None) -> Complaint:
    """The respondent's answer, by one of its confirmed users, inside the window or after it (until the daily
    lapse job has returned the complaint). "Not settled" returns it to the regulator at once, clock from
    today: waiting out the window would only delay the consumer."""
    note = (note or "").strip()
    today = timezone.localdate()
    if by is not None and not (access.has_role(by, Role.ENTERPRISE_USER) and by.enterprise_id is not None
                               and by.enterprise_id == complaint.respondent_id):
        raise access.deny(by, action="answer direct settlement", obj=complaint, org_unit=complaint.org_unit)
    with transaction.atomic():
        complaint = _locked_in_settlement(complaint)
        if answer not in SettlementAnswer.values:
            raise ValidationError({"answer": [_("请选择和解结果")]})
        if not note:
            raise ValidationError({"note": [_("请填写答复说明")]})
        before = complaint_snapshot(complaint)
        complaint.settlement_answer, complaint.settlement_note = answer, note
        complaint.settlement_answered_at = timezone.now()
        complaint.save(update_fields=["settlement_answer", "settlement_note", "settlement_answered_at", "updated_at"])
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.SETTLEMENT_ANSWERED, by=by,
                            note=SettlementAnswer(answer).label, before=before)
        if answer == SettlementAnswer.NOT_SETTLED:
            _back_to_regulator(complaint, clock_from=today, kind=ComplaintEventKind.SETTLEMENT_LAPSED, by=by,
                               note=_("企业答复未能和解，转回市场监管部门受理"), before=complaint_snapshot(complaint))
    return complaint


def settlement_confirm(*, complaint: Complaint, settled: bool, by: User | None = None) -> Complaint:
    """The complainant confirms (or denies) the settlement the enterprise reported, on the tracking page.
    Settled: the complaint ends (SETTLED). Not settled: back to the regulator, acceptance clock from today."""
    today = timezone.localdate()
    with transaction.atomic():
        complaint = _locked_in_settlement(complaint)
        if settled and complaint.settlement_answer != SettlementAnswer.SETTLED:
            raise ValidationError({"settled": [_("企业尚未答复已和解，无法确认")]})
        before = complaint_snapshot(complaint)
        if not settled:
            _back_to_regulator(complaint, clock_from=today, kind=ComplaintEventKind.SETTLEMENT_CONFIRMED, by=by,
                               note=_("投诉人表示未能和解，转回市场监管部门受理"), before=before)
            return complaint
        complaint.status, complaint.closed_on = ComplaintStatus.SETTLED, today
        complaint_save(complaint, ["status", "closed_on"], refresh=True)
        complaint_indicators_refresh_on_commit(year=today.year)
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.SETTLEMENT_CONFIRMED, by=by,
                            note=_("投诉人确认已和解"), before=before)
    return complaint


def settlements_lapse(*, today: datetime.date | None = None) -> int:
    """Daily job: a window that passed without a confirmed settlement returns the complaint to the regulator,
    whose acceptance clock starts the day after the window ended (not the day the job noticed)."""
    today = today or timezone.localdate()
    lapsed = 0
    for pk in Complaint.objects.filter(status=ComplaintStatus.DIRECT_SETTLEMENT,
                                       settlement_deadline__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=pk)
            if complaint.status != ComplaintStatus.DIRECT_SETTLEMENT:
                continue
            before = complaint_snapshot(complaint)
            _back_to_regulator(complaint, clock_from=complaint.settlement_deadline + datetime.timedelta(days=1),
                               kind=ComplaintEventKind.SETTLEMENT_LAPSED, by=None,
                               note=_("在线和解期限届满未和解，转回市场监管部门受理"), before=before)
            lapsed += 1
    return lapsed


def _membership_guard(enterprise: Enterprise | None, by: User | None, action: str) -> None:
    """The enterprise decides for itself: one of its own users."""
    if enterprise is None:
        raise ValidationError({"enterprise": [_("当前账号未关联企业")]})
    if by is not None and not (access.has_role(by, Role.ENTERPRISE_USER) and by.enterprise_id == enterprise.pk):
        raise access.deny(by, action=action, obj=enterprise, org_unit=enterprise.org_unit)


def direct_settlement_join(*, enterprise: Enterprise, by: User | None) -> DirectSettlementMembership:
    """Join (or rejoin) direct settlement from today; complaints filed from now on go to the enterprise first."""
    _membership_guard(enterprise, by, "join direct settlement")
    today = timezone.localdate()
    with transaction.atomic():
        membership = DirectSettlementMembership.objects.select_for_update().filter(enterprise=enterprise).first()
        if membership is not None and membership.left_on is None:
            raise ValidationError({"enterprise": [_("该企业已加入在线纠纷解决")]})
        before = snapshot(membership) if membership else None
        membership = membership or DirectSettlementMembership(enterprise=enterprise)
        membership.joined_on, membership.left_on, membership.by = today, None, by
        membership.save()
        audit_record(action=AuditAction.UPDATE if before else AuditAction.CREATE, by=by, obj=membership,
                     org_unit=enterprise.org_unit, message=_("加入在线纠纷解决"), before=before,
                     after=snapshot(membership))
    return membership


def direct_settlement_leave(*, enterprise: Enterprise, by: User | None) -> DirectSettlementMembership:
    """Leave from today; complaints already with the enterprise keep their window."""
    _membership_guard(enterprise, by, "leave direct settlement")
    today = timezone.localdate()
    with transaction.atomic():
        membership = DirectSettlementMembership.objects.select_for_update().filter(enterprise=enterprise).first()
        if membership is None or membership.left_on is not None:
            raise ValidationError({"enterprise": [_("该企业未加入在线纠纷解决")]})
        before = snapshot(membership)
        membership.left_on, membership.by = today, by
        membership.save(update_fields=["left_on", "by"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=membership, org_unit=enterprise.org_unit,
                     message=_("退出在线纠纷解决"), before=before, after=snapshot(membership))
    return membership
