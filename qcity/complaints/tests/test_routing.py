"""The pure placement rule (qcity/complaints/routing.py): no database, a hand-made city."""

import json

import pytest

from qcity.complaints import routing
from qcity.complaints.choices import RoutingMethod
from qcity.complaints.services.gazetteer import DATA_FILE

DISTRICTS = {"410102": "中原区", "410103": "二七区", "410104": "管城回族区", "410105": "金水区", "410122": "中牟县",
             "410184": "新郑市"}
ZONES = ["郑东新区", "郑州高新技术产业开发区", "郑州航空港经济综合实验区"]
IDS = {name: pk for pk, name in enumerate([*DISTRICTS.values(), *ZONES], start=1)}


def _city(gazetteer):
    return routing.CityMap(division_code="410100", district_units={c: IDS[n] for c, n in DISTRICTS.items()},
                           district_names=DISTRICTS, aliases={"管城区": "管城回族区"}, gazetteer=gazetteer)


CITY = _city([("花园路", IDS["金水区"]), ("郑东新区", IDS["郑东新区"]), ("商务外环路", IDS["郑东新区"]),
              ("高新区", IDS["郑州高新技术产业开发区"]), ("南阳路", IDS["金水区"]),
              ("新郑国际机场", IDS["郑州航空港经济综合实验区"]), ("郑州大学", IDS["郑州高新技术产业开发区"]),
              ("郑州大学第一附属医院", IDS["二七区"]), ("官渡镇", IDS["中牟县"])])


def _placed(address, city=CITY):
    placement = routing.place(address, city)
    if placement is None:
        return None
    return next(n for n, pk in IDS.items() if pk == placement.org_unit_id), placement.method, placement.matched


def test_an_address_naming_its_district_is_placed_by_the_address_library():
    assert _placed("河南省郑州市金水区花园路100号") == ("金水区", RoutingMethod.ADDRESS, "金水区")


def test_a_district_short_name_is_read_as_its_full_name():
    # the address library alone reads "城区" of 管城区 as a district in another province
    assert _placed("管城区商都路18号") == ("管城回族区", RoutingMethod.ADDRESS, "管城回族区")


def test_a_road_without_a_district_is_placed_by_the_gazetteer():
    assert _placed("花园路88号") == ("金水区", RoutingMethod.GAZETTEER, "花园路")


def test_a_road_named_after_another_city_is_not_that_city():
    # cpca reads 南阳路 as 南阳市; the rest of the address starts with 路
    assert _placed("南阳路188号") == ("金水区", RoutingMethod.GAZETTEER, "南阳路")


def test_a_development_zone_without_a_division_code_is_placed_by_the_gazetteer():
    assert _placed("郑州市郑东新区商务外环路1号")[:2] == ("郑东新区", RoutingMethod.GAZETTEER)
    assert _placed("郑州市高新区长椿路11号") == ("郑州高新技术产业开发区", RoutingMethod.GAZETTEER, "高新区")


def test_the_longest_gazetteer_name_wins():
    assert _placed("郑州大学第一附属医院门诊楼")[0] == "二七区"
    assert _placed("郑州大学主校区")[0] == "郑州高新技术产业开发区"


def test_the_gazetteer_wins_over_a_district_inferred_from_a_short_form():
    # "新郑" is read as 新郑市, but the airport lies in the airport zone
    assert _placed("新郑国际机场T2航站楼")[0] == "郑州航空港经济综合实验区"


def test_a_district_inferred_from_a_short_form_places_what_the_gazetteer_does_not_know():
    assert _placed("新郑龙湖镇某村", _city([])) == ("新郑市", RoutingMethod.ADDRESS, "新郑市")


@pytest.mark.parametrize("address", ["北京市朝阳区建国路1号", "上海市浦东新区花园路1号", "河南省开封市鼓楼区"])
def test_an_address_in_another_city_or_province_is_not_placeable_here(address):
    assert routing.place(address, CITY) is None


@pytest.mark.parametrize("address", ["", "   ", "河南省郑州市", "洛阳路5号"])
def test_an_address_naming_nothing_known_is_not_placeable(address):
    assert routing.place(address, CITY) is None


def test_an_inactive_or_unknown_name_does_not_place():
    assert routing.place("花园路88号", _city([])) is None


def test_gazetteer_match_prefers_the_earlier_name_on_a_tie():
    assert routing.gazetteer_match("郑东新区金水东路", [("金水东路", 2), ("郑东新区", 1)]) == ("郑东新区", 1)


def test_the_shipped_gazetteer_is_large_with_unique_names_and_known_kinds():
    rows = json.loads(DATA_FILE.read_text("utf-8"))
    assert len(rows) >= 120
    assert len({r["name"] for r in rows}) == len(rows)
    assert {r["kind"] for r in rows} == {"road", "area", "town", "landmark"}
