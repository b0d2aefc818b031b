from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qcity.core.models import Department, OrgUnit

from .choices import (
    IndicatorAccumulation,
    IndicatorAttribute,
    IndicatorComparator,
    IndicatorDecomposition,
    IndicatorDomain,
    IndicatorSource,
    ReportedValueStatus,
    ReportingPeriodKind,
    TargetDecompositionStatus,
)

VALUE_DIGITS = {"max_digits": 18, "decimal_places": 4}


class Plan(models.Model):
    """A quality plan (质量强市建设规划) with its full text, so every target links to its sentence."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    issuing_body = models.CharField(_("发文机关"), max_length=100, blank=True)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    period_start = models.PositiveSmallIntegerField(_("起始年"))
    period_end = models.PositiveSmallIntegerField(_("终止年"))
    text = models.TextField(_("规划原文"), blank=True)
    is_builtin = models.BooleanField(_("内置"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("规划")
        verbose_name_plural = _("规划")
        ordering = ["-period_end", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="plan_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """A quantified target of a plan: what is measured, in which direction, and where the plan says so."""

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("编号"), max_length=30)
    name = models.CharField(_("指标名称"), max_length=200)
    domain = models.CharField(_("领域"), max_length=30, choices=IndicatorDomain.choices)
    unit = models.CharField(_("单位"), max_length=30, blank=True)
    comparator = models.CharField(_("比较方式"), max_length=5, choices=IndicatorComparator.choices)
    attribute = models.CharField(_("指标属性"), max_length=10, choices=IndicatorAttribute.choices, blank=True)
    accumulation = models.CharField(_("累计方式"), max_length=12, choices=IndicatorAccumulation.choices,
                                    default=IndicatorAccumulation.LEVEL)
    baseline_year = models.PositiveSmallIntegerField(_("基期年"), null=True, blank=True)
    baseline_value = models.DecimalField(_("基期值"), null=True, blank=True, **VALUE_DIGITS)
    section = models.CharField(_("所在专栏/章节"), max_length=200, blank=True)
    departments_text = models.CharField(_("责任单位（原文）"), max_length=300, blank=True)
    departments = models.ManyToManyField(Department, verbose_name=_("责任单位"), blank=True,
                                         related_name="indicators")
    quote = models.TextField(_("原文"))
    quote_start = models.PositiveIntegerField(_("原文位置"), null=True, blank=True)
    source = models.CharField(_("数据来源"), max_length=10, choices=IndicatorSource.choices,
                              default=IndicatorSource.REPORTED)
    computed_key = models.CharField(_("计算规则"), max_length=60, blank=True,
                                    help_text=_("系统计算指标在计算规则注册表中的键"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    decomposition = models.CharField(_("分解方式"), max_length=10, choices=IndicatorDecomposition.choices,
                                     default=IndicatorDecomposition.UNIFORM)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_per_plan"),
            models.CheckConstraint(condition=Q(source=IndicatorSource.REPORTED) | ~Q(computed_key=""),
                                   name="indicator_computed_has_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"

    @property
    def is_bounded_percentage(self) -> bool:
        """Rates and shares cannot exceed 100 %; growth rates (增长率) can."""
        return self.is_percentage and "增长" not in self.name and "增速" not in self.name  # i18n-ignore: reads the name


class Target(models.Model):
    """The value an indicator must reach in a year (several milestones per indicator)."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE,
                                  related_name="targets")
    year = models.PositiveSmallIntegerField(_("目标年"))
    value = models.DecimalField(_("目标值"), null=True, blank=True, **VALUE_DIGITS)
    low = models.DecimalField(_("区间下限"), null=True, blank=True, **VALUE_DIGITS)
    high = models.DecimalField(_("区间上限"), null=True, blank=True, **VALUE_DIGITS)
    quote = models.TextField(_("原文"), blank=True)
    quote_start = models.PositiveIntegerField(_("原文位置"), null=True, blank=True)

    class Meta:
        verbose_name = _("目标值")
        verbose_name_plural = _("目标值")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_one_per_year"),
            models.CheckConstraint(
                condition=(Q(value__isnull=False, low__isnull=True, high__isnull=True)
                           | Q(value__isnull=True, low__isnull=False, high__isnull=False, low__lte=models.F("high"))),
                name="target_value_or_range",
            ),
        ]

    def __str__(self) -> str:
        if self.value is None:
            return f"{self.year}: {self.low:g}–{self.high:g}"
        return f"{self.year}: {self.value:g}"


class ReportedValue(models.Model):
    """The value of an indicator for one org unit and period, with its approval workflow.

    One row per (indicator, org unit, period): a second submission updates the row (audited) instead
    of adding one. An approved value is locked until it is explicitly reopened.
    """

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE,
                                  related_name="values")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("行政单元"), on_delete=models.PROTECT,
                                 related_name="indicator_values")
    period_kind = models.CharField(_("周期"), max_length=10, choices=ReportingPeriodKind.choices, default=ReportingPeriodKind.YEAR)
    year = models.PositiveSmallIntegerField(_("年度"))
    period_number = models.PositiveSmallIntegerField(
        _("期次"), default=0, help_text=_("年度为 0，季度 1–4，月份 1–12"))
    value = models.DecimalField(_("数值"), **VALUE_DIGITS)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ReportedValueStatus.choices, default=ReportedValueStatus.SUBMITTED)
    source = models.CharField(_("来源"), max_length=10, choices=IndicatorSource.choices,
                              default=IndicatorSource.REPORTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("填报时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审定人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    status_note = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("指标填报值")
        verbose_name_plural = _("指标填报值")
        ordering = ["indicator", "org_unit", "year", "period_kind", "period_number"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org_unit", "period_kind", "year", "period_number"],
                                    name="reported_value_one_per_period"),
            models.CheckConstraint(
                condition=(Q(period_kind=ReportingPeriodKind.YEAR, period_number=0)
                           | Q(period_kind=ReportingPeriodKind.QUARTER, period_number__gte=1, period_number__lte=4)
                           | Q(period_kind=ReportingPeriodKind.MONTH, period_number__gte=1, period_number__lte=12)),
                name="reported_value_period_number_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "period_kind", "status"], name="reported_value_year_idx"),
            models.Index(fields=["org_unit", "year"], name="reported_value_unit_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.org_unit} · {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.period_kind == ReportingPeriodKind.QUARTER:
            return f"{self.year}Q{self.period_number}"
        if self.period_kind == ReportingPeriodKind.MONTH:
            return f"{self.year}-{self.period_number:02d}"
        return str(self.year)

    @property
    def is_locked(self) -> bool:
        return self.status == ReportedValueStatus.APPROVED


class ValueEvidence(models.Model):
    """A supporting document (statistics table, test report) attached to a reported value."""

    reported_value = models.ForeignKey(ReportedValue, verbose_name=_("填报值"), on_delete=models.CASCADE,
                                       related_name="evidence")
    file = models.FileField(_("文件"), upload_to="indicators/evidence/%Y/")
    original_name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class PlanImport(models.Model):
    """A plan document uploaded for extraction: its text and the proposed targets awaiting review."""

    title = models.CharField(_("规划名称"), max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    text = models.TextField(_("文本"))
    proposals = models.JSONField(_("识别出的目标"), default=list)
    plan = models.OneToOneField(Plan, verbose_name=_("生成的规划"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="import_record")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("规划导入")
        verbose_name_plural = _("规划导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class StatusRule(models.Model):
    """The office's parameters of the status grading (one row; `indicators.status` documents the rule)."""

    on_track_tolerance = models.DecimalField(
        _("进度正常容差"), max_digits=5, decimal_places=4, default=Decimal("0.05"),
        help_text=_("落后于进度期望值不超过全程差距（起点到目标）的该比例，仍视为进度正常"))
    at_risk_share = models.DecimalField(
        _("存在风险界限"), max_digits=5, decimal_places=4, default=Decimal("0.25"),
        help_text=_("落后于进度期望值超过容差、但不超过全程差距的该比例，为存在风险；更多为严重滞后"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("进度评价规则")
        verbose_name_plural = _("进度评价规则")
        constraints = [
            models.CheckConstraint(condition=Q(on_track_tolerance__gte=0, at_risk_share__gte=models.F("on_track_tolerance"),
                                               at_risk_share__lte=1),
                                   name="status_rule_parameters_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.on_track_tolerance:g} / {self.at_risk_share:g}"


class TargetDecomposition(models.Model):
    """The city target of an indicator for one target year, decomposed to districts and departments (指标分解).

    A draft may not add up; only a confirmed decomposition is what the status, the ranking and the
    assessment read (`services.decomposition` holds the rules).
    """

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE,
                                  related_name="decompositions")
    year = models.PositiveSmallIntegerField(_("目标年"))
    status = models.CharField(_("状态"), max_length=10, choices=TargetDecompositionStatus.choices,
                              default=TargetDecompositionStatus.DRAFT)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("指标分解")
        verbose_name_plural = _("指标分解")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_decomposition_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.year}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == TargetDecompositionStatus.CONFIRMED


class UnitTarget(models.Model):
    """One district's (or one department's) own target in a decomposition."""

    decomposition = models.ForeignKey(TargetDecomposition, verbose_name=_("指标分解"), on_delete=models.CASCADE,
                                      related_name="unit_targets")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("行政单元"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="unit_targets")
    department = models.ForeignKey(Department, verbose_name=_("责任单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="unit_targets")
    value = models.DecimalField(_("目标值"), **VALUE_DIGITS)

    class Meta:
        verbose_name = _("单位目标")
        verbose_name_plural = _("单位目标")
        ordering = ["decomposition", "org_unit", "department"]
        constraints = [
            models.CheckConstraint(condition=(Q(org_unit__isnull=False, department__isnull=True)
                                              | Q(org_unit__isnull=True, department__isnull=False)),
                                   name="unit_target_org_unit_or_department"),
            models.CheckConstraint(condition=Q(value__gte=0), name="unit_target_not_negative"),
            models.UniqueConstraint(fields=["decomposition", "org_unit"], condition=Q(org_unit__isnull=False),
                                    name="unit_target_one_per_org_unit"),
            models.UniqueConstraint(fields=["decomposition", "department"], condition=Q(department__isnull=False),
                                    name="unit_target_one_per_department"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit or self.department}: {self.value:g}"
