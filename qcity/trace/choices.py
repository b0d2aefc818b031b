"""Kinds and statuses of traceability (追溯) and recall (召回): EPCIS 2.0 event vocabulary and qcity's own."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EpcisEventType(models.TextChoices):
    """The five EPCIS 2.0 event types (EPCIS 2.0 §7.4)."""

    OBJECT = "ObjectEvent", _("对象事件")
    AGGREGATION = "AggregationEvent", _("聚合事件")
    TRANSACTION = "TransactionEvent", _("交易事件")
    TRANSFORMATION = "TransformationEvent", _("转化事件")
    ASSOCIATION = "AssociationEvent", _("关联事件")


class EpcisAction(models.TextChoices):
    ADD = "ADD", _("新增")
    OBSERVE = "OBSERVE", _("观察")
    DELETE = "DELETE", _("删除")


class EpcRole(models.TextChoices):
    """How an identifier takes part in an event: the trace walks from one role to the next."""

    EPC = "epc", _("对象")  # epcList / quantityList of ObjectEvent and TransactionEvent
    PARENT = "parent", _("容器")  # parentID of Aggregation, Transaction and Association events
    CHILD = "child", _("内含")  # childEPCs / childQuantityList
    INPUT = "input", _("投入")  # inputEPCList / inputQuantityList of TransformationEvent
    OUTPUT = "output", _("产出")  # outputEPCList / outputQuantityList


class CaptureJobStatus(models.TextChoices):
    """The capture job's states of the EPCIS 2.0 REST binding (GET /capture/{captureID})."""

    RUNNING = "running", _("处理中")
    SUCCESS = "success", _("已接收")
    FAILED = "failed", _("已拒绝")


class TraceCodeKind(models.TextChoices):
    """The three QR codes of the plans (商户二维码、商品二维码、交易二维码)."""

    MERCHANT = "merchant", _("商户码")
    PRODUCT = "product", _("商品码")
    TRANSACTION = "transaction", _("交易码")


class RecallKind(models.TextChoices):
    """《缺陷消费品召回管理办法》: the producer recalls, or the regulator orders it (DOMAIN §7)."""

    VOLUNTARY = "voluntary_recall", _("主动召回")
    ORDERED = "ordered_recall", _("责令召回")


class RecallStatus(models.TextChoices):
    OPEN = "open", _("召回中")
    CLOSED = "closed", _("已结束")


class RecallHolderStatus(models.TextChoices):
    """Where each downstream holder stands; the transitions are in services/recalls.py."""

    PENDING = "pending", _("待通知")
    NOTIFIED = "notified", _("已通知")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")
    DESTROYED = "destroyed", _("已销毁")


class UnitOfMeasure(models.TextChoices):
    """Units of EPCIS quantities (UN/ECE Recommendation 20 codes), the ones the food and drug chains use; other
    codes are shown as sent."""

    KGM = "KGM", _("千克")
    GRM = "GRM", _("克")
    TNE = "TNE", _("吨")
    LTR = "LTR", _("升")
    MLT = "MLT", _("毫升")
    EA = "EA", _("件")
    H87 = "H87", _("件")
    BX = "BX", _("盒")
    CT = "CT", _("箱")
    PK = "PK", _("包")
