"""Reads of the trace app: querysets and lookups with their joins and the visibility scope, for pages and the API.

Market officers see trace codes and recalls of the units they cover, all master data and every capture job;
an enterprise user its own codes and master data; any caller its own capture jobs. The public scan pages read
only master data, the captured chain (names, never URIs or people) and what the other apps have published."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.masking import mask_text
from qcity.core.models import User
from qcity.core.roles import MARKET_MANAGERS, MARKET_OFFICERS
from qcity.core.selectors import org_root
from qcity.credit.selectors import credit_event_public_list, credit_list_entry_public_list
from qcity.enterprises.models import Enterprise
from qcity.inspections.selectors import result_published_list
from qcity.sampling.choices import SamplingConclusion
from qcity.sampling.selectors import sample_published_list

from . import tracing
from .choices import EpcisEventType, EpcRole, RecallHolderStatus, RecallStatus, TraceCodeKind
from .codes import merchant_key, transaction_of
from .identifiers import parts
from .models import (
    CaptureJob,
    Event,
    EventEpc,
    Location,
    Lot,
    Party,
    Product,
    Recall,
    RecallHolder,
    TraceCategory,
    TraceCode,
)
from .services.recalls import HOLDER_TRANSITIONS

SCAN_LIST_SIZE = 10  # published results per section of a scan page: the latest; the portal has the rest
CHAIN_MAX_STEPS = 60  # a phone screen, not an audit: the full trace is on the back-office trace page

# The CBV 2.0 business steps (bare words, as stored) a shopper understands, in plain Chinese.
BIZ_STEP_LABELS = {
    "commissioning": _("生产赋码"), "harvesting": _("采收"), "transforming": _("加工"),
    "packing": _("装箱"), "unpacking": _("拆箱"), "shipping": _("发货"), "departing": _("发出"),
    "arriving": _("到达"), "receiving": _("收货"), "accepting": _("验收"), "inspecting": _("检验"),
    "storing": _("入库"), "stocking": _("上架"), "retail_selling": _("零售"), "loading": _("装车"),
    "unloading": _("卸车"), "holding": _("暂扣"), "destroying": _("销毁"), "sampling": _("抽样"),
    "sensor_reporting": _("温湿度记录"), "assembling": _("组装"), "picking": _("拣货"),
}


# --- trace codes and the public scan pages -------------------------------------------------------------------
def trace_code_list(*, user: User | None) -> QuerySet[TraceCode]:
    """Issued codes: a market officer's district's enterprises (city-wide: all, also codes without an
    enterprise), an enterprise user's own."""
    queryset = TraceCode.objects.select_related("enterprise__org_unit", "product", "lot__product", "issued_by")
    if user is None:
        return queryset
    if access.has_role(user, *MARKET_OFFICERS):
        return access.scope_filter(queryset, user=user, roles=MARKET_OFFICERS, field="enterprise__org_unit")
    enterprise_id = getattr(user, "enterprise_id", None)  # None for an anonymous caller (the schema's fake view)
    return queryset.filter(enterprise_id=enterprise_id) if enterprise_id else queryset.none()


def trace_code_get(*, user: User | None, pk: int) -> TraceCode:
    return get_object_or_404(trace_code_list(user=user), pk=pk)


def public_text(text: str) -> str:
    """Free text an officer or a company typed (a party's name, a recall's reason) as the public may see it:
    phone, ID and card numbers and e-mail addresses masked (core.masking)."""
    return mask_text(text or "")


def scan_product_get(*, gtin: str) -> Product:
    """The product of a scanned code with its producer's company and district; 404 for an unknown GTIN."""
    product = (Product.objects.select_related("producer__enterprise__org_unit", "producer__org_unit")
               .filter(gtin=gtin).first())
    if product is None:
        raise Http404("unknown GTIN")
    return product


@dataclass(frozen=True)
class ScanStep:
    """One step of the chain as a scan page shows it: names, never URIs or people."""

    event_time: datetime.datetime
    step: str
    place: str
    source: str
    destination: str
    quantity: Decimal | None
    uom: str


def _scan_step_label(event_type: str, biz_step: str) -> str:
    """A transformation is processing (加工) to a shopper, whatever business step the sender gave it."""
    if event_type == EpcisEventType.TRANSFORMATION and biz_step in ("", "commissioning", "transforming"):
        return str(BIZ_STEP_LABELS["transforming"])
    return str(BIZ_STEP_LABELS.get(biz_step, biz_step or ""))


def scan_chain(*, epc: str) -> list[ScanStep]:
    """The chain from farm to table of a lot (`tracing.trace`, backward then forward), one line per event,
    oldest first, with the master data's names of places and parties (masked free text)."""
    found = tracing.trace(epc=epc)
    seen: dict[int, tracing.TraceStep] = {}
    for step in sorted((*found.backward, *found.forward), key=lambda s: (s.event_time, s.event_id)):
        if step.event_id not in seen or step.epc == epc:
            seen[step.event_id] = step
    steps = list(seen.values())[:CHAIN_MAX_STEPS]
    known = tracing.names({uri for s in steps for uri in (s.biz_location, s.source_party, s.destination_party)})

    def name(uri: str) -> str:
        return public_text(known.get(uri, "")) if uri else ""

    return [ScanStep(event_time=s.event_time, step=_scan_step_label(s.event_type, s.biz_step),
                     place=name(s.biz_location), source=name(s.source_party), destination=name(s.destination_party),
                     quantity=s.quantity if s.epc == epc else None, uom=s.uom if s.epc == epc else "")
            for s in steps]


def scan_lot_get(*, product: Product, lot_number: str) -> Lot | None:
    """The registered lot of a scanned code; None when only events name it (the page shows what there is)."""
    return Lot.objects.filter(product=product, lot_number=lot_number).first() if lot_number else None


def scan_recalls(*, product: Product, lot: Lot | None = None) -> list[Recall]:
    """Open, published recalls of the lot (of any lot of the product on the product's own page)."""
    recalls = Recall.objects.filter(status=RecallStatus.OPEN, published=True).select_related("lot")
    recalls = recalls.filter(lot=lot) if lot is not None else recalls.filter(lot__product=product)
    found = list(recalls.order_by("-opened_at")[:SCAN_LIST_SIZE])
    for recall in found:
        recall.public_reason = public_text(recall.reason)
    return found


def merchant_recalls(*, enterprise) -> list[Recall]:
    """Open, published recalls of lots the enterprise produced, for its merchant page."""
    found = list(Recall.objects.filter(status=RecallStatus.OPEN, published=True,
                                       lot__product__producer__enterprise=enterprise)
                 .select_related("lot__product").order_by("-opened_at")[:SCAN_LIST_SIZE])
    for recall in found:
        recall.public_reason = public_text(recall.reason)
    return found


def scan_failed_samples(*, product: Product, lot_number: str) -> list:
    """Published non-conforming sampling results of this lot: the sample's batch number is the lot number and
    its product name is (or contains) the product's name."""
    return list(sample_published_list()
                .filter(conclusion=SamplingConclusion.FAIL, batch_number=lot_number,
                        product_name__contains=product.name)[:SCAN_LIST_SIZE])


def enterprise_public_record(*, enterprise: Enterprise, today: datetime.date) -> dict:
    """What the portal already publishes about a company: published double-random inspection results,
    published sampling results (as sampled party or as named producer), published credit list entries and
    the count of public credit events."""
    return {
        "inspection_results": list(result_published_list().filter(target__enterprise=enterprise)[:SCAN_LIST_SIZE]),
        "samples": list(sample_published_list().filter(Q(enterprise=enterprise) | Q(manufacturer=enterprise))
                        [:SCAN_LIST_SIZE]),
        "credit_entries": list(credit_list_entry_public_list(enterprise=enterprise)[:SCAN_LIST_SIZE]),
        "credit_event_count": credit_event_public_list(enterprise, today).count(),
    }


def merchant_public_get(*, pk: int) -> Enterprise:
    """The company of a merchant code: only when such a code was issued (an id alone opens nothing)."""
    if not TraceCode.objects.filter(kind=TraceCodeKind.MERCHANT, key=merchant_key(pk)).exists():
        raise Http404("no merchant code")
    return get_object_or_404(Enterprise.objects.select_related("org_unit"), pk=pk)


def merchant_products(*, enterprise: Enterprise) -> list[Product]:
    return list(Product.objects.filter(producer__enterprise=enterprise).order_by("name", "gtin")[:100])


@dataclass(frozen=True)
class DeliveryLine:
    """One item of a delivery: the product, its lot and the quantity, from the events of the transaction."""

    epc: str
    product: str
    gtin: str
    lot: str
    serial: str
    quantity: Decimal | None
    uom: str


@dataclass(frozen=True)
class Delivery:
    biz_transaction: str
    seller: str
    buyer: str
    steps: list[ScanStep]
    lines: list[DeliveryLine]


def delivery_public_get(*, token: str) -> Delivery:
    """The delivery of a transaction code's token: the signature must hold and the code must have been issued
    (a revoked code, deleted, opens nothing); else 404."""
    biz_transaction = transaction_of(token)
    if biz_transaction is None or not TraceCode.objects.filter(kind=TraceCodeKind.TRANSACTION, key=token).exists():
        raise Http404("no such transaction code")
    return delivery_get(biz_transaction=biz_transaction)


def delivery_get(*, biz_transaction: str) -> Delivery:
    """A delivery (a bizTransaction: despatch advice, invoice) from its events: who sold, who bought, what went
    with which lots and how much (the shipping event's quantities, else the first event's)."""
    events = list(Event.objects.filter(biz_transaction=biz_transaction)
                  .only("id", "event_time", "event_type", "biz_step", "biz_location", "source_party",
                        "destination_party")
                  .order_by("event_time", "id")[:CHAIN_MAX_STEPS])
    if not events:
        raise Http404("no events for this transaction")
    rows = list(EventEpc.objects.filter(event_id__in=[e.id for e in events],
                                        role__in=[EpcRole.EPC, EpcRole.CHILD, EpcRole.OUTPUT])
                .order_by("event_time", "event_id", "id"))
    known = tracing.names({uri for e in events for uri in (e.biz_location, e.source_party, e.destination_party)})

    def name(uri: str) -> str:
        return public_text(known.get(uri, "")) if uri else ""

    shipping = {e.id for e in events if e.biz_step == "shipping"}
    counted = [r for r in rows if r.event_id in shipping] or [r for r in rows if r.event_id == events[0].id]
    gtins = {parts(r.epc).get("01") for r in counted} - {None}
    products = {p.gtin: p.name for p in Product.objects.filter(gtin__in=gtins)}
    lines = []
    for row in counted:
        ids = parts(row.epc)
        lines.append(DeliveryLine(epc=row.epc, product=products.get(ids.get("01", ""), ""), gtin=ids.get("01", ""),
                                  lot=ids.get("10", ""), serial=ids.get("21", ""), quantity=row.quantity, uom=row.uom))
    seller = next((e.source_party for e in events if e.source_party), "")
    buyer = next((e.destination_party for e in events if e.destination_party), "")
    steps = [ScanStep(event_time=e.event_time, step=_scan_step_label(e.event_type, e.biz_step),
                      place=name(e.biz_location), source=name(e.source_party), destination=name(e.destination_party),
                      quantity=None, uom="") for e in events]
    return Delivery(biz_transaction=biz_transaction, seller=name(seller), buyer=name(buyer), steps=steps,
                    lines=lines)


# --- master data: catalogue, parties, locations, products, lots ----------------------------------------------
def _master_data_scoped(queryset: QuerySet, user, field: str) -> QuerySet:
    """Market officers see all master data (a chain crosses districts); an enterprise user sees its own
    enterprise's (`field`: the path to the party's enterprise id); everyone else nothing."""
    if user is None or access.has_role(user, *MARKET_OFFICERS):
        return queryset
    if access.has_role(user, Role.ENTERPRISE_USER) and user.enterprise_id:
        return queryset.filter(Q(**{field: user.enterprise_id}))
    return queryset.filter(Q(pk__in=[]))


def trace_category_list() -> QuerySet[TraceCategory]:
    """The catalogue with every entry, in force or retired (the page shows the dates); reference data."""
    return TraceCategory.objects.annotate(product_count=Count("products")).order_by("group", "name", "effective_from")


def trace_category_get(*, pk: int) -> TraceCategory:
    return get_object_or_404(trace_category_list(), pk=pk)


def trace_category_can_edit(*, user) -> bool:
    """The catalogue is the programme's: a market manager over the root (the city or the province) keeps it."""
    return access.covers(user, org_root(), MARKET_MANAGERS)


def party_list(*, user) -> QuerySet[Party]:
    return _master_data_scoped(Party.objects.select_related("enterprise", "org_unit"), user, "enterprise_id")


def location_list(*, user) -> QuerySet[Location]:
    return _master_data_scoped(Location.objects.select_related("party", "org_unit"), user, "party__enterprise_id")


def product_list(*, user) -> QuerySet[Product]:
    return _master_data_scoped(Product.objects.select_related("category", "producer"), user,
                               "producer__enterprise_id")


def product_get(*, user, pk: int) -> Product:
    return get_object_or_404(product_list(user=user).select_related("producer__enterprise"), pk=pk)


def lot_list(*, user) -> QuerySet[Lot]:
    return _master_data_scoped(Lot.objects.select_related("product"), user, "product__producer__enterprise_id")


# --- the back-office trace page ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TraceView:
    """A trace with what the page and the API show beside the identifiers: names from the master data, and
    the registered lot of the root (for the recall button)."""

    trace: tracing.Trace
    names: dict[str, str]
    lot: Lot | None

    def name(self, uri: str) -> str:
        return self.names.get(uri, uri)

    def step_rows(self, steps: list[tracing.TraceStep]) -> list[dict]:
        roles = dict(EpcRole.choices)
        return [{"event_time": s.event_time, "event_type": s.event_type,
                 "biz_step": str(BIZ_STEP_LABELS.get(s.biz_step, s.biz_step or "")), "identifier": self.name(s.epc),
                 "epc": s.epc, "role": str(roles.get(s.role, s.role)), "place": self.name(s.biz_location),
                 "source": self.name(s.source_party), "destination": self.name(s.destination_party),
                 "quantity": s.quantity, "uom": s.uom} for s in steps]

    def holder_rows(self) -> list[dict]:
        return [{"party": self.name(h.party), "party_uri": h.party, "received": h.quantity_received,
                 "shipped": h.quantity_shipped, "held": h.quantity_held, "uom": h.uom,
                 "last_location": self.name(h.last_location), "last_seen_at": h.last_seen_at}
                for h in self.trace.holders]


def _identifier_names(uris) -> dict[str, str]:
    """Product name and lot (or serial) of GS1 identifiers, from the products in one query."""
    split = {uri: parts(uri) for uri in uris}
    gtins = {p["01"] for p in split.values() if "01" in p}
    products = dict(Product.objects.filter(gtin__in=gtins).values_list("gtin", "name")) if gtins else {}
    found = {}
    for uri, ids in split.items():
        if ids.get("01") in products:
            detail = ids.get("10") or ids.get("21") or ""
            found[uri] = f"{products[ids['01']]} {detail}".strip()
        elif "00" in ids:
            found[uri] = f"SSCC {ids['00']}"
    return found


def trace_view(*, epc: str) -> TraceView:
    """The trace of `epc` with the names of its parties, places and products (three more queries)."""
    result = tracing.trace(epc=epc)
    steps = (*result.backward, *result.forward)
    places = {u for s in steps for u in (s.biz_location, s.source_party, s.destination_party)}
    places |= {h.party for h in result.holders} | {h.last_location for h in result.holders} | set(result.suppliers)
    names = {**_identifier_names({s.epc for s in steps} | {epc} | set(result.origins)), **tracing.names(places)}
    ids = parts(epc)
    lot = None
    if "01" in ids and "10" in ids:
        lot = Lot.objects.select_related("product").filter(product__gtin=ids["01"], lot_number=ids["10"]).first()
    return TraceView(trace=result, names=names, lot=lot)


# --- recalls -------------------------------------------------------------------------------------------------
def recall_can_open(*, user) -> bool:
    """Whether the user may open recalls at all (market managers; the unit is checked when opening)."""
    return access.has_role(user, *MARKET_MANAGERS)


def recall_list(*, user) -> QuerySet[Recall]:
    """Recalls in the user's units, newest first, with their lot, product and unit joined."""
    recalls = Recall.objects.select_related("lot__product__producer", "org_unit", "opened_by").order_by(
        "-opened_at", "-id")
    return access.scope_filter(recalls, user=user, roles=MARKET_OFFICERS)


def recall_get(*, user, pk: int) -> Recall:
    return get_object_or_404(recall_list(user=user), pk=pk)


def recall_holder_list(*, recall: Recall) -> QuerySet[RecallHolder]:
    return recall.holders.select_related("party", "last_location").order_by("party__name", "id")


def recall_holder_get(*, user, pk: int) -> RecallHolder:
    holders = RecallHolder.objects.select_related("recall__lot__product", "recall__org_unit", "party")
    return get_object_or_404(holders, pk=pk, recall__in=recall_list(user=user).values("pk"))


def recall_open_of(*, lot: Lot) -> Recall | None:
    """The lot's open recall, if any: the trace page links to it instead of offering to open another."""
    return Recall.objects.filter(lot=lot, status=RecallStatus.OPEN).first()


def recall_holder_next_statuses(*, holder: RecallHolder) -> list[tuple[str, str]]:
    """The statuses a holder may move to now (value, the button's label: "记为已通知"), none once the recall is
    closed."""
    if holder.recall.status != RecallStatus.OPEN:
        return []
    return [(status, _("记为%(status)s") % {"status": RecallHolderStatus(status).label})
            for status in HOLDER_TRANSITIONS[holder.status]]


# --- EPCIS capture jobs --------------------------------------------------------------------------------------
def capture_job_list(*, user) -> QuerySet[CaptureJob]:
    """The capture jobs a user may open, newest first: their own; a market officer's, every job."""
    jobs = CaptureJob.objects.select_related("submitted_by").order_by("-received_at")
    if user is None or access.has_role(user, *MARKET_OFFICERS):
        return jobs
    return jobs.filter(submitted_by=user)


def capture_job_list_own(*, user) -> QuerySet[CaptureJob]:
    """The jobs the user submitted (GET /api/epcis/capture lists the caller's own, officers included)."""
    return capture_job_list(user=None).filter(submitted_by=user)
