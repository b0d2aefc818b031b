"""Complaints and reports (投诉举报, 12315; DOMAIN §9).

One table holds both kinds (`kind`): they share intake, the respondent, routing, classification and the
protection of personal data, and differ in their workflow (services/handling.py). A mixed submission is
split into a complaint and a report that point at each other (`split_from`).

The complainant's or reporter's personal data (`person_*`) is shown only to the handling officer and
above (`selectors.personal_data_visible`), masked everywhere else, and anonymised after the retention
period by `services/retention.py`, which leaves every statistical column in place.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qcity.core.deadlines import provisional_year_field
from qcity.core.models import OrgUnit
from qcity.enterprises.models import Enterprise

from .choices import (
    FINISHED_STATUSES,
    MEDIATION_OPEN,
    CaseGrade,
    CategoryGroup,
    ComplaintChannel,
    ComplaintEventKind,
    ComplaintKind,
    ComplaintStatus,
    DeclineGround,
    GazetteerKind,
    MediationMode,
    MediationOutcome,
    Remedy,
    ReporterChannel,
    ReportTipDecision,
    RewardStatus,
    RoutingMethod,
    SettlementAnswer,
    SuspensionReason,
    TerminationGround,
)


class ComplaintCategory(models.Model):
    """The category of goods or services (editable; the default follows the national complaint statistics)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    group = models.CharField(_("大类"), max_length=10, choices=CategoryGroup.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("投诉举报分类")
        verbose_name_plural = _("投诉举报分类")
        ordering = ["group", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class ProblemType(models.Model):
    """The kind of problem (质量, 安全, 售后服务, …): editable, with a shipped default."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问题类型")
        verbose_name_plural = _("问题类型")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class GazetteerEntry(models.Model):
    """A road, area, town or landmark of the city and the unit it belongs to: places an address that names
    no district (the address library knows provinces, cities and districts, not the city's own streets)."""

    name = models.CharField(_("地名"), max_length=60)
    kind = models.CharField(_("类别"), max_length=10, choices=GazetteerKind.choices)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属区域"), on_delete=models.PROTECT,
                                 related_name="gazetteer_entries")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("地名库条目")
        verbose_name_plural = _("地名库")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "org_unit"], name="gazetteer_unique_name_unit")]

    def __str__(self) -> str:
        return self.name


class DirectSettlementMembership(models.Model):
    """An enterprise that has joined direct settlement (在线消费纠纷解决, ODR): its complaints go to it first."""

    enterprise = models.OneToOneField(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                      related_name="direct_settlement")
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("在线纠纷解决企业")
        verbose_name_plural = _("在线纠纷解决企业")
        constraints = [
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                                   name="direct_settlement_period_ordered"),
        ]

    def __str__(self) -> str:
        return str(self.enterprise)


class Complaint(models.Model):
    """A complaint (投诉) or a report (举报)."""

    tracking_number = models.CharField(_("查询编号"), max_length=20)  # unique: Meta.constraints
    kind = models.CharField(_("类别"), max_length=20, choices=ComplaintKind.choices)
    channel = models.CharField(_("来源渠道"), max_length=20, choices=ComplaintChannel.choices)
    status = models.CharField(_("状态"), max_length=20, choices=ComplaintStatus.choices)
    source_ref = models.CharField(_("外部编号"), max_length=64, null=True, blank=True,
                                  help_text=_("全国12315平台的工单号；重复转办按此识别"))
    form_token = models.CharField(_("表单令牌"), max_length=64, null=True, blank=True, editable=False,
                                  help_text=_("网上登记表单的一次性令牌；重复提交按此识别"))
    split_from = models.ForeignKey("self", verbose_name=_("拆分自"), null=True, blank=True, db_index=False,
                                   on_delete=models.SET_NULL, related_name="split_into")
    received_at = models.DateTimeField(_("登记时间"))
    received_on = models.DateField(_("收到日期"), help_text=_("受理期限自此日起算"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                      db_index=False, on_delete=models.SET_NULL, related_name="+")

    # The complainant or reporter: personal data (DOMAIN §9; PIPL), masked outside the handling scope.
    anonymous = models.BooleanField(_("匿名举报"), default=False)
    person_name = models.CharField(_("姓名"), max_length=50, blank=True)
    person_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    person_id_number = models.CharField(_("身份证件号码"), max_length=18, blank=True)
    person_address = models.CharField(_("联系地址"), max_length=200, blank=True)
    phone_last4 = models.CharField(_("电话后四位"), max_length=4, blank=True, editable=False,
                                   help_text=_("查询进度时核对；匿名化后仍保留以便查询"))
    reporter_channel = models.CharField(_("告知方式"), max_length=10, choices=ReporterChannel.choices,
                                        default=ReporterChannel.SMS)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    # The respondent (被投诉人 / 被举报人).
    respondent = models.ForeignKey(Enterprise, verbose_name=_("被投诉举报企业"), null=True, blank=True,
                                   db_index=False, on_delete=models.PROTECT, related_name="complaints")
    respondent_name = models.CharField(_("被投诉举报方名称"), max_length=200)
    respondent_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    respondent_address = models.CharField(_("被投诉举报方地址"), max_length=300, blank=True)
    platform = models.ForeignKey(Enterprise, verbose_name=_("交易平台"), null=True, blank=True, db_index=False,
                                 on_delete=models.PROTECT, related_name="platform_complaints",
                                 help_text=_("在平台内经营的商家：平台经营者"))
    platform_name = models.CharField(_("交易平台名称"), max_length=100, blank=True)

    # What happened.
    subject = models.CharField(_("标题"), max_length=100)
    facts = models.TextField(_("事实和理由"), max_length=5000)
    request = models.TextField(_("诉求"), max_length=1000, blank=True)
    product = models.CharField(_("商品或服务名称"), max_length=100, blank=True)
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    harm_known_on = models.DateField(_("知道权益受侵害日期"), null=True, blank=True)

    # Classification: suggested from the text, confirmed by the handler.
    category = models.ForeignKey(ComplaintCategory, verbose_name=_("商品或服务类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="complaints")
    problem_type = models.ForeignKey(ProblemType, verbose_name=_("问题类型"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="complaints")
    suggested_category = models.ForeignKey(ComplaintCategory, verbose_name=_("建议类别"), null=True, blank=True,
                                           db_index=False, on_delete=models.SET_NULL, related_name="+")
    suggested_problem_type = models.ForeignKey(ProblemType, verbose_name=_("建议问题类型"), null=True,
                                               blank=True, db_index=False, on_delete=models.SET_NULL,
                                               related_name="+")
    classification_confirmed = models.BooleanField(_("分类已确认"), default=False)

    # Routing: the unit whose market regulator handles it; NULL while in the city-level triage queue.
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("承办单位"), null=True, blank=True, db_index=False,
                                 on_delete=models.PROTECT, related_name="complaints")
    routing_method = models.CharField(_("分派依据"), max_length=20, choices=RoutingMethod.choices)
    routing_note = models.CharField(_("分派说明"), max_length=200, blank=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="complaints_handled")

    # Direct settlement (ODR): the enterprise's 10-working-day window before the regulator's clock.
    settlement_started_on = models.DateField(_("转企业和解日期"), null=True, blank=True)
    settlement_deadline = models.DateField(_("在线和解截止日"), null=True, blank=True)
    settlement_deadline_provisional_year = provisional_year_field()
    settlement_answer = models.CharField(_("和解结果"), max_length=20, choices=SettlementAnswer.choices,
                                         blank=True)
    settlement_note = models.TextField(_("企业答复"), max_length=2000, blank=True)
    settlement_answered_at = models.DateTimeField(_("企业答复时间"), null=True, blank=True)

    # Deadlines in working days from the legal-durations table; suspensions and extensions add to them.
    acceptance_clock_from = models.DateField(
        _("受理期限起算日"), null=True, blank=True,
        help_text=_("收到之日；在线和解未果或移送的，自转回或移入之日起算"))
    acceptance_deadline = models.DateField(_("受理决定期限"), null=True, blank=True,
                                           help_text=_("投诉：受理决定；举报：立案核查"))
    acceptance_deadline_provisional_year = provisional_year_field()
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    decline_ground = models.CharField(_("不予受理理由"), max_length=30, choices=DeclineGround.choices, blank=True)
    decision_note = models.TextField(_("决定说明"), max_length=2000, blank=True)
    mediation_deadline = models.DateField(_("调解期限"), null=True, blank=True)
    mediation_deadline_provisional_year = provisional_year_field()
    mediation_mode = models.CharField(_("调解方式"), max_length=10, choices=MediationMode.choices, blank=True)
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调解人员"), null=True, blank=True,
                                 db_index=False, on_delete=models.SET_NULL, related_name="complaints_mediated")
    suspended_since = models.DateField(_("中止日期"), null=True, blank=True)
    suspension_reason = models.CharField(_("中止原因"), max_length=20, choices=SuspensionReason.choices,
                                         blank=True)
    suspended_working_days = models.PositiveSmallIntegerField(_("已中止工作日"), default=0)
    extended_working_days = models.PositiveSmallIntegerField(_("延长工作日"), default=0)
    extension_reason = models.CharField(_("延长理由"), max_length=300, blank=True)
    clue_found_on = models.DateField(_("发现违法线索日期"), null=True, blank=True)
    clue_extended = models.BooleanField(_("线索核查已延长"), default=False)
    clue_verified_on = models.DateField(_("线索核查完毕日期"), null=True, blank=True)
    clue_verification_deadline = models.DateField(_("线索核查期限"), null=True, blank=True)
    clue_verification_deadline_provisional_year = provisional_year_field()
    # Reports: the case-opening decision and the notice to a real-name reporter.
    tip_check_extended = models.BooleanField(_("立案核查已延长"), default=False)
    tip_decision = models.CharField(_("立案决定"), max_length=20, choices=ReportTipDecision.choices, blank=True)
    tip_decided_on = models.DateField(_("立案决定日期"), null=True, blank=True)
    case_number = models.CharField(_("案件编号"), max_length=50, blank=True)
    reporter_notice_deadline = models.DateField(_("举报人告知期限"), null=True, blank=True)
    reporter_notice_deadline_provisional_year = provisional_year_field()
    reporter_notified_on = models.DateField(_("告知举报人日期"), null=True, blank=True)

    # Outcome.
    outcome = models.CharField(_("调解结果"), max_length=30, choices=MediationOutcome.choices, blank=True)
    remedy = models.CharField(_("处理方式"), max_length=20, choices=Remedy.choices, blank=True)
    amount_recovered = models.DecimalField(_("挽回经济损失（元）"), max_digits=12, decimal_places=2, null=True,
                                           blank=True)
    termination_ground = models.CharField(_("终止调解理由"), max_length=30, choices=TerminationGround.choices,
                                          blank=True)
    substantiated = models.BooleanField(_("查证属实"), default=False)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    closed_late = models.BooleanField(_("超期办结"), default=False)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True,
                                                    help_text=_("1（很不满意）至5（很满意）"))
    satisfaction_comment = models.CharField(_("评价意见"), max_length=500, blank=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_at", "-id"]
        # Every index costs each intake INSERT and each UPDATE of a row, so only what a list, a filter, a
        # to-do or a job reads: the foreign keys whose reverse nobody queries (registered_by, suggested_*,
        # mediator) have none, org_unit and respondent are served by the composites leading with them,
        # split_from and platform by partial indexes over the few rows that have one.
        indexes = [
            models.Index(fields=["org_unit", "status", "-received_at"], name="complaint_unit_status"),
            models.Index(fields=["status", "acceptance_deadline"], name="complaint_status_acceptance"),
            models.Index(fields=["status", "mediation_deadline"], name="complaint_status_mediation"),
            models.Index(fields=["respondent", "-received_on"], name="complaint_respondent_recent"),
            models.Index(fields=["received_on"], name="complaint_received_on"),
            # the daily overdue scan reads only the open rows (services/escalation.py): a partial index keeps
            # it off the years of finished complaints
            models.Index(fields=["status"], name="complaint_open", condition=~Q(status__in=sorted(FINISHED_STATUSES))),
            models.Index(fields=["split_from"], name="complaint_split_from", condition=Q(split_from__isnull=False)),
            # the few complaints that name a trading platform: deleting an enterprise checks this PROTECT key, and
            # without an index SQLite's foreign-key check scanned every complaint per deleted enterprise
            models.Index(fields=["platform"], name="complaint_platform", condition=Q(platform__isnull=False)),
            # the rows waiting on each duty (todos.DUTIES), in deadline order for the city level and by unit
            # for a unit: the home page reads the nearest few and counts the rest off the index, the overdue
            # scan reads only them. The two duties with no status to lead an index have IS NULL terms only
            # (SQLite uses a partial index only for terms without a bound value). Mediation's serves PostgreSQL
            # (12,000 complaints in mediation: 20 ms through the status composite, see below); SQLite reads it
            # through the status composites above, as PostgreSQL does acceptance (an index every intake
            # INSERT would pay for).
            *[models.Index(fields=[*lead, field], name=f"complaint_{key}_{suffix}", condition=condition)
              for key, field, condition in (
                  ("clue", "clue_verification_deadline",
                   Q(clue_found_on__isnull=False, clue_verified_on__isnull=True)),
                  ("notice", "reporter_notice_deadline",
                   Q(tip_decided_on__isnull=False, reporter_notified_on__isnull=True)),
                  ("mediate", "mediation_deadline",
                   Q(status__in=MEDIATION_OPEN, kind=ComplaintKind.COMPLAINT, suspended_since__isnull=True)))
              for lead, suffix in (((), "open"), (("org_unit",), "unit"))],
        ]
        constraints = [
            # unique constraints rather than `unique=True`: the same unique index, without the second
            # (varchar_pattern_ops) index PostgreSQL gets for LIKE on a unique text field — nobody searches these
            # by prefix (tracking numbers are looked up whole)
            *[models.UniqueConstraint(fields=[name], name=f"complaint_{name}_unique")
              for name in ("tracking_number", "source_ref", "form_token")],
            models.CheckConstraint(condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                                   name="complaint_satisfaction_range"),
            models.CheckConstraint(condition=~Q(kind=ComplaintKind.COMPLAINT) | Q(anonymous=False),
                                   name="complaint_not_anonymous"),
            models.CheckConstraint(condition=~Q(status=ComplaintStatus.DECLINED) | ~Q(decline_ground=""),
                                   name="complaint_decline_has_ground"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="complaint_amount_not_negative"),
            models.CheckConstraint(condition=Q(amount_recovered__isnull=True) | Q(amount_recovered__gte=0),
                                   name="complaint_recovered_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.subject}"


class ComplaintEscalation(models.Model):
    """The overdue mark (逾期督办) of a complaint or report: when the daily scan escalated it (the run's time,
    which also picks out the marks of one run) and the deadline that had passed. A narrow table of its own, so
    the scan writes one small row per item with one INSERT … SELECT instead of rewriting the wide complaint row
    and each of its indexes (bench/complaint_overdue.py). An item is escalated once."""

    # no database foreign key: its deferred check locked each complaint row at commit (1 s of the 250,000-row
    # scan on PostgreSQL); the marks are only inserted by the scan, selected from existing complaints, and
    # deleted with them by the ORM's cascade
    complaint = models.OneToOneField(Complaint, verbose_name=_("投诉举报"), on_delete=models.CASCADE,
                                     primary_key=True, db_constraint=False, related_name="escalation")
    escalated_at = models.DateTimeField(_("督办时间"))
    deadline_field = models.CharField(_("逾期期限"), max_length=40, help_text=_("已过的期限字段"))

    class Meta:
        verbose_name = _("逾期督办")
        verbose_name_plural = _("逾期督办")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.escalated_at:%Y-%m-%d}"

    @property
    def deadline_label(self) -> str:
        """The passed deadline's name (受理决定期限, 调解期限, …)."""
        return str(Complaint._meta.get_field(self.deadline_field).verbose_name)


class ComplaintAttachment(models.Model):
    """Evidence filed with a complaint (PDF, JPEG, PNG), checked by content on upload."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("投诉举报"), on_delete=models.CASCADE,
                                  related_name="attachments")
    file = models.FileField(_("文件"), upload_to="complaints/attachments/%Y/")
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投诉举报材料")
        verbose_name_plural = _("投诉举报材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ComplaintEvent(models.Model):
    """One step in a complaint's history: who did what, when, and why (transfers name both units)."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("投诉举报"), on_delete=models.CASCADE,
                                  db_index=False, related_name="events")  # the timeline index leads with it
    kind = models.CharField(_("事项"), max_length=30, choices=ComplaintEventKind.choices)
    at = models.DateTimeField(_("时间"))
    # nobody looks events up by who or which unit: no index to write with each of the millions of events
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True,
                           db_index=False, on_delete=models.SET_NULL, related_name="+")
    from_unit = models.ForeignKey(OrgUnit, verbose_name=_("移出单位"), null=True, blank=True, db_index=False,
                                  on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(OrgUnit, verbose_name=_("移入单位"), null=True, blank=True, db_index=False,
                                on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    public = models.BooleanField(_("向投诉人公开"), default=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="complaint_event_timeline")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_kind_display()}"


class RewardRule(models.Model):
    """One row of the reward table (有奖举报): for a case grade and a fine band, a share of the fine with a
    floor and a cap. Local rules differ; the shipped default is editable by the office."""

    grade = models.CharField(_("案件等级"), max_length=10, choices=CaseGrade.choices)
    fine_from = models.DecimalField(_("罚没款下限（元）"), max_digits=14, decimal_places=2, default=0)
    fine_to = models.DecimalField(_("罚没款上限（元，不含）"), max_digits=14, decimal_places=2, null=True,
                                  blank=True)
    rate_percent = models.DecimalField(_("奖励比例（%）"), max_digits=5, decimal_places=2)
    minimum = models.DecimalField(_("最低奖励（元）"), max_digits=12, decimal_places=2, default=0)
    cap = models.DecimalField(_("最高奖励（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("举报奖励标准")
        verbose_name_plural = _("举报奖励标准")
        ordering = ["grade", "fine_from"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "fine_from"], name="reward_rule_unique_band"),
            models.CheckConstraint(condition=Q(rate_percent__gte=0, rate_percent__lte=100),
                                   name="reward_rule_rate_range"),
            models.CheckConstraint(condition=Q(fine_to__isnull=True) | Q(fine_to__gt=F("fine_from")),
                                   name="reward_rule_band_ordered"),
            models.CheckConstraint(condition=Q(cap__gte=F("minimum")), name="reward_rule_cap_over_minimum"),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} {self.fine_from}–{self.fine_to or '∞'}"


class Reward(models.Model):
    """A reward proposed for a report that led to a penalty, decided by the office, paid and recorded."""

    complaint = models.OneToOneField(Complaint, verbose_name=_("举报"), on_delete=models.PROTECT,
                                     related_name="reward")
    status = models.CharField(_("状态"), max_length=10, choices=RewardStatus.choices,
                              default=RewardStatus.PROPOSED)
    grade = models.CharField(_("案件等级"), max_length=10, choices=CaseGrade.choices)
    fine_amount = models.DecimalField(_("罚没款金额（元）"), max_digits=14, decimal_places=2)
    penalty_decision_number = models.CharField(_("处罚决定书文号"), max_length=80)
    amount = models.DecimalField(_("奖励金额（元）"), max_digits=12, decimal_places=2)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_on = models.DateField(_("提出日期"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    payment_ref = models.CharField(_("发放凭证号"), max_length=80, blank=True)
    reporter_notified_at = models.DateTimeField(_("告知举报人时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("举报奖励")
        verbose_name_plural = _("举报奖励")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="reward_amount_not_negative"),
            models.CheckConstraint(condition=Q(fine_amount__gte=0), name="reward_fine_not_negative"),
            models.CheckConstraint(condition=~Q(status=RewardStatus.PAID) | Q(paid_on__isnull=False),
                                   name="reward_paid_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.tracking_number} {self.amount}"
