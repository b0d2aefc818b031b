"""Recall pages: the list and its export, opening a recall, the detail with its holders, their xlsx and their
steps, closing; enterprise users are refused."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qcity.core.choices import Role
from qcity.core.exports import XLSX_CONTENT_TYPE
from qcity.core.models import AuditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.choices import RecallHolderStatus, RecallKind, RecallStatus
from qcity.trace.models import Recall
from qcity.trace.services import recalls
from qcity.trace.tests.factories import make_dairy_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, district)


@pytest.fixture
def chain(manager, district):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=5)
    return make_dairy_chain(by=manager, start=start, org_unit=district)


@pytest.fixture
def recall(chain, manager):
    return recalls.recall_open(lot=chain.lot, kind=RecallKind.ORDERED, reason="检出致病菌", by=manager)


def _xlsx(response):
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


def test_the_list_filters_and_exports(client_for, manager, recall):
    client = client_for(manager)
    page = client.get("/trace/recalls/", {"status": "open"})
    assert page.status_code == 200 and recall.lot.lot_number in page.content.decode()
    assert recall.lot.lot_number not in client.get("/trace/recalls/", {"status": "closed"}).content.decode()
    export = client.get("/trace/recalls/", {"export": "xlsx"})
    assert export["Content-Type"] == XLSX_CONTENT_TYPE
    assert _xlsx(export)[1][2] == recall.lot.lot_number


def test_opening_a_recall_from_the_form(client_for, manager, chain):
    # when a manager fills in the open-recall form
    response = client_for(manager).post("/trace/recalls/new/", {
        "gtin": chain.lot.product.gtin, "lot_number": chain.lot.lot_number, "kind": RecallKind.VOLUNTARY,
        "reason": "标签过敏原漏标"})

    # then the recall is open and the page goes to it
    recall = Recall.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/trace/recalls/{recall.pk}/"
    assert recall.holders.count() == 4  # the shops and the distributor; the plant shipped it all


def test_an_unknown_lot_is_shown_on_the_form(client_for, manager, chain):
    response = client_for(manager).post("/trace/recalls/new/", {
        "gtin": chain.lot.product.gtin, "lot_number": "NOPE", "kind": RecallKind.VOLUNTARY, "reason": "x"})
    assert response.status_code == 400 and 'data-field="lot_number"' in response.content.decode()
    assert not Recall.objects.exists()


def test_the_detail_shows_the_holders_and_exports_them(client_for, manager, recall, chain,
                                                       django_assert_max_num_queries):
    client = client_for(manager)
    with django_assert_max_num_queries(30):
        page = client.get(f"/trace/recalls/{recall.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="recall-holder-table"' in text and "超市二" in text
    assert text.count('data-status="notified"') == 4  # one "notified" button per pending holder

    export = client.get(f"/trace/recalls/{recall.pk}/", {"export": "xlsx"})
    rows = _xlsx(export)
    assert export["Content-Type"] == XLSX_CONTENT_TYPE
    assert {row[0] for row in rows[1:]} == {"经销商", "超市一", "超市二", "超市三"}
    assert AuditEvent.objects.filter(action="export", object_type="trace.recallholder").exists()


def test_a_holder_step_and_a_refused_one(client_for, manager, recall, chain):
    client = client_for(manager)
    holder = recall.holders.get(party=chain.shops[0])

    # a step out of order is refused with a message, the right one is taken
    refused = client.post(f"/trace/recall-holders/{holder.pk}/returned/", follow=True)
    assert "不能从" in refused.content.decode()
    response = client.post(f"/trace/recall-holders/{holder.pk}/notified/")
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.status == RecallHolderStatus.NOTIFIED


def test_closing_needs_a_reason_while_holders_are_pending(client_for, manager, recall):
    client = client_for(manager)
    refused = client.post(f"/trace/recalls/{recall.pk}/close/", {"reason": ""})
    assert refused.status_code == 400 and 'data-field="reason"' in refused.content.decode()
    client.post(f"/trace/recalls/{recall.pk}/close/", {"reason": "已全部下架"})
    recall.refresh_from_db()
    assert recall.status == RecallStatus.CLOSED


def test_an_enterprise_user_is_refused(client_for, make_user, district, recall):
    user = make_user(Role.ENTERPRISE_USER, district, enterprise=EnterpriseFactory(org_unit=district))
    client = client_for(user)
    for url in ("/trace/recalls/", f"/trace/recalls/{recall.pk}/", f"/trace/recalls/{recall.pk}/?export=xlsx",
                "/trace/recalls/new/"):
        assert client.get(url).status_code == 403, url


def test_an_inspector_may_step_holders_but_not_open(client_for, make_user, district, recall):
    client = client_for(make_user(Role.INSPECTOR, district))
    assert client.get("/trace/recalls/new/").status_code == 403
    holder = recall.holders.first()
    client.post(f"/trace/recall-holders/{holder.pk}/notified/")
    holder.refresh_from_db()
    assert holder.status == RecallHolderStatus.NOTIFIED
