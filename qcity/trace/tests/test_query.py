"""The SimpleEventQuery's parameters, pages and scope over captured events."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace import query
from qcity.trace.tests import epcis_documents as d
from qcity.trace.tests.factories import LocationFactory, LotFactory, PartyFactory, make_dairy_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user, city):
    return make_user(Role.LEADERSHIP_OFFICE, city)


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0) - datetime.timedelta(days=10)


@pytest.fixture
def chain(officer, start):
    return make_dairy_chain(by=officer, start=start)


def _ask(text: str, user=None):
    return query.event_page(params=QueryDict(text), user=user)


def _steps(page):
    return [event.biz_step for event in page.events]


def test_every_event_oldest_first_without_parameters(chain):
    # when nothing is asked, then every event comes, by event time
    page = _ask("")
    times = [event.event_time for event in page.events]
    assert len(page.events) == len(chain.events) and times == sorted(times)
    assert page.next_token is None


@pytest.mark.parametrize(("parameter", "expected"), [
    ("eventType=TransformationEvent", 1),
    ("eventType=AggregationEvent,TransformationEvent", 3),
    ("EQ_action=DELETE", 1),
    ("EQ_bizStep=shipping", 5),
    ("EQ_bizStep=urn:epcglobal:cbv:bizstep:receiving", 4),
    ("EQ_bizStep=https://ref.gs1.org/cbv/BizStep-packing,unpacking", 2),
])
def test_simple_parameters(chain, parameter, expected):
    # when one parameter is asked, then the matching events come
    assert len(_ask(parameter).events) == expected


def test_match_parameters_take_urns_and_digital_links(chain):
    # given the pallet's SSCC as a URN, the product lot as a Digital Link on another host
    sscc = "urn:epc:id:sscc:" + chain.pallet.rsplit("/", 1)[1][1:8] + "." + chain.pallet.rsplit("/", 1)[1][0] \
        + chain.pallet.rsplit("/", 1)[1][8:17]
    lot = chain.lot.uri.replace("https://id.gs1.org", "https://example.com")

    # then each MATCH_ parameter looks at its roles
    assert _steps(_ask(f"MATCH_epc={sscc}")) == ["shipping", "receiving"]
    assert _steps(_ask(f"MATCH_parentID={sscc}")) == ["packing", "unpacking"]
    assert _steps(_ask(f"MATCH_anyEPC={sscc}")) == ["packing", "shipping", "receiving", "unpacking"]
    assert _steps(_ask(f"MATCH_outputEPC={lot}")) == ["commissioning"]
    assert _ask(f"MATCH_inputEPC={lot}").events == []
    assert _steps(_ask(f"MATCH_inputEPC={chain.farm_lots[0].uri}")) == ["commissioning"]
    assert len(_ask(f"MATCH_epcClass={lot}").events) == 1 + 2 + 3 + 2
    assert len(_ask(f"MATCH_epcClass={chain.farm_lots[0].uri},{chain.other_lot.uri}").events) == 4 + 3


def test_locations_and_read_points(officer, chain):
    # given an event with a read point
    spot = LocationFactory(party=chain.plant)
    d.capture(d.object_event(lot=chain.lot, quantity=1, uom="EA", biz_step="inspecting", read_point=spot,
                             location=chain.locations["plant"]), by=officer)

    # then EQ_bizLocation and EQ_readPoint compare canonical locations
    assert len(_ask(f"EQ_bizLocation={chain.locations['plant'].uri}").events) == 6
    gln, ext = spot.gln, spot.extension
    urn = f"urn:epc:id:sgln:{gln[:7]}.{gln[7:12]}.{ext}"
    assert _steps(_ask(f"EQ_readPoint={urn}")) == ["inspecting"]
    assert _ask("EQ_disposition=in_progress").events == []


def test_time_windows(chain, start):
    # given the chain's events over two days
    cut = (start + datetime.timedelta(hours=10)).astimezone(datetime.timezone(datetime.timedelta(hours=8)))

    # then GE_ and LT_ cut at the moment, offsets (or a plus sign turned into a space) understood
    before = _ask(f"LT_eventTime={cut.isoformat()}".replace("+", "%2B")).events
    after = _ask(f"GE_eventTime={cut.isoformat()}".replace("+", " ")).events
    assert len(before) + len(after) == len(chain.events)
    assert after[0].biz_step == "shipping" and all(e.event_time >= cut for e in after)
    recorded = timezone.now() - datetime.timedelta(minutes=5)
    assert len(_ask(f"GE_recordTime={recorded.isoformat()}".replace("+", "%2B")).events) == len(chain.events)
    assert _ask(f"LT_recordTime={recorded.isoformat()}".replace("+", "%2B")).events == []


@pytest.mark.parametrize(("text", "parameter"), [
    ("colour=red", "colour"),
    ("GE_eventTime=yesterday", "GE_eventTime"),
    ("eventType=ThingEvent", "eventType"),
    ("EQ_action=MOVE", "EQ_action"),
    ("perPage=0", "perPage"),
    ("perPage=abc", "perPage"),
    ("MATCH_epc=", "MATCH_epc"),
    ("nextPageToken=forged", "nextPageToken"),
])
def test_bad_parameters_are_refused_by_name(db, text, parameter):
    # when a parameter cannot be read, then it is refused, named
    with pytest.raises(query.QueryError) as refused:
        _ask(text)
    assert refused.value.parameter == parameter


def test_pages_continue_after_the_last_event(chain):
    # when the events are read three at a time, following the tokens
    seen, token, pages = [], None, 0
    while True:
        page = _ask("perPage=3&EQ_bizStep=shipping,receiving,packing,unpacking"
                    + (f"&nextPageToken={token}" if token else ""))
        seen += page.events
        pages += 1
        token = page.next_token
        if token is None:
            break

    # then every event comes once, in order
    assert pages == 4 and len(seen) == len({e.pk for e in seen}) == 11
    assert [e.event_time for e in seen] == sorted(e.event_time for e in seen)


def test_a_token_of_another_query_is_refused(chain):
    # given a token of one query
    token = _ask("perPage=2").next_token

    # when it is used with another query, then it is refused
    with pytest.raises(query.QueryError) as refused:
        _ask(f"perPage=2&eventType=ObjectEvent&nextPageToken={token}")
    assert refused.value.parameter == "nextPageToken"


def test_an_enterprise_user_sees_its_enterprise_events(make_user, district, officer):
    # given an event captured by an enterprise's user and one by an officer
    enterprise = EnterpriseFactory(org_unit=district)
    party = PartyFactory(enterprise=enterprise)
    own = make_user(Role.ENTERPRISE_USER, district, enterprise=enterprise)
    d.capture(d.object_event(lot=LotFactory(), quantity=1, location=LocationFactory(party=party)), by=own)
    d.capture(d.object_event(lot=LotFactory(), quantity=2, location=LocationFactory()), by=officer)

    # then the enterprise user sees its own, the officer both, a user without a role none
    assert [e.enterprise_id for e in _ask("", own).events] == [enterprise.pk]
    assert len(_ask("", officer).events) == 2
    assert _ask("", make_user(None)).events == []


def test_query_document_shape(chain):
    # when a page is answered, then it is an EPCIS query document holding the events as captured
    page = _ask("eventType=TransformationEvent")
    document = query.query_document(page.events)
    assert document["type"] == "EPCISQueryDocument" and document["schemaVersion"] == "2.0"
    events = document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["type"] for e in events] == ["TransformationEvent"]
    assert document["epcisBody"]["queryResults"]["queryName"] == "SimpleEventQuery"


def test_business_transaction_by_type(officer):
    # given an event tied to a despatch advice
    d.capture(d.object_event(lot=LotFactory(), quantity=1, biz_step="shipping",
                             biz_transaction="urn:epcglobal:cbv:bt:6900000000014:DA-7"), by=officer)
    d.capture(d.object_event(lot=LotFactory(), quantity=1, biz_step="shipping"), by=officer)

    # then EQ_bizTransaction_<type> finds it by its identifier
    assert _steps(_ask("EQ_bizTransaction_desadv=urn:epcglobal:cbv:bt:6900000000014:DA-7")) == ["shipping"]
    with pytest.raises(query.QueryError):
        _ask("EQ_bizTransaction_=x")
