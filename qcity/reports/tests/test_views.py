import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, OrgUnit
from qcity.core.selectors import org_root
from qcity.core.services import province_load
from qcity.reports import services, tasks
from qcity.reports.choices import GeneratedDocumentStatus
from qcity.reports.models import GeneratedDocument

from .factories import GeneratedDocumentFactory

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


def test_the_cached_cockpit_answers_each_reader_in_their_language(client, make_user, programme, settings):
    # given the cockpit computed once (and cached) for a Chinese reader
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    chinese = "产品质量".encode("unicode_escape").decode()  # as json_script writes it
    assert chinese in client.get("/reports/cockpit/").content.decode()
    # when an English reader opens it next
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/reports/cockpit/").content.decode()
    # then the domains come in English, not from the Chinese reader's cache entry
    assert "Product quality" in page and chinese not in page


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


# --- documents generated in the background -------------------------------------------------------------


@pytest.fixture
def small_render(monkeypatch):
    monkeypatch.setattr(services, "white_paper_render", lambda **kw: b"%PDF-1.4 small white paper")


PANEL = "/reports/generated-documents/panel/"


def test_the_report_page_loads_a_panel_per_year_and_format(client, make_user, programme):
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    years = services.white_paper_years()
    html = client.get("/reports/").content.decode()
    assert years and all(f"panel/?kind=white-paper&year={year}&format={fmt}" in html
                         for year in years for fmt in ("docx", "pdf"))


def test_the_panel_offers_generate_then_polls_then_downloads(client, make_user, programme):
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    params = {"kind": "white-paper", "year": 2023, "format": "pdf"}
    # nothing generated yet: the button only
    html = client.get(PANEL, params, HTTP_HX_REQUEST="true").content.decode()
    assert "生成 PDF" in html and "hx-trigger" not in html and "下载" not in html
    # a running job: its progress, polled every second, and no second button
    job = GeneratedDocumentFactory(status=GeneratedDocumentStatus.RUNNING, progress=40)
    html = client.get(PANEL, params, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="40"' in html and "生成 PDF" not in html
    # done: the download and the time it was made
    GeneratedDocument.objects.filter(pk=job.pk).update(status=GeneratedDocumentStatus.DONE, progress=100,
                                                       finished_at=timezone.now())
    html = client.get(PANEL, params, HTTP_HX_REQUEST="true").content.decode()
    assert f"/reports/generated-documents/{job.pk}/download/" in html and "hx-trigger" not in html
    assert timezone.localtime().strftime("%Y-%m-%d") in html


def test_the_panel_shows_a_failure(client, make_user, programme):
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    GeneratedDocumentFactory(status=GeneratedDocumentStatus.FAILED, error="RuntimeError: font missing")
    html = client.get(PANEL, {"kind": "white-paper", "year": 2023, "format": "pdf"}).content.decode()
    assert "font missing" in html and "生成 PDF" in html


def test_generate_runs_eagerly_and_answers_the_panel_with_the_download(
        client, make_user, programme, small_render, django_capture_on_commit_callbacks):
    office = make_user(Role.LEADERSHIP_OFFICE)
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction: the job runs at the end
        response = client.post("/reports/generated-documents/",
                               {"kind": "white-paper", "year": 2023, "format": "pdf"}, HTTP_HX_REQUEST="true")
    document = GeneratedDocument.objects.get()
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in response.content.decode()
    assert document.status == GeneratedDocumentStatus.DONE
    panel = client.get(PANEL, {"kind": "white-paper", "year": 2023, "format": "pdf"}, HTTP_HX_REQUEST="true")
    assert f"/reports/generated-documents/{document.pk}/download/" in panel.content.decode()
    # and the download is the stored file, an audited attachment
    download = client.get(f"/reports/generated-documents/{document.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=office, object_id=str(document.pk)).count() == 1


def test_generate_without_htmx_returns_to_the_page_and_bad_input_is_400(client, make_user, programme, small_render):
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    response = client.post("/reports/generated-documents/", {"kind": "white-paper", "year": 2023, "format": "pdf",
                                                             "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == "/reports/"
    bad = client.post("/reports/generated-documents/", {"kind": "white-paper", "year": "x"})
    assert bad.status_code == 400 and b"year" in bad.content
    assert client.get(PANEL, {"kind": "nope"}).status_code == 400


def test_a_pending_document_cannot_be_downloaded(client, make_user, programme):
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    job = GeneratedDocumentFactory(status=GeneratedDocumentStatus.RUNNING)
    assert client.get(f"/reports/generated-documents/{job.pk}/download/").status_code == 400
    assert client.get("/reports/generated-documents/999999/download/").status_code == 404


@pytest.mark.parametrize("role", [Role.DISTRICT_OFFICER, Role.ENTERPRISE_USER])
def test_others_cannot_generate_or_download_and_are_audited(client, make_user, district, programme, role, api_for):
    user = make_user(role, org_unit=district if role == Role.DISTRICT_OFFICER else None)
    job = GeneratedDocumentFactory(status=GeneratedDocumentStatus.DONE)
    client.force_login(user)
    assert client.get(f"/reports/generated-documents/{job.pk}/download/").status_code == 403
    assert client.post("/reports/generated-documents/", {"kind": "white-paper", "year": 2023}).status_code == 403
    assert client.get(PANEL, {"kind": "white-paper", "year": 2023}).status_code == 403
    api = api_for(user)
    assert api.get(f"/api/generated-documents/{job.pk}/download/").status_code == 403
    assert api.post("/api/generated-documents/", {"kind": "white-paper", "year": 2023}).status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=user).count() == 5
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_api_request_is_202_with_the_job_then_status_then_download(
        make_user, programme, small_render, api_for, django_capture_on_commit_callbacks):
    office = make_user(Role.LEADERSHIP_OFFICE)
    api = api_for(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/generated-documents/", {"kind": "white-paper", "year": 2023, "format": "pdf"},
                            format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["year"] == 2023  # the job ran when the test's transaction "committed"
    status = api.get(f"/api/generated-documents/{body['id']}/").json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["download"] == f"/api/generated-documents/{body['id']}/download/"
    download = api.get(status["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_api_a_second_request_returns_the_queued_job(make_user, programme, api_for, monkeypatch):
    monkeypatch.setattr(tasks.generated_document_build_task, "delay", lambda pk: None)
    api = api_for(make_user(Role.LEADERSHIP_OFFICE))
    first = api.post("/api/generated-documents/", {"kind": "white-paper", "year": 2023}, format="json")
    second = api.post("/api/generated-documents/", {"kind": "white-paper", "year": 2023}, format="json")
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"] and first.json()["status"] == "queued"
    assert first.json()["format"] == "docx" and first.json()["download"] is None


def test_api_bad_input_names_the_field(make_user, programme, api_for):
    api = api_for(make_user(Role.LEADERSHIP_OFFICE))
    assert "kind" in api.post("/api/generated-documents/", {"kind": "nope"}, format="json").json()
    assert "year" in api.post("/api/generated-documents/", {"kind": "white-paper", "year": 1}, format="json").json()
    assert "year" in api.post("/api/generated-documents/", {"kind": "white-paper"}, format="json").json()


def test_the_report_page_lists_years_and_plans_counted_and_sortable(client, make_user, programme):
    # given the office on the report page
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    years = services.white_paper_years()
    # when it sorts the years oldest first
    html = client.get("/reports/", {"year-sort": "year"}).content.decode()
    # then both short lists are tables of the one base, counted, the years in the order asked
    assert 'id="white-paper-table"' in html and 'id="midterm-table"' in html
    assert f"共 {len(years)} 条" in html
    positions = [html.index(f"year={year}&") for year in sorted(years)]
    assert positions == sorted(positions)


def test_the_cockpit_of_a_province_s_city_is_chosen_on_the_page_and_a_district_is_refused(
        client, make_user, programme, city, district, api_for):
    province_load(by=None)
    office = make_user(Role.LEADERSHIP_OFFICE, org_unit=org_root())
    client.force_login(office)
    page = client.get("/reports/cockpit/", {"plan": "test-programme", "year": 2023}).content.decode()
    assert 'name="org_unit"' in page and "各市排名" in page  # the province's view, a choice of unit
    page = client.get("/reports/cockpit/", {"plan": "test-programme", "year": 2023, "org_unit": city.pk})
    assert page.status_code == 200 and "区县排名" in page.content.decode()
    assert client.get("/reports/cockpit/", {"org_unit": district.pk}).status_code == 400
    response = api_for(office).get("/api/cockpit/", {"org_unit": district.pk})
    assert response.status_code == 400 and "org_unit" in response.json()
    jiyuan = OrgUnit.objects.get(division_code="419001")  # a city without districts: nothing to rank
    response = api_for(office).get("/api/cockpit/", {"org_unit": jiyuan.pk})
    assert response.status_code == 400 and "org_unit" in response.json()
