from django.db import models
from django.utils.translation import gettext_lazy as _


class DrawStratum(models.TextChoices):
    """Draw strata: the credit risk classes (DOMAIN §3), A low … D high. Values match credit's RiskClass; the labels
    say 类 because the inspection pages and messages name a stratum as a class of targets."""

    A = "a", _("A类（信用风险低）")
    B = "b", _("B类（信用风险一般）")
    C = "c", _("C类（信用风险较高）")
    D = "d", _("D类（信用风险高）")


class InspectionPlanStatus(models.TextChoices):
    DRAFT = "draft", _("待抽取")
    DRAWN = "drawn", _("已抽取")


class InspectionOutcome(models.TextChoices):
    NO_PROBLEM = "no_problem", _("未发现问题")
    PROBLEMS_FOUND = "problems_found", _("发现问题")
    NOT_REACHABLE = "not_reachable", _("通过登记的住所（经营场所）无法联系")
    CLOSED_DOWN = "closed_down", _("已注销或停业")
    REFUSED = "refused", _("不配合检查")


# Outcomes that go into the credit file as a nonconformity; NO_PROBLEM as a conformity; the rest
# (closed down) record nothing.
NONCONFORMING_OUTCOMES = frozenset({InspectionOutcome.PROBLEMS_FOUND, InspectionOutcome.NOT_REACHABLE, InspectionOutcome.REFUSED})


class CaseLeadStatus(models.TextChoices):
    """A case lead (案件线索) handed to the inspectors: open until they close it (case opened or not pursued)."""

    OPEN = "open", _("待处理")
    CLOSED = "closed", _("已处理")
