"""督办: supervision of overdue tasks, its escalation, and the scheduled job that drives both."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import access, deadlines
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction, NotificationKind
from qcity.core.deadlines import Deadline, deadline
from qcity.core.models import User
from qcity.core.notifications import notify
from qcity.core.roles import OFFICE

from ..choices import SupervisionLevel, SupervisionStatus
from ..models import PlanTask, Supervision
from ..selectors import plan_task_overdue_list, plan_task_responsible_users

RESPONSE_CODE = "supervision-response"  # platform rule: a written answer within 5 working days


def respond_by(supervision: Supervision) -> Deadline:
    """The answer period runs from the day the supervision was opened or last escalated."""
    started = supervision.escalated_at or supervision.opened_at
    return deadline(RESPONSE_CODE, timezone.localdate(started))
"""Platform rule, not a statute: a supervised unit answers within 5 statutory working days (start day
not counted, core.workdays); an unanswered supervision then goes up one level. Change it here."""


def _moment(today: datetime.date | None) -> tuple[datetime.date, datetime.datetime]:
    """The day to count from and the timestamp to record: now, or 09:00 of a given past day (catch-up
    runs with --today and the demo history record when the rule applied, not when they ran)."""
    if today is None or today == timezone.localdate():
        now = timezone.now()
        return timezone.localdate(now), now
    return today, timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))


def _overdue_reason(task: PlanTask, today: datetime.date) -> str:
    return _("任务“%(title)s”完成时限为 %(deadline)s，已逾期 %(days)s 天未完成，请%(department)s在回复期限内书面报告进展。") % {
        "title": task.title, "deadline": f"{task.deadline:%Y-%m-%d}", "days": task.days_late(today),
        "department": task.lead_department.short_name}


def _notify_assigned(supervision: Supervision) -> None:
    """The task's lead department and district are told of a supervision opened or raised; the key names
    the supervision and its level, so each rung is announced once."""
    task = supervision.task
    notify(recipients=plan_task_responsible_users(task=task), kind=NotificationKind.ASSIGNMENT,
           key=f"supervision:{supervision.pk}:level:{supervision.level}",
           title=_("%(level)s：%(code)s %(title)s") % {"level": SupervisionLevel(supervision.level).label,
                                                      "code": task.code, "title": task.title},
           body=_("%(reason)s 回复期限：%(respond_by)s。") % {"reason": supervision.reason,
                                                       "respond_by": f"{supervision.respond_by:%Y-%m-%d}"},
           url=reverse("workplan:plan-task-detail", args=[task.pk]))


def supervision_open(*, task: PlanTask, by: User | None, reason: str = "", level: int = SupervisionLevel.OFFICE,
                     today: datetime.date | None = None) -> Supervision:
    """Open a supervision of an open task. Overdue tasks get a standard reason; others need one."""
    access.require_scope(by, task.org_unit, roles=OFFICE, action="open supervision", obj=task)
    day, at = _moment(today)
    errors = {}
    if not task.is_open:
        errors["task"] = [_("任务已完成，无需督办")]
    elif task.supervisions.filter(status=SupervisionStatus.OPEN).exists():
        errors["task"] = [_("该任务已有未办结的督办")]
    if level not in SupervisionLevel.values:
        errors["level"] = [_("督办级别须为1、2或3")]
    reason = (reason or "").strip()
    if not reason and not errors:
        if not task.is_overdue(day):
            errors["reason"] = [_("任务尚未逾期，请填写督办事由")]
        else:
            reason = _overdue_reason(task, day)
    if errors:
        raise ValidationError(errors)
    supervision = Supervision(task=task, level=level, opened_at=at, opened_by=by, reason=reason[:500])
    deadlines.assign(supervision, "respond_by", respond_by(supervision))
    try:
        with transaction.atomic():
            supervision.save()
            audit_record(action=AuditAction.CREATE, by=by, obj=supervision, org_unit=task.org_unit,
                         message=f"{SupervisionLevel(level).label} of task {task.code}, answer by {supervision.respond_by}")
            _notify_assigned(supervision)
    except IntegrityError as exc:  # another run opened one at the same moment
        raise ValidationError({"task": [_("该任务已有未办结的督办")]}) from exc
    return supervision


def supervision_escalate(*, supervision: Supervision, by: User | None,
                         today: datetime.date | None = None) -> Supervision:
    """One level up, with a fresh answer period (RESPONSE_CODE)."""
    access.require_scope(by, supervision.task.org_unit, roles=OFFICE, action="escalate supervision",
                         obj=supervision)
    if supervision.status != SupervisionStatus.OPEN:
        raise ValidationError({"status": [_("督办已办结，不能升级")]})
    if supervision.level >= SupervisionLevel.CITY_GOVERNMENT:
        raise ValidationError({"level": [_("已是最高级别（市政府督办）")]})
    _day, at = _moment(today)
    before = {"level": supervision.level, "respond_by": supervision.respond_by.isoformat()}
    supervision.level += 1
    supervision.escalated_at = at
    deadlines.assign(supervision, "respond_by", respond_by(supervision))
    with transaction.atomic():
        supervision.save(update_fields=["level", "respond_by", "respond_by_provisional_year", "escalated_at"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=supervision, org_unit=supervision.task.org_unit,
                     before=before, after={"level": supervision.level, "respond_by": supervision.respond_by.isoformat()},
                     message=f"supervision of {supervision.task.code} escalated to {supervision.get_level_display()}")
        _notify_assigned(supervision)
    return supervision


def supervision_resolve(*, supervision: Supervision, by: User | None, resolution: str,
                        at: datetime.datetime | None = None) -> Supervision:
    access.require_scope(by, supervision.task.org_unit, roles=OFFICE, action="resolve supervision",
                         obj=supervision)
    if supervision.status != SupervisionStatus.OPEN:
        raise ValidationError({"status": [_("督办已办结")]})
    if not (resolution or "").strip():
        raise ValidationError({"resolution": [_("请填写办结情况")]})
    supervision.status, supervision.resolved_at = SupervisionStatus.RESOLVED, at or timezone.now()
    supervision.resolution = resolution.strip()[:500]
    with transaction.atomic():
        supervision.save(update_fields=["status", "resolved_at", "resolution"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=supervision, org_unit=supervision.task.org_unit,
                     after={"status": supervision.status, "resolution": supervision.resolution},
                     message=f"supervision of {supervision.task.code} resolved")
    return supervision


@dataclass(frozen=True)
class SuperviseOutcome:
    opened: int
    escalated: int


def plan_tasks_supervise(*, today: datetime.date | None = None) -> SuperviseOutcome:
    """The daily job: supervise every overdue open task that has no open supervision, and escalate
    every open supervision whose answer period ended before today. Running it twice on one day
    changes nothing the second time (escalation restarts the answer period from today)."""
    day, _ = _moment(today)
    opened = escalated = 0
    unsupervised = plan_task_overdue_list(today=day).exclude(supervisions__status=SupervisionStatus.OPEN)
    for task in unsupervised:
        try:
            supervision_open(task=task, by=None, today=day)
        except ValidationError:
            continue  # completed or supervised meanwhile
        opened += 1
    due = (Supervision.objects.select_related("task__lead_department", "task__org_unit")
           .filter(status=SupervisionStatus.OPEN, respond_by__lt=day, level__lt=SupervisionLevel.CITY_GOVERNMENT))
    for supervision in due:
        supervision_escalate(supervision=supervision, by=None, today=day)
        escalated += 1
    return SuperviseOutcome(opened=opened, escalated=escalated)
