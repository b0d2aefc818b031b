"""Background jobs of the complaints module: call a service, nothing more."""

import datetime

from celery import shared_task
from django.utils import timezone

from qcity.core.request_context import RequestContext, acting_as

from .services.escalation import complaints_overdue_escalate
from .services.retention import complaints_anonymise
from .services.routing import settlements_lapse


@shared_task
def complaints_anonymise_task(today: str | None = None) -> int:
    """Nightly (beat): anonymise the complaints finished before the retention period (PIPL)."""
    with acting_as(RequestContext(channel="job")):
        return complaints_anonymise(today=datetime.date.fromisoformat(today) if today else None)


@shared_task
def settlements_lapse_task(today: str | None = None) -> int:
    """Daily (beat): direct settlements whose window passed go back to the regulator's acceptance."""
    with acting_as(RequestContext(channel="job")):
        return settlements_lapse(today=datetime.date.fromisoformat(today) if today else None)


@shared_task
def complaints_overdue_escalate_task(today: str | None = None) -> int:
    """Daily (beat): escalate the open complaints and reports whose deadline passed (逾期督办)."""
    with acting_as(RequestContext(channel="job")):
        return complaints_overdue_escalate(today=datetime.date.fromisoformat(today) if today else timezone.localdate())
