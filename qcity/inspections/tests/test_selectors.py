"""Scope: officers see their district, the office the city, inspectors their assignments."""

import datetime

import pytest

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.inspections import selectors, services

from .factories import make_inspection_item, make_inspector, make_pool_with_snapshot

pytestmark = pytest.mark.django_db


def _drawn_plan(make_user, org_unit, item, name, year):
    firms = EnterpriseFactory.create_batch(4, org_unit=org_unit, numbered=True)
    pool = make_pool_with_snapshot(org_unit, {"b": [f.pk for f in firms]}, name=name)
    team = [make_inspector(make_user, org_unit=org_unit, items=[item]) for _ in range(2)]
    plan = services.inspection_plan_create(by=None, name=name, org_unit=org_unit, year=year,
                                period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
                                pool=pool, items=[(item, 100)], counts={"b": 2})
    services.draw_run(plan=plan, by=None)
    return plan, team


def test_plans_targets_and_results_are_scoped(make_user, city, district, today):
    item = make_inspection_item(org_unit=city)
    other = city.children.get(name="二七区")
    mine, team = _drawn_plan(make_user, district, item, "金水", today.year)
    theirs, _ = _drawn_plan(make_user, other, item, "二七", today.year)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    office = make_user(Role.LEADERSHIP_OFFICE)
    assert list(selectors.inspection_plan_list(user=officer)) == [mine]
    assert set(selectors.inspection_plan_list(user=office)) == {mine, theirs}
    assert {t.draw.plan_id for t in selectors.target_list(user=officer)} == {mine.pk}
    assert selectors.pool_list(user=officer).count() == 1
    # an inspector sees the targets assigned to them (here every target of the plan has both)
    assert selectors.target_list(user=team[0].user).count() == 2
    assert selectors.my_assignments(user=team[0].user).count() == 2
    assert not selectors.target_list(user=make_user(Role.INSPECTOR, org_unit=other)).exists()
    assert selectors.item_list(user=officer).count() == 1  # the item list is read by every viewer
