from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qcity.core.deadlines import provisional_year_field
from qcity.core.models import Department, OrgUnit
from qcity.indicators.models import Plan

from .choices import NoticeKind, PlanTaskStatus, SupervisionLevel, SupervisionStatus


class PlanTask(models.Model):
    """A key task of a plan (任务分解) assigned to a lead department with supporting departments.

    `quote` is the exact span of the plan text the task comes from, and `quote_start` its offset, so
    the task links to its sentence in the plan. District tasks carry the org unit that carries them out.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.PROTECT, related_name="tasks")
    code = models.CharField(_("编号"), max_length=30)
    title = models.CharField(_("任务名称"), max_length=200)
    section = models.CharField(_("所在章节"), max_length=200, blank=True)
    quote = models.TextField(_("规划原文"))
    quote_start = models.PositiveIntegerField(_("原文位置"), null=True, blank=True)
    lead_department = models.ForeignKey(Department, verbose_name=_("牵头单位"), on_delete=models.PROTECT,
                                        related_name="led_tasks")
    supporting_departments = models.ManyToManyField(Department, verbose_name=_("配合单位"), blank=True,
                                                    related_name="supported_tasks")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("责任区县"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="tasks",
                                 help_text=_("区县承担的任务；全市任务留空"))
    start_date = models.DateField(_("开始日期"))
    deadline = models.DateField(_("完成时限"))
    deliverable = models.CharField(_("成果形式"), max_length=300)
    status = models.CharField(_("状态"), max_length=20, choices=PlanTaskStatus.choices, default=PlanTaskStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    is_builtin = models.BooleanField(_("内置"), default=False, help_text=_("随系统提供的规划任务清单"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["deadline", "code"]
        indexes = [models.Index(fields=["status", "deadline"], name="task_status_deadline")]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="task_code_unique_per_plan",
                                    violation_error_message=_("该规划下已有相同编号的任务")),
            models.CheckConstraint(condition=Q(deadline__gte=F("start_date")), name="task_deadline_after_start",
                                   violation_error_message=_("完成时限不能早于开始日期")),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100",
                                   violation_error_message=_("进度不能超过100%")),
            models.CheckConstraint(
                condition=(Q(status=PlanTaskStatus.COMPLETED, completed_at__isnull=False, progress=100)
                           | (~Q(status=PlanTaskStatus.COMPLETED) & Q(completed_at__isnull=True))),
                name="task_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status != PlanTaskStatus.COMPLETED

    def is_overdue(self, today) -> bool:
        return self.is_open and self.deadline < today

    def days_late(self, today) -> int:
        """Natural days past the deadline: until today for an open task, until completion otherwise."""
        end = today if self.is_open else self.completed_at.date()
        return max(0, (end - self.deadline).days)


class TaskProgress(models.Model):
    """A progress report (进展报送) by the lead or a supporting department, or the district."""

    task = models.ForeignKey(PlanTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="progress_reports")
    department = models.ForeignKey(Department, verbose_name=_("报送单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("报送时间"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    text = models.TextField(_("进展情况"))
    attachment = models.FileField(_("附件"), upload_to="workplan/progress/%Y/", blank=True)

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="task_progress_percent_at_most_100",
                                   violation_error_message=_("进度不能超过100%")),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.percent}%"


class Supervision(models.Model):
    """督办 of an overdue task. At most one open supervision per task; escalation raises its level."""

    task = models.ForeignKey(PlanTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="supervisions")
    level = models.PositiveSmallIntegerField(_("督办级别"), choices=SupervisionLevel.choices,
                                             default=SupervisionLevel.OFFICE)
    opened_at = models.DateTimeField(_("督办时间"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("督办人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    respond_by = models.DateField(_("回复期限"))
    respond_by_provisional_year = provisional_year_field()
    reason = models.CharField(_("督办事由"), max_length=500)
    status = models.CharField(_("状态"), max_length=10, choices=SupervisionStatus.choices,
                              default=SupervisionStatus.OPEN)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolution = models.CharField(_("办结情况"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task"], condition=Q(status=SupervisionStatus.OPEN),
                                    name="supervision_one_open_per_task",
                                    violation_error_message=_("该任务已有未办结的督办")),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="supervision_level_1_to_3"),
            models.CheckConstraint(
                condition=(Q(status=SupervisionStatus.OPEN, resolved_at__isnull=True)
                           | Q(status=SupervisionStatus.RESOLVED, resolved_at__isnull=False)),
                name="supervision_resolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.task.code}"


class Notice(models.Model):
    """通报: a criticism or commendation of named tasks, issued as a DOCX document."""

    kind = models.CharField(_("类别"), max_length=20, choices=NoticeKind.choices)
    number = models.CharField(_("文号"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    body = models.TextField(_("正文"))
    tasks = models.ManyToManyField(PlanTask, verbose_name=_("涉及任务"), related_name="notices")
    file = models.FileField(_("文件"), upload_to="workplan/notices/%Y/", blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("印发时间"))

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
