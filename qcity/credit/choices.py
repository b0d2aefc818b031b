from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskClass(models.TextChoices):
    """企业信用风险分类 (DOMAIN §3): internal to the regulators, never shown to the public."""

    A = "a", _("A（信用风险低）")
    B = "b", _("B（信用风险一般）")
    C = "c", _("C（信用风险较高）")
    D = "d", _("D（信用风险高）")


class CreditEventKind(models.TextChoices):
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("行政处罚")
    HEAVIER_PENALTY = "heavier_penalty", _("较重行政处罚")
    SAMPLING_FAILURE = "sampling_failure", _("抽检不合格")
    SAMPLING_PASS = "sampling_pass", _("抽检合格")
    INSPECTION_NONCONFORMITY = "inspection_nonconformity", _("双随机检查发现问题")
    INSPECTION_CONFORMITY = "inspection_conformity", _("双随机检查未发现问题")
    SUBSTANTIATED_COMPLAINT = "substantiated_complaint", _("投诉举报查实")
    ABNORMAL_OPERATIONS_LISTING = "abnormal_operations_listing", _("列入经营异常名录")
    SERIOUS_VIOLATION_LISTING = "serious_violation_listing", _("列入严重违法失信名单")
    RED_LIST = "red_list", _("列入守信红榜")
    LIST_REMOVAL = "list_removal", _("移出名录/名单")
    QUALITY_AWARD = "quality_award", _("质量奖")
    CERTIFICATION = "certification", _("获得认证")
    LICENCE_REVOKED = "licence_revoked", _("吊销许可证")


# Kinds whose publication the law times (DOMAIN §2.3, §2.2, §5): kind → legal-duration code.
PUBLICATION_DEADLINE_CODES = {
    CreditEventKind.ADMINISTRATIVE_PENALTY: "penalty-publication",
    CreditEventKind.HEAVIER_PENALTY: "penalty-publication",
    CreditEventKind.SERIOUS_VIOLATION_LISTING: "serious-list-publication",
    CreditEventKind.INSPECTION_NONCONFORMITY: "random-inspection-publication",
    CreditEventKind.INSPECTION_CONFORMITY: "random-inspection-publication",
}
PENALTY_KINDS = frozenset({CreditEventKind.ADMINISTRATIVE_PENALTY, CreditEventKind.HEAVIER_PENALTY})
NEGATIVE_KINDS = frozenset({
    CreditEventKind.ADMINISTRATIVE_PENALTY, CreditEventKind.HEAVIER_PENALTY, CreditEventKind.SAMPLING_FAILURE,
    CreditEventKind.INSPECTION_NONCONFORMITY, CreditEventKind.SUBSTANTIATED_COMPLAINT,
    CreditEventKind.ABNORMAL_OPERATIONS_LISTING, CreditEventKind.SERIOUS_VIOLATION_LISTING,
    CreditEventKind.LICENCE_REVOKED,
})


class CreditEventStatus(models.TextChoices):
    RECORDED = "recorded", _("未公示")
    PUBLISHED = "published", _("已公示")
    WITHDRAWN = "withdrawn", _("已撤销")


class CreditListKind(models.TextChoices):
    ABNORMAL_OPERATIONS = "abnormal_operations", _("经营异常名录")
    SERIOUS_VIOLATION = "serious_violation", _("严重违法失信名单")
    RED = "red", _("守信红榜")


class CreditListEntryReason(models.TextChoices):
    # 经营异常名录, DOMAIN §2.1 (企业经营异常名录管理暂行办法 arts. 6–9)
    NO_ANNUAL_REPORT = "no_annual_report", _("未按规定期限公示年度报告")
    UNDISCLOSED_ITEMS = "undisclosed_items", _("未在责令期限内公示有关企业信息")
    FALSE_INFORMATION = "false_information", _("公示企业信息隐瞒真实情况、弄虚作假")
    UNREACHABLE = "unreachable", _("通过登记的住所或者经营场所无法联系")
    # 严重违法失信名单, DOMAIN §2.2
    HEAVIER_PENALTY = "heavier_penalty", _("严重违法行为受到较重行政处罚")
    ABNORMAL_ESCALATION = "abnormal_escalation", _("列入经营异常名录届满3年仍未履行公示义务")
    # 守信红榜 (platform rule)
    QUALITY_AWARD = "quality_award", _("获得质量奖")
    SUSTAINED_GOOD_CREDIT = "sustained_good_credit", _("信用风险低且3年内无失信记录")


ABNORMAL_REASONS = frozenset({CreditListEntryReason.NO_ANNUAL_REPORT, CreditListEntryReason.UNDISCLOSED_ITEMS,
                              CreditListEntryReason.FALSE_INFORMATION, CreditListEntryReason.UNREACHABLE})
SERIOUS_REASONS = frozenset({CreditListEntryReason.HEAVIER_PENALTY, CreditListEntryReason.ABNORMAL_ESCALATION})
RED_REASONS = frozenset({CreditListEntryReason.QUALITY_AWARD, CreditListEntryReason.SUSTAINED_GOOD_CREDIT})
REASONS_BY_LIST = {
    "abnormal_operations": ABNORMAL_REASONS,
    "serious_violation": SERIOUS_REASONS,
    "red": RED_REASONS,
}


class CreditListEntryStatus(models.TextChoices):
    LISTED = "listed", _("在列")
    REMOVED = "removed", _("已移出")


class CreditListRemovalReason(models.TextChoices):
    CURED = "cured", _("纠正失信行为后申请移出")
    EARLY_REMOVAL = "early_removal", _("信用修复提前移出")
    EXPIRED = "expired", _("期满自动移出")
    ESCALATED = "escalated", _("届满3年转入严重违法失信名单")
    PENALTY_REVOKED = "penalty_revoked", _("行政处罚决定被撤销")
    OBJECTION_UPHELD = "objection_upheld", _("异议成立")
    NEGATIVE_RECORD = "negative_record", _("出现失信记录")
    OFFICE_DECISION = "office_decision", _("办公室决定移出")


class CreditRepairKind(models.TextChoices):
    """信用修复 covers three things (DOMAIN §2.4)."""

    ABNORMAL_LIST_REMOVAL = "abnormal_list_removal", _("移出经营异常名录")
    SERIOUS_LIST_EARLY_REMOVAL = "serious_list_early_removal", _("提前移出严重违法失信名单")
    PENALTY_PUBLICATION_STOP = "penalty_publication_stop", _("提前停止公示行政处罚信息")


class CreditRepairStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申请")
    ACCEPTED = "accepted", _("已受理")
    APPROVED = "approved", _("准予修复")
    REJECTED = "rejected", _("不予修复")
    NOT_ACCEPTED = "not_accepted", _("不予受理")


class CreditObjectionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class CreditAttachmentKind(models.TextChoices):
    """The documents a repair application must carry and an objection may carry (DOMAIN §2.4)."""

    COMPLIANCE_PROOF = "compliance_proof", _("已履行义务、纠正失信行为的证明")
    COMMITMENT_LETTER = "commitment_letter", _("信用承诺书")
    OBJECTION_EVIDENCE = "objection_evidence", _("异议证明材料")
