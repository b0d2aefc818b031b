"""/api/trace-codes/ (list, idempotent create, QR images) and /api/digital-links/ (check a scanned URI)."""

import pytest

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.choices import TraceCodeKind
from qcity.trace.models import TraceCode
from qcity.trace.services.codes import trace_code_issue
from qcity.trace.tests.factories import LotFactory, PartyFactory, ProductFactory

pytestmark = pytest.mark.django_db

BAD_GTIN = "09506000134353"


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, district)


@pytest.fixture
def lot(district):
    producer = EnterpriseFactory(org_unit=district, numbered=True)
    return LotFactory(product=ProductFactory(name="鲜鸡蛋", producer=PartyFactory(enterprise=producer)))


def test_issuing_a_lot_code_twice_answers_201_then_200_with_the_same_code(api_for, officer, lot):
    api = api_for(officer)
    body = {"kind": "product", "gtin": lot.product.gtin, "lot_number": lot.lot_number}
    # when posted twice
    first = api.post("/api/trace-codes/", body, format="json")
    again = api.post("/api/trace-codes/", body, format="json")
    # then created once, the twin answered with the same code; the QR content is the lot's link on this site
    assert first.status_code == 201, first.content
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    data = first.json()
    assert data["key"] == lot.uri and data["lot_number"] == lot.lot_number and data["product_name"] == "鲜鸡蛋"
    assert data["content"] == f"http://testserver/01/{lot.product.gtin}/10/{lot.lot_number}"
    assert TraceCode.objects.count() == 1


@pytest.mark.parametrize("body, field", [
    ({"kind": "product", "gtin": BAD_GTIN}, "gtin"),
    ({"kind": "product"}, "gtin"),
    ({"kind": "product", "gtin": "09506000134352"}, "gtin"),  # valid, not registered
    ({"kind": "merchant", "enterprise": 999999}, "enterprise"),
    ({"kind": "transaction", "biz_transaction": "urn:x:none"}, "biz_transaction"),
    ({"kind": "coupon"}, "kind"),
])
def test_bad_input_is_a_400_naming_the_field(api_for, officer, body, field):
    response = api_for(officer).post("/api/trace-codes/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_an_enterprise_user_may_not_issue_another_producers_code_and_lists_only_its_own(api_for, make_user,
                                                                                        district, officer, lot):
    # given another enterprise's user, and a code of the lot's producer
    trace_code_issue(kind=TraceCodeKind.PRODUCT, by=officer, lot=lot)
    other = EnterpriseFactory(org_unit=district, numbered=True)
    user = make_user(Role.ENTERPRISE_USER, district, enterprise=other)
    api = api_for(user)
    # when it issues the lot's code / then refused
    assert api.post("/api/trace-codes/", {"kind": "product", "gtin": lot.product.gtin},
                    format="json").status_code == 403
    # and its own merchant code is issued, and it lists only that one
    own = api.post("/api/trace-codes/", {"kind": "merchant"}, format="json")
    assert own.status_code == 201 and own.json()["enterprise"] == other.pk
    assert [c["id"] for c in api.get("/api/trace-codes/").json()["results"]] == [own.json()["id"]]
    assert api_for(officer).get("/api/trace-codes/?kind=product").json()["count"] == 1


def test_the_qr_images(api_for, officer, lot):
    code = trace_code_issue(kind=TraceCodeKind.PRODUCT, by=officer, lot=lot)
    api = api_for(officer)
    svg = api.get(f"/api/trace-codes/{code.pk}/qr/")
    png = api.get(f"/api/trace-codes/{code.pk}/qr/?image=png")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert api.get(f"/api/trace-codes/{code.pk}/qr/?image=gif").status_code == 400


def test_digital_link_check(api_for, officer, lot):
    api = api_for(officer)
    # given a lot's link on any host / when checked / then its parts and the registered product
    ok = api.get("/api/digital-links/", {"uri": f"https://example.com/01/{lot.product.gtin}/10/{lot.lot_number}"})
    assert ok.status_code == 200
    assert ok.json() == {"gtin": lot.product.gtin, "lot": lot.lot_number, "serial": "", "uri": lot.uri,
                         "product": lot.product.pk, "product_name": "鲜鸡蛋"}
    # and a wrong check digit is a 400 saying so
    bad = api.get("/api/digital-links/", {"uri": f"/01/{BAD_GTIN}"})
    assert bad.status_code == 400 and "校验位错误" in bad.json()["uri"][0]


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/trace-codes/").status_code in (401, 403)
    assert client.get("/api/digital-links/?uri=/01/09506000134352").status_code in (401, 403)
