"""Tasks of a plan: the built-in task list, edits by the office, progress reports and completion."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.audit import audit_record, changed, snapshot
from qcity.core.choices import AuditAction
from qcity.core.models import Department, OrgUnit, User
from qcity.core.roles import OFFICE
from qcity.core.uploads import ATTACHMENT_TYPES, validate_upload
from qcity.indicators.models import Plan

from ..choices import PlanTaskStatus, SupervisionStatus
from ..models import PlanTask, Supervision, TaskProgress
from ..selectors import plan_task_can_complete, plan_task_can_report

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
EDITABLE_FIELDS = ("title", "section", "quote", "lead_department", "supporting_departments", "org_unit",
                   "start_date", "deadline", "deliverable")


def _quote_start(plan: Plan, quote: str) -> int | None:
    if not quote.strip():
        raise ValidationError({"quote": [_("请填写任务对应的规划原文")]})
    if not plan.text:
        return None
    start = plan.text.find(quote)
    if start < 0:
        raise ValidationError({"quote": [_("规划原文中没有这段文字，请逐字复制原文")]})
    return start


def _check(task: PlanTask) -> None:
    errors = {}
    try:
        task.full_clean(exclude=["plan", "lead_department", "org_unit"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if task.deadline and task.plan_id and not (task.plan.period_start <= task.deadline.year <= task.plan.period_end):
        errors.setdefault("deadline", []).append(
            _("完成时限须在规划期 %(start)s–%(end)s 年内") % {"start": task.plan.period_start, "end": task.plan.period_end})
    if PlanTask.objects.filter(plan_id=task.plan_id, code=task.code).exclude(pk=task.pk).exists():
        errors.setdefault("code", []).append(_("该规划下已有编号为 %(code)s 的任务") % {"code": task.code})
    if errors:
        raise ValidationError(errors)


def plan_task_create(*, by: User | None, plan: Plan, code: str, title: str, quote: str, lead_department: Department,
                start_date: datetime.date, deadline: datetime.date, deliverable: str, section: str = "",
                supporting_departments: list[Department] | tuple = (), org_unit: OrgUnit | None = None) -> PlanTask:
    access.require_role(by, *OFFICE, action="create task")
    task = PlanTask(plan=plan, code=code.strip(), title=title.strip(), section=section, quote=quote,
                lead_department=lead_department, org_unit=org_unit, start_date=start_date, deadline=deadline,
                deliverable=deliverable.strip())
    task.quote_start = _quote_start(plan, quote)
    _check(task)
    supporting = [d for d in supporting_departments if d.pk != lead_department.pk]
    try:
        with transaction.atomic():
            task.save()
            task.supporting_departments.set(supporting)
            audit_record(action=AuditAction.CREATE, by=by, obj=task, org_unit=org_unit,
                         after=snapshot(task) | {"supporting_departments": sorted(d.pk for d in supporting)})
    except IntegrityError as exc:  # a concurrent insert of the same code
        raise ValidationError({"code": [_("该规划下已有编号为 %(code)s 的任务") % {"code": task.code}]}) from exc
    return task


def plan_task_update(*, task: PlanTask, by: User | None, **fields) -> PlanTask:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("该字段不可修改")] for name in unknown})
    access.require_role(by, *OFFICE, action="update task")
    supporting = fields.pop("supporting_departments", None)
    before = snapshot(task)
    before_supporting = sorted(task.supporting_departments.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(task, name, value)
    if "quote" in fields:
        task.quote_start = _quote_start(task.plan, task.quote)
    _check(task)
    with transaction.atomic():
        task.save()
        if supporting is not None:
            task.supporting_departments.set([d for d in supporting if d.pk != task.lead_department_id])
        old, new = changed(before, snapshot(task))
        for key in ("updated_at", "created_at"):
            old.pop(key, None)
            new.pop(key, None)
        after_supporting = sorted(task.supporting_departments.values_list("pk", flat=True))
        if after_supporting != before_supporting:
            old["supporting_departments"], new["supporting_departments"] = before_supporting, after_supporting
        if new:
            audit_record(action=AuditAction.UPDATE, by=by, obj=task, org_unit=task.org_unit, before=old, after=new)
    return task


def plan_task_progress_report(*, task: PlanTask, by: User | None, percent: int, text: str, attachment=None,
                         at: datetime.datetime | None = None) -> TaskProgress:
    """Record a progress report and move the task's progress. `at` back-dates history (demo, imports);
    pages and the API always leave it None."""
    if by is not None and not plan_task_can_report(user=by, task=task):
        if not task.is_open:
            raise ValidationError({"task": [_("任务已完成，不能再报送进展")]})
        raise access.deny(by, action="report task progress", obj=task, org_unit=task.org_unit)
    if not task.is_open:
        raise ValidationError({"task": [_("任务已完成，不能再报送进展")]})
    errors = {}
    if percent is None or not 0 <= int(percent) <= 100:
        errors["percent"] = [_("进度须为0到100之间的整数")]
    if not (text or "").strip():
        errors["text"] = [_("请填写进展情况")]
    if errors:
        raise ValidationError(errors)
    if attachment:
        validate_upload(attachment, field="attachment", allowed=ATTACHMENT_TYPES, label=_("附件"))
    percent = int(percent)
    department = by.department if by is not None and by.department_id else None
    with transaction.atomic():
        report = TaskProgress.objects.create(
            task=task, department=department or (task.lead_department if by is None else None), reported_by=by,
            reported_at=at or timezone.now(), percent=percent, text=text.strip(), attachment=attachment or "")
        task.progress = percent
        if task.status == PlanTaskStatus.NOT_STARTED:
            task.status = PlanTaskStatus.IN_PROGRESS
        task.save(update_fields=["progress", "status", "updated_at"])
        audit_record(action=AuditAction.CREATE, by=by, obj=report, org_unit=task.org_unit,
                     message=f"progress of task {task.code}: {percent}%")
    return report


def plan_task_complete(*, task: PlanTask, by: User | None, note: str = "", at: datetime.datetime | None = None) -> PlanTask:
    """Mark a task completed; an open supervision of it is resolved with it, since its cause is gone."""
    if not task.is_open:
        raise ValidationError({"status": [_("任务已经完成")]})
    if by is not None and not plan_task_can_complete(user=by, task=task):
        raise access.deny(by, action="complete task", obj=task, org_unit=task.org_unit)
    at = at or timezone.now()
    with transaction.atomic():
        task.status, task.progress, task.completed_at = PlanTaskStatus.COMPLETED, 100, at
        task.save(update_fields=["status", "progress", "completed_at", "updated_at"])
        late = task.days_late(timezone.localdate(at))
        audit_record(action=AuditAction.UPDATE, by=by, obj=task, org_unit=task.org_unit,
                     after={"status": task.status, "completed_at": at.isoformat()},
                     message=f"task {task.code} completed" + (f", {late} days late" if late else " on time")
                     + (f": {note}"[:200] if note else ""))
        for supervision in Supervision.objects.filter(task=task, status=SupervisionStatus.OPEN):
            supervision.status, supervision.resolved_at = SupervisionStatus.RESOLVED, at
            supervision.resolution = _("任务已完成")
            supervision.save(update_fields=["status", "resolved_at", "resolution"])
            audit_record(action=AuditAction.UPDATE, by=by, obj=supervision, org_unit=task.org_unit,
                         message=f"supervision of {task.code} resolved: task completed")
    return task


# --- built-in task lists ---------------------------------------------------------------------------


def plan_tasks_file(plan: Plan) -> Path:
    return DATA_DIR / f"{plan.code}-tasks.json"


def _builtin_errors(items: list[dict], plan: Plan, departments: dict[str, Department]) -> list[str]:
    """Shipped data, but a typo in it must fail loudly, naming the task."""
    errors, codes = [], set()
    for item in items:
        code = item.get("code") or "?"
        if code in codes:
            errors.append(f"{code}: duplicate code")
        codes.add(code)
        if item.get("quote", "") not in plan.text or not item.get("quote"):
            errors.append(f"{code}: quote not in the plan text: {item.get('quote', '')[:40]!r}")
        for name in [item.get("lead_department"), *item.get("supporting_departments", [])]:
            if name not in departments:
                errors.append(f"{code}: unknown department {name!r}")
        try:
            start = datetime.date.fromisoformat(item["start_date"])
            deadline = datetime.date.fromisoformat(item["deadline"])
        except (KeyError, TypeError, ValueError):
            errors.append(f"{code}: start_date and deadline must be YYYY-MM-DD")
            continue
        if deadline < start or not plan.period_start <= deadline.year <= plan.period_end:
            errors.append(f"{code}: deadline {deadline} outside {start}…{plan.period_end}-12-31")
    return errors


def plan_tasks_load_builtin(*, plan: Plan, by: User | None) -> list[PlanTask]:
    """Load or refresh the task list shipped for `plan`; all or nothing, idempotent.

    Refreshing rewrites the definition (title, quote, departments, dates) but never the progress,
    status or supervision history. A task dropped from the file goes unless it has a history.
    """
    access.require_role(by, *OFFICE, action="load built-in tasks")
    path = plan_tasks_file(plan)
    if not path.exists():
        raise ValidationError({"plan": [_("规划 %(code)s 没有内置任务清单") % {"code": plan.code}]})
    items = json.loads(path.read_text(encoding="utf-8"))["tasks"]
    departments = {d.code: d for d in Department.objects.all()}
    errors = _builtin_errors(items, plan, departments)
    if errors:
        raise ValidationError([f"{path.name}: {e}" for e in errors])
    tasks, created_count = [], 0
    with transaction.atomic():
        for item in items:
            task, created = PlanTask.objects.update_or_create(plan=plan, code=item["code"], defaults={
                "title": item["title"], "section": item.get("section", "")[:200], "quote": item["quote"],
                "quote_start": plan.text.find(item["quote"]),
                "lead_department": departments[item["lead_department"]],
                "start_date": datetime.date.fromisoformat(item["start_date"]),
                "deadline": datetime.date.fromisoformat(item["deadline"]),
                "deliverable": item["deliverable"][:300], "is_builtin": True,
            })
            task.supporting_departments.set([departments[c] for c in item.get("supporting_departments", [])])
            created_count += created
            tasks.append(task)
        dropped = (PlanTask.objects.filter(plan=plan, is_builtin=True).exclude(pk__in=[t.pk for t in tasks])
                   .filter(progress_reports__isnull=True, supervisions__isnull=True, notices__isnull=True))
        dropped_count, _per_model = dropped.delete()
        audit_record(action=AuditAction.IMPORT, by=by, obj=plan,
                     message=f"built-in tasks of {plan.code}: {len(tasks)} ({created_count} new, "
                             f"{dropped_count} dropped rows)")
    return tasks
