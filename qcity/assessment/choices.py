from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentSchemeStatus(models.TextChoices):
    """A draft scheme can be edited and run for checking; a published one is the official result."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class AssessmentSubjectKind(models.TextChoices):
    DISTRICT = "district", _("区县")
    DEPARTMENT = "department", _("部门")


class SchemeItemKind(models.TextChoices):
    INDICATOR = "indicator", _("指标")
    TASKS = "tasks", _("重点任务")
    BONUS = "bonus", _("加分项")
    VETO = "veto", _("一票否决")


class SchemeItemScoringRule(models.TextChoices):
    FULL_OR_NOTHING = "full_or_nothing", _("达标得满分，否则不得分")
    PROPORTIONAL = "proportional", _("达标得满分，否则按完成程度得分")


class AssessmentGrade(models.TextChoices):
    """NOT_ASSESSED: nothing in the scheme was assessable for the subject (all not yet due or not applicable)."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NOT_ASSESSED = "not_assessed", _("未参评")


class SchemeItemExclusion(models.TextChoices):
    """Why a base item is left out of one subject's score (the remaining weights are rescaled to 100)."""

    NOT_DUE = "not_due", _("未到期，不计分")
    NOT_APPLICABLE = "not_applicable", _("不适用")
