"""The trace walks the captured chain backward to the farm and forward to the shops, whatever the capture order."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qcity.core.choices import Role
from qcity.trace import tracing
from qcity.trace.identifiers import canonical
from qcity.trace.tests import epcis_documents as d
from qcity.trace.tests.factories import LotFactory, make_dairy_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user, city):
    return make_user(Role.LEADERSHIP_OFFICE, city)


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0) - datetime.timedelta(days=10)


def _held(trace):
    return {h.party: (h.quantity_received, h.quantity_shipped, h.quantity_held, h.uom) for h in trace.holders}


@pytest.mark.parametrize("reverse", [False, True], ids=["in-order", "reversed"])
def test_backward_reaches_the_farm_lots_and_forward_the_three_shops(officer, start, reverse):
    # given the dairy chain, captured in time order or last event first
    chain = make_dairy_chain(by=officer, start=start, reverse=reverse)

    # when the product lot is traced
    result = tracing.trace(epc=chain.lot.uri)

    # then backward reaches both farm lots (the origins) and the farm, and not the other lot on the pallet
    farm_lots = sorted(lot.uri for lot in chain.farm_lots)
    assert result.origins == farm_lots
    assert result.suppliers == [chain.farm.uri]  # not the plant that made the lot, nor its distributor
    backward_epcs = {step.epc for step in result.backward}
    assert set(farm_lots) | {chain.lot.uri, chain.pallet} <= backward_epcs
    assert chain.other_lot.uri not in backward_epcs
    assert [s.biz_step for s in result.backward if s.epc == chain.farm_lots[0].uri] == [
        "commissioning", "shipping", "receiving"]
    # the pallet's travels between packing and unpacking are part of the lot's history
    assert [s.biz_step for s in result.backward if s.epc == chain.pallet] == [
        "packing", "shipping", "receiving", "unpacking"]
    times = [s.event_time for s in result.backward]
    assert times == sorted(times)

    # and forward finds the three shops with their quantities, the distributor holding the rest
    held = _held(result)
    shop1, shop2, shop3 = chain.shops
    assert held[shop1.uri] == (Decimal(300), Decimal(0), Decimal(300), "EA")
    assert held[shop2.uri] == (Decimal(300), Decimal(0), Decimal(300), "EA")
    assert held[shop3.uri] == (Decimal(200), Decimal(0), Decimal(200), "EA")  # shipped to it, never received
    assert held[chain.distributor.uri] == (Decimal(1000), Decimal(800), Decimal(200), "EA")
    assert held[chain.plant.uri] == (Decimal(1000), Decimal(1000), Decimal(0), "EA")
    assert chain.farm.uri not in held
    by_party = {h.party: h for h in result.holders}
    assert by_party[shop1.uri].last_location == chain.locations["shop1"].uri
    assert by_party[shop1.uri].last_seen_at == start + datetime.timedelta(hours=48)
    assert not result.truncated


def test_the_same_trace_whatever_the_capture_order(officer, start):
    # given the chain captured twice, in order and reversed (different lots, same shape)
    ordered = make_dairy_chain(by=officer, start=start)
    reversed_ = make_dairy_chain(by=officer, start=start, reverse=True)

    # when both are traced
    def shape(chain):
        result = tracing.trace(epc=chain.lot.uri)
        names = {chain.lot.uri: "lot", chain.pallet: "pallet", chain.farm_lots[0].uri: "f1",
                 chain.farm_lots[1].uri: "f2"}
        steps = [(s.event_time, s.event_type, s.action, s.biz_step, names.get(s.epc, s.epc), s.role, s.quantity)
                 for s in (*result.backward, *result.forward)]
        # (events at the same moment may come in either order: they are compared as a set)
        return sorted(steps), sorted((h.quantity_received, h.quantity_held) for h in result.holders)

    # then the steps and holders are the same
    assert shape(ordered) == shape(reversed_)


def test_a_farm_lot_forward_reaches_the_product_lot_and_the_shops(officer, start):
    # given the chain
    chain = make_dairy_chain(by=officer, start=start)

    # when a raw-milk lot is traced
    result = tracing.trace(epc=chain.farm_lots[0].uri)

    # then forward goes through the transformation to the product lot and its shops; backward stays at the farm
    assert chain.lot.uri in {s.epc for s in result.forward}
    assert {shop.uri for shop in chain.shops} <= {h.party for h in result.holders}
    assert result.origins == [chain.farm_lots[0].uri]
    assert result.suppliers == [chain.farm.uri]


def test_a_pallet_is_traced_through_its_contents(officer, start):
    # given the chain
    chain = make_dairy_chain(by=officer, start=start)

    # when the pallet is traced
    result = tracing.trace(epc=chain.pallet)

    # then its contents' history reaches the farm, and its holders count the contents
    assert result.origins == sorted([*(lot.uri for lot in chain.farm_lots), chain.other_lot.uri])
    assert _held(result)[chain.distributor.uri][0] == Decimal(1050)


def test_a_cycle_terminates(officer, start):
    # given two lots each made from the other (a data error)
    a, b = LotFactory(), LotFactory()
    d.capture(d.transformation_event(inputs=[(a, 1, "EA")], outputs=[(b, 1, "EA")], when=start), by=officer)
    d.capture(d.transformation_event(inputs=[(b, 1, "EA")], outputs=[(a, 1, "EA")],
                                     when=start + datetime.timedelta(hours=1)), by=officer)
    d.capture(d.transformation_event(inputs=[(a, 1, "EA")], outputs=[(b, 1, "EA")],
                                     when=start + datetime.timedelta(hours=2)), by=officer)

    # when either is traced
    result = tracing.trace(epc=a.uri)

    # then the walk ends, each event once per identifier and role
    keys = [(s.event_id, s.epc, s.role) for s in result.forward]
    assert len(keys) == len(set(keys)) == 6
    assert {s.epc for s in result.backward} == {a.uri, b.uri}


def test_a_huge_graph_is_cut_at_the_bound(officer, start, monkeypatch):
    # given a chain and a bound of three identifiers
    chain = make_dairy_chain(by=officer, start=start)
    monkeypatch.setattr(tracing, "MAX_IDENTIFIERS", 3)

    # when the pallet is traced
    result = tracing.trace(epc=chain.pallet)

    # then the trace says it is incomplete
    assert result.truncated


def test_one_query_per_level(officer, start, django_assert_max_num_queries):
    # given the chain
    chain = make_dairy_chain(by=officer, start=start)

    # when the lot is traced, then the queries are per level, not per identifier or event
    with django_assert_max_num_queries(16):
        tracing.trace(epc=chain.lot.uri)


def test_identifiers_read_in_chunks_give_the_same_trace(officer, start, monkeypatch):
    # given the chain traced once in whole reads
    chain = make_dairy_chain(by=officer, start=start)
    whole = tracing.trace(epc=chain.lot.uri)

    # when every read is cut into chunks of one identifier (SQLite's IN lists; PostgreSQL reads arrays whole)
    monkeypatch.setattr(tracing, "CHUNK", 1)
    chunked = tracing.trace(epc=chain.lot.uri)

    # then the steps come in the same time order and the holders are the same
    assert [(s.event_time, s.event_id) for s in chunked.backward] == [(s.event_time, s.event_id)
                                                                      for s in whole.backward]
    assert {(s.event_id, s.epc, s.role) for s in chunked.forward} == {(s.event_id, s.epc, s.role)
                                                                     for s in whole.forward}
    assert chunked.holders == whole.holders and chunked.origins == whole.origins


def test_an_identifier_without_events_traces_to_itself(db):
    # given no events, when a lot is traced
    uri = canonical("urn:epc:class:lgtin:4012345.012345.998877")
    result = tracing.trace(epc=uri)

    # then the trace is empty, the lot its own origin
    assert (result.backward, result.forward, result.holders, result.origins) == ([], [], [], [uri])


def test_party_trace_lists_what_a_party_received_and_shipped(officer, start):
    # given the chain
    chain = make_dairy_chain(by=officer, start=start)

    # when the distributor's trail is read
    result = tracing.party_trace(gln=chain.distributor.gln)

    # then it received the pallet and shipped to the three shops
    assert [s.epc for s in result.received] == [chain.pallet]
    assert sorted(s.destination_party for s in result.shipped) == sorted(shop.uri for shop in chain.shops)


def test_names_of_parties_and_locations(officer, start):
    # given the chain
    chain = make_dairy_chain(by=officer, start=start)

    # when names are asked for, then the master data answers them in one go
    found = tracing.names([chain.farm.uri, chain.locations["plant"].uri, "urn:x"])
    assert found == {chain.farm.uri: "牧场", chain.locations["plant"].uri: "乳品厂地点"}


def test_a_pallet_emptied_whole_and_used_again_carries_other_goods(officer, start):
    # given a lot packed on a pallet, the pallet emptied whole (a DELETE naming no children), then reused
    lot, later_lot = LotFactory(), LotFactory()
    pallet = canonical("urn:epc:id:sscc:6900000.0000000099")
    hour = datetime.timedelta(hours=1)
    d.capture(d.object_event(lot=lot, quantity=10, uom="EA", action="ADD", biz_step="commissioning", when=start),
              d.aggregation_event(parent=pallet, child_quantities=[(lot, 10, "EA")], when=start + hour),
              d.aggregation_event(parent=pallet, action="DELETE", biz_step="unpacking", when=start + 2 * hour),
              d.aggregation_event(parent=pallet, child_quantities=[(later_lot, 7, "EA")], when=start + 3 * hour),
              d.object_event(epcs=[pallet], biz_step="shipping", when=start + 4 * hour,
                             source="6900000000014", destination="6900000000021"),
              by=officer)

    # when the first lot is traced forward
    result = tracing.trace(epc=lot.uri)

    # then the pallet's later trip is not part of it
    assert [s.biz_step for s in result.forward if s.epc == pallet] == ["packing", "unpacking"]
    assert result.holders == []


def test_goods_sold_to_consumers_are_no_longer_held(officer, start):
    # given the chain, and the first shop selling 120 of its 300 units over the counter
    chain = make_dairy_chain(by=officer, start=start)
    d.capture(d.object_event(lot=chain.lot, quantity=120, uom="EA", biz_step="retail_selling",
                             location=chain.locations["shop1"], when=start + datetime.timedelta(days=3)),
              by=officer)

    # when the lot is traced / then the shop holds what it has not sold
    held = _held(tracing.trace(epc=chain.lot.uri))
    assert held[chain.shops[0].uri][1:3] == (Decimal(120), Decimal(180))
