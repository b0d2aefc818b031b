"""Scheduled jobs of the core module."""

import datetime
import logging
from importlib import import_module

from celery import shared_task
from celery.exceptions import MaxRetriesExceededError
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from . import export_jobs, notifications, workdays
from .choices import NotificationKind, Role
from .idempotency import idempotency_records_purge
from .models import User
from .services import deadlines_recompute

logger = logging.getLogger(__name__)


WARN_FROM_MONTH = 11  # the State Council publishes next year's schedule in November or December


def _years_missing(today: datetime.date) -> list[int]:
    years = [today.year] + ([today.year + 1] if today.month >= WARN_FROM_MONTH else [])
    return [year for year in years if not workdays.is_official(year)]


def holiday_calendar_coverage(today: datetime.date | None = None) -> str:
    """For the system administrator: the years, this one or (from 1 November) the next, whose official
    holiday schedule is missing, and how to enter it. Empty when nothing is missing."""
    missing = _years_missing(today or timezone.localdate())
    if not missing:
        return ""
    listed = "、".join(gettext("%(year)s年") % {"year": year} for year in missing)
    return gettext("%(years)s法定节假日安排尚未录入：计入%(years)s的工作日期限按放假办法暂定计算，并标注“暂定”。"
                   "国务院办公厅通知公布后，请在“节假日安排”中点击“录入或导入年度安排”（可逐行录入，或上传 xlsx/JSON "
                   "文件），暂定期限将自动重算。") % {"years": listed}


@shared_task
def check_holiday_calendar_coverage() -> str:
    """Daily: log the warning and tell the system administrators once per set of missing years (the message
    centre, and their chosen channels)."""
    today = timezone.localdate()
    message = holiday_calendar_coverage(today)
    if message:
        logger.warning(message)
        missing = _years_missing(today)
        notifications.notify(
            recipients=User.objects.filter(is_active=True, role_assignments__role=Role.SYSTEM_ADMIN).distinct(),
            kind=NotificationKind.DEADLINE_SOON, key="holiday-schedule-missing:" + ",".join(map(str, missing)),
            title=gettext("法定节假日安排尚未录入"), body=message, url=reverse("core:holiday-calendar"))
    return message


@shared_task
def deadlines_recompute_task(*, year: int, by_id: int | None, trigger: str) -> dict:
    """After a year's official holiday schedule was entered: recompute the stored deadlines it moves."""
    by = User.objects.filter(pk=by_id).first() if by_id else None
    run = deadlines_recompute(year=year, by=by, trigger=trigger)
    return {"recomputation": run.pk, "checked": run.checked, "moved": run.moved}


@shared_task
def idempotency_records_purge_task() -> int:
    """Hourly: forget Idempotency-Keys and form tokens older than 24 hours."""
    return idempotency_records_purge()


@shared_task
def sessions_clear_expired_task() -> None:
    """Nightly: delete the expired sessions from the database (Django's `clearsessions`, for the store in use;
    a copy in the cache expires by itself). Nothing else removes a session the user never logged out of."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task(bind=True, max_retries=5)
def notification_deliveries_send_task(self, delivery_ids: list[int]) -> int:
    """Send the queued e-mail and SMS deliveries; retry the failed ones with backoff (1, 2, 4, 8, 16
    minutes). Run eagerly (inside a web request) it tries once: the sweep retries later, so a gateway that
    is down never holds up the user's request."""
    pending = notifications.notification_deliveries_send(delivery_ids)
    if pending and not self.request.is_eager:
        try:
            raise self.retry(args=[pending], countdown=60 * 2 ** self.request.retries)
        except MaxRetriesExceededError:
            logger.warning("notification deliveries %s…: retries used up, left to the sweep", pending[0])
    return len(pending)


@shared_task
def notification_deliveries_retry_task() -> int:
    """Every 15 minutes: try again the deliveries still pending an hour after they were queued."""
    return notifications.notification_deliveries_sweep()


@shared_task
def deadline_reminders_send_task() -> dict:
    """Daily: the deadline reminders (3 working days ahead, and overdue since yesterday), in bulk."""
    run = notifications.deadline_reminders_send(today=timezone.localdate())
    return {"reminders": run.reminders, "notifications": run.notifications, "deliveries": run.deliveries}


@shared_task
def export_job_build_task(job_id: int) -> str:
    """A list export too large for the request (`core.export_jobs`)."""
    job = export_jobs.export_job_build(job_id=job_id)
    return job.status if job is not None else "skipped"
