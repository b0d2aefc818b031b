from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.models import Enterprise

from .factories import EnterpriseFactory, frequent_food_names, import_row, make_uscc, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_gets_401(api):
    assert api.get("/api/enterprises/").status_code == 401


def test_list_is_scoped_and_searchable(make_user, district, city, api_for):
    mine = EnterpriseFactory(org_unit=district, name="郑州宏达食品有限公司")
    EnterpriseFactory(org_unit=city.children.get(name="二七区"), name="郑州宏达食品二七分公司")
    client = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    body = client.get("/api/enterprises/", {"q": "宏达食品"}).json()
    assert [r["uscc"] for r in body["results"]] == [mine.uscc]
    assert client.get("/api/enterprises/", {"q": mine.uscc}).json()["count"] == 1


def test_list_estimates_a_frequent_term_says_so_and_counts_on_request(make_user, district, api_for, monkeypatch):
    from qcity.enterprises import search

    frequent_food_names(monkeypatch, district)
    client = api_for(make_user(Role.LEADERSHIP_OFFICE))
    # a frequent term: the first page read newest first, the count an estimate, and the answer says so
    body = client.get("/api/enterprises/", {"q": "食品"}).json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (40, False, 40)
    assert all("食品" in r["name"] for r in body["results"])
    # asked for, the count is exact; a rare term and a code are counted exactly anyway
    exact = client.get("/api/enterprises/", {"q": "食品", "count": "exact"}).json()
    assert (exact["count"], exact["count_exact"]) == (40, True)
    rare = client.get("/api/enterprises/", {"q": "郑州7号"}).json()
    assert rare["count_exact"] is True and rare["count"] == len(rare["results"]) >= 1
    # an estimate below the real count hides no row from a client following `next`
    monkeypatch.setattr(search, "_estimate", lambda *args, **kwargs: 15)
    names, url = [], "/api/enterprises/?" + urlencode({"q": "食品", "page_size": 10})
    while url:
        page = client.get(url).json()
        assert (page["count"], page["count_exact"]) == (15, False)
        names += [r["name"] for r in page["results"]]
        url = page["next"]
    assert len(names) == len(set(names)) == 40
    # a bad filter parameter is still a 400 naming it
    bad = client.get("/api/enterprises/", {"q": "食品", "org_unit": "x"})
    assert bad.status_code == 400 and "org_unit" in bad.json()


def test_create_with_invalid_code_is_400_naming_the_field(make_user, district, api_for):
    client = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    response = client.post("/api/enterprises/", {"uscc": "91110000600037341M", "name": "x", "entity_type": "limited_company",
                                                 "industry_code": "14", "org_unit": district.pk}, format="json")
    assert response.status_code == 400
    assert "校验位" in response.json()["uscc"][0]


def test_create_and_duplicate(make_user, district, api_for):
    client = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    payload = {"uscc": make_uscc(), "name": "郑州接口测试有限公司", "entity_type": "limited_company",
               "industry_code": "14", "org_unit": district.pk}
    assert client.post("/api/enterprises/", payload, format="json").status_code == 201
    second = client.post("/api/enterprises/", payload, format="json")
    assert second.status_code == 400 and "uscc" in second.json()


def test_patch_other_district_is_403_and_audited(make_user, district, city, api_for):
    other = EnterpriseFactory(org_unit=city.children.get(name="二七区"))
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    # visible to an officer who covers the city read-only? No: a district officer does not even see it
    assert api_for(officer).patch(f"/api/enterprises/{other.pk}/", {"name": "x"}, format="json").status_code == 404
    inspector = make_user(Role.INSPECTOR, org_unit=district)
    reporter = make_user(Role.DEPARTMENT_REPORTER)  # reads the whole city, edits nothing
    response = api_for(reporter).patch(f"/api/enterprises/{other.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=reporter).exists()
    assert api_for(inspector).get(f"/api/enterprises/{other.pk}/").status_code == 404


def test_enterprise_user_cannot_list_registry(make_user, district, api_for):
    assert api_for(make_user(Role.ENTERPRISE_USER, org_unit=district)).get("/api/enterprises/").status_code == 403


def test_import_endpoint_reports_bad_rows(make_user, district, django_capture_on_commit_callbacks, api_for):
    client = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post("/api/enterprise-imports/",
                             {"file": xlsx_upload([import_row(), import_row(uscc="x")])}, format="multipart")
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    response = client.get(f"/api/enterprise-imports/{queued.json()['id']}/")
    assert response.status_code == 400 and response.json()["status"] == "rejected"
    assert response.json()["errors"][0]["row"] == 3
    assert not Enterprise.objects.exists()
    wrong = client.post("/api/enterprise-imports/", {"file": xlsx_upload([], name="a.txt")}, format="multipart")
    assert wrong.status_code == 400 and "xlsx" in wrong.json()["file"][0]


def test_audit_log_api_only_for_audit_admin(make_user, api_for):
    assert api_for(make_user(Role.LEADERSHIP_OFFICE)).get("/api/audit-events/").status_code == 403
    assert api_for(make_user(Role.SYSTEM_ADMIN)).get("/api/audit-events/").status_code == 403
    body = api_for(make_user(Role.AUDIT_ADMIN)).get("/api/audit-events/", {"action": "denied"}).json()
    assert body["count"] >= 2 and all(r["action"] == "denied" for r in body["results"])


def test_schema_is_served(make_user, api_for):
    response = api_for(make_user(Role.LEADERSHIP_OFFICE)).get("/api/schema/")
    assert response.status_code == 200 and b"/api/enterprises/" in response.content
