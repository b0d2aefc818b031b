"""Background jobs of the workplan: call a service, nothing more."""

import datetime

from celery import shared_task

from qcity.core.request_context import RequestContext, acting_as

from .services import plan_tasks_supervise


@shared_task
def plan_tasks_supervise_task(today: str | None = None) -> dict[str, int]:
    """Daily (beat): open supervisions of overdue tasks and escalate unanswered ones."""
    with acting_as(RequestContext(channel="job")):
        outcome = plan_tasks_supervise(today=datetime.date.fromisoformat(today) if today else None)
    return {"opened": outcome.opened, "escalated": outcome.escalated}
