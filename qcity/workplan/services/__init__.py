"""Writes of the workplan, split by concept: tasks and progress, supervision (督办), notices (通报)."""

from .notices import notice_issue
from .supervisions import (
    RESPONSE_CODE,
    SuperviseOutcome,
    supervision_escalate,
    supervision_open,
    supervision_resolve,
    tasks_supervise,
)
from .tasks import task_complete, task_create, task_progress_report, task_update, tasks_load_builtin

__all__ = [
    "RESPONSE_CODE",
    "SuperviseOutcome",
    "notice_issue",
    "supervision_escalate",
    "supervision_open",
    "supervision_resolve",
    "task_complete",
    "task_create",
    "task_progress_report",
    "task_update",
    "tasks_load_builtin",
    "tasks_supervise",
]
