"""Writes of the workplan, split by concept: tasks and progress, supervision (督办), notices (通报)."""

from .notices import notice_issue
from .plan_tasks import (
    plan_task_complete,
    plan_task_create,
    plan_task_progress_report,
    plan_task_update,
    plan_tasks_load_builtin,
)
from .supervisions import (
    RESPONSE_CODE,
    SuperviseOutcome,
    plan_tasks_supervise,
    supervision_escalate,
    supervision_open,
    supervision_resolve,
)

__all__ = [
    "RESPONSE_CODE",
    "SuperviseOutcome",
    "notice_issue",
    "supervision_escalate",
    "supervision_open",
    "supervision_resolve",
    "plan_task_complete",
    "plan_task_create",
    "plan_task_progress_report",
    "plan_task_update",
    "plan_tasks_load_builtin",
    "plan_tasks_supervise",
]
