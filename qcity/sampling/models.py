from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from qcity.core.deadlines import provisional_year_field
from qcity.core.models import OrgUnit
from qcity.enterprises.models import Enterprise

from .choices import (
    FollowupStatus,
    ProductKind,
    RetestOutcome,
    SampleStatus,
    SamplingConclusion,
    SamplingPlace,
    SamplingPlanLevel,
)


class ProductCategory(models.Model):
    """A product category of the sampling catalogue; `kind` decides which pass-rate indicator it feeds.

    Shipped as data (qcity/sampling/data/product_categories.json), loaded after every migrate.
    """

    code = models.CharField(_("类别代码"), max_length=20, unique=True)
    name = models.CharField(_("类别名称"), max_length=100)
    kind = models.CharField(_("产品大类"), max_length=30, choices=ProductKind.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("产品类别")
        verbose_name_plural = _("产品类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class SamplingPlan(models.Model):
    """A supervision sampling plan (监督抽检计划) of one level for a period and a set of categories."""

    title = models.CharField(_("计划名称"), max_length=200)
    level = models.CharField(_("计划层级"), max_length=20, choices=SamplingPlanLevel.choices)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("组织实施单位"), on_delete=models.PROTECT,
                                 related_name="sampling_plans")
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    categories = models.ManyToManyField(ProductCategory, verbose_name=_("产品类别"), related_name="plans")
    planned_batches = models.PositiveIntegerField(_("计划批次"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽检计划")
        verbose_name_plural = _("抽检计划")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="sampling_plan_period_ordered",
                                   violation_error_message=_("结束日期不能早于开始日期")),
            models.CheckConstraint(condition=Q(planned_batches__gte=1), name="sampling_plan_batches_positive"),
            # The natural key: one unit does not run two plans of the same name in one year (the year the plan
            # starts; titles of recurring plans carry the year or the batch). A resent form or API call that
            # would make the plan twice is refused with a 400 on `title`.
            models.UniqueConstraint("org_unit", "title", ExtractYear("period_start"),
                                    name="sampling_plan_unique_title_per_unit_year",
                                    violation_error_message=_("该组织实施单位当年已有同名抽检计划")),
        ]

    def __str__(self) -> str:
        return self.title


class Sample(models.Model):
    """One sampled product batch (样品) and its test outcome.

    `conclusion` is the effective one (the retest's when a retest was done); `initial_conclusion` keeps
    the first test's. `org_unit` is the sampled enterprise's unit, copied for scoping and district rates.
    """

    number = models.CharField(_("抽样单编号"), max_length=40, unique=True)
    plan = models.ForeignKey(SamplingPlan, verbose_name=_("抽检计划"), on_delete=models.PROTECT, related_name="samples")
    category = models.ForeignKey(ProductCategory, verbose_name=_("产品类别"), on_delete=models.PROTECT,
                                 related_name="samples")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("被抽样单位"), on_delete=models.PROTECT,
                                   related_name="sampled_samples")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="+")
    manufacturer = models.ForeignKey(Enterprise, verbose_name=_("标称生产企业（本市）"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="manufactured_samples")
    manufacturer_name = models.CharField(_("标称生产企业"), max_length=200, blank=True,
                                         help_text=_("与被抽样单位不同时填写"))
    product_name = models.CharField(_("产品名称"), max_length=200)
    brand = models.CharField(_("商标"), max_length=100, blank=True)
    specification = models.CharField(_("规格型号"), max_length=100, blank=True)
    batch_number = models.CharField(_("生产批号"), max_length=100)
    production_date = models.DateField(_("生产日期"), null=True, blank=True)
    sampling_date = models.DateField(_("抽样日期"))
    sampling_place = models.CharField(_("抽样场所"), max_length=20, choices=SamplingPlace.choices)
    samplers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("抽样人员"), related_name="+")
    quantity = models.PositiveIntegerField(_("抽样数量"))
    backup_quantity = models.PositiveIntegerField(_("备用样品数量"))
    quantity_unit = models.CharField(_("计量单位"), max_length=20, default="件")  # i18n-ignore: stored unit, shown through core.units
    backup_sealed = models.BooleanField(_("备用样品已封存"), default=True)
    status = models.CharField(_("状态"), max_length=20, choices=SampleStatus.choices, default=SampleStatus.SAMPLED)
    test_agency = models.CharField(_("检验机构"), max_length=200, blank=True)
    test_report_number = models.CharField(_("检验报告编号"), max_length=60, blank=True)
    conclusion = models.CharField(_("检验结论"), max_length=10, choices=SamplingConclusion.choices, blank=True)
    initial_conclusion = models.CharField(_("初检结论"), max_length=10, choices=SamplingConclusion.choices, blank=True)
    concluded_on = models.DateField(_("结论日期"), null=True, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    retest_deadline = models.DateField(_("复检申请截止日"), null=True, blank=True)
    retest_deadline_provisional_year = provisional_year_field()
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("样品")
        verbose_name_plural = _("样品")
        ordering = ["-sampling_date", "-id"]
        indexes = [
            models.Index(fields=["batch_number", "product_name"], name="sample_batch"),
            models.Index(fields=["org_unit", "sampling_date"], name="sample_unit_date"),
            models.Index(fields=["sampling_date", "conclusion"], name="sample_date_conclusion"),
            models.Index(fields=["enterprise", "-sampling_date"], name="sample_enterprise_recent"),
            # the to-do counts: samples of a status in the officer's units (qcity/sampling/todos.py)
            models.Index(fields=["status", "org_unit"], name="sample_status_unit"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(backup_quantity__gte=0) & Q(quantity__gte=1),
                                   name="sample_quantity_positive"),
            models.CheckConstraint(
                condition=Q(status=SampleStatus.SAMPLED, conclusion="") | (~Q(status=SampleStatus.SAMPLED)
                                                                            & ~Q(conclusion="")),
                name="sample_concluded_has_conclusion"),
            models.CheckConstraint(condition=Q(published_on__isnull=True) | Q(served_on__isnull=False),
                                   name="sample_published_after_service"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.product_name}"

    @property
    def producer_name(self) -> str:
        """The named producer: the manufacturer when given, else the sampled enterprise itself."""
        if self.manufacturer_id:
            return self.manufacturer.name
        return self.manufacturer_name or self.enterprise.name

    def retest_window_open(self, today) -> bool:
        return self.retest_deadline is not None and today <= self.retest_deadline

    def is_final(self, today) -> bool:
        """A conclusion is final once served and no longer open to a retest: a pass at once, a failure when
        the 15-day window closed without an application or the retest has concluded (产品质量法 art. 15)."""
        if self.status == SampleStatus.RETESTED:
            return True
        if self.status != SampleStatus.SERVED:
            return False
        return self.conclusion == SamplingConclusion.PASS or not self.retest_window_open(today)


class TestItemResult(models.Model):
    """One test item's result: the limit (numeric min/max and/or text), the measured value and the verdict."""

    __test__ = False  # not a pytest test class despite its name

    sample = models.ForeignKey(Sample, verbose_name=_("样品"), on_delete=models.CASCADE, related_name="items")
    item_name = models.CharField(_("检验项目"), max_length=200)
    standard = models.CharField(_("检验依据/方法"), max_length=200, blank=True)
    limit_min = models.DecimalField(_("限量下限"), max_digits=16, decimal_places=6, null=True, blank=True)
    limit_max = models.DecimalField(_("限量上限"), max_digits=16, decimal_places=6, null=True, blank=True)
    limit_text = models.CharField(_("标准要求"), max_length=200, blank=True)
    measured_value = models.DecimalField(_("实测值"), max_digits=16, decimal_places=6, null=True, blank=True)
    measured_text = models.CharField(_("实测结果"), max_length=200, blank=True)
    unit = models.CharField(_("单位"), max_length=30, blank=True)
    conforming = models.BooleanField(_("单项判定合格"))

    class Meta:
        verbose_name = _("检验项目结果")
        verbose_name_plural = _("检验项目结果")
        ordering = ["sample", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "item_name"], name="test_item_unique_per_sample",
                                    violation_error_message=_("该样品已有同名检验项目")),
            models.CheckConstraint(
                condition=Q(limit_min__isnull=True) | Q(limit_max__isnull=True) | Q(limit_max__gte=F("limit_min")),
                name="test_item_limits_ordered", violation_error_message=_("上限不能小于下限")),
        ]

    def __str__(self) -> str:
        return f"{self.item_name}: {_('合格') if self.conforming else _('不合格')}"

    @property
    def limit_display(self) -> str:
        if self.limit_text:
            return self.limit_text
        if self.limit_min is not None and self.limit_max is not None:
            return f"{self.limit_min.normalize():f}–{self.limit_max.normalize():f}"
        if self.limit_max is not None:
            return f"≤{self.limit_max.normalize():f}"
        if self.limit_min is not None:
            return f"≥{self.limit_min.normalize():f}"
        return ""

    @property
    def measured_display(self) -> str:
        if self.measured_value is not None:
            return f"{self.measured_value.normalize():f}"
        return self.measured_text


class SamplingObjection(models.Model):
    """异议 / 复检: the sampled party's retest application on the sealed backup sample, and its result."""

    sample = models.OneToOneField(Sample, verbose_name=_("样品"), on_delete=models.CASCADE, related_name="objection")
    applied_on = models.DateField(_("申请日期"))
    applicant = models.CharField(_("申请人"), max_length=200)
    reason = models.TextField(_("异议理由"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    retested_on = models.DateField(_("复检日期"), null=True, blank=True)
    retest_agency = models.CharField(_("复检机构"), max_length=200, blank=True)
    retest_report_number = models.CharField(_("复检报告编号"), max_length=60, blank=True)
    retest_conclusion = models.CharField(_("复检结论"), max_length=10, choices=SamplingConclusion.choices, blank=True)
    outcome = models.CharField(_("复检结果"), max_length=20, choices=RetestOutcome.choices, blank=True)

    class Meta:
        verbose_name = _("异议复检")
        verbose_name_plural = _("异议复检")
        ordering = ["-applied_on", "-id"]

    def __str__(self) -> str:
        return _("%(number)s 复检") % {"number": self.sample.number}


class SamplingObjectionEvidence(models.Model):
    """A file (PDF, JPEG, PNG) the objecting party submits with its retest application; downloaded only by
    the party itself and the officers covering the sample."""

    objection = models.ForeignKey(SamplingObjection, verbose_name=_("异议复检"), on_delete=models.CASCADE,
                                  related_name="evidence")
    file = models.FileField(_("文件"), upload_to="sampling/objection-evidence/%Y/")
    original_name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异议证据材料")
        verbose_name_plural = _("异议证据材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Followup(models.Model):
    """不合格后处理 of a failing sample (产品质量法 art. 17): rectification by a deadline, the report,
    re-inspection, public announcement and case transfer."""

    sample = models.OneToOneField(Sample, verbose_name=_("样品"), on_delete=models.CASCADE, related_name="followup")
    status = models.CharField(_("后处理状态"), max_length=30, choices=FollowupStatus.choices,
                              default=FollowupStatus.ORDERED)
    ordered_on = models.DateField(_("责令整改日期"))
    rectification_deadline = models.DateField(_("整改期限"))
    report_received_on = models.DateField(_("整改报告日期"), null=True, blank=True)
    report_text = models.TextField(_("整改情况"), blank=True)
    reinspected_on = models.DateField(_("复查日期"), null=True, blank=True)
    reinspection_conforming = models.BooleanField(_("复查合格"), null=True, blank=True)
    reinspection_note = models.CharField(_("复查说明"), max_length=500, blank=True)
    announced_on = models.DateField(_("公告日期"), null=True, blank=True)
    transferred_on = models.DateField(_("移送日期"), null=True, blank=True)
    transferred_to = models.CharField(_("移送单位"), max_length=200, blank=True)
    case_number = models.CharField(_("立案编号"), max_length=60, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("不合格后处理")
        verbose_name_plural = _("不合格后处理")
        ordering = ["rectification_deadline", "id"]
        indexes = [models.Index(fields=["status", "rectification_deadline"], name="followup_status_deadline")]
        constraints = [
            models.CheckConstraint(condition=Q(rectification_deadline__gte=F("ordered_on")),
                                   name="followup_deadline_after_order",
                                   violation_error_message=_("整改期限不能早于责令整改日期")),
        ]

    def __str__(self) -> str:
        return f"{self.sample.number} {self.get_status_display()}"

    def is_overdue(self, today) -> bool:
        """Rectification ordered, no report by the deadline."""
        return self.status == FollowupStatus.ORDERED and self.rectification_deadline < today
