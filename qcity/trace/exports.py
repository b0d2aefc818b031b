"""Columns of the trace app's xlsx exports (`?export=xlsx` on the list pages). The cap, the audit event and the
download are `qcity.core.exports.xlsx_export`'s."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.exports import XlsxColumns


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# --- trace codes ---------------------------------------------------------------------------------------------
def _trace_code_row(code) -> list:
    return [code.get_kind_display(), code.product.name if code.product_id else "",
            code.product.gtin if code.product_id else "", code.lot.lot_number if code.lot_id else "",
            code.enterprise.name if code.enterprise_id else "", _when(code.issued_at)]


TRACE_CODES = XlsxColumns(
    name="trace-codes", sheet=_("追溯码"),
    headings=[_("类型"), _("产品"), _("GTIN"), _("批号"), _("企业"), _("生成时间")],
    row=_trace_code_row, object_type="trace.tracecode")


# --- master data: catalogue, parties, locations, products, lots ----------------------------------------------
TRACE_CATEGORIES = XlsxColumns(
    name="trace-categories", sheet=_("追溯目录"), object_type="trace.tracecategory",
    headings=[_("类别"), _("产品类别"), _("匹配关键词"), _("列入日期"), _("移出日期"), _("登记产品"), _("依据")],
    row=lambda c: [c.group, c.name, c.keywords, c.effective_from, c.effective_to,
                   getattr(c, "product_count", None), c.source])

PARTIES = XlsxColumns(
    name="trace-parties", sheet=_("追溯主体"), object_type="trace.party",
    headings=[_("GLN"), _("名称"), _("企业"), _("统一社会信用代码"), _("所属区域")],
    row=lambda p: [p.gln, p.name, p.enterprise.name if p.enterprise_id else "",
                   p.enterprise.uscc if p.enterprise_id else "", p.org_unit.name if p.org_unit_id else ""])

LOCATIONS = XlsxColumns(
    name="trace-locations", sheet=_("追溯地点"), object_type="trace.location",
    headings=[_("GLN"), _("扩展码"), _("名称"), _("所属主体"), _("所属区域"), _("地址")],
    row=lambda x: [x.gln, x.extension, x.name, x.party.name, x.org_unit.name if x.org_unit_id else "", x.address])

PRODUCTS = XlsxColumns(
    name="trace-products", sheet=_("产品"), object_type="trace.product",
    headings=[_("GTIN"), _("产品名称"), _("品牌"), _("追溯目录类别"), _("生产者"), _("生产者GLN")],
    row=lambda p: [p.gtin, p.name, p.brand, str(p.category) if p.category_id else "",
                   p.producer.name if p.producer_id else "", p.producer.gln if p.producer_id else ""])

LOTS = XlsxColumns(
    name="trace-lots", sheet=_("批次"), object_type="trace.lot",
    headings=[_("产品"), _("GTIN"), _("批号"), _("生产日期"), _("有效期至")],
    row=lambda lot: [lot.product.name, lot.product.gtin, lot.lot_number, lot.produced_on, lot.expires_on])


# --- recalls -------------------------------------------------------------------------------------------------
RECALLS = XlsxColumns(
    name="recalls", sheet=_("召回"), object_type="trace.recall",
    headings=[_("产品"), _("GTIN"), _("批号"), _("召回方式"), _("状态"), _("负责区域"), _("召回原因"), _("发起时间"),
              _("结束时间")],
    row=lambda r: [r.lot.product.name, r.lot.product.gtin, r.lot.lot_number, r.get_kind_display(),
                   r.get_status_display(), r.org_unit.name, r.reason, _when(r.opened_at), _when(r.closed_at)])

RECALL_HOLDERS = XlsxColumns(
    name="recall-holders", sheet=_("召回持有方"), object_type="trace.recallholder",
    headings=[_("持有主体"), _("GLN"), _("最后所在地点"), _("收货数量"), _("估计持有数量"), _("单位"), _("最后记录时间"),
              _("状态"), _("状态时间"), _("说明")],
    row=lambda h: [h.party.name, h.party.gln, h.last_location.name if h.last_location_id else "",
                   float(h.quantity_received), float(h.quantity_held), h.uom, _when(h.last_seen_at),
                   h.get_status_display(), _when(h.status_changed_at), h.note])
