import pytest

from qcity.core.choices import Role
from qcity.core.services import province_load
from qcity.indicators.choices import ReportedValueStatus
from qcity.reports import selectors
from qcity.reports.selectors import CockpitError

from .conftest import approve

pytestmark = pytest.mark.django_db


def test_cockpit_defaults_to_latest_year_with_approved_values(programme, make_user):
    # given approved values up to 2023 and only a submitted one in 2024
    # when the office opens the cockpit without a year
    data = selectors.cockpit(user=make_user(Role.LEADERSHIP_OFFICE), plan_code="test-programme")
    # then it shows 2023 with the city's statuses
    assert data["year"] == 2023
    assert data["years"] == [2021, 2022, 2023, 2024, 2025]
    assert sum(data["counts"].values()) == 5
    assert data["counts"]["achieved"] == 1  # food 98.5 ≥ 98


def test_cockpit_ranks_districts_and_highlights_the_officers_own(programme, make_user, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    data = selectors.cockpit(user=officer, year=2023, plan_code="test-programme")
    ranked = [r for r in data["ranking"] if r["attainment"] is not None]
    # 金水区 is ahead of 二七区 on every indicator; districts without data come last, unranked
    assert [r["name"] for r in ranked] == ["金水区", "二七区"]
    assert ranked[0]["rank"] == 1 and ranked[0]["highlight"] and not ranked[1]["highlight"]
    assert data["highlight"] == ["金水区"]
    assert all(r["rank"] == 0 for r in data["ranking"] if r["attainment"] is None)
    # the city itself is not in the district ranking
    assert "郑州市" not in [r["name"] for r in data["ranking"]]


def test_warnings_list_off_track_before_at_risk_worst_first(programme, make_user):
    data = selectors.cockpit(user=make_user(Role.LEADERSHIP_OFFICE), year=2023, plan_code="test-programme")
    statuses = [w["status"] for w in data["warnings"]]
    assert statuses == sorted(statuses, key=lambda s: selectors.STATUS_ORDER[s])
    assert "achieved" not in statuses and data["warnings"]
    off = [w for w in data["warnings"] if w["status"] == "off_track"]
    assert [w["attainment"] for w in off] == sorted(w["attainment"] for w in off)


def test_domains_and_trend_cover_the_plan_years(programme, make_user):
    data = selectors.cockpit(user=make_user(Role.LEADERSHIP_OFFICE), year=2023, plan_code="test-programme")
    assert [d["label"] for d in data["domains"]] == ["产品质量", "工程质量", "服务质量", "环境质量", "品牌与知识产权"]
    assert data["trend"]["years"] == [2021, 2022, 2023]
    total = next(s for s in data["trend"]["series"] if s["key"] == "total")
    assert len(total["values"]) == 3 and all(v is not None for v in total["values"])


def test_year_outside_the_plan_and_unknown_plan_are_errors(programme, make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    with pytest.raises(CockpitError, match="year"):
        selectors.cockpit(user=office, year=2030, plan_code="test-programme")
    with pytest.raises(CockpitError, match="plan"):
        selectors.cockpit(user=office, year=2023, plan_code="no-such-plan")


def test_a_new_approval_changes_the_cached_figures(programme, make_user, city):
    office = make_user(Role.LEADERSHIP_OFFICE)
    before = selectors.cockpit(user=office, year=2024, plan_code="test-programme")
    assert before["counts"]["no_data"] == 4  # every level indicator; the cumulative one adds up earlier years
    # when a 2024 value is approved (the data marker changes at once: no wait for its slow part)
    approve(programme["build"], city, 2024, 100)
    after = selectors.cockpit(user=office, year=2024, plan_code="test-programme")
    # then the cockpit counts it
    assert after["counts"]["no_data"] == 3
    assert after["counts"]["achieved"] == before["counts"]["achieved"] + 1


def test_submitted_values_do_not_count(programme, make_user):
    data = selectors.cockpit(user=make_user(Role.LEADERSHIP_OFFICE), year=2024, plan_code="test-programme")
    assert data["counts"]["no_data"] == 4
    assert programme["food"].values.filter(year=2024).get().status == ReportedValueStatus.SUBMITTED


def test_overdue_tasks_come_from_the_work_plan(programme, make_user):
    # given one open task past its deadline and one not yet due
    import datetime

    from qcity.workplan.tests.factories import PlanTaskFactory

    late = PlanTaskFactory(plan=programme["plan"], deadline=datetime.date(2022, 6, 30), quote_start=None)
    PlanTaskFactory(plan=programme["plan"], deadline=datetime.date(2099, 12, 31), quote_start=None)
    # when the office opens the cockpit
    overdue = selectors.cockpit(user=make_user(Role.LEADERSHIP_OFFICE), year=2023,
                                plan_code="test-programme")["overdue"]
    # then only the late task is listed
    assert overdue["count"] == 1
    assert [item["id"] for item in overdue["items"]] == [late.pk]


def test_default_plan_is_the_programme_with_values_not_a_newer_empty_plan(programme):
    # given a freshly imported plan ending later than the programme, with no approved values yet
    from qcity.indicators.tests.factories import PlanFactory

    PlanFactory(code="imported-2026", title="新导入规划", period_start=2024, period_end=2026)
    # when the cockpit picks its default plan
    plan = selectors.cockpit_plan()
    # then it stays on the programme that has values
    assert plan.code == "test-programme"


def test_a_province_s_cockpit_ranks_its_cities_and_each_city_its_districts(programme, make_user, city, district):
    # given the programme's city under its province
    province_load(by=None)
    city.refresh_from_db()
    district.refresh_from_db()
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    # when the officer opens the cockpit of the province, then of the city
    province_view = selectors.cockpit(user=officer, year=2023, plan_code="test-programme")
    city_view = selectors.cockpit(user=officer, year=2023, plan_code="test-programme", org_unit=city)
    # then the province ranks its 18 cities, the officer's own (郑州市) first and marked
    assert province_view["org_unit"]["name"] == "河南省" and len(province_view["ranking"]) == 18
    assert province_view["ranking"][0]["name"] == "郑州市" and province_view["highlight"] == ["郑州市"]
    units = [u["name"] for u in province_view["units"]]  # the province and every city with districts
    assert units[:3] == ["河南省", "郑州市", "开封市"] and len(units) == 18 and "济源市" not in units
    # and the city shows its own statuses with its districts ranked, as a city programme does
    assert city_view["org_unit"]["name"] == "郑州市" and sum(city_view["counts"].values()) == 5
    assert [r["name"] for r in city_view["ranking"] if r["attainment"] is not None] == ["金水区", "二七区"]
    assert city_view["highlight"] == ["金水区"]
