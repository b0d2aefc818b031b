"""The classification reference lists and the direct-settlement enterprises on QcityTables: sortable,
filtered by their FilterSets, counted, and exported through the audited xlsx export."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qcity.complaints.models import ComplaintCategory, DirectSettlementMembership, ProblemType
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, district)


def _codes(page: str) -> list[str]:
    return re.findall(r"<code>([\w-]+)</code>", page)


def _rows(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)


# --- categories and problem types ---------------------------------------------------------------------------


def test_problem_types_sort_by_complaints_filter_by_name_and_count(client_for, handler, district):
    # given three problem types of ours, one used twice and one switched off
    busy, idle, old = (ProblemType.objects.create(code=code, name=name, sort_order=90, active=active)
                       for code, name, active in (("zz-busy", "测试甲", True), ("zz-idle", "测试乙", True),
                                                  ("zz-old", "测试丙", False)))
    ComplaintFactory.create_batch(2, org_unit=district, problem_type=busy)
    client = client_for(handler)
    # when a handler filters by name and sorts by the complaint count, descending
    page = client.get(reverse("complaints:problem-type-list"), {"q": "测试", "sort": "-complaint_count"})
    text = page.content.decode()
    # then the three, the used one first, counted, the switched-off one greyed, no edit link for a handler
    assert _codes(text)[0] == "zz-busy" and set(_codes(text)) == {"zz-busy", "zz-idle", "zz-old"}
    assert "共 3 条" in text and text.count("classification-row qc-muted") == 1
    assert not re.search(r'href="/complaints/problem-types/\d+/"', text)
    # and the switched-on filter drops the old one
    active = client.get(reverse("complaints:problem-type-list"), {"q": "测试", "active": "yes", "sort": "code"})
    assert _codes(active.content.decode()) == ["zz-busy", "zz-idle"]


def test_the_office_sees_the_edit_links_and_filters_categories_by_group(client_for, make_user, city):
    office = make_user(Role.LEADERSHIP_OFFICE, city)
    page = client_for(office).get(reverse("complaints:category-list"), {"group": "services", "sort": "name"})
    text = page.content.decode()
    services = ComplaintCategory.objects.filter(group="services")
    assert set(_codes(text)) == set(services.values_list("code", flat=True))
    assert f"共 {services.count()} 条" in text
    assert len(re.findall(r'href="/complaints/categories/\d+/"', text)) == services.count()


def test_the_category_export_is_audited(client_for, handler):
    food = ComplaintCategory.objects.get(code="food")
    response = client_for(handler).get(reverse("complaints:category-list"), {"q": "food", "export": "xlsx"})
    rows = _rows(response)
    assert rows[1][:3] == (food.name, "food", food.get_group_display()) and len(rows) == 2
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == handler and event.object_type == "complaints.complaintcategory"


# --- direct settlement enterprises ----------------------------------------------------------------------------


@pytest.fixture
def memberships(district, city, today):
    other_unit = city.children.get(name="二七区")
    rows = []
    for n, unit in enumerate((district, district, other_unit)):
        enterprise = EnterpriseFactory(org_unit=unit, numbered=True)
        rows.append(DirectSettlementMembership.objects.create(enterprise=enterprise,
                                                              joined_on=today.replace(day=1 + n)))
    return rows


def _members(text: str) -> list[str]:
    return re.findall(r'<tr class="direct-settlement-member[^"]*"[^>]*>\s*<td[^>]*>([^<]+)</td>', text)


def test_members_sort_filter_by_unit_and_name_and_count(client_for, make_user, city, district, memberships):
    client = client_for(make_user(Role.COMPLAINT_HANDLER, city))
    url = reverse("complaints:direct-settlement-members")
    first, second, third = (m.enterprise.name for m in memberships)
    # when the city's handler sorts by the joining date, newest first
    text = client.get(url, {"sort": "-joined_on"}).content.decode()
    assert _members(text) == [third, second, first] and "共 3 项" in text
    # when filtered by the unit, and by a name
    by_unit = client.get(url, {"org_unit": district.pk, "sort": "joined_on"}).content.decode()
    assert _members(by_unit) == [first, second] and "共 2 项" in by_unit
    by_name = client.get(url, {"q": second}).content.decode()
    assert _members(by_name) == [second]


def test_a_district_handler_sees_and_exports_only_its_units_members(client_for, handler, memberships):
    # given a handler of the district (two of the three members are there)
    client = client_for(handler)
    url = reverse("complaints:direct-settlement-members")
    assert "共 2 项" in client.get(url).content.decode()
    # when exporting
    rows = _rows(client.get(url, {"export": "xlsx"}))
    # then the two of the district (newest first, as the page lists them), audited
    assert [(r[0], r[1]) for r in rows[1:]] == [(m.enterprise.name, m.enterprise.uscc) for m in memberships[1::-1]]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == handler and event.object_type == "complaints.directsettlementmembership"
