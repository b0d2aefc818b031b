"""Documents generated in the background. Only the last finished one per (kind, year, object, format) is
kept, with the failures since; at most one job per key is queued or running (a double click joins it)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import PENDING_STATUSES, GeneratedDocumentStatus


class GeneratedDocument(models.Model):
    kind = models.CharField(_("文档类型"), max_length=40)  # a name in core.document_kinds
    year = models.PositiveSmallIntegerField(_("年度"))
    object_id = models.PositiveBigIntegerField(_("对象编号"), default=0)  # e.g. the assessment scheme; 0 for none
    format = models.CharField(_("格式"), max_length=8)
    status = models.CharField(_("状态"), max_length=10, choices=GeneratedDocumentStatus.choices,
                              default=GeneratedDocumentStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    filename = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(_("文件"), upload_to="generated/%Y/", blank=True)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    error = models.TextField(_("错误"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("生成的文档")
        verbose_name_plural = _("生成的文档")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["kind", "year", "object_id", "format", "-requested_at"],
                                name="reports_gendoc_key_idx")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "object_id", "format"],
                                    condition=models.Q(status__in=PENDING_STATUSES),
                                    name="reports_one_pending_document"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="reports_gendoc_progress_max"),
        ]

    def __str__(self):
        return f"{self.kind} {self.year}/{self.object_id} {self.format} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def download_name(self) -> str:
        return f"{self.filename}.{self.format}"
