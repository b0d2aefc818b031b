"""Statuses and kinds of complaints and reports (投诉举报, DOMAIN §9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintKind(models.TextChoices):
    """A complaint asks the regulator to resolve a consumer dispute; a report flags a suspected violation."""

    COMPLAINT = "complaint", _("投诉")
    REPORT_TIP = "report_tip", _("举报")


class ComplaintChannel(models.TextChoices):
    PORTAL = "portal", _("网上登记")
    HOTLINE = "hotline", _("12315热线")
    NATIONAL_PLATFORM = "national_platform", _("全国12315平台转办")
    OFFICER = "officer", _("窗口登记")


class ComplaintStatus(models.TextChoices):
    """One list for both kinds; the transitions each kind allows are in services/handling.py."""

    DIRECT_SETTLEMENT = "direct_settlement", _("在线纠纷解决中")
    TRIAGE = "triage", _("待分派")
    RECEIVED = "received", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    MEDIATING = "mediating", _("调解中")
    VERIFYING = "verifying", _("核查中")
    CASE_OPENED = "case_opened", _("已立案")
    SETTLED = "settled", _("和解结案")
    DECLINED = "declined", _("不予受理")
    TERMINATED = "terminated", _("终止调解")
    CLOSED = "closed", _("办结")


# Statuses in which the regulator's work is finished.
FINISHED_STATUSES = frozenset({ComplaintStatus.SETTLED, ComplaintStatus.DECLINED, ComplaintStatus.TERMINATED,
                               ComplaintStatus.CLOSED})


# Statuses in which the acceptance decision (a complaint) or the case-opening check (a report) is pending.
ACCEPTANCE_OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.VERIFYING)
# Statuses in which a complaint is under mediation (accepted, mediating): the 45-working-day period runs.
MEDIATION_OPEN = (ComplaintStatus.ACCEPTED, ComplaintStatus.MEDIATING)


class RoutingMethod(models.TextChoices):
    """How the handling unit was found (DOMAIN §9 jurisdiction)."""

    REGISTRY = "registry", _("登记住所")
    ADDRESS = "address", _("地址解析")
    GAZETTEER = "gazetteer", _("地名库")
    PLATFORM = "platform", _("平台规则")
    TRANSFER = "transfer", _("人工移送")
    TRIAGE = "triage", _("市级分派")


class DeclineGround(models.TextChoices):
    """不予受理 grounds (Order 20 (2022) art. 15; Order 121 renumbered, article numbers UNCONFIRMED)."""

    NOT_COMPETENT = "not_competent", _("不属于市场监督管理部门职责或本部门无管辖权")
    HANDLED_ELSEWHERE = "handled_elsewhere", _("法院、仲裁机构、其他行政机关或消费者协会已处理")
    NOT_DAILY_CONSUMPTION = "not_daily_consumption", _("不是为生活消费需要购买、使用商品或接受服务")
    TIME_BARRED = "time_barred", _("自知道或应当知道权益受侵害之日起超过三年")
    MATERIALS_MISSING = "materials_missing", _("未提供真实身份信息或投诉材料不全")
    FALSE_IDENTITY = "false_identity", _("提供虚假身份信息或拒绝核实身份")


# The article each ground is written in, shown with the decision (Order 121 numbers UNCONFIRMED, DOMAIN §9).
DECLINE_GROUND_ARTICLES = {
    DeclineGround.NOT_COMPETENT: _("《市场监督管理投诉举报处理办法》第十五条第（一）项"),
    DeclineGround.HANDLED_ELSEWHERE: _("《市场监督管理投诉举报处理办法》第十五条第（二）项"),
    DeclineGround.NOT_DAILY_CONSUMPTION: _("《市场监督管理投诉举报处理办法》第十五条第（三）项"),
    DeclineGround.TIME_BARRED: _("《市场监督管理投诉举报处理办法》第十五条第（四）项"),
    DeclineGround.MATERIALS_MISSING: _("《市场监督管理投诉举报处理办法》第十五条第（五）项"),
    DeclineGround.FALSE_IDENTITY: _("《市场监督管理投诉举报处理办法》第十五条第（六）项"),
}


class MediationMode(models.TextChoices):
    ON_SITE = "on_site", _("现场调解")
    REMOTE = "remote", _("远程调解")


class MediationOutcome(models.TextChoices):
    AGREEMENT = "agreement", _("达成调解协议")
    WITHDRAWN = "withdrawn", _("投诉人撤回投诉")
    SETTLED_BY_PARTIES = "settled_by_parties", _("双方自行和解")


class Remedy(models.TextChoices):
    """What the consumer obtained (counted in the statistics)."""

    REFUND = "refund", _("退货退款")
    REPLACEMENT = "replacement", _("换货")
    REPAIR = "repair", _("修理")
    COMPENSATION = "compensation", _("赔偿")
    APOLOGY = "apology", _("赔礼道歉")
    NONE = "none", _("无")


class TerminationGround(models.TextChoices):
    """终止调解 grounds (DOMAIN §9, Order 20 art. 24)."""

    NO_TEST_AGREEMENT = "no_test_agreement", _("双方对检测、鉴定机构或费用不能达成一致")
    ABSENT_OR_REFUSED = "absent_or_refused", _("一方无正当理由不参加调解或拒绝调解")
    IMPASSE = "impasse", _("经调解无法达成一致")
    TIME_LIMIT = "time_limit", _("自受理之日起45个工作日内未能达成调解协议")
    DECLINE_GROUND_FOUND = "decline_ground_found", _("发现存在不予受理情形")
    OTHER = "other", _("其他依法应当终止的情形")


class SuspensionReason(models.TextChoices):
    TESTING = "testing", _("检测、鉴定")
    RECUSAL = "recusal", _("调解人员回避申请")
    OTHER = "other", _("其他依法中止的情形")


class ReportTipDecision(models.TextChoices):
    CASE_OPENED = "case_opened", _("立案")
    NOT_OPENED = "not_opened", _("不予立案")


class SettlementAnswer(models.TextChoices):
    SETTLED = "settled", _("已和解")
    NOT_SETTLED = "not_settled", _("未能和解")


class ReporterChannel(models.TextChoices):
    """How a real-name reporter wants to be told (case opened, reward)."""

    SMS = "sms", _("短信")
    PHONE = "phone", _("电话")
    NONE = "none", _("不需要告知")


class ComplaintEventKind(models.TextChoices):
    """The history of a complaint; the public tracking page shows the ones marked public in services."""

    RECEIVED = "received", _("登记")
    SPLIT = "split", _("拆分为投诉和举报")
    ROUTED = "routed", _("分派")
    TRANSFERRED = "transferred", _("移送")
    SETTLEMENT_STARTED = "settlement_started", _("转企业在线和解")
    SETTLEMENT_ANSWERED = "settlement_answered", _("企业答复和解结果")
    SETTLEMENT_CONFIRMED = "settlement_confirmed", _("投诉人确认和解")
    SETTLEMENT_LAPSED = "settlement_lapsed", _("在线和解未果")
    ASSIGNED = "assigned", _("指定承办人")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("不予受理")
    MEDIATION_STARTED = "mediation_started", _("开始调解")
    RECUSAL = "recusal", _("调解人员回避")
    SUSPENDED = "suspended", _("中止")
    RESUMED = "resumed", _("恢复")
    EXTENDED = "extended", _("延长期限")
    CLASSIFIED = "classified", _("确认分类")
    VERIFICATION_STARTED = "verification_started", _("开始立案核查")
    CASE_OPENED = "case_opened", _("立案")
    NOT_OPENED = "not_opened", _("不予立案")
    REPORTER_NOTIFIED = "reporter_notified", _("告知举报人")
    CLUE_FOUND = "clue_found", _("发现违法线索")
    CLUE_VERIFIED = "clue_verified", _("违法线索核查完毕")
    TERMINATED = "terminated", _("终止调解")
    CLOSED = "closed", _("办结")
    RATED = "rated", _("满意度评价")
    ESCALATED = "escalated", _("逾期督办")
    REWARD_PROPOSED = "reward_proposed", _("提出举报奖励")
    REWARD_DECIDED = "reward_decided", _("审批举报奖励")
    REWARD_PAID = "reward_paid", _("发放举报奖励")
    ANONYMISED = "anonymised", _("个人信息已匿名化")


class CategoryGroup(models.TextChoices):
    GOODS = "goods", _("商品")
    SERVICES = "services", _("服务")


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予奖励")
    PAID = "paid", _("已发放")


class CaseGrade(models.TextChoices):
    """Grade of the case a report led to, for the reward table (有奖举报 rules are local; defaults editable)."""

    GRADE_1 = "grade_1", _("一级（重大）")
    GRADE_2 = "grade_2", _("二级（较大）")
    GRADE_3 = "grade_3", _("三级（一般）")


class GazetteerKind(models.TextChoices):
    ROAD = "road", _("道路")
    AREA = "area", _("片区")
    TOWN = "town", _("乡镇街道")
    LANDMARK = "landmark", _("地标")
