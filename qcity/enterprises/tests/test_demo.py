"""`qcity demo`: deterministic, valid credit codes, every district covered, one account per role."""

import datetime
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from stdnum.cn import uscc

from qcity.core.choices import Role
from qcity.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from qcity.core.models import OrgUnit, RoleAssignment, User
from qcity.core.services import province_load
from qcity.enterprises import demo, search
from qcity.enterprises.models import Certification, ChiefQualityOfficer, Enterprise, Licence
from qcity.enterprises.search import filter_by_text, name_initials
from qcity.enterprises.validators import validate_industry_code

pytestmark = pytest.mark.django_db

COUNT = 1_500


def run_demo(**options):
    options.setdefault("count", COUNT)
    options.setdefault("seed", 11)
    call_command("demo", stdout=open("/dev/null", "w"), **options)  # noqa: SIM115


def codes():
    return list(Enterprise.objects.order_by("id").values_list("uscc", flat=True))


def test_same_seed_gives_the_same_enterprises():
    # given a demo run
    run_demo()
    first = list(Enterprise.objects.order_by("id").values_list("uscc", "name", "org_unit_id", "address"))
    # when it is reset and run again with the same seed
    run_demo(reset=True)
    # then every row comes back the same; another seed gives other codes
    assert list(Enterprise.objects.order_by("id").values_list("uscc", "name", "org_unit_id", "address")) == first
    run_demo(reset=True, seed=12)
    assert not set(codes()) & {row[0] for row in first}


def test_chunks_do_not_depend_on_the_total():
    units = demo.units_from_reference_data()
    last_day = datetime.date(2026, 10, 19)
    small = demo.generate_chunk(3, 0, 100, units, last_day).enterprises
    large = demo.generate_chunk(3, 0, 1_000, units, last_day).enterprises
    assert small == large[:100]


def test_nothing_is_registered_after_the_last_day():
    units = demo.units_from_reference_data()
    last_day = datetime.date(2027, 1, 3)
    rows = demo.generate_chunk(3, 0, 2_000, units, last_day).enterprises
    established = [datetime.date.fromisoformat(row[10]) for row in rows]
    assert max(established) <= last_day
    assert max(established) > last_day - datetime.timedelta(days=60)  # the registry keeps growing to the day


def test_every_code_is_valid_unique_and_matches_its_enterprise():
    run_demo()
    enterprises = list(Enterprise.objects.select_related("org_unit"))
    assert len(enterprises) == COUNT
    assert len({e.uscc for e in enterprises}) == COUNT
    for e in enterprises:
        assert uscc.is_valid(e.uscc), e.uscc
        assert e.uscc[16] == demo.organisation_check_char(e.uscc[8:16]), e.uscc  # GB 11714
        assert e.uscc[0] == "9"
        assert e.uscc[1] == {"individual_business": "2", "cooperative": "3"}.get(e.entity_type, "1")
        assert e.uscc[2:8] == (e.org_unit.division_code or "410100")
        validate_industry_code(e.industry_code)


@pytest.mark.parametrize("code", ["91110000600037341L", "914403001922038216", "9144030071526726XG"])
def test_organisation_check_character_follows_gb_11714(code):
    # published codes; the last one's organisation code ends in X (remainder 10)
    assert demo.organisation_check_char(code[8:16]) == code[16]


def test_every_district_has_enterprises_and_the_mix_is_plausible():
    run_demo()
    city = OrgUnit.objects.get(parent__isnull=True)
    per_unit = Counter(Enterprise.objects.values_list("org_unit_id", flat=True))
    assert set(per_unit) == set(city.children.values_list("id", flat=True))
    kinds = Counter(Enterprise.objects.values_list("entity_type", flat=True))
    assert kinds["individual_business"] > kinds["limited_company"] > kinds["cooperative"] > 0
    assert Licence.objects.exists() and Certification.objects.exists() and ChiefQualityOfficer.objects.exists()


def test_name_initials_and_search_index_are_ready():
    run_demo(count=300)
    rows = list(Enterprise.objects.values_list("name", "name_initials"))
    # initials are built from the name's parts; pypinyin may read a polyphone across a part boundary
    # differently (盛饭 → "cf"), which is rare.
    same = sum(name_initials(name) == initials for name, initials in rows)
    assert same >= 0.98 * len(rows)
    name = rows[0][0]
    assert filter_by_text(Enterprise.objects.all(), name[-6:-2]).filter(name=name).exists()


def test_demo_accounts_have_their_roles():
    run_demo()
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD)
        assignment = RoleAssignment.objects.get(user=user)
        assert assignment.role == account.role
        if account.scope == "city":
            assert assignment.org_unit.parent is None
        elif account.scope == "enterprise":
            assert user.enterprise is not None and assignment.org_unit == user.enterprise.org_unit
        else:
            assert assignment.org_unit.name == account.scope
    assert {a.role for a in DEMO_ACCOUNTS} == set(Role.values)
    assert User.objects.get(username="reporter").department.code == "market-regulation"


def test_refuses_a_registry_that_has_enterprises_unless_reset():
    run_demo(count=50)
    with pytest.raises(CommandError, match="--reset"):
        run_demo(count=50)
    run_demo(count=60, reset=True)
    assert Enterprise.objects.count() == 60


def test_import_fixture_imports_cleanly_next_to_demo_data(tmp_path):
    from django.core.files import File

    from bench.xlsx_fixture import write_fixture
    from qcity.enterprises.imports import enterprise_import_run

    run_demo(count=200)
    path = write_fixture(tmp_path / "enterprises.xlsx", rows=120)
    with path.open("rb") as handle:
        record = enterprise_import_run(upload=File(handle, name=path.name), by=User.objects.get(username="office"))
    assert record.status == "imported", record.errors[:3]
    assert record.imported_rows == 120
    assert Enterprise.objects.count() == 320


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's grams indexes")
def test_the_grams_indexes_are_built_by_the_work_given_to_the_background():
    """The demo gives the grams indexes' build to its background thread (`DemoContext.in_background`); in a
    transaction (as here) it is done at once, and the indexes dropped for the load are there when it returns."""
    run_demo(count=50)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(search.PG_INDEXES)])
        assert sorted(name for (name,) in cursor.fetchall()) == sorted(search.PG_INDEXES)


def test_the_register_s_load_leaves_the_page_cache_as_it_found_it():
    # given a connection with its own SQLite page cache size
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -12345")
    # when the register is written (its writer takes 1 GB for the load)
    run_demo(count=300)
    # then the connection has its own size back, not SQLite's default
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -12345


def test_a_province_s_enterprises_are_spread_over_its_cities_under_their_own_names():
    province_load(by=None)
    units = demo._units()
    by_id = {u.id: u for u in units}
    rows = list(demo.enterprise_rows(seed=5, count=20_000, units=units, last_day=datetime.date(2026, 12, 4)))
    per_city = Counter(by_id[row[6]].city for row in rows)
    assert len(per_city) == 18  # every city, Jiyuan (a city without districts) included
    assert 0.13 < per_city["郑州市"] / len(rows) < 0.17  # Zhengzhou's 150 per mille
    assert per_city["南阳市"] > per_city["鹤壁市"] > per_city["济源市"] > 0  # by population
    for row in rows:
        unit = by_id[row[6]]
        code, name, address = row[1], row[2], row[7]
        assert uscc.is_valid(code) and code[2:8] == (unit.division_code or unit.city_division)
        assert address.startswith("河南省") and unit.name in address
        if unit.kind in ("district", "county"):  # 河南省开封市杞县…, 河南省安阳市安阳县…
            assert address.startswith(f"河南省{unit.city}{unit.name}")
        if unit.city != "郑州市":
            assert "郑州" not in name and "郑州" not in address
    kaifeng_companies = [row[2] for row in rows if by_id[row[6]].city == "开封市" and row[4] == "limited_company"]
    assert any(name.startswith("开封") for name in kaifeng_companies)
