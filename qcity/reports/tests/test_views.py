import pytest
from rest_framework.test import APIClient

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize("role", [Role.LEADERSHIP_OFFICE, Role.DEPARTMENT_REPORTER, Role.DISTRICT_OFFICER])
def test_programme_roles_open_the_cockpit(client, make_user, programme, district, role):
    client.force_login(make_user(role, org_unit=district if role == Role.DISTRICT_OFFICER else None))
    page = client.get("/reports/cockpit/", {"plan": "test-programme"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="ranking-table"' in html and 'id="cockpit-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert ("table-warning" in html) == (role == Role.DISTRICT_OFFICER)


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.SYSTEM_ADMIN, Role.ENTERPRISE_USER])
def test_other_roles_are_refused_and_audited(client, make_user, role, api_for):
    user = make_user(role)
    client.force_login(user)
    assert client.get("/reports/cockpit/").status_code == 403
    assert api_for(user).get("/api/cockpit/").status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=user).count() == 2


def test_anonymous_is_sent_to_login_or_401(client, api):
    assert client.get("/reports/cockpit/").status_code == 302
    assert api.get("/api/cockpit/").status_code == 401


def test_cockpit_query_count_is_bounded(client, make_user, programme, django_assert_max_num_queries):
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    with django_assert_max_num_queries(40):  # cold: statuses for the year and 3 per trend year
        assert client.get("/reports/cockpit/", {"plan": "test-programme", "year": 2023}).status_code == 200
    with django_assert_max_num_queries(12):  # warm: session, roles, plan, overdue tasks
        assert client.get("/reports/cockpit/", {"plan": "test-programme", "year": 2023}).status_code == 200


def test_cockpit_bad_year_is_400(client, make_user, programme, api_for):
    office = make_user(Role.LEADERSHIP_OFFICE)
    client.force_login(office)
    assert client.get("/reports/cockpit/", {"year": "abc"}).status_code == 400
    response = api_for(office).get("/api/cockpit/", {"year": 1990, "plan": "test-programme"})
    assert response.status_code == 400 and "year" in response.json()


def test_api_returns_the_same_figures_as_the_page(make_user, programme, district, api_for):
    body = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district)).get(
        "/api/cockpit/", {"plan": "test-programme"}).json()
    assert body["year"] == 2023 and body["highlight"] == ["金水区"]
    assert {"counts", "domains", "ranking", "trend", "warnings", "overdue"} <= set(body)


def test_office_downloads_reports_from_page_and_api(client, make_user, programme, api_for):
    office = make_user(Role.LEADERSHIP_OFFICE)
    client.force_login(office)
    listing = client.get("/reports/").content.decode()
    assert "white-paper/?year=2025&amp;format=pdf" in listing or "format=pdf" in listing
    response = client.get("/reports/white-paper/", {"year": 2023, "format": "docx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")  # a Chinese file name
    response = api_for(office).get("/api/midterm-evaluations/", {"plan": "test-programme", "format": "pdf"})
    assert response.status_code == 200 and response.getvalue().startswith(b"%PDF")
    response = api_for(office).get("/api/white-papers/", {"year": 2023, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_report_bad_input_is_400_naming_the_field(client, make_user, programme, api_for):
    office = make_user(Role.LEADERSHIP_OFFICE)
    client.force_login(office)
    assert client.get("/reports/white-paper/", {"year": "x"}).status_code == 400
    client_api = api_for(office)
    assert client_api.get("/api/white-papers/", {"year": 2023, "format": "xls"}).json() == {
        "format": ["应为 docx 或 pdf"]}
    assert "plan" in client_api.get("/api/midterm-evaluations/", {"plan": "nope"}).json()
    assert "year" in client_api.get("/api/white-papers/").json()


@pytest.mark.parametrize("role", [Role.DEPARTMENT_REPORTER, Role.DISTRICT_OFFICER, Role.AUDIT_ADMIN])
def test_only_the_office_issues_reports(client, make_user, programme, district, role, api_for):
    user = make_user(role, org_unit=district if role == Role.DISTRICT_OFFICER else None)
    client.force_login(user)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/white-paper/", {"year": 2023}).status_code == 403
    assert api_for(user).get("/api/white-papers/", {"year": 2023}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
