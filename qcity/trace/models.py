"""Traceability (追溯): GS1 master data, the EPCIS 2.0 event store, QR codes and recalls.

Identifiers are stored in one canonical form, the GS1 Digital Link URI on id.gs1.org that the EPCIS event-hash
algorithm also uses (`trace.identifiers.canonical`): a URN and a Digital Link naming the same lot are one key.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.models import OrgUnit
from qcity.enterprises.models import Enterprise

from .choices import (
    CaptureJobStatus,
    EpcisAction,
    EpcisEventType,
    EpcRole,
    RecallHolderStatus,
    RecallKind,
    RecallStatus,
    TraceCodeKind,
)

DIGITAL_LINK_HOST = "https://id.gs1.org"


class TraceCategory(models.Model):
    """An entry of the dynamic catalogue of products that must be traceable (重要产品追溯动态目录, airport zone
    plan 专栏8). Entries have dates, so the catalogue of any past year can be shown and counted."""

    group = models.CharField(_("类别"), max_length=50)
    name = models.CharField(_("产品类别"), max_length=100)
    keywords = models.CharField(_("匹配关键词"), max_length=300, blank=True,
                                help_text=_("产品名称中含其中任一词即归入本类别，以空格分隔"))
    effective_from = models.DateField(_("列入日期"))
    effective_to = models.DateField(_("移出日期"), null=True, blank=True)
    source = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("追溯目录条目")
        verbose_name_plural = _("追溯目录")
        ordering = ["group", "name", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name", "effective_from"], name="trace_category_unique"),
            models.CheckConstraint(condition=Q(effective_to__isnull=True) | Q(effective_to__gt=models.F("effective_from")),
                                   name="trace_category_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.name}"


class Party(models.Model):
    """A trading party by its GLN (PGLN), linked to the registered enterprise by its credit code."""

    gln = models.CharField(_("GLN"), max_length=13, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="trace_parties")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属区域"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("追溯主体")
        verbose_name_plural = _("追溯主体")
        ordering = ["gln"]

    def __str__(self) -> str:
        return self.name

    @property
    def uri(self) -> str:
        return f"{DIGITAL_LINK_HOST}/417/{self.gln}"


class Location(models.Model):
    """A place by its GLN and extension (SGLN): a farm, a plant, a warehouse, a shop or a market stall."""

    gln = models.CharField(_("GLN"), max_length=13)
    extension = models.CharField(_("扩展码"), max_length=20, default="0", blank=True)
    name = models.CharField(_("名称"), max_length=200)
    party = models.ForeignKey(Party, verbose_name=_("所属主体"), on_delete=models.PROTECT,
                              related_name="locations")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属区域"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("地址"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("追溯地点")
        verbose_name_plural = _("追溯地点")
        ordering = ["gln", "extension"]
        constraints = [models.UniqueConstraint(fields=["gln", "extension"], name="trace_location_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def uri(self) -> str:
        base = f"{DIGITAL_LINK_HOST}/414/{self.gln}"
        return base if self.extension in ("", "0") else f"{base}/254/{self.extension}"


class Product(models.Model):
    """A trade item by its GTIN (14 digits; GTIN-13 of Chinese article numbering padded with a zero)."""

    gtin = models.CharField(_("GTIN"), max_length=14, unique=True)
    name = models.CharField(_("产品名称"), max_length=200)
    brand = models.CharField(_("品牌"), max_length=100, blank=True)
    category = models.ForeignKey(TraceCategory, verbose_name=_("追溯目录类别"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="products")
    producer = models.ForeignKey(Party, verbose_name=_("生产者"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="products")

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["gtin"]

    def __str__(self) -> str:
        return self.name

    @property
    def uri(self) -> str:
        return f"{DIGITAL_LINK_HOST}/01/{self.gtin}"


class Lot(models.Model):
    """A batch (批次) of a product: GTIN + lot number, the unit a recall names."""

    product = models.ForeignKey(Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(_("批号"), max_length=20)
    produced_on = models.DateField(_("生产日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["product", "lot_number"]
        constraints = [models.UniqueConstraint(fields=["product", "lot_number"], name="trace_lot_unique")]

    def __str__(self) -> str:
        return f"{self.product} {self.lot_number}"

    @property
    def uri(self) -> str:
        return f"{self.product.uri}/10/{self.lot_number}"


def capture_document_path(job: "CaptureJob", filename: str) -> str:
    return f"trace/capture/{job.pk}"


class CaptureJob(models.Model):
    """One captured EPCIS document (the binding's capture job, GET /capture/{captureID}). A document is captured
    whole or not at all; large ones are captured by a background job while the client polls this resource."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=CaptureJobStatus.choices,
                              default=CaptureJobStatus.RUNNING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交账号"),
                                     on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("提交企业"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    media_type = models.CharField(_("格式"), max_length=40)  # application/json, application/ld+json, application/xml
    document_sha256 = models.CharField(max_length=64)
    document = models.FileField(upload_to=capture_document_path, blank=True)  # kept until the job ends
    event_count = models.PositiveIntegerField(_("事件数"), default=0)
    captured_count = models.PositiveIntegerField(_("新接收事件数"), default=0)
    duplicate_count = models.PositiveIntegerField(_("重复事件数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    received_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("采集任务")
        verbose_name_plural = _("采集任务")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["submitted_by", "document_sha256"], name="trace_capture_resend")]

    def __str__(self) -> str:
        return str(self.pk)


class Event(models.Model):
    """One EPCIS event as captured. On PostgreSQL the table is partitioned by month of `event_time` (migration
    0001, partitions created ahead by `trace.tasks.event_partitions_create_task`); its primary key is therefore
    (id, event_time) in the database, and rows of `EventEpc` refer to it by value, not by foreign key."""

    event_time = models.DateTimeField(_("事件时间"))
    event_time_zone_offset = models.CharField(_("时区"), max_length=6)
    record_time = models.DateTimeField(_("记录时间"), default=timezone.now)
    event_type = models.CharField(_("事件类型"), max_length=20, choices=EpcisEventType.choices)
    action = models.CharField(_("动作"), max_length=7, choices=EpcisAction.choices, blank=True)
    epcis_event_id = models.CharField(_("事件标识"), max_length=300, blank=True)  # the sender's eventID
    event_hash = models.CharField(max_length=64)  # the GS1 event hash (sha-256 hex), the duplicate key
    biz_step = models.CharField(_("业务步骤"), max_length=200, blank=True)
    disposition = models.CharField(_("状态"), max_length=200, blank=True)
    read_point = models.CharField(_("读取点"), max_length=300, blank=True)
    biz_location = models.CharField(_("业务地点"), max_length=300, blank=True)
    source_party = models.CharField(_("来源主体"), max_length=300, blank=True)
    destination_party = models.CharField(_("去向主体"), max_length=300, blank=True)
    biz_transaction = models.CharField(_("业务单据"), max_length=300, blank=True)
    error_declared = models.BooleanField(_("已声明错误"), default=False)
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("提交企业"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    capture_job = models.ForeignKey(CaptureJob, verbose_name=_("采集任务"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    document = models.JSONField(_("事件内容"))  # the event in EPCIS 2.0 JSON, as queries answer it

    class Meta:
        verbose_name = _("追溯事件")
        verbose_name_plural = _("追溯事件")
        ordering = ["event_time", "id"]
        constraints = [models.UniqueConstraint(fields=["event_hash", "event_time"], name="trace_event_hash")]
        indexes = [
            models.Index(fields=["event_time"], name="trace_event_time"),
            models.Index(fields=["record_time"], name="trace_event_record_time"),
            models.Index(fields=["biz_location", "event_time"], name="trace_event_location"),
            models.Index(fields=["biz_transaction"], name="trace_event_transaction",
                         condition=~Q(biz_transaction="")),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_time:%Y-%m-%d %H:%M}"


class EventEpc(models.Model):
    """One identifier (instance or class) named by an event, with its role and quantity: the trace index. The
    fields the trace needs are copied from the event, so a trace step reads this table alone. On PostgreSQL
    it is hash-partitioned by `epc`, so the lookup of one identifier reads one partition."""

    epc = models.CharField(max_length=300)
    role = models.CharField(max_length=6, choices=EpcRole.choices)
    event_id = models.BigIntegerField()  # Event.id; no foreign key: Event is partitioned (see Event)
    event_time = models.DateTimeField()
    event_type = models.CharField(max_length=20, choices=EpcisEventType.choices)
    action = models.CharField(max_length=7, choices=EpcisAction.choices, blank=True)
    biz_step = models.CharField(max_length=200, blank=True)
    biz_location = models.CharField(max_length=300, blank=True)
    source_party = models.CharField(max_length=300, blank=True)
    destination_party = models.CharField(max_length=300, blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    uom = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = _("事件标识")
        verbose_name_plural = _("事件标识")
        indexes = [
            models.Index(fields=["epc", "event_time"], name="trace_epc_time"),
            models.Index(fields=["event_id"], name="trace_epc_event"),
        ]

    def __str__(self) -> str:
        return f"{self.epc} ({self.role})"


class TraceCode(models.Model):
    """An issued QR code (追溯码): a merchant's page, a product, lot or serial (GS1 Digital Link), or a
    transaction (a delivery between two parties, named by its business transaction)."""

    kind = models.CharField(_("类型"), max_length=12, choices=TraceCodeKind.choices)
    key = models.CharField(_("编码"), max_length=300)  # Digital Link URI, enterprise id or bizTransaction
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="trace_codes")
    product = models.ForeignKey(Product, verbose_name=_("产品"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="trace_codes")
    lot = models.ForeignKey(Lot, verbose_name=_("批次"), null=True, blank=True, on_delete=models.CASCADE,
                            related_name="trace_codes")
    issued_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("追溯码")
        verbose_name_plural = _("追溯码")
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="trace_code_unique")]

    def __str__(self) -> str:
        return self.key


class Recall(models.Model):
    """A recall of one lot (召回, DOMAIN §7): the downstream holders found by the forward trace, each with its
    own status. At most one open recall per lot, so opening it twice returns the same recall."""

    lot = models.ForeignKey(Lot, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="recalls")
    kind = models.CharField(_("召回方式"), max_length=20, choices=RecallKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=RecallStatus.choices, default=RecallStatus.OPEN)
    reason = models.TextField(_("召回原因"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("负责区域"), on_delete=models.PROTECT, related_name="+")
    published = models.BooleanField(_("已公开"), default=True)

    class Meta:
        verbose_name = _("召回")
        verbose_name_plural = _("召回")
        ordering = ["-opened_at"]
        constraints = [models.UniqueConstraint(fields=["lot"], condition=Q(status="open"),
                                               name="trace_recall_one_open")]

    def __str__(self) -> str:
        return str(self.lot)


class RecallHolder(models.Model):
    """A downstream holder of a recalled lot, with the quantity the trace found and the holder's progress."""

    recall = models.ForeignKey(Recall, verbose_name=_("召回"), on_delete=models.CASCADE, related_name="holders")
    party = models.ForeignKey(Party, verbose_name=_("持有主体"), on_delete=models.PROTECT, related_name="+")
    last_location = models.ForeignKey(Location, verbose_name=_("最后所在地点"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    quantity_received = models.DecimalField(_("收货数量"), max_digits=18, decimal_places=3, default=0)
    quantity_held = models.DecimalField(_("估计持有数量"), max_digits=18, decimal_places=3, default=0)
    uom = models.CharField(_("单位"), max_length=10, blank=True)
    last_seen_at = models.DateTimeField(_("最后记录时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RecallHolderStatus.choices,
                              default=RecallHolderStatus.PENDING)
    status_changed_at = models.DateTimeField(_("状态时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("召回持有方")
        verbose_name_plural = _("召回持有方")
        ordering = ["recall", "party__name"]
        constraints = [models.UniqueConstraint(fields=["recall", "party"], name="trace_recall_holder_unique")]

    def __str__(self) -> str:
        return str(self.party)
