from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductKind(models.TextChoices):
    """Drives which pass-rate indicator a category's samples count towards."""

    FOOD = "food", _("食品")
    EDIBLE_AGRICULTURAL = "edible_agricultural", _("食用农产品")
    DRUG = "drug", _("药品")
    KEY_INDUSTRIAL = "key_industrial", _("重点工业产品")
    OTHER = "other", _("其他")


class SamplingPlanLevel(models.TextChoices):
    NATIONAL = "national", _("国家")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")


# Lower number = higher level (DOMAIN §6: a lower level must not re-sample a higher level's batch).
LEVEL_RANK = {SamplingPlanLevel.NATIONAL: 1, SamplingPlanLevel.PROVINCIAL: 2, SamplingPlanLevel.CITY: 3, SamplingPlanLevel.DISTRICT: 4}


class SamplingPlace(models.TextChoices):
    """产品质量法 art. 15: samples are drawn at random from goods for sale, in the market or the finished-goods warehouse."""

    MARKET = "market", _("市场（销售场所）")
    WAREHOUSE = "warehouse", _("企业成品仓库")


class SampleStatus(models.TextChoices):
    SAMPLED = "sampled", _("已抽样待检验")
    CONCLUDED = "concluded", _("已出检验结论")
    SERVED = "served", _("已送达")
    RETESTING = "retesting", _("复检中")
    RETESTED = "retested", _("已复检")


class SamplingConclusion(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class RetestOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("维持原结论")
    OVERTURNED = "overturned", _("原结论被推翻")


class FollowupStatus(models.TextChoices):
    """不合格后处理, 产品质量法 art. 17 steps, in order."""

    ORDERED = "ordered", _("已责令整改")
    REPORTED = "reported", _("已提交整改报告")
    RECTIFIED = "rectified", _("复查合格")
    REINSPECTION_FAILED = "reinspection_failed", _("复查不合格")
    ANNOUNCED = "announced", _("已公告")
    TRANSFERRED = "transferred", _("已立案移送")
    CANCELLED = "cancelled", _("已撤销（复检推翻）")


class PassRateGroup(models.TextChoices):
    CATEGORY = "category", _("产品类别")
    KIND = "kind", _("产品大类")
    DISTRICT = "district", _("区县")
