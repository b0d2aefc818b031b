"""Scheduled jobs of the core module."""

import logging

from celery import shared_task
from django.utils import timezone

from . import workdays

logger = logging.getLogger(__name__)


def holiday_calendar_coverage() -> str:
    """A warning when next year's official holiday schedule is not loaded yet (published each Nov–Dec)."""
    today = timezone.localdate()
    missing = [y for y in (today.year, today.year + 1) if y not in workdays.known_years()]
    if not missing:
        return ""
    return "缺少法定节假日安排：" + "、".join(f"{y}年" for y in missing) + "，工作日期限无法计算。"


@shared_task
def check_holiday_calendar_coverage() -> str:
    message = holiday_calendar_coverage()
    if message:
        logger.warning(message)
    return message
