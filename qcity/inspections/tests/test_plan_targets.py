"""A plan's drawn targets on its detail page: a QcityTable, sortable, filtered by DrawnTargetFilter (also the
API's), counted, and exported (audited) with the same filters."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.inspections import services

from .factories import make_inspection_item, make_inspection_plan, make_inspector, make_pool_with_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(make_user, city, district):
    """A district plan whose draw took every enterprise of its pool: four of the district, two of another."""
    other = city.children.get(name="二七区")
    firms = ([EnterpriseFactory(org_unit=district, numbered=True) for _ in range(4)]
             + [EnterpriseFactory(org_unit=other, numbered=True) for _ in range(2)])
    pool = make_pool_with_snapshot(district, {"d": [f.pk for f in firms]})
    item = make_inspection_item(org_unit=city, code="GS-01")
    for name in ("检查甲", "检查乙"):
        make_inspector(make_user, org_unit=city, items=[item], name=name)  # the city covers both districts
    plan = make_inspection_plan(org_unit=district, pool=pool, items=[item], ratios={"d": 100},
                                inspectors_per_target=2)
    services.draw_run(plan=plan, by=None)
    return {"plan": plan, "firms": firms, "other": other,
            "officer": make_user(Role.DISTRICT_OFFICER, org_unit=district)}


def _names(page: str) -> list[str]:
    return re.findall(r'<a href="/inspections/targets/\d+/">([^<]+)</a>', page)


def test_targets_sort_by_enterprise_filter_by_name_and_unit_and_count(client_for, drawn):
    client = client_for(drawn["officer"])
    url = reverse("inspections:inspection-plan-detail", args=[drawn["plan"].pk])
    names = sorted(f.name for f in drawn["firms"])
    # when the officer sorts the targets by enterprise, descending
    page = client.get(url, {"sort": "-enterprise"}).content.decode()
    # then all six in that order, counted, each with its item code and inspector; the rest of the page stays
    assert _names(page) == names[::-1] and "共 6 项" in page
    assert page.count("GS-01") >= 6 and page.count("检查甲（") == 6 == page.count("检查乙（") and 'id="draw-record"' in page
    # when filtered by the other unit, and by a credit code
    by_unit = client.get(url, {"org_unit": drawn["other"].pk, "sort": "enterprise"}).content.decode()
    assert _names(by_unit) == sorted(f.name for f in drawn["firms"][4:]) and "共 2 项" in by_unit
    firm = drawn["firms"][0]
    by_code = client.get(url, {"q": firm.uscc.lower()}).content.decode()
    assert _names(by_code) == [firm.name] and "共 1 项" in by_code


def test_the_targets_export_keeps_the_filter_and_is_audited(client_for, drawn):
    officer = drawn["officer"]
    url = reverse("inspections:inspection-plan-detail", args=[drawn["plan"].pk])
    response = client_for(officer).get(url, {"org_unit": drawn["other"].pk, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert sorted(r[1] for r in rows[1:]) == sorted(f.name for f in drawn["firms"][4:])
    assert all(r[3] == "GS-01" for r in rows[1:])
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == officer and f"org_unit={drawn['other'].pk}" in event.message


def test_the_api_lists_the_targets_with_the_same_filter(api_for, drawn):
    url = reverse("api-inspection-plan-targets", args=[drawn["plan"].pk])
    api = api_for(drawn["officer"])
    answer = api.get(url, {"org_unit": drawn["other"].pk})
    assert answer.status_code == 200 and answer.json()["count"] == 2
    assert api.get(url, {"org_unit": "x"}).status_code == 400


def test_a_plan_outside_the_officers_units_is_not_found_on_the_page_or_the_api(client_for, api_for, make_user, drawn):
    # given an officer of another district
    outsider = make_user(Role.DISTRICT_OFFICER, org_unit=drawn["other"])
    # when they open the plan's page and its targets through the API
    page = client_for(outsider).get(reverse("inspections:inspection-plan-detail", args=[drawn["plan"].pk]))
    answer = api_for(outsider).get(reverse("api-inspection-plan-targets", args=[drawn["plan"].pk]))
    # then both say the plan is not there (the API used to answer an empty list)
    assert (page.status_code, answer.status_code) == (404, 404)
