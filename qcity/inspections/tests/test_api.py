"""API wiring and permissions: the same services and scope as the pages, 400 for bad input."""

import datetime

import pytest
from rest_framework.test import APIClient

from qcity.core.choices import Role
from qcity.core.models import ApiToken
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.inspections import draw as algorithm
from qcity.inspections import services
from qcity.inspections.models import Assignment, DrawnTarget

from .factories import make_inspection_item, make_inspector, make_pool_with_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, city, district, today):
    firms = EnterpriseFactory.create_batch(12, org_unit=district, numbered=True)
    pool = make_pool_with_snapshot(district, {"a": [f.pk for f in firms[:6]], "b": [f.pk for f in firms[6:]]})
    item = make_inspection_item(org_unit=city, code="GS-01")
    team = [make_inspector(make_user, org_unit=district, items=[item], name=f"检查{n}号") for n in range(3)]
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    return {"firms": firms, "pool": pool, "item": item, "team": team, "officer": officer, "year": today.year}


def _plan_payload(world, district, **counts):
    year = world["year"]
    return {"name": "接口建立的计划", "org_unit": district.pk, "year": year, "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31", "pool": world["pool"].pk, "items": [{"item": "GS-01", "ratio": 100}],
            "counts": counts or {"a": 2, "b": 1}}


def test_anonymous_401_enterprise_user_403(make_user, district):
    assert APIClient().get("/api/inspection-plans/").status_code == 401
    enterprise_user = make_user(Role.ENTERPRISE_USER, org_unit=district)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.objects.create(user=enterprise_user, expiry=None)[1]}")
    for url in ("/api/inspection-plans/", "/api/inspection-items/", "/api/inspectors/", "/api/inspection-results/"):
        assert api.get(url).status_code == 403


def test_officer_builds_a_plan_draws_and_enters_a_result(world, district, api_for, today):
    api = api_for(world["officer"])
    created = api.post("/api/inspection-plans/", _plan_payload(world, district), format="json")
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    drawn = api.post(f"/api/inspection-plans/{plan_id}/draw/")
    assert drawn.status_code == 201 and drawn.json()["sample_sizes"] == {"a": 2, "b": 1, "c": 0, "d": 0}
    assert api.post(f"/api/inspection-plans/{plan_id}/draw/").status_code == 400  # once only
    targets = api.get(f"/api/inspection-plans/{plan_id}/targets/").json()["results"]
    assert len(targets) == 3 and all(len(t["inspectors"]) == 2 for t in targets)
    result = api.post(f"/api/inspection-plans/{plan_id}/results/", {
        "enterprise": targets[0]["enterprise_uscc"], "item": "GS-01", "outcome": "no_problem",
        "inspected_on": today.isoformat()}, format="json")
    assert result.status_code == 201 and result.json()["publish_by"]
    draw_id = drawn.json()["id"]
    assert api.get(f"/api/draws/{draw_id}/verify/").json()["ok"] is True
    full = api.get(f"/api/draws/{draw_id}/record/").json()
    assert "strata" in full and "inspector_snapshot" in full


def test_bad_inputs_are_400_naming_the_field(world, district, api_for, today):
    api = api_for(world["officer"])
    too_many = api.post("/api/inspection-plans/", _plan_payload(world, district, a=7), format="json").json()
    response = api.post(f"/api/inspection-plans/{too_many['id']}/draw/")
    assert response.status_code == 400 and "count_a" in response.json()
    bad_class = api.post("/api/inspection-plans/", _plan_payload(world, district, e=1), format="json")
    assert bad_class.status_code == 400 and "counts" in bad_class.json()
    plan = api.post("/api/inspection-plans/", _plan_payload(world, district), format="json").json()
    api.post(f"/api/inspection-plans/{plan['id']}/draw/")
    drawn = set(DrawnTarget.objects.filter(draw__plan_id=plan["id"]).values_list("enterprise_id", flat=True))
    outsider = next(f for f in world["firms"] if f.pk not in drawn)
    response = api.post(f"/api/inspection-plans/{plan['id']}/results/", {
        "enterprise": outsider.uscc, "item": "GS-01", "outcome": "no_problem",
        "inspected_on": today.isoformat()}, format="json")
    assert response.status_code == 400 and "enterprise" in response.json()


def test_too_few_inspectors_is_400_listing_targets(world, district, api_for):
    for inspector in world["team"][:2]:
        services.inspector_update(inspector=inspector, by=None, active=False)
    api = api_for(world["officer"])
    plan = api.post("/api/inspection-plans/", _plan_payload(world, district), format="json").json()
    response = api.post(f"/api/inspection-plans/{plan['id']}/draw/")
    assert response.status_code == 400 and "inspectors" in response.json()


def test_scope_other_district_sees_nothing_and_cannot_draw(world, district, city, make_user, api_for, today):
    plan = services.inspection_plan_create(by=None, name="计划", org_unit=district, year=today.year,
                                period_start=datetime.date(today.year, 1, 1),
                                period_end=datetime.date(today.year, 12, 31), pool=world["pool"],
                                items=[(world["item"], 100)], counts={"a": 1})
    stranger = make_user(Role.DISTRICT_OFFICER, org_unit=city.children.get(name="二七区"))
    api = api_for(stranger)
    assert api.get("/api/inspection-plans/").json()["count"] == 0
    assert api.post(f"/api/inspection-plans/{plan.pk}/draw/").status_code == 404
    inspector_api = api_for(world["team"][0].user)
    assert inspector_api.post(f"/api/inspection-plans/{plan.pk}/draw/").status_code == 403


def test_snapshot_download_officers_and_audit_admin_only(world, district, make_user, api_for):
    snapshot = world["pool"].snapshots.get()
    url = f"/api/pool-snapshots/{snapshot.pk}/download/"
    assert api_for(world["team"][0].user).get(url).status_code == 403  # inspectors: no
    auditor = make_user(Role.AUDIT_ADMIN)
    body = api_for(auditor).get(url).getvalue()
    assert algorithm.sha256_hex(body) == snapshot.sha256
    assert api_for(world["officer"]).get(url).status_code == 200


def test_inspector_sees_own_assignments_and_enters_results(world, district, api_for, today):
    plan = services.inspection_plan_create(by=None, name="计划", org_unit=district, year=today.year,
                                period_start=datetime.date(today.year, 1, 1),
                                period_end=datetime.date(today.year, 12, 31), pool=world["pool"],
                                items=[(world["item"], 100)], counts={"a": 3, "b": 3})
    services.draw_run(plan=plan, by=None)
    # an inspector the draw assigned (the draw is random: a team member may be left out)
    inspector = next(member for member in world["team"]
                     if Assignment.objects.filter(inspector=member, target__draw__plan=plan).exists())
    mine = api_for(inspector.user).get("/api/my-assignments/").json()["results"]
    assert mine and all(inspector.pk in [i["inspector"] for i in t["inspectors"]] for t in mine)
    response = api_for(inspector.user).post(f"/api/inspection-plans/{plan.pk}/results/", {
        "enterprise": mine[0]["enterprise_uscc"], "item": "GS-01", "outcome": "problems_found",
        "findings": "未公示年报", "inspected_on": today.isoformat()}, format="json")
    assert response.status_code == 201


def test_item_plan_and_assignment_lists_filter_as_their_pages(world, district, api_for, today):
    # given a drawn plan and a draft one
    drawn = services.inspection_plan_create(by=None, name="已抽计划", org_unit=district, year=today.year,
                                            period_start=datetime.date(today.year, 1, 1),
                                            period_end=datetime.date(today.year, 12, 31), pool=world["pool"],
                                            items=[(world["item"], 100)], counts={"a": 3, "b": 3},
                                            inspectors_per_target=3)
    services.draw_run(plan=drawn, by=None)
    services.inspection_plan_create(by=None, name="草稿计划", org_unit=district, year=today.year,
                                    period_start=datetime.date(today.year, 1, 1),
                                    period_end=datetime.date(today.year, 12, 31), pool=world["pool"],
                                    items=[(world["item"], 100)], counts={"a": 1})
    officer = api_for(world["officer"])
    # then the plan and item lists take the pages' filters, and a bad value is a 400 naming it
    plans = officer.get("/api/inspection-plans/", {"status": "drawn"}).json()["results"]
    assert [p["name"] for p in plans] == ["已抽计划"]
    assert "status" in officer.get("/api/inspection-plans/", {"status": "nonsense"}).json()
    assert [i["code"] for i in officer.get("/api/inspection-items/", {"q": "gs-01"}).json()["results"]] == ["GS-01"]
    assert officer.get("/api/inspection-items/", {"q": "none-such"}).json()["results"] == []
    # and an inspector's assignments filter by plan and by status
    inspector = api_for(world["team"][0].user)
    assert len(inspector.get("/api/my-assignments/", {"plan": drawn.pk, "status": "open"}).json()["results"]) == 6
    assert inspector.get("/api/my-assignments/", {"status": "done"}).json()["results"] == []
    assert "plan" in inspector.get("/api/my-assignments/", {"plan": 10**12}).json()


def test_public_endpoints_show_published_only_and_no_classes(world, district, api_for, today):
    plan = services.inspection_plan_create(by=None, name="公开计划", org_unit=district, year=today.year,
                                period_start=datetime.date(today.year, 1, 1),
                                period_end=datetime.date(today.year, 12, 31), pool=world["pool"],
                                items=[(world["item"], 100)], counts={"a": 1, "b": 1})
    draw = services.draw_run(plan=plan, by=None)
    anonymous = APIClient()
    assert anonymous.get("/api/public/draws/").json()["count"] == 0
    assert anonymous.get(f"/api/public/draws/{draw.pk}/").status_code == 404
    services.draw_publish(draw=draw, by=None)
    record = anonymous.get(f"/api/public/draws/{draw.pk}/").json()
    assert record["seed"] == draw.seed and "strata" not in record and "inspector_snapshot" not in record
    assert "stratum" not in str(record["selection"]) and "risk" not in str(record)
    assert record["selection"][0]["inspectors"][0]["name"].count("*") >= 1
    assert anonymous.get(f"/api/public/draws/{draw.pk}/verify/").json()["ok"] is True
    target = DrawnTarget.objects.filter(draw=draw).first()
    result = services.result_enter(plan=plan, enterprise=target.enterprise, item=world["item"],
                                   outcome="no_problem", inspected_on=today, by=None)
    assert anonymous.get("/api/public/inspection-results/").json()["count"] == 0
    services.result_publish(result=result, by=None)
    rows = anonymous.get("/api/public/inspection-results/", {"q": target.enterprise.uscc}).json()["results"]
    assert [r["enterprise_uscc"] for r in rows] == [target.enterprise.uscc]


def test_items_conflicts_pools_endpoints(world, district, city, make_user, api_for):
    office = make_user(Role.LEADERSHIP_OFFICE)
    api = api_for(office)
    item = api.post("/api/inspection-items/", {"code": "NEW-1", "name": "新事项", "legal_basis": "某法",
                                               "org_unit": city.pk}, format="json")
    assert item.status_code == 201 and not item.json()["published"]
    assert api.post(f"/api/inspection-items/{item.json()['id']}/publish/").json()["published"] is True
    assert api.post("/api/inspection-items/", {"code": "NEW-1", "name": "重复", "legal_basis": "x",
                                               "org_unit": city.pk}, format="json").status_code == 400
    # an item for some industries only: stored as prefixes; a malformed code is a 400 naming the field
    food = api.post("/api/inspection-items/", {"code": "NEW-2", "name": "食品经营检查", "legal_basis": "食品安全法",
                                               "org_unit": city.pk, "industry_codes": ["52", "62"]}, format="json")
    assert food.status_code == 201 and food.json()["industry_codes"] == ["52", "62"]
    bad = api.post("/api/inspection-items/", {"code": "NEW-3", "name": "x", "legal_basis": "x", "org_unit": city.pk,
                                              "industry_codes": ["5-2"]}, format="json")
    assert bad.status_code == 400 and "industry_codes" in bad.json()
    conflict = api.post("/api/inspector-conflicts/", {"inspector": world["team"][0].pk,
                                                      "enterprise": world["firms"][0].uscc, "reason": "亲属"},
                        format="json")
    assert conflict.status_code == 201
    assert api.delete(f"/api/inspector-conflicts/{conflict.json()['id']}/").status_code == 204
    pool = api.post("/api/target-pools/", {"name": "金水食品", "org_unit": district.pk, "industry_codes": ["14"],
                                           "statuses": ["active"]}, format="json")
    assert pool.status_code == 201
    built = api.post(f"/api/target-pools/{pool.json()['id']}/build/")
    assert built.status_code == 201 and built.json()["size"] == 12  # the factory makes industry 14
    assert api.post("/api/target-pools/", {"name": "x", "org_unit": district.pk, "statuses": ["bogus"]},
                    format="json").status_code == 400
    assert api.get("/api/inspectors/").json()["count"] == 3
