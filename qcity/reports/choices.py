from django.db import models
from django.utils.translation import gettext_lazy as _


class GeneratedDocumentStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


PENDING_STATUSES = (GeneratedDocumentStatus.QUEUED, GeneratedDocumentStatus.RUNNING)
