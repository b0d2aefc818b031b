"""The trace page: the form, the backward chain, the holders, the recall button; market officers only."""

import datetime

import pytest
from django.utils import timezone

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.choices import RecallKind
from qcity.trace.services.recalls import recall_open
from qcity.trace.tests.factories import make_dairy_chain

pytestmark = pytest.mark.django_db
URL = "/trace/traces/"


@pytest.fixture
def manager(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, district)


@pytest.fixture
def chain(manager, district):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=5)
    return make_dairy_chain(by=manager, start=start, org_unit=district)


def test_the_empty_form(client_for, manager):
    response = client_for(manager).get(URL)
    assert response.status_code == 200 and 'id="trace-form"' in response.content.decode()


def test_a_lot_shows_its_chain_holders_and_the_recall_form(client_for, manager, chain, django_assert_max_num_queries):
    # when a manager traces the product lot
    client = client_for(manager)
    with django_assert_max_num_queries(30):
        response = client.get(URL, {"gtin": chain.lot.product.gtin, "lot": chain.lot.lot_number})

    # then the page shows the farm upstream, the shops downstream with quantities, and the recall form
    page = response.content.decode()
    assert response.status_code == 200
    assert "牧场" in page and "超市一" in page and "超市三" in page
    assert 'id="trace-backward"' in page and 'id="trace-holders"' in page
    assert 'id="recall-open-form"' in page and chain.lot.lot_number in page
    assert ">300<" in page and "300.000" not in page  # quantities normalised (tables.QuantityColumn)


def test_an_inspector_sees_no_recall_button(client_for, make_user, district, chain):
    response = client_for(make_user(Role.INSPECTOR, district)).get(
        URL, {"gtin": chain.lot.product.gtin, "lot": chain.lot.lot_number})
    assert response.status_code == 200 and 'id="recall-open-form"' not in response.content.decode()


def test_a_bad_gtin_is_shown_on_the_form(client_for, manager):
    response = client_for(manager).get(URL, {"gtin": "06920000000019", "lot": "L1"})
    assert response.status_code == 400 and 'data-field="gtin"' in response.content.decode()


def test_an_enterprise_user_is_refused(client_for, make_user, district):
    user = make_user(Role.ENTERPRISE_USER, district, enterprise=EnterpriseFactory(org_unit=district))
    assert client_for(user).get(URL).status_code == 403


def test_a_lot_under_recall_links_to_it_instead_of_offering_another(client_for, manager, chain):
    # given an open recall of the lot
    recall = recall_open(lot=chain.lot, kind=RecallKind.VOLUNTARY, reason="菌落总数超标", by=manager)
    # when the lot is traced / then the page says so and links to the recall; no second recall form
    html = client_for(manager).get(URL, {"gtin": chain.lot.product.gtin, "lot": chain.lot.lot_number}).content.decode()
    assert 'id="trace-recall-open"' in html and f"/trace/recalls/{recall.pk}/" in html
    assert 'id="recall-open-form"' not in html
