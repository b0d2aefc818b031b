"""Columns of the trace app's list pages and of the trace and recall pages' tables."""

from urllib.parse import urlencode

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import QcityTable, TemplateColumn

from .models import Location, Lot, Party, Product, Recall, RecallHolder, TraceCategory, TraceCode
from .units import quantity_text, uom_label

NUMBER_ATTRS = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
TOTAL_ATTRS = {"td": {"class": "text-end fw-semibold"}, "th": {"class": "text-end"}}
PRODUCT_DETAIL = ("trace:product-detail", {"pk": tables.A("pk")})


class QuantityColumn(tables.Column):
    """A quantity as people write it: no trailing zeros, no exponent (1000.000 → "1000", 2165.500 → "2165.5")."""

    def render(self, value):
        return quantity_text(value)


class UnitColumn(tables.Column):
    """A unit by its name (千克), not its UN/ECE code (KGM)."""

    def render(self, value):
        return uom_label(value)


# --- trace codes ---------------------------------------------------------------------------------------------
class TraceCodeTable(QcityTable):
    kind = tables.Column(verbose_name=_("类型"), linkify=("trace:code-detail", {"pk": tables.A("pk")}))
    product = tables.Column(verbose_name=_("产品"), accessor="product__name", default="")
    lot = tables.Column(verbose_name=_("批号"), accessor="lot__lot_number", default="")
    enterprise = tables.Column(verbose_name=_("企业"), accessor="enterprise__name", default="")
    issued_at = tables.DateTimeColumn(verbose_name=_("生成时间"), format="Y-m-d H:i")

    class Meta(QcityTable.Meta):
        model = TraceCode
        fields = ("kind", "product", "lot", "enterprise", "issued_at")
        attrs = {**QcityTable.Meta.attrs, "id": "trace-code-table"}


# --- master data: catalogue, parties, locations, products, lots ----------------------------------------------
class TraceCategoryTable(QcityTable):
    group = tables.Column()
    name = tables.Column(linkify=("trace:category-detail", {"pk": tables.A("pk")}))
    keywords = tables.Column(attrs={"td": {"class": "small"}})
    effective_from = tables.DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    effective_to = tables.DateColumn(format="Y-m-d", default="—", attrs={"td": {"class": "text-nowrap"}})
    product_count = tables.Column(verbose_name=_("登记产品"), attrs=NUMBER_ATTRS)
    source = tables.Column(attrs={"td": {"class": "small"}})

    class Meta(QcityTable.Meta):
        model = TraceCategory
        fields = ("group", "name", "keywords", "effective_from", "effective_to", "product_count", "source")
        attrs = {**QcityTable.Meta.attrs, "id": "trace-category-table"}
        row_attrs = {"data-retired": lambda record: "1" if record.effective_to else "0"}
        empty_text = _("追溯目录为空")


class PartyTable(QcityTable):
    gln = tables.Column(attrs={"td": {"class": "font-monospace"}})
    name = tables.Column()
    enterprise = tables.Column(verbose_name=_("企业"), accessor="enterprise__name", default="—")
    uscc = tables.Column(verbose_name=_("统一社会信用代码"), accessor="enterprise__uscc", default="—")
    org_unit = tables.Column(verbose_name=_("所属区域"), accessor="org_unit__name", default="—",
                             order_by=("org_unit__sort_order", "org_unit_id"))

    class Meta(QcityTable.Meta):
        model = Party
        fields = ("gln", "name", "enterprise", "uscc", "org_unit")
        attrs = {**QcityTable.Meta.attrs, "id": "trace-party-table"}
        empty_text = _("没有追溯主体")


class LocationTable(QcityTable):
    gln = tables.Column(attrs={"td": {"class": "font-monospace"}})
    extension = tables.Column()
    name = tables.Column()
    party = tables.Column(verbose_name=_("所属主体"), accessor="party__name")
    org_unit = tables.Column(verbose_name=_("所属区域"), accessor="org_unit__name", default="—",
                             order_by=("org_unit__sort_order", "org_unit_id"))
    address = tables.Column(default="—")

    class Meta(QcityTable.Meta):
        model = Location
        fields = ("gln", "extension", "name", "party", "org_unit", "address")
        attrs = {**QcityTable.Meta.attrs, "id": "trace-location-table"}
        empty_text = _("没有追溯地点")


class ProductTable(QcityTable):
    gtin = tables.Column(linkify=PRODUCT_DETAIL, attrs={"td": {"class": "font-monospace"}})
    name = tables.Column(linkify=PRODUCT_DETAIL)
    brand = tables.Column(default="—")
    category = tables.Column(verbose_name=_("追溯目录类别"), accessor="category__name", default="—")
    producer = tables.Column(verbose_name=_("生产者"), accessor="producer__name", default="—")

    class Meta(QcityTable.Meta):
        model = Product
        fields = ("gtin", "name", "brand", "category", "producer")
        attrs = {**QcityTable.Meta.attrs, "id": "trace-product-table"}
        empty_text = _("没有产品")


class LotTable(QcityTable):
    product = tables.Column(verbose_name=_("产品"), accessor="product__name",
                            linkify=("trace:product-detail", {"pk": tables.A("product_id")}))
    gtin = tables.Column(verbose_name=_("GTIN"), accessor="product__gtin", attrs={"td": {"class": "font-monospace"}})
    lot_number = tables.Column(attrs={"td": {"class": "font-monospace"}})
    produced_on = tables.DateColumn(format="Y-m-d", default="—")
    expires_on = tables.DateColumn(format="Y-m-d", default="—")
    trace = tables.Column(verbose_name=_("追溯"), empty_values=(), orderable=False)

    class Meta(QcityTable.Meta):
        model = Lot
        fields = ("product", "gtin", "lot_number", "produced_on", "expires_on", "trace")
        attrs = {**QcityTable.Meta.attrs, "id": "trace-lot-table"}
        empty_text = _("没有批次")

    def __init__(self, *args, trace_url: str = "", **kwargs):
        """`trace_url`: the trace page (each lot links to it with ?gtin=&lot=); empty: no trace column."""
        self.trace_url = trace_url
        if not trace_url:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "trace")
        super().__init__(*args, **kwargs)

    def render_trace(self, record):
        query = urlencode({"gtin": record.product.gtin, "lot": record.lot_number})
        return format_html('<a href="{}?{}">{}</a>', self.trace_url, query, _("查看追溯"))


# --- the trace page ------------------------------------------------------------------------------------------
class TraceStepTable(QcityTable):
    """The steps of a trace, in time order (not sortable: the order is the chain)."""

    event_time = tables.DateTimeColumn(verbose_name=_("时间"), format="Y-m-d H:i")
    biz_step = tables.Column(verbose_name=_("业务步骤"), default="—")
    identifier = tables.Column(verbose_name=_("对象"), attrs={"td": {"class": "small"}})
    role = tables.Column(verbose_name=_("角色"))
    place = tables.Column(verbose_name=_("地点"), default="—")
    source = tables.Column(verbose_name=_("来源"), default="—")
    destination = tables.Column(verbose_name=_("去向"), default="—")
    quantity = QuantityColumn(verbose_name=_("数量"), default="—", attrs=NUMBER_ATTRS)
    uom = UnitColumn(verbose_name=_("单位"), default="")

    class Meta(QcityTable.Meta):
        orderable = False
        attrs = {**QcityTable.Meta.attrs, "id": "trace-step-table"}
        empty_text = _("没有记录")


class TraceHolderTable(QcityTable):
    """Downstream holders of a trace, as the forward trace counts them."""

    party = tables.Column(verbose_name=_("持有主体"))
    received = QuantityColumn(verbose_name=_("收货数量"), attrs=NUMBER_ATTRS)
    shipped = QuantityColumn(verbose_name=_("发出或使用数量"), attrs=NUMBER_ATTRS)
    held = QuantityColumn(verbose_name=_("估计持有数量"), attrs=TOTAL_ATTRS)
    uom = UnitColumn(verbose_name=_("单位"), default="")
    last_location = tables.Column(verbose_name=_("最后所在地点"), default="—")
    last_seen_at = tables.DateTimeColumn(verbose_name=_("最后记录时间"), format="Y-m-d H:i")

    class Meta(QcityTable.Meta):
        orderable = False
        attrs = {**QcityTable.Meta.attrs, "id": "trace-holder-table"}
        empty_text = _("没有下游持有方")


# --- recalls -------------------------------------------------------------------------------------------------
class RecallTable(QcityTable):
    lot = tables.Column(verbose_name=_("批次"), accessor="lot__lot_number",
                        linkify=("trace:recall-detail", {"pk": tables.A("pk")}))
    product = tables.Column(verbose_name=_("产品"), accessor="lot__product__name")
    gtin = tables.Column(verbose_name=_("GTIN"), accessor="lot__product__gtin")
    kind = tables.Column()
    status = tables.Column()
    org_unit = tables.Column(verbose_name=_("负责区域"), accessor="org_unit__name",
                             order_by=("org_unit__sort_order", "org_unit_id"))
    opened_at = tables.DateTimeColumn(format="Y-m-d H:i")
    closed_at = tables.DateTimeColumn(format="Y-m-d H:i", default="—")

    class Meta(QcityTable.Meta):
        model = Recall
        fields = ("lot", "product", "gtin", "kind", "status", "org_unit", "opened_at", "closed_at")
        attrs = {**QcityTable.Meta.attrs, "id": "recall-table"}
        empty_text = _("没有召回")


class RecallHolderTable(QcityTable):
    """A recall's holders with their next status steps (one button per step the holder may take now)."""

    party = tables.Column(verbose_name=_("持有主体"), accessor="party__name")
    last_location = tables.Column(verbose_name=_("最后所在地点"), accessor="last_location__name", default="—")
    quantity_received = QuantityColumn(verbose_name=_("收货数量"), attrs=NUMBER_ATTRS)
    quantity_held = QuantityColumn(verbose_name=_("估计持有数量"), attrs=TOTAL_ATTRS)
    uom = UnitColumn(verbose_name=_("单位"))
    last_seen_at = tables.DateTimeColumn(verbose_name=_("最后记录时间"), format="Y-m-d H:i", default="—")
    status = tables.Column(verbose_name=_("状态"))
    note = tables.Column(verbose_name=_("说明"), default="")
    steps = TemplateColumn(
        '{% for status, label in record.next_statuses %}<form class="d-inline" method="post" '
        'action="{% url "trace:recall-holder-advance" record.pk status %}">{% csrf_token %}{% form_token %}'
        '<button class="btn btn-sm btn-outline-danger me-1 holder-step" type="submit" data-status="{{ status }}">'
        '{{ label }}</button></form>{% endfor %}', verbose_name="", orderable=False)

    class Meta(QcityTable.Meta):
        model = RecallHolder
        fields = ("party", "last_location", "quantity_received", "quantity_held", "uom", "last_seen_at", "status",
                  "note")
        attrs = {**QcityTable.Meta.attrs, "id": "recall-holder-table"}
        row_attrs = {"data-status": lambda record: record.status}
        empty_text = _("没有下游持有方")
