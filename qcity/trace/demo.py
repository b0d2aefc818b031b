"""Demo supply chains (追溯) for the demo city: GS1 master data and EPCIS events up to ctx.today.

What a reviewer should find believable:
- five chains of the airport plan's catalogue (专栏8): dairy (pastures → a dairy plant that transforms raw milk
  into liquid milk and yoghurt, packed on pallets (SSCC) → a cold-chain distributor → supermarkets and shops),
  meat (pig farms → a meat plant: chilled pork and ham sausage → distributor → shops), vegetables (bases →
  a wholesale market → shops), infant formula (plant → distributor → shops, on pallets) and drugs (a maker →
  a pharmaceutical wholesaler → pharmacies);
- the parties are enterprises of the demo registry (by industry: 乳业 for the dairy plant, 农业科技 and 农副产品
  for farms and bases, 商贸 / 冷链物流 for distributors, supermarkets and shops, 医药 and 大药房), each with a
  site in its own district; GLNs and GTINs carry Chinese GS1 prefixes (690-699) with valid check digits;
- every event is parsed as capture parses a document (schema, GS1 event hash, identifier checks) and stored
  by the capture service as the office's account, a capture job per fortnight (`parsed_capture`); at city
  scale a helper process makes and parses the next fortnight while this one writes. Times run from the start
  of the history to the day before ctx.today: each production run is commissioned or transformed, packed,
  shipped, received, passed on to shops and sold over the following days;
- most producers have a QR code (a merchant code, codes of some lots), so the QR-coverage indicator is high
  but not 100 %; one vegetable stall receives goods a base never recorded shipping (a chain gap for the risk
  signal); one dairy lot is under an open recall — the lot of a failed dairy sample of the sampling demo when
  there is one (the plant is then its manufacturer and the lot its batch).
Deterministic for the seed and the day. Scales: `small` a few hundred events in a few seconds; `city` a year of
daily production, about 240,000 events.
"""

from __future__ import annotations

import datetime
import itertools
import os
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from stdnum import ean

from qcity.core.demo import DemoContext, made_in_helper, seeded_rng
from qcity.core.models import User
from qcity.enterprises.models import Enterprise
from qcity.indicators.services import computed_indicators_refresh
from qcity.sampling.choices import SamplingConclusion
from qcity.sampling.models import Sample

from . import epcis
from .choices import RecallKind, TraceCodeKind
from .epcis import ParsedEvent
from .indicators import INDICATORS
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
from .partitions import event_partitions_ensure
from .services.capture import parsed_capture
from .services.codes import trace_code_issue
from .services.master import location_register, party_register, product_register
from .services.recalls import recall_open

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
HOST = "https://id.gs1.org"
DEMO_ACCOUNT = "office"  # the demo's 质量强市办 account captures the events (a market officer over the city)
PARTY_PREFIX, PRODUCT_PREFIX, SSCC_PREFIX = "693", "692", "0693"

# scale → (history days, days between production runs, producers per chain, distributors, shops per chain,
# shops a production run is delivered to)
SHAPES = {"small": (28, 7, 1, 1, 3, 3), "city": (365, 1, 6, 3, 40, 5), "province": (365, 1, 40, 20, 270, 5)}
CODED_SHARE = 0.85  # producers with a merchant QR code
POOL = 300_000  # registry enterprises the parties are chosen from (the first, by pk)
SPAN_DAYS = 14  # days of events parsed and captured at once (one capture job; about 9,000 events at city scale)
PALLETS_PER_SPAN = 100_000  # pallet (SSCC) numbers of one span: more than its production runs


@dataclass(frozen=True)
class ChainSpec:
    """A supply chain: who supplies (raw material made at the supplier), who makes what, who distributes and
    sells. Industry prefixes choose the demo registry's enterprises for each role."""

    name: str
    maker_industries: tuple[str, ...]
    products: tuple[tuple[str, str, str, int], ...]  # (name, brand, uom, quantity per run)
    supplier_industries: tuple[str, ...] = ()
    raw: tuple[str, str, int] | None = None  # (name, uom, quantity per supplier and run)
    distributor_industries: tuple[str, ...] = ("5199", "5930", "5121")
    shop_industries: tuple[str, ...] = ("521", "522", "5292")
    pallet: bool = True
    shelf_days: tuple[int, ...] = ()  # shelf life of each product, in days (the lots' expiry)
    raw_shelf_days: int = 0  # of the raw material; 0: none (live animals)


CHAINS = (
    ChainSpec("dairy", ("1440", "14"), (("中原牧场纯牛奶 250mL×12", "中原牧场", "EA", 400),
                                        ("中原牧场风味酸奶 200g×10", "中原牧场", "EA", 300)),
              supplier_industries=("7511", "5119", "01", "03"), raw=("生鲜乳（荷斯坦牛）", "KGM", 2000),
              distributor_industries=("5930", "5199"), shelf_days=(180, 21), raw_shelf_days=2),
    ChainSpec("meat", ("1432", "1499", "13", "14"), (("冷鲜猪肉（分割肉）", "豫香", "KGM", 800),
                                                    ("豫香王中王火腿肠 240g", "豫香", "EA", 600)),
              supplier_industries=("7511", "5119", "03"), raw=("生猪（育肥猪）", "EA", 40), shelf_days=(7, 180)),
    ChainSpec("vegetables", ("7511", "5119", "01"), (("有机西红柿", "中牟绿源", "KGM", 500),
                                                    ("鲜黄瓜", "中牟绿源", "KGM", 400)),
              distributor_industries=("5119", "5121", "5199"), pallet=False, shelf_days=(7, 5)),
    ChainSpec("infant-formula", ("1440", "1499", "14"), (("金装婴幼儿配方奶粉（1段）800g", "中原宝贝", "EA", 240),),
              shelf_days=(540,)),
    ChainSpec("drugs", ("27", "7512", "5151"), (("阿莫西林胶囊 0.25g×24粒", "郑药", "EA", 1000),
                                               ("复方感冒灵颗粒 10g×9袋", "郑药", "EA", 800)),
              distributor_industries=("5151",), shop_industries=("5251",), shelf_days=(730, 730)),
)


@dataclass
class Actor:
    party: Party
    site: Location


@dataclass
class Chain:
    spec: ChainSpec
    makers: list[Actor]
    products: dict[int, list[Product]]  # maker party pk → its products
    suppliers: list[Actor] = field(default_factory=list)
    raw: dict[int, Product] = field(default_factory=dict)  # supplier party pk → its raw material
    distributors: list[Actor] = field(default_factory=list)
    shops: list[Actor] = field(default_factory=list)


def gs1(prefix: str, n: int, length: int) -> str:
    body = f"{prefix}{n:0{length - 1 - len(prefix)}d}"
    return body + ean.calc_check_digit(body)


class Numbers:
    """Running numbers for GLNs, GTINs and SSCCs: the same sequence for the same seed, run after run. Each span
    of days numbers its pallets from its own offset (`PALLETS_PER_SPAN`), wherever it is made."""

    def __init__(self):
        self.parties = self.products = self.pallets = 0

    def gln(self) -> str:
        self.parties += 1
        return gs1(PARTY_PREFIX, self.parties, 13)

    def gtin(self) -> str:
        self.products += 1
        return gs1(PRODUCT_PREFIX, self.products, 13)

    def sscc(self) -> str:
        self.pallets += 1
        return f"{HOST}/00/{gs1(SSCC_PREFIX, self.pallets, 18)}"


def _registry(limit: int = POOL) -> list[tuple[int, str]]:
    """(pk, industry code) of the first `limit` registry enterprises, oldest first: where the parties are chosen.
    Read once: the industry code has no index, and a prefix scan of 1.5 million rows per role took 4 s."""
    return list(Enterprise.objects.order_by("pk").values_list("pk", "industry_code")[:limit])


def _enterprises(prefixes: tuple[str, ...], want: int, rng, taken: set[int],
                 registry: list[tuple[int, str]]) -> list[Enterprise]:
    """`want` enterprises of the first industry prefix that has that many among the first 200 of its matches
    in `registry` (not `taken`), else up to `want` of any industry. The registry read is the first POOL
    enterprises by pk: a prefix rare there falls back to the next, though later enterprises may have it."""
    for prefix in (*prefixes, ""):
        candidates = list(itertools.islice((pk for pk, code in registry if code.startswith(prefix)
                                            and pk not in taken), 200))
        if candidates:
            chosen = rng.sample(candidates, min(want, len(candidates)))
            if len(chosen) < want and prefix:
                continue
            taken.update(chosen)
            found = Enterprise.objects.select_related("org_unit").in_bulk(chosen)
            return [found[pk] for pk in chosen]
    return []


def _actor(enterprise: Enterprise, numbers: Numbers, site_name: str, by: User) -> Actor:
    party, _created = party_register(gln=numbers.gln(), name="", uscc=enterprise.uscc, by=by)
    site, _created = location_register(gln=party.gln, extension="1", name=f"{enterprise.name}{site_name}",
                                       party=party.gln, address=enterprise.org_unit.name if enterprise.org_unit else "",
                                       by=by)
    return Actor(party, site)


def _product(name: str, brand: str, maker: Party, numbers: Numbers, by: User, today: datetime.date) -> Product:
    product, _created = product_register(gtin=numbers.gtin(), name=name, brand=brand, producer=maker.gln, by=by,
                                         today=today)
    return product


def _chains(ctx: DemoContext, by: User, numbers: Numbers, failed: Sample | None) -> list[Chain]:
    _days, _every, makers_n, distributors_n, shops_n, _per_run = SHAPES.get(ctx.scale, SHAPES["small"])
    rng = ctx.rng("trace:parties")
    taken: set[int] = set()
    registry = _registry()
    chains = []
    for spec in CHAINS:
        if spec.name == "dairy" and failed is not None:
            plant = failed.manufacturer or failed.enterprise
            taken.add(plant.pk)
            makers = [plant, *_enterprises(spec.maker_industries, makers_n - 1, rng, taken, registry)]
        else:
            makers = _enterprises(spec.maker_industries, makers_n, rng, taken, registry)
        chain = Chain(spec, [_actor(e, numbers, "生产基地", by) for e in makers], {})
        for m, maker in enumerate(chain.makers):
            names = [name for name, _brand, _uom, _qty in spec.products]
            if failed is not None and spec.name == "dairy" and m == 0:
                names[0] = failed.product_name  # the sampled product is the plant's first
            chain.products[maker.party.pk] = [_product(name, brand, maker.party, numbers, by, ctx.today)
                                              for name, (_name, brand, _uom, _qty) in zip(names, spec.products,
                                                                                          strict=True)]
        if spec.raw:
            chain.suppliers = [_actor(e, numbers, "养殖场", by)
                               for e in _enterprises(spec.supplier_industries, 2 * makers_n + 1, rng, taken, registry)]
            for supplier in chain.suppliers:
                chain.raw[supplier.party.pk] = _product(spec.raw[0], "", supplier.party, numbers, by, ctx.today)
        chain.distributors = [_actor(e, numbers, "配送中心", by)
                              for e in _enterprises(spec.distributor_industries, distributors_n, rng, taken, registry)]
        chain.shops = [_actor(e, numbers, "门店", by) for e in _enterprises(spec.shop_industries, shops_n, rng, taken, registry)]
        if chain.makers and chain.distributors and chain.shops:
            chains.append(chain)
    return chains


# --- events ---------------------------------------------------------------------------------------------------


def _time(day: datetime.date, hour: int, minute: int = 0) -> dict[str, str]:
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)
    return {"eventTime": moment.isoformat(timespec="milliseconds"), "eventTimeZoneOffset": "+08:00"}


def _quantity(epc_class: str, quantity, uom: str) -> dict[str, Any]:
    element: dict[str, Any] = {"epcClass": epc_class, "quantity": quantity}
    if uom != "EA":
        element["uom"] = uom
    return element


def _object(day, hour, *, step, at: Actor, action="OBSERVE", quantities=(), epcs=(), source: Actor | None = None,
            destination: Actor | None = None, disposition: str = "", despatch: str = "") -> dict[str, Any]:
    event: dict[str, Any] = {"type": "ObjectEvent", **_time(day, hour), "action": action, "bizStep": step,
                             "bizLocation": {"id": at.site.uri}, "readPoint": {"id": at.site.uri},
                             "epcList": list(epcs)}
    if quantities:
        event["quantityList"] = [_quantity(*q) for q in quantities]
    if disposition:
        event["disposition"] = disposition
    if source is not None:
        event["sourceList"] = [{"type": "owning_party", "source": source.party.uri}]
    if destination is not None:
        event["destinationList"] = [{"type": "owning_party", "destination": destination.party.uri}]
    if despatch:
        event["bizTransactionList"] = [{"type": "desadv", "bizTransaction": despatch}]
    return event


@dataclass
class Run:
    """One production run of one maker: the lots it made and the events that tell their story."""

    events: list[dict[str, Any]] = field(default_factory=list)
    lots: list[tuple[Product, str, datetime.date]] = field(default_factory=list)


def _lot_number(day: datetime.date, k: int) -> str:
    """A maker's lot of its k-th product made on `day` (each product is one maker's: the day is enough)."""
    return f"{day:%Y%m%d}{'ABCDEFGH'[k]}"


def _run(chain: Chain, maker: Actor, day: datetime.date, rng, numbers: Numbers, m: int, *, shops_per_run: int,
         named_lot: str = "") -> Run:
    """`named_lot`: the lot number of the first product's lot (the failed sample's batch), else the day's."""
    spec, run = chain.spec, Run()
    inputs = []
    if spec.raw and chain.suppliers:
        for supplier in rng.sample(chain.suppliers, min(2, len(chain.suppliers))):
            raw = chain.raw[supplier.party.pk]
            number = f"{day:%Y%m%d}R{m:02d}"  # the raw material the supplier sends maker m that day
            uri = f"{raw.uri}/10/{number}"
            quantity = spec.raw[2] + rng.randint(-spec.raw[2] // 10, spec.raw[2] // 10)
            run.lots.append((raw, number, day))
            despatch = f"urn:epcglobal:cbv:bt:{supplier.party.gln}:D{day:%Y%m%d}{maker.party.gln}"
            run.events += [
                _object(day, 5, step="commissioning", action="ADD", at=supplier,
                        quantities=[(uri, quantity, spec.raw[1])], disposition="active"),
                _object(day, 6, step="shipping", at=supplier, quantities=[(uri, quantity, spec.raw[1])],
                        source=supplier, destination=maker, disposition="in_transit", despatch=despatch),
                _object(day, 8, step="receiving", at=maker, quantities=[(uri, quantity, spec.raw[1])],
                        source=supplier, destination=maker, disposition="in_progress", despatch=despatch),
            ]
            inputs.append((uri, quantity, spec.raw[1]))
    outputs = []
    for k, (product, (_name, _brand, uom, per_run)) in enumerate(zip(chain.products[maker.party.pk], spec.products,
                                                                       strict=True)):
        number = named_lot if named_lot and k == 0 else _lot_number(day, k)
        uri = f"{product.uri}/10/{number}"
        quantity = per_run + rng.randint(0, per_run // 5)
        run.lots.append((product, number, day))
        outputs.append((product, uri, quantity, uom))
    if inputs:
        run.events.append({"type": "TransformationEvent", **_time(day, 10), "bizStep": "commissioning",
                           "disposition": "active", "bizLocation": {"id": maker.site.uri},
                           "readPoint": {"id": maker.site.uri},
                           "inputQuantityList": [_quantity(*q) for q in inputs],
                           "outputQuantityList": [_quantity(uri, quantity, uom) for _p, uri, quantity, uom in outputs]})
    else:
        run.events.append(_object(day, 10, step="commissioning", action="ADD", at=maker, disposition="active",
                                  quantities=[(uri, quantity, uom) for _p, uri, quantity, uom in outputs]))
    distributor = chain.distributors[m % len(chain.distributors)]
    despatch = f"urn:epcglobal:cbv:bt:{maker.party.gln}:D{day:%Y%m%d}{m}"
    if spec.pallet:
        sscc = numbers.sscc()
        run.events += [
            {"type": "AggregationEvent", **_time(day, 12), "action": "ADD", "bizStep": "packing",
             "bizLocation": {"id": maker.site.uri}, "readPoint": {"id": maker.site.uri}, "parentID": sscc,
             "childEPCs": [], "childQuantityList": [_quantity(uri, q, uom) for _p, uri, q, uom in outputs]},
            _object(day, 14, step="shipping", at=maker, epcs=[sscc], source=maker, destination=distributor,
                    disposition="in_transit", despatch=despatch),
            _object(day, 17, step="receiving", at=distributor, epcs=[sscc], source=maker, destination=distributor,
                    disposition="in_progress", despatch=despatch),
            {"type": "AggregationEvent", **_time(day, 18), "action": "DELETE", "bizStep": "unpacking",
             "bizLocation": {"id": distributor.site.uri}, "readPoint": {"id": distributor.site.uri},
             "parentID": sscc, "childEPCs": []},
        ]
    else:
        quantities = [(uri, q, uom) for _p, uri, q, uom in outputs]
        run.events += [
            _object(day, 14, step="shipping", at=maker, quantities=quantities, source=maker, destination=distributor,
                    disposition="in_transit", despatch=despatch),
            _object(day, 17, step="receiving", at=distributor, quantities=quantities, source=maker,
                    destination=distributor, disposition="in_progress", despatch=despatch),
        ]
    shops = rng.sample(chain.shops, min(shops_per_run, len(chain.shops)))
    for s, shop in enumerate(shops):
        next_day = day + datetime.timedelta(days=1)
        delivery = f"urn:epcglobal:cbv:bt:{distributor.party.gln}:D{next_day:%Y%m%d}{m}{s}"
        share = [(uri, max(q // len(shops), 1), uom) for _p, uri, q, uom in outputs]
        sold = [(uri, max(q // 2, 1), uom) for uri, q, uom in share]
        run.events += [
            _object(next_day, 7, step="shipping", at=distributor, quantities=share, source=distributor,
                    destination=shop, disposition="in_transit", despatch=delivery),
            _object(next_day, 9 + s, step="receiving", at=shop, quantities=share, source=distributor,
                    destination=shop, disposition="sellable_accessible", despatch=delivery),
            _object(day + datetime.timedelta(days=2), 19, step="retail_selling", at=shop, quantities=sold,
                    disposition="retail_sold"),
        ]
    return run


def _days(ctx: DemoContext) -> Iterator[datetime.date]:
    days, every, *_rest = SHAPES.get(ctx.scale, SHAPES["small"])
    last = ctx.today - datetime.timedelta(days=3)  # the last run's goods are sold the day before today
    day = last - datetime.timedelta(days=days - 1)
    while day <= last:
        yield day
        day += datetime.timedelta(days=every)


def _document(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": events[-1]["eventTime"], "epcisBody": {"eventList": events}}


def _span_events(seed: int, index: int, days: list[datetime.date], chains: list[Chain], shops_per_run: int,
               recalled: tuple[datetime.date | None, str]) -> tuple[list[ParsedEvent], dict[tuple[int, str], datetime.date]]:
    """The events of some days, parsed as capture parses a document (schema, GS1 hash, checks), and the lots
    they made. Run in a helper process: no database access. `recalled`: the day and batch number of the
    failed sample's lot, if any. Each span of days has its own random numbers and pallet numbers, so the data
    does not depend on which process made it."""
    rng = seeded_rng(seed, f"trace:events:{days[0]:%Y%m%d}")
    numbers = Numbers()
    numbers.pallets = index * PALLETS_PER_SPAN
    events: list[dict[str, Any]] = []
    lots: dict[tuple[int, str], datetime.date] = {}
    recalled_day, batch = recalled
    for day in days:
        for chain in chains:
            for m, maker in enumerate(chain.makers):
                named = batch if (chain.spec.name == "dairy" and m == 0 and day == recalled_day) else ""
                run = _run(chain, maker, day, rng, numbers, m, shops_per_run=shops_per_run, named_lot=named)
                events += run.events
                for product, number, produced in run.lots:
                    lots[(product.pk, number)] = produced
    return (epcis.document_parse(_document(events)) if events else []), lots


def _gap(chains: list[Chain], day: datetime.date) -> list[dict[str, Any]]:
    """A stall receives vegetables from a base that recorded no shipment of them (a chain gap)."""
    vegetables = next((c for c in chains if c.spec.name == "vegetables" and c.suppliers), None) or next(
        (c for c in chains if c.spec.name == "vegetables"), None)
    if vegetables is None:
        return []
    base, shop = vegetables.makers[0], vegetables.shops[-1]
    product = vegetables.products[base.party.pk][0]
    uri = f"{product.uri}/10/{day:%Y%m%d}Z"
    return [_object(day, 15, step="receiving", at=shop, quantities=[(uri, 50, "KGM")], source=base,
                    destination=shop, disposition="sellable_accessible")]


def _failed_dairy_sample() -> Sample | None:
    """A failed sample of dairy products with a registered maker and a batch number a lot can carry."""
    for sample in (Sample.objects.filter(category__name="乳制品", conclusion=SamplingConclusion.FAIL)
                   .select_related("manufacturer", "enterprise").order_by("sampling_date", "pk")):
        if sample.batch_number.isascii() and 0 < len(sample.batch_number) <= 12:
            return sample
    return None


def generate(ctx: DemoContext) -> dict[str, Any]:
    by = User.objects.filter(username=DEMO_ACCOUNT).first()
    if by is None or not TraceCategory.objects.exists():
        return {"trace_events": 0}
    event_partitions_ensure(today=ctx.today)
    numbers = Numbers()
    failed = _failed_dairy_sample()
    with transaction.atomic():
        chains = _chains(ctx, by, numbers, failed)
    days = list(_days(ctx))
    shops_per_run = SHAPES.get(ctx.scale, SHAPES["small"])[5]
    recalled_day = days[len(days) // 2] if days else None
    recalled = (recalled_day, failed.batch_number if failed is not None else "")
    spans = [days[start:start + SPAN_DAYS] for start in range(0, len(days), SPAN_DAYS)]
    helper = len(spans) >= 3 and (os.cpu_count() or 1) > 1
    if helper:
        ctx.background_wait()  # no fork while the demo's background thread works (it could hold a lock)
    lots: dict[tuple[int, str], datetime.date] = {}
    captured = 0
    for parsed, made in made_in_helper(_span_events, [(ctx.seed, index, span, chains, shops_per_run, recalled)
                                                     for index, span in enumerate(spans)], helper=helper):
        if parsed:
            captured += parsed_capture(parsed=parsed, by=by).captured_count
        lots.update(made)
    gap = _gap(chains, days[-1] if days else ctx.today)
    if gap:
        captured += parsed_capture(parsed=epcis.document_parse(_document(gap)), by=by).captured_count
    products = {p.pk: p for c in chains for ps in c.products.values() for p in ps} | {
        p.pk: p for c in chains for p in c.raw.values()}
    # capture registered the lots without dates (an event says nothing of them here): the demo knows them
    shelf_days = {product.pk: life for c in chains for made_by in c.products.values()
                  for product, life in zip(made_by, c.spec.shelf_days, strict=True)}
    shelf_days |= {product.pk: c.spec.raw_shelf_days for c in chains for product in c.raw.values()}
    Lot.objects.bulk_create([Lot(product_id=product, lot_number=number, produced_on=produced,
                                 expires_on=produced + datetime.timedelta(days=shelf_days[product])
                                 if shelf_days[product] else None)
                             for (product, number), produced in lots.items()], batch_size=2000,
                            update_conflicts=True, unique_fields=["product", "lot_number"],
                            update_fields=["produced_on", "expires_on"])
    ctx.progress(f"trace: {captured:,} events captured")
    codes = _codes(ctx, chains, by, days)
    recall = _recall(chains, by, failed, recalled_day)
    for key in INDICATORS:
        for year in ctx.platform_years:
            computed_indicators_refresh(key=key, year=year)
    return {"trace_parties": len({a.party.pk for c in chains for a in (*c.makers, *c.suppliers, *c.distributors,
                                                                        *c.shops)}),
            "trace_products": len(products), "trace_lots": Lot.objects.count(), "trace_events": captured,
            "trace_codes": codes, "trace_recalls": 1 if recall else 0}


def _codes(ctx: DemoContext, chains: list[Chain], by: User, days: list[datetime.date]) -> int:
    """Merchant codes for most producers, product codes for the first lots; dated at the start of the history."""
    rng = ctx.rng("trace:codes")
    issued = []
    for chain in chains:
        for maker in chain.makers:
            enterprise = maker.party.enterprise
            if enterprise is not None and rng.random() < CODED_SHARE:
                issued.append(trace_code_issue(kind=TraceCodeKind.MERCHANT, enterprise=enterprise, by=by).pk)
            product = chain.products[maker.party.pk][0]
            lot = Lot.objects.filter(product=product).order_by("lot_number").first()
            if lot is not None:
                issued.append(trace_code_issue(kind=TraceCodeKind.PRODUCT, lot=lot, by=by).pk)
    if days:
        start = datetime.datetime.combine(days[0] - datetime.timedelta(days=1), datetime.time(9), SHANGHAI)
        TraceCode.objects.filter(pk__in=issued).update(issued_at=start)
    return len(issued)


def _recall(chains: list[Chain], by: User, failed: Sample | None, day: datetime.date | None) -> Recall | None:
    """One open recall of a dairy lot made mid-history, sold on to shops: the failed sample's batch when the
    sampling demo has one."""
    dairy = next((c for c in chains if c.spec.name == "dairy"), None)
    if dairy is None or day is None:
        return None
    product = dairy.products[dairy.makers[0].party.pk][0]
    number = failed.batch_number if failed is not None else _lot_number(day, 0)
    lot = Lot.objects.filter(product=product, lot_number=number).first()
    if lot is None:
        return None
    reason = (f"监督抽检不合格（抽样单 {failed.number}），企业主动召回" if failed is not None  # i18n-ignore: demo data
              else "出厂检验发现菌落总数超标，企业主动召回")  # i18n-ignore: demo data
    return recall_open(lot=lot, kind=RecallKind.VOLUNTARY, reason=reason, by=by)


def reset(ctx: DemoContext) -> dict[str, Any]:
    """Delete the demo's trace data (events, codes, recalls, master data); the catalogue stays."""
    with transaction.atomic():
        holders = RecallHolder.objects.all().delete()[0]
        recalls = Recall.objects.all().delete()[0]
        codes = TraceCode.objects.all().delete()[0]
        epcs = EventEpc.objects.all().delete()[0]
        events = Event.objects.all().delete()[0]
        for job in CaptureJob.objects.exclude(document=""):
            job.document.delete(save=False)
        jobs = CaptureJob.objects.all().delete()[0]
        lots = Lot.objects.all().delete()[0]
        products = Product.objects.all().delete()[0]
        locations = Location.objects.all().delete()[0]
        parties = Party.objects.all().delete()[0]
    return {"trace_events_deleted": events, "trace_event_index_rows_deleted": epcs,
            "trace_recall_holders_deleted": holders, "trace_capture_jobs_deleted": jobs, "trace_codes_deleted": codes,
            "trace_recalls_deleted": recalls, "trace_lots_deleted": lots, "trace_products_deleted": products,
            "trace_locations_deleted": locations, "trace_parties_deleted": parties}

