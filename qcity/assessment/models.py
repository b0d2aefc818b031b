from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qcity.core.models import Department, OrgUnit
from qcity.indicators.models import Indicator

from .choices import (
    AssessmentGrade,
    AssessmentSchemeStatus,
    AssessmentSubjectKind,
    SchemeItemKind,
    SchemeItemScoringRule,
)

POINTS = {"max_digits": 7, "decimal_places": 2}


class AssessmentScheme(models.Model):
    """The rules of one year's assessment (考核方案): items and weights, grade thresholds, who is assessed."""

    year = models.PositiveSmallIntegerField(_("考核年度"))
    name = models.CharField(_("方案名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=AssessmentSchemeStatus.choices, default=AssessmentSchemeStatus.DRAFT)
    assess_districts = models.BooleanField(_("考核区县"), default=True)
    assess_departments = models.BooleanField(_("考核部门"), default=True)
    excellent_from = models.DecimalField(_("优秀分数线"), default=Decimal(90), **POINTS)
    good_from = models.DecimalField(_("良好分数线"), default=Decimal(80), **POINTS)
    pass_from = models.DecimalField(_("合格分数线"), default=Decimal(60), **POINTS)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_run_at = models.DateTimeField(_("最近测算时间"), null=True, blank=True)
    last_run_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("测算人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="assessment_scheme_name_unique_per_year"),
            models.CheckConstraint(condition=Q(assess_districts=True) | Q(assess_departments=True),
                                   name="assessment_scheme_has_subjects"),
            models.CheckConstraint(
                condition=Q(pass_from__gte=0, good_from__gte=F("pass_from"), excellent_from__gte=F("good_from")),
                name="assessment_scheme_grades_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    def grade_for(self, score: Decimal, *, vetoed: bool = False) -> str:
        if vetoed or score < self.pass_from:
            return AssessmentGrade.FAIL
        if score >= self.excellent_from:
            return AssessmentGrade.EXCELLENT
        return AssessmentGrade.GOOD if score >= self.good_from else AssessmentGrade.PASS


class SchemeGroup(models.Model):
    """A weighted part of the scheme (a domain of indicators, the key tasks): the groups' weights add up to 100.

    The base items of a group share its weight equally, except those that set their own points; bonus
    and veto items belong to no group (they are added on top of, or override, the 100 points)."""

    scheme = models.ForeignKey(AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.CASCADE,
                               related_name="groups")
    name = models.CharField(_("分组名称"), max_length=100)
    weight = models.DecimalField(_("分组分值"), **POINTS)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考核项分组")
        verbose_name_plural = _("考核项分组")
        ordering = ["scheme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="scheme_group_name_unique_per_scheme"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="scheme_group_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class SchemeItem(models.Model):
    """One line of the scheme: an indicator or the task item inside a group, a bonus (weight = cap) or a
    veto (weight 0). A base item's weight is its own points inside its group; empty = an equal share."""

    scheme = models.ForeignKey(AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.CASCADE,
                               related_name="items")
    kind = models.CharField(_("类别"), max_length=10, choices=SchemeItemKind.choices)
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(SchemeGroup, verbose_name=_("分组"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="items")
    name = models.CharField(_("考核内容"), max_length=200)
    weight = models.DecimalField(_("分值"), null=True, blank=True, **POINTS)
    rule = models.CharField(_("评分规则"), max_length=20, choices=SchemeItemScoringRule.choices,
                            default=SchemeItemScoringRule.PROPORTIONAL)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考核项")
        verbose_name_plural = _("考核项")
        ordering = ["scheme", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind=SchemeItemKind.INDICATOR, indicator__isnull=False)
                                   | (~Q(kind=SchemeItemKind.INDICATOR) & Q(indicator__isnull=True)),
                                   name="scheme_item_indicator_iff_indicator_kind"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="scheme_item_weight_not_negative"),
            models.CheckConstraint(condition=~Q(kind=SchemeItemKind.VETO) | Q(weight=0), name="scheme_item_veto_no_points"),
            models.CheckConstraint(condition=~Q(kind=SchemeItemKind.BONUS) | Q(weight__isnull=False),
                                   name="scheme_item_bonus_has_cap"),
            models.CheckConstraint(condition=Q(kind__in=[SchemeItemKind.BONUS, SchemeItemKind.VETO], group__isnull=True)
                                   | Q(kind__in=[SchemeItemKind.INDICATOR, SchemeItemKind.TASKS], group__isnull=False),
                                   name="scheme_item_group_iff_base_item"),
            models.UniqueConstraint(fields=["scheme", "indicator"], condition=Q(indicator__isnull=False),
                                    name="scheme_item_indicator_once"),
            models.UniqueConstraint(fields=["scheme"], condition=Q(kind=SchemeItemKind.TASKS),
                                    name="scheme_item_one_tasks_item"),
        ]

    def __str__(self) -> str:
        return self.name


class Adjustment(models.Model):
    """A bonus or a veto recorded against one subject, with the reason and the evidence behind it."""

    item = models.ForeignKey(SchemeItem, verbose_name=_("考核项"), on_delete=models.CASCADE,
                             related_name="adjustments")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("区县"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("分值"), default=Decimal(0), **POINTS)
    reason = models.CharField(_("事由"), max_length=300)
    evidence = models.CharField(_("佐证说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("加分与否决")
        verbose_name_plural = _("加分与否决")
        ordering = ["item", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(org_unit__isnull=True) ^ Q(department__isnull=True),
                                   name="adjustment_one_subject"),
            models.CheckConstraint(condition=Q(points__gte=0), name="adjustment_points_not_negative"),
        ]

    def __str__(self) -> str:
        return self.reason

    @property
    def subject(self):
        return self.org_unit or self.department


class AssessmentResult(models.Model):
    """A subject's score from the latest run of a scheme; `breakdown` explains every point."""

    scheme = models.ForeignKey(AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.CASCADE,
                               related_name="results")
    subject_kind = models.CharField(_("对象类别"), max_length=10, choices=AssessmentSubjectKind.choices)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("区县"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), **POINTS)
    grade = models.CharField(_("等次"), max_length=20, choices=AssessmentGrade.choices)
    rank = models.PositiveSmallIntegerField(_("排名"))
    vetoed = models.BooleanField(_("一票否决"), default=False)
    breakdown = models.JSONField(_("得分明细"), default=list)
    computed_at = models.DateTimeField(_("测算时间"))

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["scheme", "subject_kind", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject_kind=AssessmentSubjectKind.DISTRICT, org_unit__isnull=False, department__isnull=True)
                           | Q(subject_kind=AssessmentSubjectKind.DEPARTMENT, org_unit__isnull=True, department__isnull=False)),
                name="assessment_result_subject_matches_kind"),
            models.UniqueConstraint(fields=["scheme", "org_unit"], name="assessment_result_unit_once"),
            models.UniqueConstraint(fields=["scheme", "department"], name="assessment_result_department_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="assessment_result_rank_positive"),
            models.CheckConstraint(condition=~Q(vetoed=True) | Q(grade=AssessmentGrade.FAIL),
                                   name="assessment_result_veto_fails"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.subject}"

    @property
    def subject(self):
        return self.org_unit or self.department
