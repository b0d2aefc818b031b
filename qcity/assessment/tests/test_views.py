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
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, Department
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


def subject_count():
    """16 districts and every member department (those with nothing to assess as not assessed)."""
    return 16 + Department.objects.filter(is_member_unit=True).count()


def test_office_sees_the_ranking_and_opens_any_breakdown(published, client_for, make_user, district):
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))

    page = client.get(reverse("assessment:scheme-results", args=[published.pk]))
    detail = client.get(reverse("assessment:result-detail", args=[own_result(published, org_unit=district).pk]))

    assert page.status_code == 200
    assert len(page.context["districts"]) == 16 and len(page.context["departments"]) == subject_count() - 16
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
    assert client.get(reverse("assessment:scheme-list")).context["table"].paginator.count == 0


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
    assert workbook["得分明细"].max_row == 1 + sum(len(r.breakdown) for r in published.results.all())


def test_docx_export_holds_the_ranking_and_each_breakdown(published, client_for, make_user):
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(
        reverse("assessment:scheme-results", args=[published.pk]), {"export": "docx"})

    document = Document(io.BytesIO(response.getvalue()))
    assert response.status_code == 200
    assert document.tables[0].rows[1].cells[2].text == "金水区"
    assert len(document.tables) == 1 + subject_count()
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
    listing = client.get(reverse("assessment:scheme-list"), {"sort": "-year"}).content.decode()
    assert 'id="scheme-table"' in listing and "共 1 条" in listing and "sort=year" in listing  # sortable, counted


def test_quality_index_page_shows_every_unit_and_the_trend(published, client_for, make_user, district):
    response = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district)).get(reverse("assessment:quality-index"))

    assert response.status_code == 200
    assert response.context["unit"] == district  # a district officer starts on its own district
    assert len(response.context["rows"]) == 17
    assert response.context["chart"]["series"][0]["key"] == "total"


def test_quality_index_sorts_counts_and_exports_audited(published, client_for, make_user, district):
    # given the index of 2024 (金水区 has data, the other units none)
    officer = make_user(Role.LEADERSHIP_OFFICE)
    client = client_for(officer)
    url = reverse("assessment:quality-index")
    # when sorted by the total, descending, and by a column that does not exist
    by_total = client.get(url, {"year": 2024, "sort": "-total"})
    unknown = client.get(url, {"year": 2024, "sort": "nonsense"})
    # then the unit with data comes first, the unknown sort keeps the units' order, and the count is shown
    names = [row.record.org_unit.name for row in by_total.context["table"].page.object_list]
    assert names[0] == "金水区" and "共 17 个单位" in by_total.content.decode()
    assert unknown.status_code == 200 and unknown.context["table"].page.object_list[0].record.org_unit.parent_id is None
    assert "year=2024&amp;sort=-total&amp;export=xlsx" in by_total.content.decode()
    # and the export holds one line per unit, audited with the year
    response = client.get(url, {"year": 2024, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 17 and {row[0] for row in rows[1:]} == {2024}
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == officer and "year=2024" in event.message


# --- API ---------------------------------------------------------------------------------------------------


def test_api_lists_results_with_breakdowns_only_for_the_callers_subject(published, client_for, make_user, district):
    client = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))

    rows = client.get("/api/assessment-results/", {"scheme": published.pk}).json()["results"]

    assert len(rows) == subject_count()
    assert [r["subject"] for r in rows if r["breakdown"] is not None] == ["金水区"]


def test_api_run_is_for_the_office_only(published, client_for, make_user, district):
    assert client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district)).post(
        f"/api/assessment-schemes/{published.pk}/run/").status_code == 403
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).post(f"/api/assessment-schemes/{published.pk}/run/")
    assert response.status_code == 200 and len(response.json()) == subject_count()


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


@pytest.fixture
def grouped(db):
    """A draft scheme of two groups, 产品质量 80 (two indicators sharing it) and 重点任务 20."""
    plan = plan_for_year()
    scheme, items = make_scheme([(IndicatorFactory(plan=plan, target=1, domain="product"), None),
                                 (IndicatorFactory(plan=plan, target=2, domain="product"), None),
                                 (SchemeItemKind.TASKS, None)])
    services.scheme_items_update(scheme=scheme, by=None, groups={items[0].group_id: "80", items[2].group_id: "20"})
    return scheme, items


def test_scheme_page_lists_items_inside_collapsible_groups_with_their_weight(grouped, client_for, make_user):
    scheme, [a, b, tasks] = grouped

    page = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(reverse("assessment:scheme-detail", args=[scheme.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<details class="mb-2 border rounded') == 2
    assert f'name="group_{a.group_id}" value="80.00"' in html
    assert 'placeholder="40.00"' in html  # the equal share of each of the two product items
    assert "weight-problems" not in html


def test_group_weights_not_totalling_100_answer_400_naming_the_group(grouped, client_for, make_user):
    scheme, [a, _b, tasks] = grouped
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))

    response = client.post(reverse("assessment:scheme-items", args=[scheme.pk]),
                           {f"group_{a.group_id}": "70", f"group_{tasks.group_id}": "20"})

    assert response.status_code == 400
    assert "产品质量 70.00" in response.content.decode() and "90.00" in response.content.decode()
    a.group.refresh_from_db()
    assert a.group.weight == Decimal(80)
    ok = client.post(reverse("assessment:scheme-items", args=[scheme.pk]),
                     {f"group_{a.group_id}": "70", f"group_{tasks.group_id}": "30"})
    assert ok.status_code == 302
    a.group.refresh_from_db()
    assert a.group.weight == Decimal(70)


def test_group_add_form_creates_an_empty_group_and_refuses_a_duplicate(grouped, client_for, make_user):
    scheme, _items = grouped
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    url = reverse("assessment:scheme-group-add", args=[scheme.pk])

    assert client.post(url, {"name": "加分项目"}).status_code == 302
    assert scheme.groups.get(name="加分项目").weight == Decimal(0)
    duplicate = client.post(url, {"name": "产品质量"})
    assert duplicate.status_code == 400 and "产品质量" in duplicate.content.decode()
    assert client.post(url, {"name": ""}).status_code == 400


def test_api_weights_refuses_groups_not_totalling_100_and_saves_a_valid_set(grouped, client_for, make_user, district):
    scheme, [a, b, tasks] = grouped
    url = f"/api/assessment-schemes/{scheme.pk}/weights/"
    office = client_for(make_user(Role.LEADERSHIP_OFFICE))

    bad = office.post(url, {"groups": {str(a.group_id): "75"}}, content_type="application/json")
    unknown = office.post(url, {"groups": {"x": "75"}}, content_type="application/json")
    good = office.post(url, {"groups": {str(a.group_id): "75", str(tasks.group_id): "25"}, "items": {str(a.pk): "50"}},
                       content_type="application/json")

    assert bad.status_code == 400 and "产品质量" in bad.json()["groups"][0]
    assert unknown.status_code == 400 and "groups" in unknown.json()
    assert good.status_code == 200
    assert {g["name"]: g["weight"] for g in good.json()["groups"]} == {"产品质量": "75.00", "重点任务": "25.00"}
    assert {i["id"]: i["weight"] for i in good.json()["items"]}[a.pk] == "50.00"
    assert client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district)).post(
        url, {"groups": {}}, content_type="application/json").status_code == 403


def test_a_not_assessed_result_shows_no_score_and_says_why(client_for, make_user, district, city):
    rate = IndicatorFactory(plan=plan_for_year(), target=10)
    scheme, _ = make_scheme([(rate, 100)])
    value(rate, district, 10)
    services.assessment_run(scheme=scheme, by=None)
    idle = own_result(scheme, org_unit=city.children.get(name="二七区"))

    page = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(reverse("assessment:result-detail", args=[idle.pk]))

    html = page.content.decode()
    assert page.status_code == 200 and "未参评" in html and 'id="result-score"' not in html
    assert 'id="note-none"' in html


def test_items_move_to_a_new_group_through_the_form_and_the_api(grouped, client_for, make_user):
    scheme, [a, b, tasks] = grouped
    other_scheme, [stranger, *_rest] = make_scheme([(IndicatorFactory(plan=plan_for_year(), target=1), 100)], name="另一方案")
    brands = services.scheme_group_create(scheme=scheme, name="品牌建设", by=None)
    office = client_for(make_user(Role.LEADERSHIP_OFFICE))

    # a move to another scheme's group is refused naming the item; nothing moves
    bad = office.post(f"/api/assessment-schemes/{scheme.pk}/weights/", {"moves": {str(b.pk): str(stranger.group_id)}},
                      content_type="application/json")
    assert bad.status_code == 400 and b.name in bad.json()[f"weight_{b.pk}"][0]

    # the page moves b into the new group and rebalances the weights in one save
    response = office.post(reverse("assessment:scheme-items", args=[scheme.pk]), {
        f"move_{b.pk}": str(brands.pk), f"group_{a.group_id}": "60", f"group_{brands.pk}": "20",
        f"group_{tasks.group_id}": "20"})

    assert response.status_code == 302
    b.refresh_from_db()
    assert b.group == brands
    assert services.scheme_weight_problems(scheme) == {}
