"""Pages, API and exports: wiring, who sees what, and bad input answered with 400."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from qcity.assessment import services
from qcity.assessment.choices import AssessmentSchemeStatus, SchemeItemKind
from qcity.assessment.models import AssessmentResult
from qcity.core.choices import Role
from qcity.core.models import Department
from qcity.indicators.tests.factories import IndicatorFactory

from .factories import make_scheme, plan_for_year, value

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(district, city):
    """A published scheme with results for every district and for market regulation."""
    plan = plan_for_year()
    rate = IndicatorFactory(plan=plan, target=10)
    rate.departments.add(Department.objects.get(code="market-regulation"))
    scheme, items = make_scheme([(rate, 100), (SchemeItemKind.BONUS, 3)], departments=True)
    value(rate, district, 10)
    value(rate, city.children.get(name="二七区"), 6)
    value(rate, city, 8)
    services.assessment_run(scheme=scheme, by=None)
    services.scheme_publish(scheme=scheme, by=None)
    return scheme


def own_result(scheme, **subject):
    return AssessmentResult.objects.get(scheme=scheme, **subject)


def test_office_sees_the_ranking_and_opens_any_breakdown(published, client_for, make_user, district):
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))

    page = client.get(reverse("assessment:scheme-results", args=[published.pk]))
    detail = client.get(reverse("assessment:result-detail", args=[own_result(published, org_unit=district).pk]))

    assert page.status_code == 200
    assert len(page.context["districts"]) == 16 and len(page.context["departments"]) == 1
    assert detail.status_code == 200 and "breakdown-total" in detail.content.decode()


def test_district_officer_sees_the_ranking_but_only_its_own_breakdown(published, client_for, make_user, district, city):
    client = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    mine = own_result(published, org_unit=district)
    theirs = own_result(published, org_unit=city.children.get(name="二七区"))

    page = client.get(reverse("assessment:scheme-results", args=[published.pk]))

    assert page.status_code == 200 and page.context["openable"] == {mine.pk}
    assert client.get(reverse("assessment:result-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("assessment:result-detail", args=[theirs.pk])).status_code == 403


def test_department_reporter_opens_its_department_only(published, client_for, make_user, district):
    market = Department.objects.get(code="market-regulation")
    client = client_for(make_user(Role.DEPARTMENT_REPORTER, department=market))

    assert client.get(reverse("assessment:result-detail",
                              args=[own_result(published, department=market).pk])).status_code == 200
    assert client.get(reverse("assessment:result-detail",
                              args=[own_result(published, org_unit=district).pk])).status_code == 403


def test_drafts_are_hidden_from_districts(published, client_for, make_user, district):
    published.status = AssessmentSchemeStatus.DRAFT
    published.save()
    client = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))

    assert client.get(reverse("assessment:scheme-results", args=[published.pk])).status_code == 404
    assert client.get(reverse("assessment:scheme-list")).context["schemes"].count() == 0


def test_only_the_office_can_run_edit_and_export(published, client_for, make_user, district):
    client = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))

    assert client.post(reverse("assessment:scheme-run", args=[published.pk])).status_code == 403
    assert client.post(reverse("assessment:scheme-create"), {"year": 2024}).status_code == 403
    assert client.get(reverse("assessment:scheme-results", args=[published.pk]), {"export": "xlsx"}).status_code == 403


def test_admins_and_enterprise_users_cannot_open_assessment_pages(client_for, make_user):
    for role in (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.ENTERPRISE_USER, Role.INSPECTOR):
        client = client_for(make_user(role))
        assert client.get(reverse("assessment:scheme-list")).status_code == 403
        assert client.get(reverse("assessment:quality-index")).status_code == 403


def test_xlsx_export_holds_the_ranking_and_the_breakdown(published, client_for, make_user):
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(
        reverse("assessment:scheme-results", args=[published.pk]), {"export": "xlsx"})

    workbook = load_workbook(io.BytesIO(response.getvalue()))
    ranking = [row for row in workbook["排名"].iter_rows(min_row=3, values_only=True)]
    assert response.status_code == 200
    assert ranking[0][1:4] == (1, "金水区", 100)
    assert workbook["得分明细"].max_row == 1 + 17  # heading + one line per subject


def test_docx_export_holds_the_ranking_and_each_breakdown(published, client_for, make_user):
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(
        reverse("assessment:scheme-results", args=[published.pk]), {"export": "docx"})

    document = Document(io.BytesIO(response.getvalue()))
    assert response.status_code == 200
    assert document.tables[0].rows[1].cells[2].text == "金水区"
    assert len(document.tables) == 1 + 17
    assert any("金水区：100.00 分" in p.text for p in document.paragraphs)


def test_item_form_with_a_bad_weight_answers_400_and_names_the_item(client_for, make_user):
    plan = plan_for_year()
    scheme, [item] = make_scheme([(IndicatorFactory(plan=plan, target=1, name="食品抽检合格率"), 100)])
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))

    response = client.post(reverse("assessment:scheme-items", args=[scheme.pk]), {f"weight_{item.pk}": "-3"})

    assert response.status_code == 400
    assert "食品抽检合格率" in response.content.decode()
    item.refresh_from_db()
    assert item.weight == Decimal(100)


def test_adjustment_form_records_a_veto_and_rejects_a_missing_reason(published, client_for, make_user, district):
    published.status = AssessmentSchemeStatus.DRAFT
    published.save()
    veto = services.scheme_item_create(scheme=published, kind=SchemeItemKind.VETO, name="重大事故", weight=0, by=None)
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    url = reverse("assessment:adjustment-add", args=[published.pk])

    bad = client.post(url, {"item": veto.pk, "subject": f"unit:{district.pk}", "reason": ""})
    good = client.post(url, {"item": veto.pk, "subject": f"unit:{district.pk}", "reason": "电梯事故"})
    client.post(reverse("assessment:scheme-run", args=[published.pk]))

    assert bad.status_code == 400 and good.status_code == 302
    assert own_result(published, org_unit=district).vetoed


def test_office_creates_a_default_scheme_from_the_list_page(client_for, make_user):
    plan = plan_for_year()
    IndicatorFactory(plan=plan, target=5)
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))

    response = client.post(reverse("assessment:scheme-create"), {"year": 2024, "name": ""})
    again = client.post(reverse("assessment:scheme-create"), {"year": 2024, "name": ""})

    assert response.status_code == 302
    assert again.status_code == 400 and "同名方案" in again.content.decode()


def test_quality_index_page_shows_every_unit_and_the_trend(published, client_for, make_user, district):
    response = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district)).get(reverse("assessment:quality-index"))

    assert response.status_code == 200
    assert response.context["unit"] == district  # a district officer starts on its own district
    assert len(response.context["rows"]) == 17
    assert response.context["chart"]["series"][0]["key"] == "total"


# --- API ---------------------------------------------------------------------------------------------------


def test_api_lists_results_with_breakdowns_only_for_the_callers_subject(published, client_for, make_user, district):
    client = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))

    rows = client.get("/api/assessment-results/", {"scheme": published.pk}).json()["results"]

    assert len(rows) == 17
    assert [r["subject"] for r in rows if r["breakdown"] is not None] == ["金水区"]


def test_api_run_is_for_the_office_only(published, client_for, make_user, district):
    assert client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district)).post(
        f"/api/assessment-schemes/{published.pk}/run/").status_code == 403
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).post(f"/api/assessment-schemes/{published.pk}/run/")
    assert response.status_code == 200 and len(response.json()) == 17


def test_api_create_scheme_with_a_bad_year_is_400(client_for, make_user):
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    assert client.post("/api/assessment-schemes/", {"year": "abc"}).status_code == 400
    assert client.post("/api/assessment-schemes/", {"year": 1990 + 10}).status_code == 400  # no plan covers it


def test_api_quality_index(published, client_for, make_user):
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))

    rows = client.get("/api/quality-index/", {"year": 2024}).json()

    assert client.get("/api/quality-index/", {"year": "x"}).status_code == 400
    assert {r["org_unit_name"]: r["product"] for r in rows}["金水区"] == "100.00"


def test_scheme_page_is_editable_for_the_office_and_read_only_for_a_district(client_for, make_user, district):
    plan = plan_for_year()
    scheme, [item] = make_scheme([(IndicatorFactory(plan=plan, target=1), 100)])
    url = reverse("assessment:scheme-detail", args=[scheme.pk])

    office = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(url)
    assert office.status_code == 200 and f'name="weight_{item.pk}"' in office.content.decode()
    services.assessment_run(scheme=scheme, by=None)
    services.scheme_publish(scheme=scheme, by=None)
    officer = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district)).get(url)
    assert officer.status_code == 200
    assert 'name="weight_' not in officer.content.decode() and "adjustment-form" not in officer.content.decode()


def test_settings_with_unordered_thresholds_answer_400(client_for, make_user):
    scheme, _ = make_scheme([(IndicatorFactory(plan=plan_for_year(), target=1), 100)])
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).post(
        reverse("assessment:scheme-settings", args=[scheme.pk]),
        {"name": "x", "excellent_from": "70", "good_from": "80", "pass_from": "60", "assess_districts": "on"})
    assert response.status_code == 400 and "合格 ≤ 良好 ≤ 优秀" in response.content.decode()
