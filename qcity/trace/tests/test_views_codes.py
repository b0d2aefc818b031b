"""The public pages a scanned code opens (scan, merchant, delivery) and the back office of issued codes."""

import datetime

import pytest
from django.utils import timezone

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling.models import Sample
from qcity.sampling.tests.factories import concluded, make_plan, make_sample, make_samplers
from qcity.trace.choices import RecallKind, TraceCodeKind
from qcity.trace.models import Recall, TraceCode
from qcity.trace.services.codes import trace_code_issue
from qcity.trace.tests import epcis_documents as d
from qcity.trace.tests.factories import ProductFactory, make_dairy_chain

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"
BAD_GTIN = "09506000134353"


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, district)


@pytest.fixture
def chain(officer, district):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=10)
    chain = make_dairy_chain(by=officer, start=start, org_unit=district)
    chain.plant.enterprise = EnterpriseFactory(org_unit=district, name="郑州乳品有限公司")
    chain.plant.save()
    # an officer typed a phone number into a party's name
    chain.distributor.name = f"经销商（联系电话 {PHONE}，负责人身份证 {ID_NUMBER}）"
    chain.distributor.save()
    return chain


def _lot_path(chain):
    return f"/01/{chain.lot.product.gtin}/10/{chain.lot.lot_number}"


def test_the_scan_page_shows_the_product_its_producer_and_the_chain(client, chain):
    # given a captured chain / when the lot's Digital Link is opened (as the QR carries it: no trailing slash)
    response = client.get(_lot_path(chain))
    # then the page shows the product, the producer and the steps from the farm to the shops, by name
    assert response.status_code == 200
    html = response.content.decode()
    assert "纯牛奶" in html and chain.lot.product.gtin in html and chain.lot.lot_number in html
    assert "郑州乳品有限公司" in html and "金水区" in html
    assert "牧场地点" in html and "超市一" in html and "发货" in html and "收货" in html and "加工" in html
    assert 'id="recall-alert"' not in html


def test_the_scan_page_masks_personal_data_and_shows_an_open_recall(client, chain, officer, district):
    # given an open, published recall whose reason carries a phone and an ID number
    Recall.objects.create(lot=chain.lot, kind=RecallKind.VOLUNTARY, opened_by=officer, org_unit=district,
                          reason=f"菌落总数超标，消费者王某（身份证 {ID_NUMBER}，电话 {PHONE}）反映")
    # when the lot's page is opened
    html = client.get(_lot_path(chain) + "/").content.decode()
    # then the recall is a prominent alert, and no phone or ID number is shown anywhere
    assert 'id="recall-alert"' in html and "菌落总数超标" in html
    assert PHONE not in html and ID_NUMBER not in html
    assert "经销商" in html


def test_an_unpublished_or_closed_recall_is_not_shown(client, chain, officer, district):
    Recall.objects.create(lot=chain.lot, kind=RecallKind.VOLUNTARY, opened_by=officer, org_unit=district,
                          reason="内部核查", published=False)
    assert 'id="recall-alert"' not in client.get(_lot_path(chain)).content.decode()


def test_the_product_page_shows_the_recall_of_any_of_its_lots(client, chain, officer, district):
    # given a recall of one lot / when the product's own code is scanned / then the alert names the lot
    Recall.objects.create(lot=chain.lot, kind=RecallKind.ORDERED, opened_by=officer, org_unit=district, reason="标签错误")
    html = client.get(f"/01/{chain.lot.product.gtin}").content.decode()
    assert 'id="recall-alert"' in html and chain.lot.lot_number in html


def test_a_published_failed_sample_of_the_lot_is_shown(client, chain, make_user, district, city):
    # given a published non-conforming sampling result with this lot's batch number and the product's name
    sample = concluded(make_sample(make_plan(city), chain.plant.enterprise, make_samplers(make_user, district),
                                   product="纯牛奶250ml", batch=chain.lot.lot_number), fail=True)
    Sample.objects.filter(pk=sample.pk).update(published_on=timezone.localdate())
    # when the lot's page is opened / then the failed result is flagged
    html = client.get(_lot_path(chain)).content.decode()
    assert 'id="failed-sample-alert"' in html


def test_a_lot_without_events_and_an_items_serial_show_the_product(client, chain):
    # given a lot number no event names, and one item's serial / when scanned
    gtin = chain.lot.product.gtin
    unknown_lot = client.get(f"/01/{gtin}/10/NOEVENTS")
    serial = client.get(f"/01/{gtin}/21/SN0001")
    # then the product's page, saying there is no record of the lot yet, and the item's serial
    assert unknown_lot.status_code == 200 and "暂无该批次的流通记录" in unknown_lot.content.decode()
    assert serial.status_code == 200 and "SN0001" in serial.content.decode()


def test_a_bad_check_digit_is_a_400_page_naming_it(client):
    response = client.get(f"/01/{BAD_GTIN}/10/ABC")
    assert response.status_code == 400
    assert "商品条码 GTIN 校验位错误" in response.content.decode()


@pytest.mark.parametrize("path", ["/01/abc", "/01/09506000134352/10/" + "A" * 30, "/01/09506000134352/99/x",
                                  "/01/09506000134352/10/", "/01/"])
def test_a_malformed_path_is_a_400_page(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert 'id="scan-error-message"' in response.content.decode()


def test_an_unknown_gtin_is_a_404_page_with_a_message(client):
    response = client.get("/01/09506000134352/10/ABC")
    assert response.status_code == 404
    assert "没有找到商品条码为 09506000134352 的产品" in response.content.decode()


def test_the_scan_page_reads_few_queries(client, chain, django_assert_max_num_queries):
    # given the full dairy chain (two farm lots, a pallet, three shops) / when the page is opened
    # then the queries are bounded (the trace walk's levels, the names, and one per published section)
    # (18 today: product, lot, six levels of the walk, four of names, recall, failed samples, four sections)
    with django_assert_max_num_queries(20):
        assert client.get(_lot_path(chain)).status_code == 200


def test_the_merchant_page_opens_only_for_an_issued_merchant_code(client, officer, district):
    # given an enterprise with a product
    enterprise = EnterpriseFactory(org_unit=district, name="郑州放心肉品有限公司")
    ProductFactory(name="冷鲜猪肉", producer__enterprise=enterprise)
    # when its page is opened before and after its merchant code is issued
    before = client.get(f"/m/{enterprise.pk}/")
    trace_code_issue(kind=TraceCodeKind.MERCHANT, by=officer, enterprise=enterprise)
    after = client.get(f"/m/{enterprise.pk}/")
    # then only the issued code opens it, showing the company and its products
    assert before.status_code == 404
    assert after.status_code == 200
    html = after.content.decode()
    assert "郑州放心肉品有限公司" in html and "冷鲜猪肉" in html and "金水区" in html
    assert 'href="/01/' in html  # each product links to its scan page


def test_the_merchant_and_transaction_pages_read_few_queries(client, chain, officer,
                                                              django_assert_max_num_queries):
    # given a merchant code and a delivery's code
    enterprise = chain.plant.enterprise
    trace_code_issue(kind=TraceCodeKind.MERCHANT, by=officer, enterprise=enterprise)
    biz = "urn:epcglobal:cbv:bt:6901234000004:DESADV-8"
    d.capture(d.object_event(lot=chain.lot, quantity=5, uom="EA", biz_step="shipping", biz_transaction=biz,
                             location=chain.locations["plant"], source=chain.plant, destination=chain.distributor),
              by=officer)
    code = trace_code_issue(kind=TraceCodeKind.TRANSACTION, by=officer, biz_transaction=biz)
    # when each page is opened / then a handful of queries, whatever the size of the store
    with django_assert_max_num_queries(10):
        assert client.get(f"/m/{enterprise.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/t/{code.key}/").status_code == 200


def test_the_transaction_page_shows_the_delivery(client, chain, officer):
    # given a shipment captured with a bizTransaction and its code
    biz = "urn:epcglobal:cbv:bt:6901234000004:DESADV-7"
    d.capture(d.object_event(lot=chain.lot, quantity=120, uom="EA", biz_step="shipping", biz_transaction=biz,
                             location=chain.locations["distributor"], source=chain.distributor,
                             destination=chain.shops[0]), by=officer)
    code = trace_code_issue(kind=TraceCodeKind.TRANSACTION, by=officer, biz_transaction=biz)
    # when its page is opened / then seller, buyer, the goods with lot and quantity
    response = client.get(f"/t/{code.key}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "超市一" in html and "纯牛奶" in html and chain.lot.lot_number in html and "120" in html
    assert PHONE not in html
    # and a forged token opens nothing
    assert client.get(f"/t/{code.key[:-3]}abc/").status_code == 404


# --- back office ------------------------------------------------------------------------------------


def test_an_officer_issues_a_lot_code_and_downloads_it(client_for, officer, chain):
    client = client_for(officer)
    # when the form is posted
    response = client.post("/trace/codes/new/", {"kind": "product", "gtin": chain.lot.product.gtin,
                                                 "lot_number": chain.lot.lot_number, "form_token": "t-1"})
    # then the code's page shows the QR, which carries the lot's Digital Link on this site
    code = TraceCode.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/trace/codes/{code.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and f"http://testserver{_lot_path(chain)}" in page
    # and downloads as SVG and PNG
    svg = client.get(f"/trace/codes/{code.pk}/qr.svg")
    png = client.get(f"/trace/codes/{code.pk}/qr.png")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in b"".join(svg.streaming_content)
    assert png["Content-Type"] == "image/png" and b"".join(png.streaming_content).startswith(b"\x89PNG")


def test_a_bad_gtin_in_the_form_is_a_400_naming_the_field(client_for, officer):
    response = client_for(officer).post("/trace/codes/new/", {"kind": "product", "gtin": BAD_GTIN})
    assert response.status_code == 400
    assert "GTIN" in response.content.decode()


def test_the_list_shows_an_enterprise_user_only_its_own_codes(client_for, make_user, officer, district, chain):
    # given codes of two enterprises
    other = EnterpriseFactory(org_unit=district, name="郑州他人食品有限公司")
    trace_code_issue(kind=TraceCodeKind.PRODUCT, by=officer, lot=chain.lot)
    trace_code_issue(kind=TraceCodeKind.MERCHANT, by=officer, enterprise=other)
    user = make_user(Role.ENTERPRISE_USER, district, enterprise=chain.plant.enterprise)
    # when the enterprise user and the officer open the list
    own = client_for(user).get("/trace/codes/").content.decode()
    # then the user sees only its own code; the officer both, and can export them
    assert "纯牛奶" in own and "郑州他人食品有限公司" not in own
    every = client_for(officer).get("/trace/codes/")
    assert "郑州他人食品有限公司" in every.content.decode()
    export = client_for(officer).get("/trace/codes/?export=xlsx")
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]


def test_another_enterprises_code_page_is_not_found(client_for, make_user, officer, district, chain):
    other = EnterpriseFactory(org_unit=district, numbered=True)
    code = trace_code_issue(kind=TraceCodeKind.MERCHANT, by=officer, enterprise=other)
    user = make_user(Role.ENTERPRISE_USER, district, enterprise=chain.plant.enterprise)
    assert client_for(user).get(f"/trace/codes/{code.pk}/").status_code == 404


def test_the_merchant_page_warns_of_a_recall_of_its_products(client, chain, officer, make_user, district):
    # given the plant's merchant code and an open recall of its lot
    enterprise = chain.plant.enterprise
    trace_code_issue(kind=TraceCodeKind.MERCHANT, by=officer, enterprise=enterprise)
    Recall.objects.create(lot=chain.lot, kind=RecallKind.VOLUNTARY, reason="菌落总数超标",
                          opened_by=make_user(Role.LEADERSHIP_OFFICE), org_unit=district)
    # when a consumer opens the merchant page / then the recall is at the top, naming the product and lot
    html = client.get(f"/m/{enterprise.pk}/").content.decode()
    assert 'id="recall-alert"' in html and chain.lot.lot_number in html and "菌落总数超标" in html
    assert html.index('id="recall-alert"') < html.index('id="merchant"')


def test_a_bad_code_page_offers_the_complaint_form(client):
    # when a code with a wrong check digit is scanned / then besides the reason, the way to complain
    response = client.get("/01/06920000000013/10/X1")
    assert response.status_code == 400
    assert 'id="scan-error-complaint"' in response.content.decode()
