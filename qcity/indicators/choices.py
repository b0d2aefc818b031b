from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorDomain(models.TextChoices):
    PRODUCT = "product", _("产品质量")
    ENGINEERING = "engineering", _("工程质量")
    SERVICE = "service", _("服务质量")
    ENVIRONMENT = "environment", _("环境质量")
    BRAND_IP = "brand_ip", _("品牌与知识产权")
    QUALITY_INFRASTRUCTURE = "quality_infrastructure", _("质量基础设施")
    TALENT = "talent", _("质量人才")
    ECONOMY = "economy", _("经济质量")
    GOVERNMENT_SERVICE = "government_service", _("政务服务")


class IndicatorComparator(models.TextChoices):
    AT_LEAST = ">=", "≥"
    AT_MOST = "<=", "≤"
    EQUAL = "==", "="
    RANGE = "range", _("区间")


class IndicatorAttribute(models.TextChoices):
    BINDING = "binding", _("约束性")
    EXPECTED = "expected", _("预期性")
    UNSPECIFIED = "", _("未注明")


class IndicatorAccumulation(models.TextChoices):
    """A level is measured each period; a cumulative count adds up over the plan period."""

    LEVEL = "level", _("水平值")
    CUMULATIVE = "cumulative", _("累计值")


class IndicatorDecomposition(models.TextChoices):
    """How a city target reaches the districts (指标分解): a rate applies to each district as it is (a
    district may be held to a stricter one), a total is split among them, a city title is not theirs."""

    UNIFORM = "uniform", _("统一目标")
    SPLIT = "split", _("分解下达")
    CITY_ONLY = "city_only", _("仅考核全市")


class TargetDecompositionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CONFIRMED = "confirmed", _("已确认")


class IndicatorSource(models.TextChoices):
    REPORTED = "reported", _("填报")
    COMPUTED = "computed", _("系统计算")


class ReportingPeriodKind(models.TextChoices):
    YEAR = "year", _("年")
    QUARTER = "quarter", _("季")
    MONTH = "month", _("月")


class ReportedValueStatus(models.TextChoices):
    """submitted → reviewed → approved; returned goes back to the reporter; reopened unlocks an approved
    value for a correction."""

    SUBMITTED = "submitted", _("已提交")
    REVIEWED = "reviewed", _("已审核")
    APPROVED = "approved", _("已审定")
    RETURNED = "returned", _("已退回")
    REOPENED = "reopened", _("已重开")


class TargetStatus(models.TextChoices):
    ACHIEVED = "achieved", _("已达标")
    ON_TRACK = "on_track", _("进度正常")
    AT_RISK = "at_risk", _("存在风险")
    OFF_TRACK = "off_track", _("严重滞后")
    NO_DATA = "no_data", _("无数据")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class PlanProposalKind(models.TextChoices):
    """A proposal of the plan-import extractor (values as in `extraction.QUANTITATIVE`/`QUALITATIVE`)."""

    QUANTITATIVE = "quantitative", _("量化目标")
    QUALITATIVE = "qualitative", _("定性目标")
