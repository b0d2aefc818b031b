"""Background jobs of the credit module: call a service, nothing more."""

import datetime

from celery import shared_task

from qcity.core.request_context import RequestContext, acting_as

from .services import credit_lists_maintain, credit_reclassify_all


@shared_task
def credit_reclassify_task(on: str | None = None) -> dict[str, int]:
    """Nightly (beat): classify every enterprise (SAMR classifies monthly; nightly keeps the pools fresh)."""
    with acting_as(RequestContext(channel="job")):
        outcome = credit_reclassify_all(on=datetime.date.fromisoformat(on) if on else None)
    return {"enterprises": outcome.enterprises, "changed": outcome.changed}


@shared_task
def credit_lists_maintain_task(today: str | None = None) -> dict[str, int]:
    """Daily (beat): escalate abnormal listings after 3 years, remove serious and red-list entries at term."""
    with acting_as(RequestContext(channel="job")):
        return credit_lists_maintain(today=datetime.date.fromisoformat(today) if today else None)
