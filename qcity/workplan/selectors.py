"""Reads of the workplan: tasks in each user's scope, the overdue list, and per-department tallies.

Scope: the leadership office sees every task; a department reporter the tasks their department leads
or supports; a district officer the tasks carried out by an org unit they cover.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.models import User
from qcity.core.roles import OFFICE

from .choices import PlanTaskStatus, SupervisionStatus
from .models import Notice, PlanTask, Supervision


def _scope(user: User) -> Q | None:
    """A Q on PlanTask for what `user` may see; None for every task."""
    roles = access.roles_of(user)
    condition = Q(pk__in=[])
    if Role.LEADERSHIP_OFFICE in roles:
        if access.org_unit_scope(user, OFFICE) is None:
            return None
        condition |= Q(org_unit__in=access.covered_org_units(user, OFFICE))
    if Role.DEPARTMENT_REPORTER in roles and user.department_id:
        supported = PlanTask.supporting_departments.through.objects.filter(department_id=user.department_id)
        condition |= Q(lead_department_id=user.department_id) | Q(pk__in=supported.values("plantask_id"))
    if Role.DISTRICT_OFFICER in roles:
        prefixes = access.org_unit_scope(user, [Role.DISTRICT_OFFICER])
        condition |= (Q(org_unit__isnull=False) if prefixes is None
                      else Q(org_unit__in=access.covered_org_units(user, [Role.DISTRICT_OFFICER])))
    return condition


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def plan_task_list(*, user: User | None = None) -> QuerySet[PlanTask]:
    queryset = PlanTask.objects.select_related("plan", "lead_department", "org_unit").prefetch_related(
        "supporting_departments")
    if user is None:
        return queryset
    scope = _scope(user)
    return queryset if scope is None else queryset.filter(scope)


def plan_task_get(*, user: User, pk: int) -> PlanTask:
    return get_object_or_404(plan_task_list(user=user), pk=pk)


def plan_task_overdue_list(*, user: User | None = None, today: datetime.date | None = None) -> QuerySet[PlanTask]:
    """Open tasks past their deadline (the deadline day itself is still in time), oldest deadline first."""
    return (plan_task_list(user=user).exclude(status=PlanTaskStatus.COMPLETED).filter(deadline__lt=_today(today))
            .order_by("deadline", "code"))


def plan_task_quote_spans(*, plan) -> list[tuple[int, int]]:
    """(start, end) offsets of the plan-text spans tasks quote, for anchoring them on the plan page."""
    rows = PlanTask.objects.filter(plan=plan, quote_start__isnull=False).values_list("quote_start", "quote")
    return sorted({(start, start + len(quote)) for start, quote in rows})


@dataclass(frozen=True)
class PlanTaskTally:
    """A lead department's tasks due in a year, by outcome (what the annual assessment scores)."""

    total: int = 0
    completed_on_time: int = 0
    completed_late: int = 0
    open_overdue: int = 0
    open_not_due: int = 0


def plan_task_tallies(*, year: int, today: datetime.date | None = None) -> dict[int, PlanTaskTally]:
    """Keyed by the lead department's id, for tasks whose deadline falls in `year`.

    On time means completed on or before the deadline day (local date of completion).
    """
    today = _today(today)
    done = Q(status=PlanTaskStatus.COMPLETED)
    rows = (
        PlanTask.objects.filter(deadline__year=year).values("lead_department_id").order_by()
        .annotate(
            total=Count("id"),
            completed_on_time=Count("id", filter=done & Q(completed_at__date__lte=F("deadline"))),
            completed_late=Count("id", filter=done & Q(completed_at__date__gt=F("deadline"))),
            open_overdue=Count("id", filter=~done & Q(deadline__lt=today)),
            open_not_due=Count("id", filter=~done & Q(deadline__gte=today)),
        )
    )
    return {row.pop("lead_department_id"): PlanTaskTally(**row) for row in rows}


def plan_task_can_report(*, user: User, task: PlanTask) -> bool:
    """Lead or supporting department reporters, the district officer of a district task, the office."""
    if not task.is_open:
        return False
    return _may_act(user, task, supporting=True)


def plan_task_can_complete(*, user: User, task: PlanTask) -> bool:
    """Only the lead department (or the district for its task) declares a task done, or the office."""
    return task.is_open and _may_act(user, task, supporting=False)


def _may_act(user: User, task: PlanTask, *, supporting: bool) -> bool:
    roles = access.roles_of(user)
    if Role.LEADERSHIP_OFFICE in roles and (access.org_unit_scope(user, OFFICE) is None
                                            or access.covers(user, task.org_unit, OFFICE)):
        return True
    if Role.DEPARTMENT_REPORTER in roles and user.department_id:
        if task.lead_department_id == user.department_id:
            return True
        if supporting and task.supporting_departments.filter(pk=user.department_id).exists():
            return True
    if Role.DISTRICT_OFFICER in roles and task.org_unit_id is not None:
        return access.covers(user, task.org_unit, [Role.DISTRICT_OFFICER])
    return False


def supervision_list(*, user: User | None = None) -> QuerySet[Supervision]:
    queryset = Supervision.objects.select_related("task__lead_department", "task__org_unit", "task__plan",
                                                  "opened_by")
    if user is None:
        return queryset
    return queryset.filter(task__in=plan_task_list(user=user).values("pk"))


def supervision_open_for(*, task: PlanTask) -> Supervision | None:
    return task.supervisions.filter(status=SupervisionStatus.OPEN).first()


def notice_list() -> QuerySet[Notice]:
    """Notices are circulated to every member unit, so every viewer role reads all of them."""
    return Notice.objects.select_related("issued_by").prefetch_related("tasks")


def plan_task_responsible_users(*, task: PlanTask, supporting: bool = False) -> QuerySet[User]:
    """Who answers for a task: the reporters of its lead department (and of its supporting departments
    when `supporting`) and the district officers covering the district that carries it out — those who
    see it in their scope (`_scope`). One query."""
    departments = [task.lead_department_id]
    if supporting:
        departments += list(task.supporting_departments.values_list("pk", flat=True))
    who = Q(role_assignments__role=Role.DEPARTMENT_REPORTER, department_id__in=departments)
    if task.org_unit_id is not None:
        ancestors = [int(pk) for pk in task.org_unit.path.strip("/").split("/") if pk]
        who |= Q(role_assignments__role=Role.DISTRICT_OFFICER, role_assignments__org_unit_id__in=ancestors)
    return User.objects.filter(who, is_active=True).distinct().order_by("pk")
