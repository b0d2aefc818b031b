"""Double random, one public (双随机、一公开, DOMAIN §5): one list (items), two directories (targets,
inspectors), plans with sampling ratios per credit class, verifiable draws, results and publication."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qcity.core.deadlines import provisional_year_field
from qcity.core.models import Department, OrgUnit
from qcity.enterprises.models import Enterprise

from .choices import CaseLeadStatus, DrawStratum, InspectionOutcome, InspectionPlanStatus


class InspectionItem(models.Model):
    """抽查事项: one line of the published inspection item list of a department / org unit."""

    code = models.CharField(_("事项编号"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    legal_basis = models.TextField(_("检查依据"))
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("实施单位"), on_delete=models.PROTECT,
                                 related_name="inspection_items")
    department = models.ForeignKey(Department, verbose_name=_("实施部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="inspection_items")
    method = models.CharField(_("检查方式"), max_length=100, blank=True)
    # GB/T 4754 code prefixes of the industries the item applies to (a food-safety check to food producers
    # and sellers); empty: every enterprise. The draw inspects a target on an item only if it applies.
    industry_codes = models.JSONField(_("适用行业（行业代码前缀）"), default=list, blank=True,
                                      help_text=_("留空为全部行业"))
    published = models.BooleanField(_("已公开"), default=False)
    published_on = models.DateField(_("公开日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项清单")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Inspector(models.Model):
    """执法检查人员: an account holding Role.INSPECTOR, with badge, unit and the items they may inspect."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT,
                                related_name="inspector")
    badge_number = models.CharField(_("执法证号"), max_length=40, unique=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属单位"), on_delete=models.PROTECT,
                                 related_name="inspectors")
    qualifications = models.ManyToManyField(InspectionItem, verbose_name=_("可检查事项"), blank=True,
                                            related_name="qualified_inspectors")
    active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录库")
        ordering = ["badge_number"]

    def __str__(self) -> str:
        return f"{self.user.full_name or self.user.username}（{self.badge_number}）"


class InspectorConflict(models.Model):
    """A declared interest in an enterprise (回避): the inspector is never drawn for it."""

    inspector = models.ForeignKey(Inspector, verbose_name=_("执法检查人员"), on_delete=models.CASCADE,
                                  related_name="conflicts")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="inspector_conflicts")
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_on = models.DateField(_("申报日期"))

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        ordering = ["-declared_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["inspector", "enterprise"], name="inspector_conflict_unique",
                                               violation_error_message=_("已申报对该企业回避"))]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.enterprise}"


class TargetPool(models.Model):
    """检查对象名录库: enterprises chosen by filters; `PoolSnapshot` freezes its members for draws."""

    name = models.CharField(_("名称"), max_length=100)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("管理单位"), on_delete=models.PROTECT,
                                 related_name="target_pools")
    filter_org_units = models.ManyToManyField(OrgUnit, verbose_name=_("所属区域"), blank=True, related_name="+",
                                              help_text=_("留空为管理单位辖区内全部"))
    industry_codes = models.JSONField(_("行业代码（前缀）"), default=list, blank=True)
    entity_types = models.JSONField(_("主体类型"), default=list, blank=True)
    statuses = models.JSONField(_("登记状态"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查对象名录库")
        verbose_name_plural = _("检查对象名录库")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def latest_snapshot(self):
        return self.snapshots.order_by("-id").first()


class PoolSnapshot(models.Model):
    """The pool's members and their credit risk classes at build time, in the canonical binary format
    of `qcity.inspections.draw` (zlib-compressed); `sha256` is over the uncompressed canonical bytes.
    Internal: it reveals risk classes (DOMAIN §3), so only officers and the audit admin download it."""

    pool = models.ForeignKey(TargetPool, verbose_name=_("名录库"), on_delete=models.PROTECT, related_name="snapshots")
    built_at = models.DateTimeField(_("生成时间"))
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    size = models.PositiveIntegerField(_("对象数"))
    stratum_sizes = models.JSONField(_("各类对象数"))
    format_version = models.CharField(_("格式版本"), max_length=20)
    sha256 = models.CharField(_("快照哈希"), max_length=64, db_index=True)
    data = models.BinaryField(_("快照数据"))

    class Meta:
        verbose_name = _("名录库快照")
        verbose_name_plural = _("名录库快照")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.pool} @ {self.built_at:%Y-%m-%d %H:%M}"


class InspectionPlan(models.Model):
    """抽查计划. A stratum's sample is `count_x` targets if set, else ceil(ratio_x % × stratum size)."""

    name = models.CharField(_("计划名称"), max_length=200)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("实施单位"), on_delete=models.PROTECT,
                                 related_name="inspection_plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    period_start = models.DateField(_("检查开始"))
    period_end = models.DateField(_("检查结束"))
    pool = models.ForeignKey(TargetPool, verbose_name=_("检查对象名录库"), on_delete=models.PROTECT,
                             related_name="plans")
    ratio_a = models.DecimalField(_("A类抽查比例（%）"), max_digits=5, decimal_places=2, default=0)
    ratio_b = models.DecimalField(_("B类抽查比例（%）"), max_digits=5, decimal_places=2, default=0)
    ratio_c = models.DecimalField(_("C类抽查比例（%）"), max_digits=5, decimal_places=2, default=0)
    ratio_d = models.DecimalField(_("D类抽查比例（%）"), max_digits=5, decimal_places=2, default=0)
    count_a = models.PositiveIntegerField(_("A类抽取数"), null=True, blank=True)
    count_b = models.PositiveIntegerField(_("B类抽取数"), null=True, blank=True)
    count_c = models.PositiveIntegerField(_("C类抽取数"), null=True, blank=True)
    count_d = models.PositiveIntegerField(_("D类抽取数"), null=True, blank=True)
    inspectors_per_target = models.PositiveSmallIntegerField(_("每户检查人员数"), default=2)
    status = models.CharField(_("状态"), max_length=10, choices=InspectionPlanStatus.choices, default=InspectionPlanStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        ordering = ["-year", "-id"]
        constraints = [
            # DOMAIN §5: at least two inspectors per inspection
            models.CheckConstraint(condition=Q(inspectors_per_target__gte=2), name="inspection_plan_two_inspectors",
                                   violation_error_message=_("每户至少两名检查人员")),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="inspection_plan_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class PlanItem(models.Model):
    """An item of a plan. `ratio` is the share (%) of the plan's drawn targets inspected on this item,
    chosen at random among them in the same draw; 100 means every drawn target."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="plan_items")
    item = models.ForeignKey(InspectionItem, verbose_name=_("抽查事项"), on_delete=models.PROTECT, related_name="+")
    ratio = models.DecimalField(_("事项检查比例（%）"), max_digits=5, decimal_places=2, default=100)

    class Meta:
        verbose_name = _("计划事项")
        verbose_name_plural = _("计划事项")
        ordering = ["item__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "item"], name="inspection_plan_item_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.ratio}%"


class Draw(models.Model):
    """The draw record of a plan: enough to re-run it (seed, algorithm version, snapshot hash, the
    inspector snapshot) and what it gave. One per plan: a second draw is refused (unique plan)."""

    plan = models.OneToOneField(InspectionPlan, verbose_name=_("抽查计划"), on_delete=models.PROTECT,
                                related_name="draw")
    snapshot = models.ForeignKey(PoolSnapshot, verbose_name=_("名录库快照"), on_delete=models.PROTECT,
                                 related_name="draws")
    snapshot_sha256 = models.CharField(_("快照哈希"), max_length=64)
    seed = models.CharField(_("随机种子"), max_length=64)
    algorithm_version = models.CharField(_("算法版本"), max_length=40)
    stratum_sizes = models.JSONField(_("各类对象数"))
    sample_sizes = models.JSONField(_("各类抽取数"))
    item_ratios = models.JSONField(_("事项检查比例"))
    inspectors_per_target = models.PositiveSmallIntegerField(_("每户检查人员数"))
    inspector_snapshot = models.JSONField(_("检查人员快照"))
    inspector_snapshot_sha256 = models.CharField(_("检查人员快照哈希"), max_length=64)
    # qcity-draw/2: each drawn target's industry code at the draw (which items apply to it), frozen so the
    # record verifies after the register changes
    target_industries = models.JSONField(_("抽中对象行业代码"), default=dict, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    published_on = models.DateField(_("公开日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽取记录")
        verbose_name_plural = _("抽取记录")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.seed[:12]}"

    @property
    def target_count(self) -> int:
        return sum(self.sample_sizes.values())


class DrawnTarget(models.Model):
    """An enterprise the draw selected, with the items it is inspected on (`item_ids`)."""

    # db_index=False: the unique (draw, enterprise) index serves lookups by draw.
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="targets", db_index=False)
    # db_constraint=False: the draw refuses a target it cannot read from the registry (`_draw`), no service
    # deletes an enterprise (deregistration is a status; the demo's reset deletes its draws first) and Django's
    # PROTECT refuses an ORM delete with targets. A database foreign key checked and locked each target's row at
    # commit: 3.3 s of a province draw's 2 s budget (98,697 targets in 10 million).
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+",
                                   db_constraint=False)
    stratum = models.CharField(_("分层"), max_length=1, choices=DrawStratum.choices)
    position = models.PositiveIntegerField(_("抽取顺序"))
    item_ids = models.JSONField(_("检查事项"), default=list)

    class Meta:
        verbose_name = _("抽中对象")
        verbose_name_plural = _("抽中对象")
        ordering = ["draw", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["draw", "enterprise"], name="drawn_target_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}@{self.draw_id}"


class Assignment(models.Model):
    """An inspector drawn for a target."""

    # db_index=False: the unique (target, inspector) index serves lookups by target.
    target = models.ForeignKey(DrawnTarget, on_delete=models.CASCADE, related_name="assignments", db_index=False)
    inspector = models.ForeignKey(Inspector, verbose_name=_("执法检查人员"), on_delete=models.PROTECT,
                                  related_name="assignments")
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("检查人员分派")
        verbose_name_plural = _("检查人员分派")
        ordering = ["target", "position"]
        constraints = [models.UniqueConstraint(fields=["target", "inspector"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.inspector_id}@{self.target_id}"


class InspectionResult(models.Model):
    """The result of inspecting a drawn target on one item. `publish_by` = completion + the legal
    duration `random-inspection-publication` (DOMAIN §5: 20 working days)."""

    target = models.ForeignKey(DrawnTarget, verbose_name=_("抽中对象"), on_delete=models.PROTECT,
                               related_name="results")
    item = models.ForeignKey(InspectionItem, verbose_name=_("抽查事项"), on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("检查结果"), max_length=20, choices=InspectionOutcome.choices)
    findings = models.TextField(_("检查情况"), blank=True)
    inspected_on = models.DateField(_("检查完成日期"))
    publish_by = models.DateField(_("公示期限"))
    publish_by_provisional_year = provisional_year_field()
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    is_case_lead = models.BooleanField(_("移送案件线索"), default=False)
    case_lead_note = models.CharField(_("线索说明"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "item"], name="inspection_result_unique",
                                    violation_error_message=_("该对象该事项已录入结果")),
            models.CheckConstraint(condition=Q(is_case_lead=False) | Q(outcome=InspectionOutcome.PROBLEMS_FOUND),
                                   name="case_lead_only_with_problems"),
        ]
        indexes = [models.Index(fields=["published_on", "publish_by"], name="result_publication")]

    def __str__(self) -> str:
        return f"{self.target.enterprise} · {self.item.code}"

    def is_overdue(self, today) -> bool:
        return self.published_on is None and self.publish_by < today


class CaseLead(models.Model):
    """案件线索: a suspected violation handed to the market officers of a unit for the penalty procedure — from
    a report whose case was opened (complaints), or an inspection that found problems. Another module creates
    it by a reference of its own (`source_ref`, unique), so handing the same thing over twice makes one lead."""

    source_ref = models.CharField(_("来源编号"), max_length=100, unique=True)
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="case_leads")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT,
                                 related_name="case_leads")
    summary = models.TextField(_("线索摘要"), max_length=2000)
    status = models.CharField(_("状态"), max_length=10, choices=CaseLeadStatus.choices, default=CaseLeadStatus.OPEN)
    created_on = models.DateField(_("移送日期"))
    closed_on = models.DateField(_("处理日期"), null=True, blank=True)
    closing_note = models.CharField(_("处理结果"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("移送人"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("案件线索")
        verbose_name_plural = _("案件线索")
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["org_unit", "status"], name="case_lead_unit_status")]
        constraints = [
            models.CheckConstraint(condition=Q(status=CaseLeadStatus.OPEN) | Q(closed_on__isnull=False),
                                   name="case_lead_closed_has_date"),
        ]

    def __str__(self) -> str:
        return self.source_ref
