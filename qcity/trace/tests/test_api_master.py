"""Master data API: the catalogue list, the scoped lists, and idempotent registration (201 then 200) with a 400
naming the field."""

import pytest

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.models import Location, Party, Product
from qcity.trace.tests.factories import LotFactory, PartyFactory, gs1_number

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_every_entry_with_its_dates(api_for, make_user, district):
    answer = api_for(make_user(Role.INSPECTOR, district)).get("/api/trace-categories/", {"q": "乳制品"})
    assert answer.status_code == 200
    [dairy] = [row for row in answer.json()["results"] if row["name"] == "乳制品"]
    assert dairy["effective_from"] == "2021-11-30" and dairy["effective_to"] is None and "专栏8" in dairy["source"]
    assert api_for(make_user(Role.INSPECTOR, district)).get("/api/trace-categories/",
                                                            {"in_force": "maybe"}).status_code == 400


def test_registration_is_idempotent_on_the_gs1_key_and_names_a_bad_field(api_for, make_user, district):
    firm = EnterpriseFactory(org_unit=district, name="郑州接口乳业有限公司")
    api = api_for(make_user(Role.ENTERPRISE_USER, district, enterprise=firm))
    gln = gs1_number("693", 21, 13)
    first = api.post("/api/parties/", {"gln": gln}, format="json")
    again = api.post("/api/parties/", {"gln": gln}, format="json")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert first.json()["uscc"] == firm.uscc and Party.objects.count() == 1
    site = api.post("/api/locations/", {"gln": gln, "extension": "1", "name": "灌装车间", "party": gln}, format="json")
    assert site.status_code == 201 and Location.objects.get().uri.endswith(f"/414/{gln}/254/1")
    product = api.post("/api/products/", {"gtin": gs1_number("692", 21, 13), "name": "接口纯牛奶", "producer": gln},
                       format="json")
    assert product.status_code == 201 and product.json()["category_name"] == "乳制品"
    good = gs1_number("692", 22, 13)
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)  # the check digit off by one
    bad = api.post("/api/products/", {"gtin": wrong, "name": "坏码", "producer": gln}, format="json")
    assert bad.status_code == 400 and "gtin" in bad.json()
    unknown = api.post("/api/parties/", {"gln": gs1_number("693", 22, 13), "uscc": "91410105000000000X"},
                       format="json")
    assert unknown.status_code == 400 and "uscc" in unknown.json()
    assert Product.objects.count() == 1


def test_the_lists_are_scoped_to_the_enterprise_and_open_to_officers(api_for, make_user, district):
    firm = EnterpriseFactory(org_unit=district, name="郑州范围食品有限公司")
    LotFactory(product__producer=PartyFactory(enterprise=firm))
    LotFactory()
    owner = api_for(make_user(Role.ENTERPRISE_USER, district, enterprise=firm))
    officer = api_for(make_user(Role.INSPECTOR, district))
    for path in ("/api/parties/", "/api/products/", "/api/lots/"):
        assert owner.get(path).json()["count"] == 1
        assert officer.get(path).json()["count"] == 2
    assert api_for(make_user(Role.COMPLAINT_HANDLER, district)).get("/api/lots/").status_code == 403
