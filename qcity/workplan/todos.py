"""To-do items of the workplan (`core.todos`): plan tasks coming due, supervisions (督办) to answer, plan
tasks past their deadline — for those who answer for a task (its lead and supporting departments'
reporters, the district officers of the district carrying it out: the scope of `selectors.plan_task_list`).

A task is "coming due" once its deadline is within `DUE_SOON_WORKING_DAYS` working days (about a month):
the time to send the last progress report and the deliverable. The day itself is still in time; the day
after, the task is past its deadline. A supervision is due on its answer deadline (`respond_by`).

Reminders (`plan_task_reminders`, `supervision_reminders`) are built in bulk for the daily job: one query on
the tasks (a UNION of the lead and supporting departments' rows) or supervisions whatever their number, plus
two small lookups of who holds the reporter and district-officer roles.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core import todos, workdays
from qcity.core.choices import Role
from qcity.core.models import RoleAssignment, User
from qcity.core.roles import OFFICE, PROGRAMME

from .choices import PlanTaskStatus, SupervisionLevel, SupervisionStatus
from .models import PlanTask, Supervision
from .selectors import plan_task_list, supervision_list

DUE_SOON_WORKING_DAYS = 20


def _open_tasks(user: User) -> QuerySet[PlanTask]:
    return plan_task_list(user=user).exclude(status=PlanTaskStatus.COMPLETED).prefetch_related(None)


@functools.lru_cache(maxsize=16)
def _task_url_pattern(script_prefix: str, urlconf: str | None) -> str:
    """The task page's address with a placeholder for the pk: reversed once (per script prefix and
    urlconf), not once per task — the reminder job builds thousands of items."""
    return reverse("workplan:plan-task-detail", args=[987654321], urlconf=urlconf).replace("987654321", "{pk}")


def _task_url(pk: int) -> str:
    return _task_url_pattern(get_script_prefix(), get_urlconf()).format(pk=pk)


def _task_item(pk: int, code: str, title: str, deadline: datetime.date, detail: str = "") -> todos.TodoItem:
    return todos.TodoItem(title=f"{code} {title}", url=_task_url(pk), due_on=deadline, detail=detail)


# --- tasks coming due ---------------------------------------------------------------------------------------


def _due_soon(user: User, today: datetime.date) -> QuerySet[PlanTask]:
    horizon = workdays.add_working_days(today, DUE_SOON_WORKING_DAYS)
    return _open_tasks(user).filter(deadline__gte=today, deadline__lte=horizon)


def plan_tasks_due(user: User, today: datetime.date, limit: int) -> list[todos.TodoItem]:
    rows = _due_soon(user, today).order_by("deadline", "code", "pk").values_list(
        "pk", "code", "title", "deadline", "progress")[:limit]
    return [_task_item(pk, code, title, deadline, _("当前进度 %(progress)s%%") % {"progress": progress})
            for pk, code, title, deadline, progress in rows]


def _task_counts(user: User, today: datetime.date) -> dict[str, int]:
    """Open tasks coming due and overdue, counted in one query (shared by the two sources in a registry pass)."""
    def compute() -> dict[str, int]:
        horizon = workdays.add_working_days(today, DUE_SOON_WORKING_DAYS)
        return _open_tasks(user).aggregate(
            due=Count("pk", filter=Q(deadline__gte=today, deadline__lte=horizon)),
            overdue=Count("pk", filter=Q(deadline__lt=today)))

    return todos.shared(user, f"workplan.task-counts:{today}", compute)


def plan_tasks_due_count(user: User, today: datetime.date) -> int:
    return _task_counts(user, today)["due"]


# --- tasks past their deadline ------------------------------------------------------------------------------


def _overdue(user: User, today: datetime.date) -> QuerySet[PlanTask]:
    return _open_tasks(user).filter(deadline__lt=today)


def plan_tasks_overdue(user: User, today: datetime.date, limit: int) -> list[todos.TodoItem]:
    """The longest overdue first (the nearest deadline is the one that passed first)."""
    rows = _overdue(user, today).order_by("deadline", "code", "pk").values_list(
        "pk", "code", "title", "deadline")[:limit]
    return [_task_item(pk, code, title, deadline,
                       _("已逾期 %(days)s 天") % {"days": (today - deadline).days})
            for pk, code, title, deadline in rows]


def plan_tasks_overdue_count(user: User, today: datetime.date) -> int:
    return _task_counts(user, today)["overdue"]


# --- supervisions -----------------------------------------------------------------------------------------


def _open_supervisions(user: User) -> QuerySet[Supervision]:
    return supervision_list(user=user).filter(status=SupervisionStatus.OPEN)


def supervisions_open(user: User, today: datetime.date, limit: int) -> list[todos.TodoItem]:
    """Open supervisions of the user's tasks, the nearest answer deadline first, the reason as the detail."""
    rows = _open_supervisions(user).order_by("respond_by", "pk").values_list(
        "task_id", "task__code", "task__title", "level", "respond_by", "respond_by_provisional_year", "reason")[:limit]
    return [todos.TodoItem(title=f"{SupervisionLevel(level).label}：{code} {title}", url=_task_url(task_id),
                           due_on=respond_by, detail=reason, provisional=provisional is not None)
            for task_id, code, title, level, respond_by, provisional, reason in rows]


def supervisions_open_count(user: User, today: datetime.date) -> int:
    return _open_supervisions(user).count()


# --- reminders, in bulk -----------------------------------------------------------------------------------


def _reporters_by_department() -> dict[int, list[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    rows = (RoleAssignment.objects.filter(role=Role.DEPARTMENT_REPORTER, user__is_active=True,
                                          user__department__isnull=False)
            .values_list("user__department_id", "user_id"))
    for department_id, user_id in rows:
        found[department_id].add(user_id)
    return {k: sorted(v) for k, v in found.items()}


def plan_task_reminders(today: datetime.date) -> Iterator[todos.Reminder]:
    """Each responsible user of every open task due exactly 3 working days ahead or that just passed its
    deadline (see `core.todos.reminder_days`)."""
    soon, overdue_from = todos.reminder_days(today)
    due = PlanTask.objects.exclude(status=PlanTaskStatus.COMPLETED).filter(deadline__gte=overdue_from,
                                                                           deadline__lte=soon)
    due = due.exclude(deadline__gte=today, deadline__lt=soon)
    lead = due.order_by().values_list("pk", "code", "title", "deadline", "lead_department_id", "org_unit__path")
    through = PlanTask.supporting_departments.through.objects.filter(plantask__in=due.values("pk"))
    supporting = through.order_by().values_list("plantask_id", "plantask__code", "plantask__title",
                                                "plantask__deadline", "department_id", "plantask__org_unit__path")
    rows = list(lead.union(supporting, all=True))
    if not rows:
        return
    reporters, officers = _reporters_by_department(), todos.district_officers(row[-1] for row in rows)
    sent: set[tuple[int, int]] = set()
    for pk, code, title, deadline, department_id, path in rows:
        kind = todos.reminder_kind(deadline, today)
        if kind is None:
            continue
        item = _task_item(pk, code, title, deadline)
        for user_id in [*reporters.get(department_id, []), *officers.get(path, [])]:
            if (pk, user_id) not in sent:
                sent.add((pk, user_id))
                yield todos.Reminder(user_id, item, f"plan-task:{pk}:deadline:{deadline.isoformat()}:{kind}")


def supervision_reminders(today: datetime.date) -> Iterator[todos.Reminder]:
    """The lead department's reporters and the district officers of every open supervision whose answer is
    due exactly 3 working days ahead or just passed."""
    soon, overdue_from = todos.reminder_days(today)
    rows = list(Supervision.objects.filter(status=SupervisionStatus.OPEN, respond_by__gte=overdue_from,
                                           respond_by__lte=soon)
                .exclude(respond_by__gte=today, respond_by__lt=soon).order_by()
                .values_list("pk", "task_id", "task__code", "task__title", "level", "respond_by",
                             "respond_by_provisional_year", "task__lead_department_id", "task__org_unit__path"))
    if not rows:
        return
    reporters, officers = _reporters_by_department(), todos.district_officers(row[-1] for row in rows)
    for pk, task_id, code, title, level, respond_by, provisional, department_id, path in rows:
        kind = todos.reminder_kind(respond_by, today)
        if kind is None:
            continue
        item = todos.TodoItem(title=f"{SupervisionLevel(level).label}：{code} {title}", url=_task_url(task_id),
                              due_on=respond_by, provisional=provisional is not None)
        for user_id in dict.fromkeys([*reporters.get(department_id, []), *officers.get(path, [])]):
            yield todos.Reminder(user_id, item, f"supervision:{pk}:respond-by:{respond_by.isoformat()}:{kind}")


def register() -> None:
    todos.register(todos.TodoSource(
        key="workplan.supervisions", label=gettext_lazy("督办待回复"), roles=PROGRAMME - OFFICE,
        items=supervisions_open, count=supervisions_open_count, menu="workplan:supervision-list",
        list_url="workplan:supervision-list", reminders=supervision_reminders, order=20))
    todos.register(todos.TodoSource(
        key="workplan.plan-tasks-overdue", label=gettext_lazy("已逾期的任务"), roles=PROGRAMME - OFFICE,
        items=plan_tasks_overdue, count=plan_tasks_overdue_count, menu="workplan:plan-task-list",
        list_url="workplan:plan-task-list", reminders=plan_task_reminders, order=21))
    todos.register(todos.TodoSource(
        key="workplan.plan-tasks-due", label=gettext_lazy("即将到期的任务"), roles=PROGRAMME - OFFICE,
        items=plan_tasks_due, count=plan_tasks_due_count, menu="workplan:plan-task-list",
        list_url="workplan:plan-task-list", order=22))
