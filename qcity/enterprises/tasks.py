"""Background jobs of the enterprise registry: load ids, call a service, nothing more."""

from celery import shared_task

from qcity.core.request_context import RequestContext, acting_as

from .imports import enterprise_import_process
from .models import EnterpriseImport


@shared_task
def enterprise_import_process_task(import_id: int) -> str:
    record = EnterpriseImport.objects.select_related("created_by").get(pk=import_id)
    with acting_as(RequestContext(channel="job")):
        return enterprise_import_process(record=record).status
