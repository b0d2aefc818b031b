"""Background jobs of the enterprise registry: load ids, call a service, nothing more."""

import logging
from smtplib import SMTPException

from celery import shared_task

from qcity.core.request_context import RequestContext, acting_as

from .accounts import enterprise_invitation_mail_send, invitation_send_failed_mark
from .imports import enterprise_import_process
from .models import EnterpriseImport

logger = logging.getLogger(__name__)


@shared_task
def enterprise_import_process_task(import_id: int) -> str:
    record = EnterpriseImport.objects.select_related("created_by").get(pk=import_id)
    with acting_as(RequestContext(channel="job")):
        return enterprise_import_process(record=record).status


@shared_task(bind=True, max_retries=5)
def enterprise_invitation_send_task(self, invitation_id: int, link: str) -> bool:
    """Mail an invitation; retry a failed send with backoff (1, 2, 4, 8, 16 minutes). Run eagerly (inside a
    web request) it tries once. When the tries are used up the invitation is marked, and the administrator's
    page offers 重新发送."""
    try:
        return enterprise_invitation_mail_send(invitation_id=invitation_id, link=link)
    except (SMTPException, OSError) as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.warning("invitation %s: the mail was not sent (%s)", invitation_id, type(exc).__name__)
            invitation_send_failed_mark(invitation_id)
            return False
        raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries) from None
