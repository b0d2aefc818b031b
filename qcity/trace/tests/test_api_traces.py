"""GET /api/traces/: the trace as JSON, for market officers; bad identifiers are 400s naming the field."""

import datetime

import pytest
from django.utils import timezone

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.tests.factories import make_dairy_chain

pytestmark = pytest.mark.django_db
URL = "/api/traces/"


@pytest.fixture
def inspector(make_user, district):
    return make_user(Role.INSPECTOR, district)


@pytest.fixture
def chain(inspector):
    return make_dairy_chain(by=inspector, start=timezone.now().replace(microsecond=0) - datetime.timedelta(days=5))


def test_the_trace_of_a_lot_by_gtin_and_lot(api_for, inspector, chain):
    # when an inspector traces the product lot by GTIN (13 digits) and lot number
    response = api_for(inspector).get(URL, {"gtin": chain.lot.product.gtin[1:], "lot": chain.lot.lot_number})

    # then the JSON has the origins, the suppliers, the holders and the names
    assert response.status_code == 200
    body = response.json()
    assert body["root"] == chain.lot.uri
    assert body["origins"] == sorted(lot.uri for lot in chain.farm_lots)
    assert body["suppliers"][0] == chain.farm.uri
    held = {h["party"]: h["quantity_held"] for h in body["holders"]}
    assert held[chain.shops[0].uri] == "300.000" and held[chain.distributor.uri] == "200.000"
    assert body["names"][chain.farm.uri] == "牧场"
    assert chain.pallet in body["identifiers"]
    assert body["backward"][0]["biz_step"] == "commissioning"


def test_the_trace_of_an_epc(api_for, inspector, chain):
    # when the pallet is traced by its URN
    digits = chain.pallet.rsplit("/", 1)[1]
    urn = f"urn:epc:id:sscc:{digits[1:8]}.{digits[0]}{digits[8:17]}"
    response = api_for(inspector).get(URL, {"epc": urn})

    # then it is the pallet's trace
    assert response.status_code == 200 and response.json()["root"] == chain.pallet


@pytest.mark.parametrize(("params", "field"), [
    ({"gtin": "06920000000019", "lot": "L1"}, "gtin"),
    ({"gtin": "abc", "lot": "L1"}, "gtin"),
    ({"gtin": "06920000000012"}, "lot"),
    ({}, "epc"),
    ({"epc": "x" * 301}, "epc"),
])
def test_bad_input_is_a_400_naming_the_field(api_for, inspector, params, field):
    response = api_for(inspector).get(URL, params)
    assert response.status_code == 400 and field in response.json()


def test_only_market_officers(api_for, make_user, district):
    # given an enterprise user and a department reporter, then both are refused
    enterprise_user = make_user(Role.ENTERPRISE_USER, district, enterprise=EnterpriseFactory(org_unit=district))
    for user in (enterprise_user, make_user(Role.DEPARTMENT_REPORTER, district)):
        assert api_for(user).get(URL, {"epc": "urn:epc:id:sscc:0614141.1234567890"}).status_code == 403
