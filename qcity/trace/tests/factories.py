"""Trace test data, rows straight into the tables (factory-boy). Events are not made here: tests capture EPCIS
documents through `services.capture` (see `tests/epcis_documents.py`), so the trace index is what capture builds.
"""

import datetime
import itertools
from dataclasses import dataclass

import factory
from stdnum import ean

from qcity.trace.identifiers import canonical
from qcity.trace.models import Location, Lot, Party, Product, TraceCategory


def gs1_number(prefix: str, sequence: int, length: int) -> str:
    """A GTIN or GLN of `length` digits with a valid check digit (GS1 mod-10, as for EAN)."""
    body = f"{prefix}{sequence:0{length - 1 - len(prefix)}d}"
    return body + ean.calc_check_digit(body)


class TraceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraceCategory

    group = "食品类"
    name = factory.Sequence(lambda n: f"乳制品{n}")
    keywords = "牛奶 酸奶"
    effective_from = factory.Faker("date_between", start_date="-3y", end_date="-1y")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    gln = factory.Sequence(lambda n: gs1_number("690", n, 13))
    name = factory.LazyAttribute(lambda o: o.enterprise.name if o.enterprise else "个体商户")
    enterprise = None  # pass EnterpriseFactory(org_unit=…) to link the party to a registered enterprise
    org_unit = factory.LazyAttribute(lambda o: o.enterprise.org_unit if o.enterprise else None)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    party = factory.SubFactory(PartyFactory)
    gln = factory.LazyAttribute(lambda o: o.party.gln)
    extension = factory.Sequence(lambda n: str(n + 1))
    name = factory.LazyAttribute(lambda o: f"{o.party.name}仓库")
    org_unit = factory.LazyAttribute(lambda o: o.party.org_unit)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    gtin = factory.Sequence(lambda n: "0" + gs1_number("692", n, 13))
    name = factory.Sequence(lambda n: f"纯牛奶{n}")
    producer = factory.SubFactory(PartyFactory)


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    product = factory.SubFactory(ProductFactory)
    lot_number = factory.Sequence(lambda n: f"L{n:06d}")


# --- TRACE: a dairy supply chain captured through the EPCIS capture service ---------------------------

@dataclass
class DairyChain:
    """farm → plant (two raw-milk lots transformed into one product lot) → pallet → distributor → 3 shops.

    The plant makes 1000 units of `lot`; the pallet also carries `other_lot` (not part of `lot`'s history);
    the distributor ships 300, 300 and 200 units to the shops (the third shop records no receiving), so it
    holds 200. `farm_lots` are the origins, `farm` the supplier at the start."""

    farm: Party
    plant: Party
    distributor: Party
    shops: list[Party]
    locations: dict[str, Location]
    farm_lots: list[Lot]
    lot: Lot
    other_lot: Lot
    pallet: str
    events: list[dict]
    start: datetime.datetime


def _dairy_events(c: DairyChain) -> list[dict]:
    # lazy: the capture builders import the capture service, which factories' other users do not need
    from qcity.trace.tests import epcis_documents as d

    at = {name: c.start + datetime.timedelta(hours=hours) for name, hours in (
        ("commission", 0), ("ship_farm", 2), ("receive_plant", 4), ("transform", 6), ("pack", 8),
        ("ship_pallet", 10), ("receive_pallet", 30), ("unpack", 31), ("ship_shops", 40), ("receive_shops", 48))}
    loc = c.locations
    f1, f2 = c.farm_lots
    events = [
        d.object_event(quantities=[(f1, 300, "LTR"), (f2, 200, "LTR")], action="ADD", biz_step="commissioning",
                       when=at["commission"], location=loc["farm"]),
        d.object_event(quantities=[(f1, 300, "LTR"), (f2, 200, "LTR")], biz_step="shipping", when=at["ship_farm"],
                       location=loc["farm"], source=c.farm, destination=c.plant),
        d.object_event(quantities=[(f1, 300, "LTR"), (f2, 200, "LTR")], biz_step="receiving",
                       when=at["receive_plant"], location=loc["plant"], source=c.farm, destination=c.plant),
        d.transformation_event(inputs=[(f1, 300, "LTR"), (f2, 200, "LTR")], outputs=[(c.lot, 1000, "EA")],
                               when=at["transform"], location=loc["plant"]),
        d.object_event(quantities=[(c.other_lot, 50, "EA")], action="ADD", biz_step="commissioning",
                       when=at["transform"], location=loc["plant"]),
        d.aggregation_event(parent=c.pallet, child_quantities=[(c.lot, 1000, "EA"), (c.other_lot, 50, "EA")],
                            when=at["pack"], location=loc["plant"]),
        d.object_event(epcs=[c.pallet], biz_step="shipping", when=at["ship_pallet"], location=loc["plant"],
                       source=c.plant, destination=c.distributor),
        d.object_event(epcs=[c.pallet], biz_step="receiving", when=at["receive_pallet"], location=loc["distributor"],
                       source=c.plant, destination=c.distributor),
        d.aggregation_event(parent=c.pallet, child_quantities=[(c.lot, 1000, "EA"), (c.other_lot, 50, "EA")],
                            action="DELETE", biz_step="unpacking", when=at["unpack"], location=loc["distributor"]),
    ]
    for shop, quantity, received in zip(c.shops, (300, 300, 200), (True, True, False), strict=True):
        events.append(d.object_event(quantities=[(c.lot, quantity, "EA")], biz_step="shipping", when=at["ship_shops"],
                                     location=loc["distributor"], source=c.distributor, destination=shop))
        if received:
            events.append(d.object_event(quantities=[(c.lot, quantity, "EA")], biz_step="receiving",
                                         when=at["receive_shops"], location=loc[shop.gln], source=c.distributor,
                                         destination=shop))
    return events


def make_dairy_chain(*, by, start: datetime.datetime, reverse: bool = False, org_unit=None) -> DairyChain:
    """Master data plus the chain's events captured through `epcis_capture` by `by`, one document per event;
    `reverse` captures them last event first (the trace must not care)."""
    # lazy: see _dairy_events
    from qcity.trace.tests import epcis_documents as d

    parties = {name: PartyFactory(name=label, org_unit=org_unit) for name, label in (
        ("farm", "牧场"), ("plant", "乳品厂"), ("distributor", "经销商"), ("shop1", "超市一"), ("shop2", "超市二"),
        ("shop3", "超市三"))}
    locations = {name: LocationFactory(party=party, name=f"{party.name}地点") for name, party in parties.items()}
    shops = [parties["shop1"], parties["shop2"], parties["shop3"]]
    locations.update({shop.gln: locations[f"shop{i}"] for i, shop in enumerate(shops, start=1)})
    raw = ProductFactory(name="生鲜乳", producer=parties["farm"])
    product = ProductFactory(name="纯牛奶", producer=parties["plant"])
    chain = DairyChain(farm=parties["farm"], plant=parties["plant"], distributor=parties["distributor"], shops=shops,
                       locations=locations, farm_lots=[LotFactory(product=raw), LotFactory(product=raw)],
                       lot=LotFactory(product=product), other_lot=LotFactory(product=product),
                       pallet=canonical(f"urn:epc:id:sscc:{parties['plant'].gln[:7]}.{next(_pallets):010d}"),
                       events=[], start=start)
    chain.events = _dairy_events(chain)
    for event in (reversed(chain.events) if reverse else chain.events):
        d.capture(event, by=by)
    return chain


_pallets = itertools.count(1)
