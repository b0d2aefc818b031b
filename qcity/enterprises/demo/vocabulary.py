"""The words and shares the demo city's market entities are made of: names, roads, towns, industries,
licences, certificates. The lists are data (`qcity/enterprises/data/demo_vocabulary.json`); this module
gives them the shapes the generator indexes. Changing a list changes the demo data of every seed.
"""

from __future__ import annotations

import json
from pathlib import Path

_DATA = json.loads((Path(__file__).resolve().parents[1] / "data" / "demo_vocabulary.json").read_text("utf-8"))


def _tuples(mapping: dict[str, list]) -> dict[str, tuple]:
    return {key: tuple(value) for key, value in mapping.items()}


# Share of the city's market entities per unit (per mille). Unknown units (another city) get 30.
UNIT_WEIGHTS: dict[str, int] = _DATA["unit_weights"]
CITY_WEIGHTS: dict[str, int] = _DATA["city_weights"]
ROADS: dict[str, tuple[str, ...]] = _tuples(_DATA["roads"])
GENERIC_ROADS: tuple[str, ...] = tuple(_DATA["generic_roads"])
TOWNS: dict[str, tuple[str, ...]] = _tuples(_DATA["towns"])
SURNAMES: str = _DATA["surnames"]  # one character each, repeated roughly by frequency
GIVEN: str = _DATA["given"]
TRADE_FIRST: str = _DATA["trade_first"]
TRADE_SECOND: str = _DATA["trade_second"]
FOREIGN_TRADE: tuple[str, ...] = tuple(_DATA["foreign_trade"])
OTHER_CITIES: tuple[str, ...] = tuple(_DATA["other_cities"])
VILLAGE_SUFFIX: str = _DATA["village_suffix"]

# (word in the name, GB/T 4754-2017 class, weight, licence kinds, certification kinds)
COMPANY_INDUSTRIES: list[tuple[str, str, int, tuple[str, ...], tuple[str, ...]]] = [
    (i["word"], i["industry"], i["weight"], tuple(i["licences"]), tuple(i["certifications"]))
    for i in _DATA["company_industries"]]
# Individual businesses: the shop word carries the industry (烩面馆 → 6210 正餐服务).
SHOP_INDUSTRIES: list[tuple[str, str, int, tuple[str, ...]]] = [
    (i["word"], i["industry"], i["weight"], tuple(i["licences"])) for i in _DATA["shop_industries"]]
COOP_PRODUCTS: list[tuple[str, str, str]] = [  # (product, activity, class)
    (i["product"], i["activity"], i["industry"]) for i in _DATA["coop_products"]]
FOREIGN_INDUSTRIES: tuple[str, ...] = tuple(_DATA["foreign_industries"])
PARTNERSHIP_INDUSTRIES: tuple[str, ...] = tuple(_DATA["partnership_industries"])
SOLE_INDUSTRIES: tuple[str, ...] = tuple(_DATA["sole_industries"])
COOP_CERTS: dict[str, tuple[str, ...]] = _tuples(_DATA["coop_certifications"])

# entity type → share per mille (individual businesses are most of a Chinese city's market entities)
ENTITY_WEIGHTS: dict[str, int] = _DATA["entity_weights"]
CAPITAL: dict[str, tuple[int, ...]] = _tuples(_DATA["capital"])  # 万元
STATUS_WEIGHTS: dict[str, int] = _DATA["status_weights"]  # per cent
LICENCE_RATE: dict[str, float] = _DATA["licence_rate"]
CERT_RATE: float = _DATA["certification_rate"]
CQO_RATE: float = _DATA["chief_quality_officer_rate"]  # of limited, joint-stock and foreign-invested manufacturers
CQO_TITLES: tuple[str, ...] = tuple(_DATA["chief_quality_officer_titles"])
CERT_ISSUERS: dict[str, tuple[str, ...]] = _tuples(_DATA["certification_issuers"])
ISSUED_BY: dict[str, str] = _DATA["licence_issued_by"]  # "{unit}": the enterprise's district
LICENCE_YEARS: dict[str, int] = _DATA["licence_years"]


def common_characters() -> list[str]:
    """The 3,755 level-1 characters of GB 2312 (the most common hanzi), for names outside the fixed lists
    above: the import benchmark's varied trade names and the tests of the initials."""
    return [bytes([high, low]).decode("gb2312") for high in range(0xB0, 0xD8) for low in range(0xA1, 0xFF)
            if (high, low) < (0xD7, 0xFA)]
