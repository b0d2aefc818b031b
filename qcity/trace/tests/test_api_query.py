"""GET /api/epcis/events: the EPCIS query document, its pages through Link / nextPageToken, 400s by name."""

import datetime
from urllib.parse import unquote

import pytest
from django.utils import timezone

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.tests import epcis_documents as d
from qcity.trace.tests.factories import LocationFactory, LotFactory, PartyFactory, make_dairy_chain

pytestmark = pytest.mark.django_db
URL = "/api/epcis/events"


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.INSPECTOR, district)


@pytest.fixture
def chain(officer):
    return make_dairy_chain(by=officer, start=timezone.now().replace(microsecond=0) - datetime.timedelta(days=3))


def _events(response):
    return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def test_the_answer_is_an_epcis_query_document(api_for, officer, chain):
    # when an officer asks for the transformations
    response = api_for(officer).get(URL, {"eventType": "TransformationEvent"})

    # then the query document holds the event as captured, and there is no next page
    assert response.status_code == 200
    body = response.json()
    assert (body["type"], body["schemaVersion"]) == ("EPCISQueryDocument", "2.0")
    assert [e["type"] for e in _events(response)] == ["TransformationEvent"]
    assert "Link" not in response


def test_pages_follow_the_link_header(api_for, officer, chain):
    # given more events than a page holds
    api = api_for(officer)
    url, pages, seen = f"{URL}?perPage=5&EQ_bizStep=shipping,receiving", 0, []

    # when the client follows the next links
    while url:
        response = api.get(url)
        assert response.status_code == 200
        seen += [e["eventTime"] for e in _events(response)]
        pages += 1
        link = response.get("Link")
        url = link[1:link.index(">")] if link else None
        if link:
            assert 'rel="next"' in link and response["GS1-Next-Page-Token"] in unquote(url)

    # then every event came once, oldest first
    assert pages == 2 and len(seen) == 9
    assert seen == sorted(seen)


@pytest.mark.parametrize(("params", "name"), [
    ({"flavour": "sweet"}, "flavour"),
    ({"GE_eventTime": "2026-13-01"}, "GE_eventTime"),
    ({"LT_recordTime": "soon"}, "LT_recordTime"),
    ({"perPage": "5000"}, "perPage"),
    ({"eventType": "Event"}, "eventType"),
    ({"nextPageToken": "x.y.z"}, "nextPageToken"),
])
def test_bad_parameters_answer_400_naming_them(api_for, officer, params, name):
    # when a parameter cannot be read, then 400 names it
    response = api_for(officer).get(URL, params)
    assert response.status_code == 400
    assert name in response.json()


def test_a_tampered_token_is_refused(api_for, officer, chain):
    # given a real token, one character changed
    api = api_for(officer)
    token = api.get(URL, {"perPage": 2})["GS1-Next-Page-Token"]
    forged = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]

    # then it is refused
    response = api.get(URL, {"perPage": 2, "nextPageToken": forged})
    assert response.status_code == 400 and "nextPageToken" in response.json()


def test_match_parameters_by_urn_or_digital_link(api_for, officer, chain):
    # when the raw-milk lot is asked for as an input, by URN
    gtin, lot = chain.farm_lots[0].product.gtin, chain.farm_lots[0].lot_number
    urn = f"urn:epc:class:lgtin:{gtin[1:8]}.{gtin[0]}{gtin[8:13]}.{lot}"
    response = api_for(officer).get(URL, {"MATCH_inputEPC": urn})

    # then the transformation comes
    assert [e["type"] for e in _events(response)] == ["TransformationEvent"]


def test_an_enterprise_user_sees_only_its_enterprise_events(api_for, make_user, district, officer):
    # given an event captured by an enterprise and one by an officer
    enterprise = EnterpriseFactory(org_unit=district)
    own = make_user(Role.ENTERPRISE_USER, district, enterprise=enterprise)
    d.capture(d.object_event(lot=LotFactory(), quantity=1,
                             location=LocationFactory(party=PartyFactory(enterprise=enterprise))), by=own)
    d.capture(d.object_event(lot=LotFactory(), quantity=2, location=LocationFactory()), by=officer)

    # then the enterprise user gets its own event only
    response = api_for(own).get(URL)
    assert response.status_code == 200 and len(_events(response)) == 1


def test_a_user_without_a_trace_role_is_refused(api_for, make_user, district):
    # when a complaint handler asks, then 403
    assert api_for(make_user(Role.COMPLAINT_HANDLER, district)).get(URL).status_code == 403


def test_post_still_captures_an_event(api_for, officer):
    # when one event is posted to the same resource, then it is captured (the capture interface)
    response = api_for(officer).post(URL, d.object_event(lot=LotFactory(), quantity=1), format="json")
    assert response.status_code == 202
