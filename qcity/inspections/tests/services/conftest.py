"""The setting the service tests of inspections share: a pool of 20 classified enterprises, two items and
inspectors in and around the district, and plans built on them."""

from decimal import Decimal

import pytest

from qcity.enterprises.tests.factories import EnterpriseFactory

from ..factories import make_inspection_item, make_inspection_plan, make_inspector, make_pool_with_snapshot


@pytest.fixture
def other_district(city):
    return city.children.get(name="二七区")


@pytest.fixture
def setting(make_user, district, other_district, city):
    """20 enterprises in 金水区 (classes a×8, b×6, c×4, d×2), two items, four 金水区 inspectors, one
    city inspector, one 二七区 inspector."""
    firms = EnterpriseFactory.create_batch(20, org_unit=district, numbered=True)
    ids = [e.pk for e in firms]
    members = {"a": ids[:8], "b": ids[8:14], "c": ids[14:18], "d": ids[18:]}
    pool = make_pool_with_snapshot(district, members)
    basic = make_inspection_item(org_unit=city, code="GS-01")
    product = make_inspection_item(org_unit=city, code="CP-02", name="产品质量检查")
    local = [make_inspector(make_user, org_unit=district, items=[basic, product], name=f"金水{n}号")
             for n in range(4)]
    city_inspector = make_inspector(make_user, org_unit=city, items=[basic, product], name="市局检查")
    elsewhere = make_inspector(make_user, org_unit=other_district, items=[basic, product], name="二七检查")
    return {"firms": firms, "members": members, "pool": pool, "items": (basic, product), "local": local,
            "city_inspector": city_inspector, "elsewhere": elsewhere}


@pytest.fixture
def make_plan(setting, district):
    """make_plan(**kw) -> a plan of the district over the setting's pool with both items, 2 per class
    unless `counts` is given."""

    def make(**kw):
        basic, product = setting["items"]
        kw.setdefault("counts", {"a": 2, "b": 2, "c": 2, "d": 2})
        return make_inspection_plan(org_unit=district, pool=setting["pool"],
                            items=[(basic, Decimal(100)), (product, Decimal(50))], **kw)

    return make
