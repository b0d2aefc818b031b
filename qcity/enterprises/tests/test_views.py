import pytest

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.models import Enterprise

from .factories import EnterpriseFactory, frequent_food_names, import_row, xlsx_upload

pytestmark = pytest.mark.django_db


def test_list_requires_login(client):
    assert client.get("/enterprises/").status_code == 302


def test_list_filters_by_district_and_htmx_gets_partial(client, make_user, district, city):
    EnterpriseFactory(org_unit=district, name="郑州金水甲有限公司")
    EnterpriseFactory(org_unit=city.children.get(name="二七区"), name="郑州二七乙有限公司")
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    page = client.get("/enterprises/", {"org_unit": district.pk}).content.decode()
    assert "郑州金水甲有限公司" in page and "郑州二七乙有限公司" not in page and "<html" in page
    partial = client.get("/enterprises/", {"q": "二七乙"}, HTTP_HX_REQUEST="true").content.decode()
    assert "郑州二七乙有限公司" in partial and "<html" not in partial


def test_list_query_count_does_not_grow_with_rows(client, make_user, district, django_assert_max_num_queries):
    for i in range(30):
        EnterpriseFactory(org_unit=district, name=f"郑州批量{i}有限公司")
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    with django_assert_max_num_queries(11):  # the page's org units are one prefetch query
        assert client.get("/enterprises/").status_code == 200


def test_edit_other_district_is_forbidden_and_audited(client, make_user, district, city):
    other = EnterpriseFactory(org_unit=city.children.get(name="二七区"))
    inspector = make_user(Role.INSPECTOR, org_unit=district)
    reporter = make_user(Role.DEPARTMENT_REPORTER)
    client.force_login(reporter)
    assert client.get(f"/enterprises/{other.pk}/").status_code == 200  # city-wide read
    assert client.post(f"/enterprises/{other.pk}/edit/", {"name": "x"}).status_code == 403
    client.force_login(inspector)
    assert client.get(f"/enterprises/{other.pk}/edit/").status_code == 404  # not even visible
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=reporter).exists()


def test_create_form_shows_field_error_with_400(client, make_user, district):
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    response = client.post("/enterprises/new/", {"uscc": "91110000600037341M", "name": "x",
                                                 "entity_type": "limited_company", "industry_code": "14",
                                                 "org_unit": district.pk, "status": "active"})
    assert response.status_code == 400
    assert "校验位错误" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_import_page_shows_row_errors_then_imports_good_rows(client, make_user, district,
                                                              django_capture_on_commit_callbacks):
    # given a district officer uploading a file whose second data row has a bad code
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enterprises/import/", {"file": xlsx_upload([import_row(), import_row(uscc="123")])})
    # then the background job ran and the result page lists row 3, and nothing was written
    assert response.status_code == 302
    result = client.get(response.url)
    html = result.content.decode()
    assert result.status_code == 400 and 'id="import-errors"' in html and "<td>3</td>" in html
    assert not Enterprise.objects.exists()
    # when they choose to import the good rows
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(response.url + "good-rows/")
    assert done.status_code == 302 and Enterprise.objects.count() == 1
    assert "已导入 1 条" in client.get(done.url).content.decode()


def test_import_status_polls_while_queued(client, make_user, district):
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    response = client.post("/enterprises/import/", {"file": xlsx_upload([import_row()])})  # job not run yet
    partial = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in partial and 'data-status="queued"' in partial


def test_import_wrong_type_is_400_not_500(client, make_user, district):
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    response = client.post("/enterprises/import/", {"file": xlsx_upload([], name="x.docx")})
    assert response.status_code == 400 and "只接受 .xlsx" in response.content.decode()


def test_import_over_the_size_limit_is_refused_before_reading(client, make_user, district, settings):
    settings.QCITY_MAX_UPLOAD_BYTES = 10
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    response = client.post("/enterprises/import/", {"file": xlsx_upload([import_row() for _ in range(3000)])})
    assert response.status_code == 400 and "文件过大" in response.content.decode()


def test_someone_elses_import_is_not_shown(client, make_user, district, django_capture_on_commit_callbacks):
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enterprises/import/", {"file": xlsx_upload([import_row()])})
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    assert client.get(response.url).status_code == 404


def test_audit_log_page_only_for_audit_admin(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    assert client.get("/core/audit-log/").status_code == 403
    client.force_login(make_user(Role.AUDIT_ADMIN))
    assert client.get("/core/audit-log/", {"action": "denied"}).status_code == 200
    export = client.get("/core/audit-log/", {"export": "xlsx"})
    assert export.status_code == 200 and export.getvalue()[:2] == b"PK"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="core.auditevent").exists()


def test_english_interface_is_available(client, make_user):
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Enterprises" in client.get("/enterprises/").content.decode()


def test_licence_added_from_detail_page_and_bad_dates_rejected(client, make_user, district):
    enterprise = EnterpriseFactory(org_unit=district)
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    bad = client.post(f"/enterprises/{enterprise.pk}/licence/add/", {
        "licence-kind": "food_production", "licence-number": "SC10641010500011",
        "licence-valid_from": "2026-01-01", "licence-valid_to": "2025-01-01"})
    assert bad.status_code == 400 and "有效期至须晚于有效期起" in bad.content.decode()
    good = client.post(f"/enterprises/{enterprise.pk}/licence/add/", {
        "licence-kind": "food_production", "licence-number": "SC10641010500011",
        "licence-valid_from": "2026-01-01", "licence-valid_to": "2031-01-01"})
    assert good.status_code == 302 and enterprise.licences.count() == 1
    assert AuditEvent.objects.filter(object_type="enterprises.licence", action=AuditAction.CREATE).exists()


def test_detail_page_forms_are_folded_and_fetched_when_opened(client, make_user, district, city):
    enterprise = EnterpriseFactory(org_unit=district)
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    client.post(f"/enterprises/{enterprise.pk}/officer/add/", {
        "officer-name": "张质量", "officer-title": "副总经理", "officer-appointed_on": "2025-06-01"})
    # the detail page draws the three forms folded, without their fields
    page = client.get(f"/enterprises/{enterprise.pk}/").content.decode()
    for kind in ("licence", "certification", "officer"):
        assert f'hx-get="/enterprises/{enterprise.pk}/{kind}/form/" hx-trigger="toggle once"' in page
    assert 'name="licence-number"' not in page
    # opened, a form comes with its fields; the officer's holds the officer appointed
    form = client.get(f"/enterprises/{enterprise.pk}/licence/form/", headers={"HX-Request": "true"})
    assert form.status_code == 200 and 'name="licence-number"' in form.content.decode()
    officer = client.get(f"/enterprises/{enterprise.pk}/officer/form/").content.decode()
    assert 'name="officer-name"' in officer and 'value="张质量"' in officer
    # a refused form is drawn open with its errors
    bad = client.post(f"/enterprises/{enterprise.pk}/licence/add/", {"licence-kind": "food_production"})
    assert bad.status_code == 400 and '<details class="mt-2" open id="licence-form">' in bad.content.decode()
    # another district's officer, and a viewer who cannot edit, get no form
    other = city.children.exclude(pk=district.pk).first()
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=other))
    assert client.get(f"/enterprises/{enterprise.pk}/licence/form/").status_code in {403, 404}
    client.force_login(make_user(Role.DEPARTMENT_REPORTER))
    assert client.get(f"/enterprises/{enterprise.pk}/licence/form/").status_code == 403
    assert 'hx-trigger="toggle once"' not in client.get(f"/enterprises/{enterprise.pk}/").content.decode()


def test_chief_quality_officer_set_then_changed_is_audited_with_before(client, make_user, district):
    enterprise = EnterpriseFactory(org_unit=district)
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    for name in ("张质量", "李质量"):
        client.post(f"/enterprises/{enterprise.pk}/officer/add/", {
            "officer-name": name, "officer-title": "副总经理", "officer-appointed_on": "2025-06-01"})
    enterprise.refresh_from_db()
    assert enterprise.chief_quality_officer.name == "李质量"
    update = AuditEvent.objects.filter(object_type="enterprises.chiefqualityofficer", action=AuditAction.UPDATE).get()
    assert update.before["name"] == "张质量" and update.after["name"] == "李质量"


def test_attachment_for_other_district_is_refused(client, make_user, district, city):
    other = EnterpriseFactory(org_unit=city.children.get(name="二七区"))
    client.force_login(make_user(Role.DEPARTMENT_REPORTER))
    response = client.post(f"/enterprises/{other.pk}/certification/add/", {
        "certification-kind": "iso9001", "certification-certificate_number": "X1",
        "certification-valid_from": "2026-01-01", "certification-valid_to": "2029-01-01"})
    assert response.status_code == 403 and not other.certifications.exists()


def test_list_estimates_a_frequent_term_and_counts_on_request(client, make_user, district, monkeypatch):
    frequent_food_names(monkeypatch, district)
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    page = client.get("/enterprises/", {"q": "食品"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "约 40 条" in page and "count=exact" in page and page.count("食品有限公司</a>") == 40
    exact = client.get("/enterprises/", {"q": "食品", "count": "exact"}).content.decode()
    assert "共 40 条" in exact and "约" not in exact.split('id="result-count"')[1][:200]


@pytest.mark.parametrize("term", ["有限公司" * 50, "，。！？", "  \u3000 ", '"a" OR b*', "' OR 1=1 --", "ＡＢＣ", "\x1f",
                                  "😀", "%_%"])
def test_list_answers_odd_terms(client, make_user, district, term):
    EnterpriseFactory(org_unit=district, name="郑州宏达食品有限公司")
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    response = client.get("/enterprises/", {"q": term})
    assert response.status_code == 200 and 'id="result-count"' in response.content.decode()


def test_frequent_term_is_estimated_within_the_other_filters(client, make_user, district, city, monkeypatch):
    """The text search runs after the district filter: its probe and estimate count the district's rows."""
    frequent_food_names(monkeypatch, city.children.get(name="二七区"), district)
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    page = client.get("/enterprises/", {"q": "食品", "org_unit": district.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    count = page.content.decode().split('id="result-count">')[1].split("</div>")[0]
    estimate = int(count.split("约")[1].split("条")[0].replace(",", ""))
    assert 30 <= estimate <= 50  # 40 in the district, 80 in the city
