"""Master data pages: the catalogue (managers over the city add, edit and retire entries), the registration
pages, the scoped lists with their exports, and a product's page with its lots linking to their trace."""

import datetime

import pytest
from django.urls import reverse

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.models import Party, TraceCategory
from qcity.trace.tests.factories import LocationFactory, LotFactory, PartyFactory, ProductFactory, gs1_number

pytestmark = pytest.mark.django_db

LISTS = ("trace:category-list", "trace:party-list", "trace:location-list", "trace:product-list", "trace:lot-list")


@pytest.mark.parametrize("name", LISTS)
def test_every_list_opens_for_an_officer_exports_and_has_a_bounded_query_count(
        name, client_for, make_user, district, django_assert_max_num_queries):
    for n in range(3):
        LotFactory(product=ProductFactory(producer=LocationFactory(
            party=PartyFactory(enterprise=EnterpriseFactory(org_unit=district, name=f"郑州页{n}食品有限公司"))).party))
    client = client_for(make_user(Role.INSPECTOR, district))
    with django_assert_max_num_queries(20):
        page = client.get(reverse(name))
    assert page.status_code == 200 and "master-results" in page.content.decode()
    export = client.get(reverse(name), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment")


def test_an_enterprise_user_sees_only_its_own_and_a_complaint_handler_no_party(client_for, make_user, district):
    firm = EnterpriseFactory(org_unit=district, name="郑州自家乳业有限公司")
    own = PartyFactory(enterprise=firm, name="自家乳业")
    PartyFactory(enterprise=EnterpriseFactory(org_unit=district, name="郑州别家乳业有限公司"), name="别家乳业")
    page = client_for(make_user(Role.ENTERPRISE_USER, district, enterprise=firm)).get(reverse("trace:party-list"))
    content = page.content.decode()
    assert own.gln in content and "别家乳业" not in content
    assert client_for(make_user(Role.COMPLAINT_HANDLER, district)).get(reverse("trace:party-list")).status_code == 403


def test_the_office_adds_and_retires_a_catalogue_entry_from_the_pages(client_for, make_user):
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    assert "master-new" in client.get(reverse("trace:category-list")).content.decode()
    created = client.post(reverse("trace:category-create"), {"group": "食品类", "name": "速冻食品", "keywords": "水饺 汤圆",
                                                             "effective_from": "2025-01-01", "source": "市局通知"})
    entry = TraceCategory.objects.get(name="速冻食品")
    assert created.status_code == 302 and created.url == reverse("trace:category-detail", args=[entry.pk])
    refused = client.post(reverse("trace:category-retire", args=[entry.pk]), {"retire-on": "2024-01-01"})
    assert refused.status_code == 400 and "category-retire" in refused.content.decode()
    done = client.post(reverse("trace:category-retire", args=[entry.pk]), {"retire-on": "2026-01-01"})
    entry.refresh_from_db()
    assert done.status_code == 302 and entry.effective_to == datetime.date(2026, 1, 1)
    edited = client.post(reverse("trace:category-edit", args=[entry.pk]), {"edit-keywords": "水饺", "edit-source": "x"})
    entry.refresh_from_db()
    assert edited.status_code == 302 and entry.keywords == "水饺"


def test_an_inspector_may_read_the_catalogue_but_not_change_it(client_for, make_user, district):
    client = client_for(make_user(Role.INSPECTOR, district))
    dairy = TraceCategory.objects.get(name="乳制品")
    assert "master-new" not in client.get(reverse("trace:category-list")).content.decode()
    assert "category-retire" not in client.get(reverse("trace:category-detail", args=[dairy.pk])).content.decode()
    assert client.post(reverse("trace:category-retire", args=[dairy.pk]), {"retire-on": "2026-01-01"}).status_code \
        == 403


def test_an_enterprise_user_registers_its_party_and_a_bad_gln_is_a_400_on_the_field(client_for, make_user, district):
    firm = EnterpriseFactory(org_unit=district, name="郑州登记食品有限公司")
    client = client_for(make_user(Role.ENTERPRISE_USER, district, enterprise=firm))
    refused = client.post(reverse("trace:party-create"), {"gln": "6931234567890", "name": ""})
    assert refused.status_code == 400 and "GLN" in refused.content.decode()
    done = client.post(reverse("trace:party-create"), {"gln": gs1_number("693", 11, 13), "name": ""})
    assert done.status_code == 302 and Party.objects.get(gln=gs1_number("693", 11, 13)).enterprise == firm


def test_a_product_page_lists_its_lots_with_a_link_to_their_trace(client_for, make_user, district):
    lot = LotFactory(lot_number="B20250101")
    officer_page = client_for(make_user(Role.INSPECTOR, district)).get(
        reverse("trace:product-detail", args=[lot.product.pk])).content.decode()
    assert "B20250101" in officer_page
    assert f"{reverse('trace:trace')}?gtin={lot.product.gtin}&amp;lot=B20250101" in officer_page
