from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from qcity.core.deadlines import provisional_year_field
from qcity.enterprises.models import Enterprise

from . import publication
from .choices import (
    CreditAttachmentKind,
    CreditEventKind,
    CreditEventStatus,
    CreditListEntryReason,
    CreditListEntryStatus,
    CreditListKind,
    CreditListRemovalReason,
    CreditObjectionStatus,
    CreditRepairKind,
    CreditRepairStatus,
    RiskClass,
)


class CreditEvent(models.Model):
    """One item of an enterprise's credit file (DOMAIN §1): what happened, who formed it, when it was
    published and until when the public sees it."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="credit_events")
    kind = models.CharField(_("信用事项类别"), max_length=40, choices=CreditEventKind.choices)
    occurred_on = models.DateField(_("形成日期"), help_text=_("处罚决定、抽检结论、列入决定等的日期"))
    source_authority = models.CharField(_("来源机关"), max_length=100)
    summary = models.TextField(_("内容摘要"), help_text=_("内部记录，不公开"))
    public_summary = models.TextField(
        _("公示内容"), blank=True,
        help_text=_("公开档案、公开接口和导出只显示此内容；不得含有身份证号、电话、银行卡号、电子邮箱或个人姓名"))
    confirmed_names = models.JSONField(
        _("经确认依法公示的姓名"), default=list, blank=True,
        help_text=_("被处罚企业的法定代表人姓名，经公示人员确认后按原文公示"))
    decision_number = models.CharField(_("决定书文号"), max_length=100, blank=True,
                                       help_text=_("如 郑市监罚〔2026〕12号；同一企业的文号不得重复"))
    source_ref = models.CharField(_("来源编号"), max_length=100, blank=True,
                                  help_text=_("来源模块的记录，如 sampling:sample:42"))
    minor_penalty = models.BooleanField(_("通报批评或较低数额罚款"), default=False,
                                        help_text=_("公示期3个月；其他行政处罚公示期3年"))
    publication_due_on = models.DateField(_("应公示日期"), null=True, blank=True)
    publication_due_on_provisional_year = provisional_year_field()
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    publication_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True,
                                           help_text=_("空表示公示期不限"))
    status = models.CharField(_("状态"), max_length=20, choices=CreditEventStatus.choices,
                              default=CreditEventStatus.RECORDED)
    withdrawn_on = models.DateField(_("撤销日期"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信用事项")
        verbose_name_plural = _("信用事项")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-occurred_on"], name="credit_event_enterprise_date"),
            models.Index(fields=["occurred_on"], name="credit_event_occurred"),
            models.Index(fields=["status", "publication_due_on"], name="credit_event_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_ref"], condition=~Q(source_ref=""),
                                    name="credit_event_source_ref_unique",
                                    violation_error_message=_("该来源编号已登记")),
            # the same penalty decision recorded twice for one enterprise (a natural duplicate)
            models.UniqueConstraint(fields=["enterprise", "decision_number"], condition=~Q(decision_number=""),
                                    name="credit_event_decision_number_unique",
                                    violation_error_message=_("该企业已登记此决定书文号")),
            models.CheckConstraint(condition=Q(published_on__isnull=True) | Q(published_on__gte=models.F("occurred_on")),
                                   name="credit_event_published_after_occurred"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"

    @cached_property
    def public_text(self) -> str:
        """What the public and the enterprise read: the public summary, masked again (publication.py)."""
        return publication.public_text(self)

    @cached_property
    def not_published_reason(self) -> str:
        """Why a recorded item is never published (formed before any publication rule); '' otherwise."""
        if self.status != CreditEventStatus.RECORDED or self.publication_due_on is not None:
            return ""
        return publication.unpublishable_reason(self.kind, self.occurred_on)

    def is_public_on(self, day) -> bool:
        """Published, not withdrawn, and `day` inside the publication period."""
        return (self.status == CreditEventStatus.PUBLISHED and self.published_on is not None
                and self.published_on <= day
                and (self.publication_ends_on is None or day <= self.publication_ends_on))

    def is_publication_overdue(self, day) -> bool:
        return (self.status == CreditEventStatus.RECORDED and self.publication_due_on is not None
                and day > self.publication_due_on)


class ScoringModel(models.Model):
    """One version of the credit-risk scoring model (DOMAIN §3). Editing makes a new version; the
    newest is in force, so every classification names the version it came from."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    parameters = models.JSONField(_("参数"))
    note = models.CharField(_("修订说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用风险评分模型")
        verbose_name_plural = _("信用风险评分模型")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class CreditClassification(models.Model):
    """The current risk class of one enterprise, with each contribution to its score."""

    enterprise = models.OneToOneField(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                      primary_key=True, related_name="credit_classification")
    risk_class = models.CharField(_("风险分类"), max_length=1, choices=RiskClass.choices)
    score = models.IntegerField(_("风险分值"))
    reasons = models.JSONField(_("分类依据"), default=dict)
    model_version = models.PositiveIntegerField(_("模型版本"))
    classified_at = models.DateTimeField(_("分类时间"))

    class Meta:
        verbose_name = _("信用风险分类")
        verbose_name_plural = _("信用风险分类")
        indexes = [models.Index(fields=["risk_class"], name="credit_class_risk_class")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.get_risk_class_display()}"


class CreditClassChange(models.Model):
    """History: a row each time an enterprise's class changes (never classified counts as B)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="credit_class_changes")
    from_class = models.CharField(_("原分类"), max_length=1, choices=RiskClass.choices)
    to_class = models.CharField(_("新分类"), max_length=1, choices=RiskClass.choices)
    score = models.IntegerField(_("风险分值"))
    model_version = models.PositiveIntegerField(_("模型版本"))
    changed_at = models.DateTimeField(_("变更时间"))

    class Meta:
        verbose_name = _("信用风险分类变更")
        verbose_name_plural = _("信用风险分类变更")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-changed_at"], name="credit_class_change_recent")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.from_class}→{self.to_class}"


class CreditListEntry(models.Model):
    """An enterprise on the abnormal-operations list, the serious-violation list or the red list."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="credit_list_entries")
    list_kind = models.CharField(_("名录"), max_length=30, choices=CreditListKind.choices)
    reason = models.CharField(_("列入事由"), max_length=30, choices=CreditListEntryReason.choices)
    detail = models.TextField(_("事实与依据"), blank=True)
    decided_on = models.DateField(_("列入决定日期"))
    decision_authority = models.CharField(_("作出决定机关"), max_length=100)
    decision_number = models.CharField(_("决定书文号"), max_length=100, blank=True)
    penalty_event = models.ForeignKey(CreditEvent, verbose_name=_("所依据的较重行政处罚"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    escalated_from = models.OneToOneField("self", verbose_name=_("由经营异常名录转入"), null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="escalated_to")
    publication_due_on = models.DateField(_("应公示日期"), null=True, blank=True)
    publication_due_on_provisional_year = provisional_year_field()
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    earliest_repair_on = models.DateField(_("最早可申请信用修复日期"), null=True, blank=True)
    ends_on = models.DateField(_("期满日期"), null=True, blank=True,
                               help_text=_("严重违法失信名单期满自动移出、经营异常名录届满转入严重违法失信名单的日期"))
    status = models.CharField(_("状态"), max_length=20, choices=CreditListEntryStatus.choices,
                              default=CreditListEntryStatus.LISTED)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.CharField(_("移出原因"), max_length=30, choices=CreditListRemovalReason.choices, blank=True)
    removal_note = models.CharField(_("移出说明"), max_length=300, blank=True)
    entry_event = models.ForeignKey(CreditEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("名录名单记录")
        verbose_name_plural = _("名录名单记录")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["list_kind", "status", "-decided_on"], name="credit_list_kind_status"),
            models.Index(fields=["status", "ends_on"], name="credit_list_ends"),
            # the to-do of entries still to publish (credit/todos.py)
            models.Index(fields=["publication_due_on"], condition=Q(status="listed", published_on__isnull=True),
                         name="credit_list_to_publish"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "list_kind"], condition=Q(status="listed"),
                                    name="credit_list_one_open_entry",
                                    violation_error_message=_("该企业已在此名录中")),
        ]

    def __str__(self) -> str:
        return f"{self.get_list_kind_display()}：{self.enterprise_id}"

    @property
    def is_listed(self) -> bool:
        return self.status == CreditListEntryStatus.LISTED


class CreditRepair(models.Model):
    """信用修复申请 (DOMAIN §2.4): proof of compliance and a credit commitment letter, accepted and
    decided within working-day periods."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="credit_repairs")
    kind = models.CharField(_("修复类别"), max_length=40, choices=CreditRepairKind.choices)
    list_entry = models.ForeignKey(CreditListEntry, verbose_name=_("名录名单记录"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="repairs")
    credit_event = models.ForeignKey(CreditEvent, verbose_name=_("行政处罚信息"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="repairs")
    compliance_proof = models.TextField(_("已履行义务、纠正失信行为的证明"))
    commitment_letter = models.TextField(_("信用承诺书"))
    submitted_on = models.DateField(_("申请日期"))
    acceptance_due_on = models.DateField(_("受理期限"))
    acceptance_due_on_provisional_year = provisional_year_field()
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    decision_due_on = models.DateField(_("决定期限"), null=True, blank=True)
    decision_due_on_provisional_year = provisional_year_field()
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=CreditRepairStatus.choices, default=CreditRepairStatus.SUBMITTED)
    decision_note = models.CharField(_("处理意见"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["status", "submitted_on"], name="credit_repair_status")]
        constraints = [
            models.CheckConstraint(condition=Q(list_entry__isnull=False) | Q(credit_event__isnull=False),
                                   name="credit_repair_has_target"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_status_display()}）"


class CreditObjection(models.Model):
    """异议: the enterprise disputes a published credit item (an event or a list entry)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="credit_objections")
    credit_event = models.ForeignKey(CreditEvent, verbose_name=_("信用事项"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="objections")
    list_entry = models.ForeignKey(CreditListEntry, verbose_name=_("名录名单记录"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="objections")
    grounds = models.TextField(_("异议理由"))
    evidence = models.TextField(_("证明材料"), blank=True)
    submitted_on = models.DateField(_("提出日期"))
    reply_due_on = models.DateField(_("答复期限"))
    reply_due_on_provisional_year = provisional_year_field()
    status = models.CharField(_("状态"), max_length=20, choices=CreditObjectionStatus.choices,
                              default=CreditObjectionStatus.SUBMITTED)
    decision_note = models.CharField(_("处理意见"), max_length=500, blank=True)
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信用异议")
        verbose_name_plural = _("信用异议")
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["status", "submitted_on"], name="credit_objection_status")]
        constraints = [
            models.CheckConstraint(condition=Q(list_entry__isnull=False) | Q(credit_event__isnull=False),
                                   name="credit_objection_has_target"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}（{self.get_status_display()}）"


class CreditAttachment(models.Model):
    """A document filed with a repair application (proof of compliance, credit commitment letter) or an
    objection (evidence): PDF, JPEG or PNG, checked by content on upload, downloaded only by the enterprise
    itself and the officers over its org unit."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="credit_attachments")
    repair = models.ForeignKey(CreditRepair, verbose_name=_("信用修复申请"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="attachments")
    objection = models.ForeignKey(CreditObjection, verbose_name=_("信用异议"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("材料类别"), max_length=30, choices=CreditAttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to="credit/attachments/%Y/")
    original_name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用材料")
        verbose_name_plural = _("信用材料")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(condition=(Q(repair__isnull=False, objection__isnull=True)
                                              | Q(repair__isnull=True, objection__isnull=False)),
                                   name="credit_attachment_one_owner"),
        ]

    def __str__(self) -> str:
        return self.original_name
