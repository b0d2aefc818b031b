"""Trace gaps: catalogue categories in force whose products had no event in the window, and goods received
from a party that never recorded shipping them."""

import datetime

import pytest

from qcity.core.choices import Role
from qcity.trace.identifiers import canonical
from qcity.trace.models import TraceCategory
from qcity.trace.signals import TraceGap, trace_gaps
from qcity.trace.tests.epcis_documents import SHANGHAI, capture, object_event
from qcity.trace.tests.factories import LocationFactory, LotFactory, PartyFactory, ProductFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 6, 30)


def at(month, day):
    return datetime.datetime(2025, month, day, 9, tzinfo=SHANGHAI)


def test_categories_without_events_in_the_window_and_chains_with_a_missing_shipment(
        make_user, django_assert_max_num_queries):
    officer = make_user(Role.LEADERSHIP_OFFICE)
    dairy, meat = TraceCategory.objects.get(name="乳制品"), TraceCategory.objects.get(name="肉制品")
    plant, shop, farm = PartyFactory(), PartyFactory(), PartyFactory()
    plant_site, shop_site = LocationFactory(party=plant), LocationFactory(party=shop)
    milk = LotFactory(product=ProductFactory(producer=plant, category=dairy), lot_number="M1")
    ham = LotFactory(product=ProductFactory(producer=plant, category=meat), lot_number="H1")
    capture(
        # milk: shipped by the plant and received by the shop in the window: no gap
        object_event(lot=milk, quantity=10, biz_step="shipping", location=plant_site, source=plant,
                     destination=shop, when=at(6, 10)),
        object_event(lot=milk, quantity=10, biz_step="receiving", location=shop_site, source=plant,
                     destination=shop, when=at(6, 11)),
        # ham: last seen in March; a farm's delivery received in the window that the farm never shipped
        object_event(lot=ham, quantity=5, biz_step="commissioning", action="ADD", location=plant_site,
                     when=at(3, 1)),
        object_event(epcs=["urn:epc:id:sgtin:6901234.000001.77"], biz_step="receiving", location=plant_site,
                     source=farm, destination=plant, when=at(6, 20)),
        by=officer)

    with django_assert_max_num_queries(6):
        gaps = trace_gaps(on=ON, window_days=30)

    by_kind = {}
    for gap in gaps:
        by_kind.setdefault(gap.kind, []).append(gap)
    categories = {gap.key: gap for gap in by_kind["category"]}
    assert str(dairy.pk) not in categories
    assert categories[str(meat.pk)].count == 1 and categories[str(meat.pk)].last_at == at(3, 1)
    assert categories[str(TraceCategory.objects.get(name="白酒").pk)].last_at is None  # nothing registered
    [chain] = by_kind["chain"]
    assert isinstance(chain, TraceGap)
    assert (chain.source_party, chain.receiving_party) == (farm.uri, plant.uri)
    assert chain.epc == canonical("urn:epc:id:sgtin:6901234.000001.77") and chain.count == 1
    assert chain.first_at == at(6, 20) and len(chain.event_ids) == 1
    # a window before the delivery sees no chain gap; a retired category is no longer listed
    meat.effective_to = datetime.date(2025, 6, 1)
    meat.save()
    later = trace_gaps(on=datetime.date(2025, 6, 15), window_days=10)
    assert not [g for g in later if g.kind == "chain"]
    assert str(meat.pk) not in {g.key for g in later}


def test_the_window_must_be_a_day_at_least():
    with pytest.raises(ValueError):
        trace_gaps(on=ON, window_days=0)
