"""Pages: roles, scope, the plan workflow (build, draw, assignments, result), exports, public portal."""

import datetime

import pytest
from django.urls import reverse

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.inspections import services
from qcity.inspections.models import Draw, DrawnTarget, InspectionPlan, InspectionResult

from .factories import make_inspection_item, make_inspector, make_pool_with_snapshot

pytestmark = pytest.mark.django_db

PAGES = ["inspections:inspection-plan-list", "inspections:result-list", "inspections:item-list"]
MANAGER_PAGES = ["inspections:pool-list", "inspections:inspector-list", "inspections:inspection-plan-create"]


@pytest.fixture
def world(make_user, city, district):
    firms = EnterpriseFactory.create_batch(10, org_unit=district, numbered=True)
    pool = make_pool_with_snapshot(district, {"b": [f.pk for f in firms[:7]], "d": [f.pk for f in firms[7:]]})
    item = make_inspection_item(org_unit=city, code="GS-01")
    team = [make_inspector(make_user, org_unit=district, items=[item], name=f"检查{n}号") for n in range(3)]
    return {"firms": firms, "pool": pool, "item": item, "team": team,
            "officer": make_user(Role.DISTRICT_OFFICER, org_unit=district)}


def test_pages_need_roles(client, make_user, world):
    assert client.get(reverse("inspections:inspection-plan-list")).status_code == 302
    client.force_login(make_user(Role.DEPARTMENT_REPORTER))
    for name in PAGES + MANAGER_PAGES:
        assert client.get(reverse(name)).status_code == 403
    client.force_login(world["team"][0].user)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200
    for name in MANAGER_PAGES:
        assert client.get(reverse(name)).status_code == 403
    client.force_login(world["officer"])
    for name in PAGES + MANAGER_PAGES:
        assert client.get(reverse(name)).status_code == 200


def test_officer_builds_plan_draws_sees_assignments_and_enters_a_result(client, world, district, today):
    client.force_login(world["officer"])
    year = today.year
    response = client.post(reverse("inspections:inspection-plan-create"), {
        "name": "金水区年度抽查", "org_unit": district.pk, "year": year, "period_start": f"{year}-01-01",
        "period_end": f"{year}-12-31", "pool": world["pool"].pk, "items": [world["item"].pk], "item_ratios": "",
        "ratio_a": 0, "ratio_b": 50, "ratio_c": 0, "ratio_d": 100, "inspectors_per_target": 2})
    plan = InspectionPlan.objects.get(name="金水区年度抽查")
    assert response.status_code == 302
    response = client.post(reverse("inspections:plan-draw", args=[plan.pk]), {"confirm": "on"})
    assert response.status_code == 302
    draw = Draw.objects.get(plan=plan)
    assert draw.sample_sizes == {"a": 0, "b": 4, "c": 0, "d": 3}
    page = client.get(reverse("inspections:inspection-plan-detail", args=[plan.pk])).content.decode()
    assert page.count('class="target-row ') == 7 and draw.seed in page and "检查0号" in page + "检查1号检查2号"
    again = client.post(reverse("inspections:plan-draw", args=[plan.pk]), {"confirm": "on"})
    assert again.status_code == 400 and "只能抽取一次" in again.content.decode()
    target = DrawnTarget.objects.filter(draw=draw).first()
    response = client.post(reverse("inspections:result-enter", args=[target.pk]), {
        "item": world["item"].pk, "outcome": "problems_found", "inspected_on": today.isoformat(),
        "findings": "", "case_lead_note": ""})
    assert response.status_code == 400 and "检查情况" in response.content.decode()
    response = client.post(reverse("inspections:result-enter", args=[target.pk]), {
        "item": world["item"].pk, "outcome": "no_problem", "inspected_on": today.isoformat()})
    assert response.status_code == 302 and InspectionResult.objects.count() == 1
    export = client.get(reverse("inspections:inspection-plan-detail", args=[plan.pk]), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats") and export.getvalue()[:2] == b"PK"


def test_pool_smaller_than_sample_shows_the_stratum(client, world, district, today):
    plan = services.inspection_plan_create(by=None, name="过大", org_unit=district, year=today.year,
                                period_start=datetime.date(today.year, 1, 1),
                                period_end=datetime.date(today.year, 12, 31), pool=world["pool"],
                                items=[(world["item"], 100)], counts={"d": 5})
    client.force_login(world["officer"])
    response = client.post(reverse("inspections:plan-draw", args=[plan.pk]), {"confirm": "on"})
    assert response.status_code == 400 and "D类" in response.content.decode()


@pytest.mark.parametrize("name", ["inspections:inspection-plan-list", "inspections:result-list", "inspections:item-list",
                                  "inspections:pool-list", "inspections:inspector-list"])
def test_every_list_exports_xlsx(client, world, name):
    client.force_login(world["officer"])
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    response = client.get(reverse(name), {"export": "xlsx"})
    assert response.status_code == 200 and response.getvalue()[:2] == b"PK"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world["officer"]).count() == exports + 1


def test_inspector_sees_own_assignments_page(client, world, district, today):
    plan = services.inspection_plan_create(by=None, name="计划", org_unit=district, year=today.year,
                                period_start=datetime.date(today.year, 1, 1),
                                period_end=datetime.date(today.year, 12, 31), pool=world["pool"],
                                items=[(world["item"], 100)], counts={"b": 7, "d": 3})
    services.draw_run(plan=plan, by=None)
    inspector = world["team"][0]
    client.force_login(inspector.user)
    page = client.get(reverse("inspections:my-assignments")).content.decode()
    mine = DrawnTarget.objects.filter(assignments__inspector=inspector)
    assert mine.exists() and all(t.enterprise.name in page for t in mine)


def test_inspector_assignments_filter_by_plan_and_status_sort_count_and_export(client, world, district, today):
    # given two drawn plans (the whole pool, so that the first team member is drawn for targets of both)
    plans = []
    for name in ("甲计划", "乙计划"):
        plan = services.inspection_plan_create(by=None, name=name, org_unit=district, year=today.year,
                                               period_start=datetime.date(today.year, 1, 1),
                                               period_end=datetime.date(today.year, 12, 31), pool=world["pool"],
                                               items=[(world["item"], 100)], counts={"b": 7, "d": 3},
                                               inspectors_per_target=3)
        services.draw_run(plan=plan, by=None)
        plans.append(plan)
    inspector = world["team"][0]
    mine = DrawnTarget.objects.filter(assignments__inspector=inspector, draw__plan=plans[0])
    done = mine.order_by("pk").first()
    services.result_enter(plan=plans[0], enterprise=done.enterprise, item=world["item"], outcome="no_problem",
                          inspected_on=today, by=None)
    client.force_login(inspector.user)
    url = reverse("inspections:my-assignments")
    # when the inspector filters by one plan, then only its targets are listed, counted
    page = client.get(url, {"plan": plans[0].pk}).content.decode()
    assert 'id="assignment-table"' in page and f"共 {mine.count()} 条" in page and "乙计划</td>" not in page
    # and the status filter separates the target whose results are all entered from the open ones
    finished = client.get(url, {"plan": plans[0].pk, "status": "done"}).content.decode()
    assert "共 1 条" in finished and done.enterprise.name in finished
    still_open = client.get(url, {"plan": plans[0].pk, "status": "open"}).content.decode()
    assert f"共 {mine.count() - 1} 条" in still_open
    # and the list sorts by its columns, ignoring an unknown sort and a bad plan
    assert client.get(url, {"sort": "-enterprise"}).status_code == 200
    assert f"共 {2 * mine.count()} 条" in client.get(url, {"sort": "password", "plan": "x"}).content.decode()
    # and the export holds the filtered rows
    export = client.get(url, {"plan": plans[0].pk, "status": "done", "export": "xlsx"})
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment")


def test_inspector_directory_and_conflicts_pages(client, world, district):
    client.force_login(world["officer"])
    inspector = world["team"][0]
    response = client.post(reverse("inspections:conflict-declare", args=[inspector.pk]),
                           {"uscc": world["firms"][0].uscc, "reason": "配偶任职"})
    assert response.status_code == 302
    page = client.get(reverse("inspections:inspector-detail", args=[inspector.pk])).content.decode()
    assert "配偶任职" in page
    bad = client.post(reverse("inspections:conflict-declare", args=[inspector.pk]), {"uscc": "X" * 18, "reason": "x"})
    assert bad.status_code == 400


def test_public_pages_show_published_only_without_classes(client, world, district, today):
    plan = services.inspection_plan_create(by=None, name="公开计划", org_unit=district, year=today.year,
                                period_start=datetime.date(today.year, 1, 1),
                                period_end=datetime.date(today.year, 12, 31), pool=world["pool"],
                                items=[(world["item"], 100)], counts={"b": 2, "d": 1})
    draw = services.draw_run(plan=plan, by=None)
    assert client.get(reverse("portal:inspection-draw-detail", args=[draw.pk])).status_code == 404
    services.draw_publish(draw=draw, by=None)
    page = client.get(reverse("portal:inspection-draw-detail", args=[draw.pk])).content.decode()
    assert draw.seed in page and draw.snapshot_sha256 in page and "verify-draw" in page
    assert "D类（信用风险高）" not in page and "A类（信用风险低）" not in page and "风险分类：" not in page
    assert "检查0号" not in page  # names masked
    target = DrawnTarget.objects.filter(draw=draw).first()
    result = services.result_enter(plan=plan, enterprise=target.enterprise, item=world["item"],
                                   outcome="no_problem", inspected_on=today, by=None)
    assert target.enterprise.name not in client.get(reverse("portal:inspection-results")).content.decode()
    services.result_publish(result=result, by=None)
    page = client.get(reverse("portal:inspection-results")).content.decode()
    assert target.enterprise.name in page and "未发现问题" in page
    listing = client.get(reverse("portal:inspection-draws")).content.decode()
    assert f'">{draw.target_count}</td></tr>' in listing and draw.target_count == 3  # the last column: targets drawn


def test_inspector_list_sorts_by_a_column_and_ignores_an_unknown_one(client, world):
    client.force_login(world["officer"])
    badges = sorted(i.badge_number for i in world["team"])
    for sort, expected in (("badge_number", badges), ("-badge_number", badges[::-1])):
        page = client.get(reverse("inspections:inspector-list"), {"sort": sort}).content.decode()
        assert [page.index(b) for b in expected] == sorted(page.index(b) for b in expected), sort
    for sort in ("nonsense", "user__password", "-conflicts__reason"):
        assert client.get(reverse("inspections:inspector-list"), {"sort": sort}).status_code == 200


def test_pool_list_table_sorts_by_name_and_not_by_the_snapshot(client, world):
    client.force_login(world["officer"])
    page = client.get(reverse("inspections:pool-list"), {"sort": "-name"}).content.decode()
    assert 'id="pool-table"' in page and world["pool"].name in page and "重新生成快照" in page
    assert client.get(reverse("inspections:pool-list"), {"sort": "size"}).status_code == 200


def test_plan_and_result_tables_show_the_rows_with_their_marks(client, world, district, today):
    # given a drawn plan with one result entered and not published
    plan = services.inspection_plan_create(by=None, name="表格计划", org_unit=district, year=today.year,
                                           period_start=datetime.date(today.year, 1, 1),
                                           period_end=datetime.date(today.year, 12, 31), pool=world["pool"],
                                           items=[(world["item"], 100)], counts={"b": 2, "d": 1})
    draw = services.draw_run(plan=plan, by=None)
    target = DrawnTarget.objects.filter(draw=draw).first()
    services.result_enter(plan=plan, enterprise=target.enterprise, item=world["item"], outcome="no_problem",
                          inspected_on=today, by=None)
    client.force_login(world["officer"])
    # when the officer opens the lists, sorted by a column
    plans = client.get(reverse("inspections:inspection-plan-list"), {"sort": "-year"}).content.decode()
    results = client.get(reverse("inspections:result-list"), {"sort": "enterprise"}).content.decode()
    # then the rows are there, with the row class the browser tests look for and the manager's publish button
    assert 'id="plan-table"' in plans and "表格计划" in plans and "GS-01" in plans
    assert 'id="result-table"' in results and 'class="result-row' in results and target.enterprise.name in results
    assert reverse("inspections:result-publish", args=[InspectionResult.objects.get().pk]) in results


# --- the draw's confirmation step -----------------------------------------------------------------------


def _draft_plan(world, district, today, **kw):
    return services.inspection_plan_create(
        by=None, name="预览计划", org_unit=district, year=today.year, period_start=datetime.date(today.year, 1, 1),
        period_end=datetime.date(today.year, 12, 31), pool=world["pool"], items=[(world["item"], 100)],
        ratios={"a": 0, "b": 50, "c": 0, "d": 100}, **kw)


def test_draw_preview_counts_equal_the_real_draws_counts(client, world, district, today):
    # given a draft plan (B 50 % of 7, D 100 % of 3, two inspectors per target)
    plan = _draft_plan(world, district, today)
    client.force_login(world["officer"])
    # when the officer opens the draw step
    page = client.get(reverse("inspections:plan-draw", args=[plan.pk]))
    preview = page.context["preview"]
    # then the preview shows the counts per risk class and the assignments, and nothing is drawn yet
    assert page.status_code == 200 and not Draw.objects.filter(plan=plan).exists()
    assert preview.sample_sizes == {"a": 0, "b": 4, "c": 0, "d": 3} and preview.targets == 7
    assert preview.assignments == 14 and preview.eligible_inspectors == 3 and not preview.problems
    assert 'id="preview-targets">7<' in page.content.decode()
    # and the confirmed draw draws exactly those numbers
    response = client.post(reverse("inspections:plan-draw", args=[plan.pk]), {"confirm": "on"})
    draw = Draw.objects.get(plan=plan)
    assert response.status_code == 302 and draw.sample_sizes == preview.sample_sizes
    assert DrawnTarget.objects.filter(draw=draw).count() == preview.targets
    assert sum(t.assignments.count() for t in DrawnTarget.objects.filter(draw=draw)) == preview.assignments


def test_draw_is_refused_without_confirmation(client, world, district, today):
    # given a draft plan
    plan = _draft_plan(world, district, today)
    client.force_login(world["officer"])
    # when the draw is posted without ticking the confirmation
    response = client.post(reverse("inspections:plan-draw", args=[plan.pk]))
    # then nothing is drawn, and the confirmation page says why, with the preview
    assert response.status_code == 400 and not Draw.objects.filter(plan=plan).exists()
    assert "请先核对预览并勾选确认" in response.content.decode() and response.context["preview"].targets == 7
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_draw_preview_names_what_would_refuse_the_draw(client, world, district, today):
    # given a plan asking for more D-class firms than the pool holds
    plan = services.inspection_plan_create(
        by=None, name="过大", org_unit=district, year=today.year, period_start=datetime.date(today.year, 1, 1),
        period_end=datetime.date(today.year, 12, 31), pool=world["pool"], items=[(world["item"], 100)],
        counts={"d": 5})
    client.force_login(world["officer"])
    # when the draw step is opened / then the preview shows the shortfall before any draw
    page = client.get(reverse("inspections:plan-draw", args=[plan.pk]))
    assert "D类" in " ".join(page.context["preview"].problems)
    assert 'id="preview-problems"' in page.content.decode()


def test_draw_step_of_a_drawn_plan_or_for_an_inspector_goes_back_to_the_plan(client, world, district, today):
    plan = _draft_plan(world, district, today)
    client.force_login(world["team"][0].user)
    assert client.get(reverse("inspections:plan-draw", args=[plan.pk])).status_code == 403
    client.force_login(world["officer"])
    client.post(reverse("inspections:plan-draw", args=[plan.pk]), {"confirm": "on"})
    response = client.get(reverse("inspections:plan-draw", args=[plan.pk]))
    assert response.status_code == 302 and response.url == reverse("inspections:inspection-plan-detail", args=[plan.pk])
