"""Background jobs of the trace module: load ids, call a service, nothing more."""

from celery import shared_task
from django.utils import timezone

from qcity.core.request_context import RequestContext, acting_as

from .models import CaptureJob
from .partitions import event_partitions_ensure
from .services.capture import capture_job_run


@shared_task
def capture_job_run_task(job_id: str) -> str:
    """Capture a big EPCIS document kept with its capture job (queued by `epcis_capture`)."""
    with acting_as(RequestContext(channel="job")):
        job = CaptureJob.objects.select_related("submitted_by").get(pk=job_id)
        return capture_job_run(job=job).status


@shared_task
def event_partitions_create_task() -> list[str]:
    """Daily (beat): create the event store's monthly partitions ahead (PostgreSQL)."""
    with acting_as(RequestContext(channel="job")):
        return event_partitions_ensure(today=timezone.localdate())
