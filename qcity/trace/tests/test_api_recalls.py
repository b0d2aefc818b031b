"""/api/recalls/: list and open (idempotent per lot), one recall with its holders, holder steps, closing."""

import datetime

import pytest
from django.utils import timezone

from qcity.core.choices import Role
from qcity.trace.models import Recall
from qcity.trace.tests.factories import make_dairy_chain

pytestmark = pytest.mark.django_db
URL = "/api/recalls/"


@pytest.fixture
def manager(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, district)


@pytest.fixture
def chain(manager, district):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=5)
    return make_dairy_chain(by=manager, start=start, org_unit=district)


def _body(chain, **kw):
    return {"gtin": chain.lot.product.gtin, "lot": chain.lot.lot_number, "kind": "ordered_recall",
            "reason": "检出致病菌", **kw}


def test_open_then_open_again_answers_the_same_recall(api_for, manager, chain):
    api = api_for(manager)

    # when the recall is opened, then 201 with its holders
    first = api.post(URL, _body(chain), format="json")
    assert first.status_code == 201
    holders = first.json()["holders"]
    assert {h["party_gln"] for h in holders} >= {shop.gln for shop in chain.shops}
    assert all(h["next_statuses"] == ["notified"] for h in holders)

    # when it is opened again, then 200 with the same recall
    again = api.post(URL, _body(chain, reason="重复"), format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Recall.objects.count() == 1


@pytest.mark.parametrize(("values", "field"), [
    ({"gtin": "06920000000019"}, "gtin"),
    ({"lot": "NO-SUCH-LOT"}, "lot"),
    ({"kind": "maybe"}, "kind"),
    ({"reason": ""}, "reason"),
])
def test_bad_input_is_a_400_naming_the_field(api_for, manager, chain, values, field):
    response = api_for(manager).post(URL, _body(chain, **values), format="json")
    assert response.status_code == 400 and field in response.json()


def test_an_inspector_lists_but_may_not_open(api_for, make_user, district, manager, chain):
    # given an open recall
    api_for(manager).post(URL, _body(chain), format="json")
    inspector = api_for(make_user(Role.INSPECTOR, district))

    # then an inspector sees it, filtered, but cannot open one
    assert [r["lot_number"] for r in inspector.get(URL, {"status": "open"}).json()["results"]] == [
        chain.lot.lot_number]
    assert inspector.get(URL, {"status": "closed"}).json()["results"] == []
    assert inspector.get(URL, {"status": "nonsense"}).status_code == 400
    assert inspector.post(URL, _body(chain), format="json").status_code == 403


def test_another_district_does_not_see_it(api_for, make_user, city, district, manager, chain):
    api_for(manager).post(URL, _body(chain), format="json")
    other = make_user(Role.DISTRICT_OFFICER, city.children.exclude(pk=district.pk).first())
    recall = Recall.objects.get()
    assert api_for(other).get(URL).json()["results"] == []
    assert api_for(other).get(f"{URL}{recall.pk}/").status_code == 404


def test_holder_steps_and_closing(api_for, manager, chain):
    api = api_for(manager)
    recall = api.post(URL, _body(chain), format="json").json()
    holder = recall["holders"][0]
    step = f"/api/recall-holders/{holder['id']}/advance/"

    # a step out of order is a 400 naming the status; the next step is taken
    assert api.post(step, {"status": "returned"}, format="json").status_code == 400
    response = api.post(step, {"status": "notified", "note": "电话通知"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "notified"
    assert response.json()["next_statuses"] == ["confirmed"]

    # closing with holders pending needs a reason
    close = f"{URL}{recall['id']}/close/"
    refused = api.post(close, {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    closed = api.post(close, {"reason": "已全部下架封存"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert api.get(f"{URL}{recall['id']}/").json()["holders"][0]["next_statuses"] == []
