"""The demo city's market entities as rows: valid credit codes, Chinese names, real road names,
licences, certificates and chief quality officers. Pure: no database, no Django models.

`city` scale is 1.5 million enterprises and must generate and load in under three minutes, so rows are
built from precomputed tables (pinyin initials per name part, checksum partial sums per code half).
Everything is deterministic for a seed and a last day (registrations run up to the day before the
demo's `today`). Rows are made in fixed-size chunks, each with its own `random.Random`, so the first N
rows are the same whatever the total, and chunks can be made in a second process while the first one
writes (writer.py).
"""

from __future__ import annotations

import bisect
import datetime
import json
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from random import Random
from typing import Any, NamedTuple

from pypinyin import Style, lazy_pinyin

from ..validators import USCC_ALPHABET, uscc_check_char_of_sum, uscc_weighted_sum
from .vocabulary import (
    CAPITAL,
    CERT_RATE,
    CITY_WEIGHTS,
    COMPANY_INDUSTRIES,
    COOP_CERTS,
    COOP_PRODUCTS,
    CQO_RATE,
    CQO_TITLES,
    ENTITY_WEIGHTS,
    FOREIGN_INDUSTRIES,
    FOREIGN_TRADE,
    GENERIC_ROADS,
    GIVEN,
    LICENCE_RATE,
    OTHER_CITIES,
    PARTNERSHIP_INDUSTRIES,
    ROADS,
    SHOP_INDUSTRIES,
    SOLE_INDUSTRIES,
    STATUS_WEIGHTS,
    SURNAMES,
    TOWNS,
    TRADE_FIRST,
    TRADE_SECOND,
    UNIT_WEIGHTS,
    VILLAGE_SUFFIX,
)

CHUNK = 50_000
FIRST_DAY = datetime.date(1995, 1, 1)  # the registry's oldest entities; the last day is the caller's

# --- unified social credit code (GB 32100-2015, validators.py) and organisation code (GB 11714-1997) -----

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
CITY_DIVISION_CODE = "410100"
# Registration authority 9 (市场监管/工商); entity category 1 enterprise, 2 individual business,
# 3 farmers' cooperative.
_CATEGORY = {"individual_business": "2", "cooperative": "3"}


def _org_value(c: str) -> int:
    """GB 11714 character value: digits as themselves, letters A=10 … Z=35."""
    return int(c) if c.isdigit() else ord(c) - 55


def organisation_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body (weights 3,7,9,10,5,8,4,2, mod 11)."""
    remainder = 11 - _org_partial(body, _ORG_WEIGHTS) % 11
    return "X" if remainder == 10 else "0" if remainder == 11 else str(remainder)


def _org_partial(chars: str, weights: Sequence[int]) -> int:
    return sum(_org_value(c) * w for c, w in zip(chars, weights, strict=True))


class _CodeTables:
    """Checksums split into halves: a code is two table lookups and a few additions, not 26 multiplications.

    An organisation code body is either 8 digits (older registrations) or "MA"-style: two letters and
    six base-31 characters (registrations since the 2015 reform). Each half-table entry is
    (characters, GB 11714 partial sum, GB 32100 partial sum) for the positions that half occupies.
    """

    def __init__(self) -> None:
        digits4 = [f"{n:04d}" for n in range(10_000)]
        self.d_hi = [(s, _org_partial(s, _ORG_WEIGHTS[0:4]), uscc_weighted_sum(s, 8)) for s in digits4]
        self.d_lo = [(s, _org_partial(s, _ORG_WEIGHTS[4:8]), uscc_weighted_sum(s, 12)) for s in digits4]
        a = USCC_ALPHABET
        base3 = [a[n // 961] + a[n // 31 % 31] + a[n % 31] for n in range(31 ** 3)]
        self.a_hi = [(s, _org_partial(s, _ORG_WEIGHTS[2:5]), uscc_weighted_sum(s, 10)) for s in base3]
        self.a_lo = [(s, _org_partial(s, _ORG_WEIGHTS[5:8]), uscc_weighted_sum(s, 13)) for s in base3]
        self.check_org = ["0" if r == 0 else "X" if r == 1 else str(11 - r) for r in range(11)]
        self.check_value = {c: uscc_weighted_sum(c, 16) for c in "0123456789X"}  # the organisation check char

    def prefix(self, letters: str) -> tuple[str, int, int]:
        return letters, _org_partial(letters, _ORG_WEIGHTS[0:2]), uscc_weighted_sum(letters, 8)


@cache
def _code_tables() -> _CodeTables:
    return _CodeTables()


def uscc_prefix_sum(head: str) -> int:
    """Weighted sum of the first 8 characters (authority, category, division code)."""
    return uscc_weighted_sum(head)


# --- the shape of the city ---------------------------------------------------------------------------

STATUS_TABLE = [status for status, weight in STATUS_WEIGHTS.items() for _ in range(weight)]
MANUFACTURING_DIVISIONS = {f"{n:02d}" for n in range(13, 44)}  # GB/T 4754 divisions 13–43: manufacturing


class Unit(NamedTuple):
    """A unit enterprises register in, and the city it belongs to (itself for a city without districts)."""

    id: int
    name: str
    short_name: str
    division_code: str | None
    kind: str
    city: str = "郑州市"
    city_short: str = "郑州"
    city_division: str = CITY_DIVISION_CODE


class Chunk(NamedTuple):
    """One chunk of generated rows. Enterprise rows carry their global index; children refer to it."""

    enterprises: list[tuple]
    licences: list[tuple]
    certifications: list[tuple]
    officers: list[tuple]
    pick: int | None  # a good enterprise for the demo enterprise account, if this chunk has one


# enterprise row layout (index 0 is the global row number; the loader turns it into the id)
ENTERPRISE_FIELDS = ("uscc", "name", "name_initials", "entity_type", "industry_code", "org_unit_id",
                     "address", "legal_representative", "registered_capital", "established_on", "status")


def units_from_reference_data() -> list[Unit]:
    """The shipped Zhengzhou units, with list positions as ids: for files made without a database."""
    data = json.loads((Path(__file__).resolve().parents[2] / "core" / "data" / "zhengzhou.json")
                      .read_text("utf-8"))
    return [Unit(i, u["name"], u.get("short_name") or u["name"], u.get("division_code"), u["kind"])
            for i, u in enumerate(data["units"], start=1)]


def _table(weights: dict[Any, int]) -> list:
    """A lookup list with each key repeated by its weight: `table[int(random() * len(table))]`."""
    return [key for key, weight in weights.items() for _ in range(weight)]


@cache
def _initials_of(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


@cache
def _days(last_day: datetime.date) -> tuple[list[str], list[float], list[int]]:
    """Every day from 1995 to `last_day` with a weight growing with the year (registrations boomed after
    the 2014 business-registration reform), as ISO strings, cumulative weights and years."""
    days, cumulative, years, total = [], [], [], 0.0
    day = FIRST_DAY
    while day <= last_day:
        y = day.year
        total += 1.0 if y < 2005 else 2.5 if y < 2014 else 6.0 + (y - 2014) * 0.4
        days.append(day.isoformat())
        cumulative.append(total)
        years.append(y)
        day += datetime.timedelta(days=1)
    return days, cumulative, years


class _Parts:
    """Precomputed name parts, addresses and lookup tables for a list of units (built once per process)."""

    def __init__(self, units: Sequence[Unit], last_day: datetime.date) -> None:
        self.units = list(units)
        by_name = {u.name: i for i, u in enumerate(self.units)}
        weights = _unit_weights(self.units)
        self.unit_table = _table(weights)
        rural = [i for i, u in enumerate(self.units) if u.name in TOWNS or u.kind in ("county", "county_city")]
        self.rural_table = _table({i: weights[i] for i in rural}) or self.unit_table
        self.entity_table = _table(ENTITY_WEIGHTS)
        self.company_table = _table({i: w for i, (_, _, w, _, _) in enumerate(COMPANY_INDUSTRIES)})
        self.shop_table = _table({i: w for i, (_, _, w, _) in enumerate(SHOP_INDUSTRIES)})
        index = {word: i for i, (word, *_) in enumerate(COMPANY_INDUSTRIES)}
        self.foreign_industries = [index[w] for w in FOREIGN_INDUSTRIES]
        self.partnership_industries = [index[w] for w in PARTNERSHIP_INDUSTRIES]
        self.sole_industries = [index[w] for w in SOLE_INDUSTRIES]
        self.company_ini = [_initials_of(word) for word, *_ in COMPANY_INDUSTRIES]
        self.shop_ini = [_initials_of(word) for word, *_ in SHOP_INDUSTRIES]
        self.coop_ini = [_initials_of(p + a) for p, a, _ in COOP_PRODUCTS]
        self.char_ini = {c: _initials_of(c) for c in TRADE_FIRST + TRADE_SECOND + SURNAMES + "老记姐村"
                         + VILLAGE_SUFFIX}
        self.unit_ini = [_initials_of(u.name) for u in self.units]
        self.unit_division = [u.division_code or u.city_division for u in self.units]
        # The city's short name heads most company names (郑州某某科技有限公司); "zz" its initials.
        self.city_head = [(u.city_short, _initials_of(u.city_short)) for u in self.units]
        # Branches are named after the place: 金水分公司, 管城分公司, 高新区分公司.
        self.branch_place = []
        for u in self.units:
            place = u.short_name or u.name
            if u.kind != "development_zone" and len(place) > 2 and place[-1] in "区县市":
                place = place[:-1]
            self.branch_place.append(place)
        # A county-level city, a city without districts and a zone named after its city (巩义市, 济源市,
        # 郑州高新技术产业开发区) stand without the city in front; 安阳县 is 安阳市安阳县.
        self.place = [u.name if u.kind in ("county_city", "city")
                      or (u.kind == "development_zone" and u.name.startswith(u.city_short))
                      else f"{u.city}{u.name}" for u in self.units]
        self.address_head = [f"河南省{place}" for place in self.place]
        self.roads = [list(ROADS.get(u.name, GENERIC_ROADS)) for u in self.units]
        self.towns = [list(TOWNS.get(u.name, ("城关镇",))) for u in self.units]
        self.rural_units = set(rural)
        self.by_name = by_name
        self.days, self.day_weights, self.day_years = _days(last_day)
        self.day_total = self.day_weights[-1]
        tables = _code_tables()
        self.code_tables = tables
        # USCC partial sums of "9" + category + division, per (category, unit)
        self.heads = {}
        for cat in "123":
            for i, division in enumerate(self.unit_division):
                head = f"9{cat}{division}"
                self.heads[cat, i] = (head, uscc_prefix_sum(head))
        self.capital = {k: [f"{v}.00" for v in values] for k, values in CAPITAL.items()}
        self.ini_cache: dict[str, str] = {}


def _unit_weights(units: Sequence[Unit]) -> dict[int, int]:
    """How many enterprises each unit gets, relative to the others: within Zhengzhou its districts' shares
    (`unit_weights`); across a province each city's share (`city_weights`, per mille of the province's market
    entities: Zhengzhou 150, the others by their 2020 census population) split among its units, a district
    twice a county."""
    if len({u.city_division for u in units}) == 1:
        return {i: UNIT_WEIGHTS.get(u.name, 30) for i, u in enumerate(units)}
    local = {i: UNIT_WEIGHTS.get(u.name, 2 if u.kind == "district" else 1) for i, u in enumerate(units)}
    city_total: dict[str, int] = {}
    for i, u in enumerate(units):
        city_total[u.city_division] = city_total.get(u.city_division, 0) + local[i]
    return {i: max(1, round(100 * CITY_WEIGHTS.get(u.city, 10) * local[i] / city_total[u.city_division]))
            for i, u in enumerate(units)}


_PARTS: dict[tuple, _Parts] = {}


def _parts(units: Sequence[Unit], last_day: datetime.date) -> _Parts:
    key = (tuple(units), last_day)
    if key not in _PARTS:
        _PARTS[key] = _Parts(units, last_day)
    return _PARTS[key]


def code_permutation(seed: int) -> tuple[int, int]:
    """(a, b) of the bijection i → (a·i + b) mod 10⁸ that makes every organisation code body distinct."""
    rng = Random(f"{seed}:uscc")
    a = rng.randrange(10_000_001, 99_999_999) | 1
    while a % 5 == 0:
        a += 2
    return a, rng.randrange(100_000_000)


def generate_chunk(seed: int, chunk_no: int, stop: int, units: Sequence[Unit], last_day: datetime.date,
                   org_prefix: str = "") -> Chunk:
    """Rows CHUNK·chunk_no … min(stop, CHUNK·(chunk_no+1)) − 1, established on or before `last_day`. Pure:
    no database access.

    `org_prefix` (two letters) makes every organisation code "<prefix>" + six base-31 characters, a
    namespace the demo never uses — for test files that must not collide with demo codes.
    """
    p = _parts(units, last_day)
    rng = Random(f"{seed}:enterprises:{chunk_no}")
    rnd = rng.random
    a_mul, b_add = code_permutation(seed)
    t = p.code_tables
    d_hi, d_lo, a_hi, a_lo = t.d_hi, t.d_lo, t.a_hi, t.a_lo
    check_org, check_value = t.check_org, t.check_value
    check_char = uscc_check_char_of_sum
    ma_prefix = t.prefix(org_prefix or "MA")
    force_alpha = bool(org_prefix)
    heads = p.heads
    unit_table, rural_table, entity_table = p.unit_table, p.rural_table, p.entity_table
    n_unit, n_rural, n_entity = len(unit_table), len(rural_table), len(entity_table)
    company_table, shop_table = p.company_table, p.shop_table
    n_company, n_shop = len(company_table), len(shop_table)
    char_ini, unit_ini = p.char_ini, p.unit_ini
    days, day_weights, day_years, day_total = p.days, p.day_weights, p.day_years, p.day_total
    units_ = p.units
    roads, towns, address_head = p.roads, p.towns, p.address_head
    capital = p.capital
    surnames, given = SURNAMES, GIVEN
    n_sur, n_given = len(SURNAMES), len(GIVEN)
    first, second = TRADE_FIRST, TRADE_SECOND
    n_first, n_second = len(TRADE_FIRST), len(TRADE_SECOND)
    status_table = STATUS_TABLE
    n_status = len(status_table)
    bisect_left = bisect.bisect_left

    enterprises: list[tuple] = []
    licences: list[tuple] = []
    certifications: list[tuple] = []
    officers: list[tuple] = []
    pick = None
    lo = chunk_no * CHUNK
    hi = min(stop, lo + CHUNK)
    for i in range(lo, hi):
        kind = entity_table[int(rnd() * n_entity)]
        u = rural_table[int(rnd() * n_rural)] if kind == "cooperative" else unit_table[int(rnd() * n_unit)]
        day = bisect_left(day_weights, rnd() * day_total)
        established = days[day]
        year = day_years[day]
        # legal representative
        surname = surnames[int(rnd() * n_sur)]
        person = surname + given[int(rnd() * n_given)]
        if rnd() < 0.6:
            person += given[int(rnd() * n_given)]
        # trade name (字号): two characters, sometimes three
        c1, c2 = first[int(rnd() * n_first)], second[int(rnd() * n_second)]
        trade, trade_ini = c1 + c2, char_ini[c1] + char_ini[c2]
        if rnd() < 0.3:
            c3 = second[int(rnd() * n_second)]
            trade, trade_ini = trade + c3, trade_ini + char_ini[c3]
        lic_kinds: tuple = ()
        cert_kinds: tuple = ()
        manufacturer = False
        if kind == "individual_business":
            shop = shop_table[int(rnd() * n_shop)]
            word, industry, _, lic_kinds = SHOP_INDUSTRIES[shop]
            r = rnd()
            if r < 0.25:
                trade, trade_ini = "老" + surname, "l" + char_ini[surname]
            elif r < 0.45:
                trade, trade_ini = surname + "记", char_ini[surname] + "j"
            elif r < 0.5:
                trade, trade_ini = surname + "姐", char_ini[surname] + "j"
            name = units_[u].name + trade + word
            initials = unit_ini[u] + trade_ini + p.shop_ini[shop]
            cat = "2"
            road = roads[u][int(rnd() * len(roads[u]))]
            number = int(rnd() * 300) + 1
            address = f"{address_head[u]}{road}{number}号" if rnd() < 0.6 else \
                f"{address_head[u]}{road}{number}号附{int(rnd() * 20) + 1}号"
            cap = capital[kind][int(rnd() * 10)] if rnd() < 0.8 else None
        elif kind == "cooperative":
            coop = int(rnd() * len(COOP_PRODUCTS))
            product, activity, industry = COOP_PRODUCTS[coop]
            town = towns[u][int(rnd() * len(towns[u]))]
            village = surname + VILLAGE_SUFFIX[int(rnd() * len(VILLAGE_SUFFIX))]
            if rnd() < 0.5:
                trade, trade_ini = village, char_ini[surname] + char_ini[village[1]]
            name = f"{units_[u].name}{trade}{product}{activity}专业合作社"
            initials = unit_ini[u] + trade_ini + p.coop_ini[coop] + "zyhzs"
            word = product
            cat = "3"
            address = f"{address_head[u]}{town}{village}村"
            cap = capital[kind][int(rnd() * 7)]
            cert_kinds = COOP_CERTS.get(product, ())
        else:
            if kind == "foreign_invested":
                industry_no = p.foreign_industries[int(rnd() * len(p.foreign_industries))]
            elif kind == "partnership":
                industry_no = p.partnership_industries[int(rnd() * len(p.partnership_industries))]
            elif kind == "sole_proprietorship":
                industry_no = p.sole_industries[int(rnd() * len(p.sole_industries))]
            else:
                industry_no = company_table[int(rnd() * n_company)]
            word, industry, _, lic_kinds, cert_kinds = COMPANY_INDUSTRIES[industry_no]
            word_ini = p.company_ini[industry_no]
            head, head_ini = p.city_head[u] if rnd() < 0.72 else ("河南", "hn")
            if kind == "limited_company":
                form, form_ini = ("有限公司", "yxgs") if rnd() < 0.85 else ("有限责任公司", "yxzrgs")
                name, initials = head + trade + word + form, head_ini + trade_ini + word_ini + form_ini
            elif kind == "joint_stock_company":
                name, initials = head + trade + word + "股份有限公司", head_ini + trade_ini + word_ini + "gfyxgs"
            elif kind == "foreign_invested":
                trade = FOREIGN_TRADE[int(rnd() * len(FOREIGN_TRADE))]
                trade_ini = _cached_initials(p, trade)
                city, city_ini = p.city_head[u]
                name = f"{trade}（{city}）{word}有限公司"
                initials = f"{trade_ini}（{city_ini}）{word_ini}yxgs"
            elif kind == "sole_proprietorship":
                r = rnd()
                form, form_ini = ("商行", "sh") if r < 0.4 else ("经营部", "jyb") if r < 0.7 else ("服务中心", "fwzx")
                name, initials = head + trade + word + form, head_ini + trade_ini + word_ini + form_ini
            elif kind == "partnership":
                form, form_ini = ("中心（有限合伙）", "zx（yxhh）") if rnd() < 0.7 else \
                    ("中心（普通合伙）", "zx（pthh）")
                name, initials = head + trade + word + form, head_ini + trade_ini + word_ini + form_ini
            else:  # branch
                if rnd() < 0.25:
                    other = OTHER_CITIES[int(rnd() * len(OTHER_CITIES))]
                    city, city_ini = p.city_head[u]
                    name = f"{other}{trade}{word}有限公司{city}分公司"
                    initials = _cached_initials(p, other) + trade_ini + word_ini + f"yxgs{city_ini}fgs"
                else:
                    place = p.branch_place[u]
                    name = f"{head}{trade}{word}有限公司{place}分公司"
                    initials = head_ini + trade_ini + word_ini + "yxgs" + _cached_initials(p, place) + "fgs"
            cat = "1"
            road = roads[u][int(rnd() * len(roads[u]))]
            number = int(rnd() * 300) + 1
            r = rnd()
            if r < 0.45:
                address = f"{address_head[u]}{road}{number}号"
            elif r < 0.8:
                address = (f"{address_head[u]}{road}{number}号{int(rnd() * 12) + 1}号楼"
                           f"{int(rnd() * 30) + 1}层{int(rnd() * 30) + 1:02d}号")
            else:
                address = f"{address_head[u]}{road}与{roads[u][int(rnd() * len(roads[u]))]}交叉口{number}号"
            values = capital.get(kind)
            cap = values[int(rnd() * len(values))] if values else None  # branches have no capital of their own
            manufacturer = industry[:2] in MANUFACTURING_DIVISIONS
        status = status_table[int(rnd() * n_status)]

        # credit code: organisation body from the bijection, so codes never repeat
        perm = (a_mul * i + b_add) % 100_000_000
        if force_alpha or year >= 2016:
            hi_part, lo_part = a_hi[perm // 29_791], a_lo[perm % 29_791]
            pre = ma_prefix
        else:
            hi_part, lo_part = d_hi[perm // 10_000], d_lo[perm % 10_000]
            pre = ("", 0, 0)
        org_c = check_org[(pre[1] + hi_part[1] + lo_part[1]) % 11]
        head_str, head_sum = heads[cat, u]
        total = head_sum + pre[2] + hi_part[2] + lo_part[2] + check_value[org_c]
        body = pre[0] + hi_part[0] + lo_part[0] + org_c
        uscc = head_str + body + check_char(total)

        enterprises.append((i, uscc, name, initials, kind, industry, units_[u].id, address, person, cap,
                            established, status))

        # licences, certifications and chief quality officers for some of them
        if status != "active":
            continue
        for lic in lic_kinds:
            if rnd() < LICENCE_RATE[lic]:
                licences.append((i, lic, day, p.unit_division[u], p.place[u], rnd()))
        if kind != "individual_business" and cert_kinds and rnd() < CERT_RATE:
            cert = cert_kinds[int(rnd() * len(cert_kinds))]
            certifications.append((i, cert, day, rnd()))
        if manufacturer and kind in ("limited_company", "joint_stock_company", "foreign_invested") \
                and rnd() < CQO_RATE:
            officer = SURNAMES[int(rnd() * n_sur)] + GIVEN[int(rnd() * n_given)] + GIVEN[int(rnd() * n_given)]
            officers.append((i, officer, CQO_TITLES[int(rnd() * len(CQO_TITLES))],
                             f"0371-6{int(rnd() * 10_000_000):07d}", max(year, 2016), rnd() < 0.6))
            if pick is None and units_[u].name == "金水区" and kind == "limited_company":
                pick = i
    return Chunk(enterprises, licences, certifications, officers, pick)


def _cached_initials(p: _Parts, text: str) -> str:
    value = p.ini_cache.get(text)
    if value is None:
        value = p.ini_cache[text] = _initials_of(text)
    return value


def enterprise_rows(*, seed: int, count: int, units: Sequence[Unit], last_day: datetime.date, org_prefix: str = "",
                    start: int = 0) -> Iterator[tuple]:
    """Enterprise rows start … count − 1 (see ENTERPRISE_FIELDS; element 0 is the row number)."""
    for chunk_no in range(start // CHUNK, (count + CHUNK - 1) // CHUNK):
        for row in generate_chunk(seed, chunk_no, count, units, last_day, org_prefix).enterprises:
            if row[0] >= start:
                yield row


# --- licences, certificates, officers as table rows ------------------------------------------------

def _licence_number(kind: str, seq: int, division: str, year: int) -> str:
    """Numbers in the format each licence uses; `seq` (unique per kind) keeps them distinct."""
    if kind == "food_production":
        return f"SC1{seq % 31 + 1:02d}{division}{seq // 31:05d}"
    if kind == "food_business":
        return f"JY{1 + seq % 2}{division}{seq // 2:07d}"
    if kind == "industrial_production":
        return f"(豫)XK{seq % 30 + 1:02d}-{seq // 30 % 1000:03d}-{seq // 30_000:05d}"
    if kind == "drug_business":
        return f"豫AA371{seq:06d}"
    if kind == "medical_device":
        return f"豫郑药监械经营许{year}{seq:06d}号"
    if kind == "special_equipment":
        return f"TS{seq % 7 + 2}41{seq // 7:05d}-{year}"
    return f"D241{seq:07d}"


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _valid_period(p: _Parts, established_day: int, fraction: float, years: int) -> tuple[str, str]:
    """Issued at a random point between establishment and the last demo day; some have expired since."""
    index = established_day + int((len(p.days) - 1 - established_day) * fraction)
    start = datetime.date.fromisoformat(p.days[index])
    return start.isoformat(), _add_years(start, years).isoformat()


def _certificate_number(kind: str, n: int, year: int) -> str:
    if kind == "ccc":
        return f"{year}01{n % 100:02d}{n:08d}"
    if kind in ("organic", "green_food"):
        return f"{'LB' if kind == 'green_food' else '001OP'}{year % 100:02d}{n:07d}"
    letter = {"iso9001": "Q", "iso14001": "E", "iso45001": "S", "haccp": "H", "iso22000": "F",
              "iatf16949": "T"}[kind]
    return f"001{year % 100:02d}{letter}{n:06d}R0M"
