"""Where in the city an address lies: the rule that places a respondent's address at a unit (pure, no database).

Specification (DOMAIN §9 jurisdiction: the county-level regulator where the respondent operates):

1. A unit's short name is read as its full name (管城区 → 管城回族区): the address library knows only the
   full names and would otherwise read "城区" as a district of another province.
2. The address library (`cpca`, GB/T 2260) reads the province, city and district. A place name it reads that
   is really the start of a road named after a city (南阳路, 嵩山南路, 北京路: the rest starts with 路, 街,
   大道 …) is ignored.
3. A province or city other than ours → not placeable here (None: the city-level triage queue decides).
4. A district of ours named in full in the address → that district (ADDRESS).
5. Otherwise the gazetteer: the longest active entry name found in the address wins, the earlier one on a tie
   (addresses run from the larger place to the smaller). Roads, areas, towns, landmarks and the development
   zones, which have no GB/T 2260 code, are placed this way (GAZETTEER).
6. Otherwise a district the library inferred from a short form (中牟官渡镇 → 中牟县) → that district (ADDRESS).
7. Otherwise None.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .choices import RoutingMethod

# The rest of an address after a place name that makes the name a road's: 南阳路, 嵩山南路, 北京东路.
ROAD_AFTER_PLACE = re.compile(r"^[东西南北中]?(路|街|大街|大道|道|巷|环)")  # i18n-ignore: address syntax


@dataclass(frozen=True)
class CityMap:
    """What the city knows of itself: its GB/T 2260 code, its districts' codes → org unit ids, short names
    of districts → full names, and the active gazetteer entries (name, org unit id)."""

    division_code: str
    district_units: Mapping[str, int]
    district_names: Mapping[str, str] = field(default_factory=dict)  # division code → full name
    aliases: Mapping[str, str] = field(default_factory=dict)  # short name → full name
    gazetteer: Sequence[tuple[str, int]] = ()


@dataclass(frozen=True)
class Placement:
    org_unit_id: int
    method: str  # RoutingMethod.ADDRESS or GAZETTEER
    matched: str  # the district or gazetteer name that placed it


@dataclass(frozen=True)
class ParsedAddress:
    province: str
    city: str
    district: str
    adcode: str
    rest: str


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


@functools.lru_cache(maxsize=1)
def _transform():
    # lazy: cpca loads pandas and its GB/T 2260 table (~0.4 s); only routing needs it.
    import cpca

    return cpca.transform


PARSED_CACHE_SIZE = 4096
_parsed: dict[str, ParsedAddress] = {}  # the same addresses come back; emptied when full


def parse_many(addresses) -> None:
    """Read the addresses not read yet, in one call of the address library: it builds a table per call,
    which costs 30 times more than the reading of one address in a batch (a hand-over brings 20 or 100)."""
    new = [address for address in dict.fromkeys(addresses) if address and address not in _parsed]
    if not new:
        return
    if len(_parsed) + len(new) > PARSED_CACHE_SIZE:
        _parsed.clear()
    table = _transform()(new)
    for address, (_index, row) in zip(new, table.iterrows(), strict=True):
        _parsed[address] = ParsedAddress(
            province=_text(row["省"]), city=_text(row["市"]), district=_text(row["区"]),  # i18n-ignore: cpca's column names
            adcode=_text(row["adcode"]), rest=_text(row["地址"]))  # i18n-ignore: cpca's column name


def parse(address: str) -> ParsedAddress:
    """The address library's reading of one address."""
    if address not in _parsed:
        parse_many([address])
    return _parsed[address]


def normalise(address: str, aliases: Mapping[str, str]) -> str:
    """Short district names → full names (rule 1), unless the full name is already there."""
    text = re.sub(r"\s+", "", address or "")
    for short, full in sorted(aliases.items(), key=lambda item: -len(item[0])):
        if short and short != full and short in text and full not in text:
            text = text.replace(short, full)
    return text


def gazetteer_match(address: str, gazetteer: Sequence[tuple[str, int]]) -> tuple[str, int] | None:
    """The longest entry name in the address; on a tie the one found earlier (rule 5)."""
    best: tuple[int, int, str, int] | None = None  # (-length, position, name, unit)
    for name, unit_id in gazetteer:
        position = address.find(name) if name else -1
        if position >= 0:
            key = (-len(name), position, name, unit_id)
            if best is None or key < best:
                best = key
    return None if best is None else (best[2], best[3])


def place_many(addresses, city: CityMap) -> None:
    """Prepare `place` for several addresses at once (their library reading in one call)."""
    parse_many(normalise(address, city.aliases) for address in addresses)


def place(address: str, city: CityMap) -> Placement | None:
    """The unit an address lies in, by the rules of the module docstring, or None."""
    text = normalise(address, city.aliases)
    if not text:
        return None
    parsed = parse(text)
    code = parsed.adcode
    if code and ROAD_AFTER_PLACE.match(parsed.rest) and not code.startswith(city.division_code[:4]):
        code = ""  # rule 2: a road named after a city
    province, prefecture = city.division_code[:2], city.division_code[:4]
    if code and (code[:2] != province or (code[2:4] != "00" and code[:4] != prefecture)):
        return None  # rule 3
    district_code = code if code[:4] == prefecture and code[4:6] != "00" else ""
    district_unit = city.district_units.get(district_code) if district_code else None
    district_name = city.district_names.get(district_code, parsed.district)
    if district_unit is not None and district_name and district_name in text:
        return Placement(district_unit, RoutingMethod.ADDRESS, district_name)  # rule 4
    match = gazetteer_match(text, city.gazetteer)
    if match is not None:
        return Placement(match[1], RoutingMethod.GAZETTEER, match[0])  # rule 5
    if district_unit is not None:
        return Placement(district_unit, RoutingMethod.ADDRESS, district_name)  # rule 6
    return None
