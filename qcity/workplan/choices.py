from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanTaskStatus(models.TextChoices):
    """Overdue is not a status: it is derived from the deadline and today's date (see selectors)."""

    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    COMPLETED = "completed", _("已完成")


class SupervisionLevel(models.IntegerChoices):
    """督办 escalates one rung at a time: the office, then the leadership group, then the city government."""

    OFFICE = 1, _("办公室督办")
    LEADING_GROUP = 2, _("领导小组督办")
    CITY_GOVERNMENT = 3, _("市政府督办")


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("督办中")
    RESOLVED = "resolved", _("已办结")


class NoticeKind(models.TextChoices):
    CRITICISM = "criticism", _("通报批评")
    COMMENDATION = "commendation", _("通报表扬")
