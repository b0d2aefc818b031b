"""Benchmark database for the programme modules (assessment, cockpit, white paper).

10 years (2016–2025) × 20 org units (the city, its 16 districts/counties/zones and 3 synthetic
zones) × 300 indicators × monthly values = 720,000 approved ReportedValue rows, on one synthetic plan
(code `bench-programme`, 2016–2025) with indicators across every domain, a target for every year,
≥ / ≤ / range comparators, some cumulative counts, and 1–2 responsible departments per indicator.
Plus Zhengzhou's reference data and the demo accounts (`office`, `reporter`, `jinshui`, …).

Use it from another benchmark (call before anything imports Django models; it runs django.setup()):

    from bench.programme_data import build, drop
    data = build(None)   # SQLite at var/bench/programme.sqlite3; or build("postgres://…/qcity_bench_x")
    ...                  # Django is set up: query, time services
    drop(data)           # drops a PostgreSQL database only if this build created it (no-op otherwise)

`build(database_url=None, *, rebuild=False) -> ProgrammeData` migrates the database and loads the data
unless it is already there (same plan, same row count), so repeated runs reuse it; `rebuild=True`
deletes the SQLite file (or the bench plan's rows on PostgreSQL) and starts again. ProgrammeData holds
database_url, created, plan_code, years, unit_ids, indicator_count, value_count, build_seconds.

Command line:

    .venv/bin/python bench/programme_data.py                       # SQLite, var/bench/programme.sqlite3
    .venv/bin/python bench/programme_data.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_programme
    .venv/bin/python bench/programme_data.py --rebuild

Rows are written with executemany (SQLite) or COPY (PostgreSQL): the services are for people's edits,
and 720,000 ORM saves would measure the ORM instead of building a fixture.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.foundation import drop_database, prepare_database  # noqa: E402

PLAN_CODE = "bench-programme"
YEARS = range(2016, 2026)
INDICATORS = 300
UNITS = 20
SYNTHETIC_UNITS = ["基准测试一区", "基准测试二区", "基准测试三区"]
SEED = 2026
LOCK_KEY = 20262016  # PostgreSQL advisory lock held while building
DEFAULT_SQLITE = ROOT / "var" / "bench" / "programme.sqlite3"
# Indicators per domain: the four sub-index domains carry most of the plan, as in the real plans.
DOMAIN_SHARE = {"product": 80, "engineering": 45, "service": 45, "environment": 45, "brand_ip": 20,
                "quality_infrastructure": 20, "talent": 15, "economy": 15, "government_service": 15}
COLUMNS = ("indicator_id", "org_unit_id", "period_kind", "year", "period_number", "value", "note", "status",
           "source", "status_note", "submitted_at", "approved_at")
NOTE = "基准测试数据"


@dataclass
class ProgrammeData:
    database_url: str
    created: bool  # this build created the PostgreSQL database (drop() removes it)
    plan_code: str = PLAN_CODE
    years: range = YEARS
    unit_ids: list[int] = field(default_factory=list)
    indicator_count: int = 0
    value_count: int = 0
    build_seconds: float = 0.0  # 0 when the data was reused


def _setup_django(url: str) -> None:
    os.environ.update({"DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
                       "LOG_LEVEL": "WARNING"})
    import django

    django.setup()
    from qcity.core.startup import server_ready

    server_ready()  # as a gunicorn worker does once loaded (qcity/wsgi.py)


def build(database_url: str | None = None, *, rebuild: bool = False) -> ProgrammeData:
    """Migrate and fill the benchmark database (or reuse it); leaves Django set up on it."""
    url = database_url or f"sqlite:///{DEFAULT_SQLITE}"
    created = prepare_database(url, reuse=not rebuild)
    _setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a second builder waits, then finds the data and reuses it
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        call_command("migrate", "--noinput", verbosity=0)
        return _build(url, created, rebuild)
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _build(url: str, created: bool, rebuild: bool) -> ProgrammeData:
    from django.db import connection

    from qcity.core.models import OrgUnit
    from qcity.indicators.models import Plan, ReportedValue

    units = _units()
    expected = len(YEARS) * UNITS * INDICATORS * 12
    plan = Plan.objects.filter(code=PLAN_CODE).first()
    data = ProgrammeData(database_url=url, created=created, unit_ids=[u.pk for u in units])
    if plan is not None and not rebuild:
        count = ReportedValue.objects.filter(indicator__plan=plan).count()
        if count == expected:
            data.indicator_count, data.value_count = plan.indicators.count(), count
            return data
    started = time.perf_counter()
    if plan is not None:
        with connection.cursor() as cursor:  # the ORM's cascade would load 720,000 rows to delete them
            cursor.execute("DELETE FROM indicators_reportedvalue WHERE indicator_id IN "
                           "(SELECT id FROM indicators_indicator WHERE plan_id = %s)", [plan.pk])
        plan.delete()
    plan, indicators = _plan()
    data.value_count = _values(indicators, list(OrgUnit.objects.filter(pk__in=data.unit_ids)))
    data.indicator_count = len(indicators)
    data.build_seconds = time.perf_counter() - started
    return data


def drop(data: ProgrammeData) -> None:
    """Drop the PostgreSQL database if `build` created it; keep SQLite files and existing databases."""
    if data.created and not data.database_url.startswith("sqlite"):
        from django.db import connections

        connections.close_all()
        drop_database(data.database_url)


def _units():
    """Reference data, demo accounts, and three synthetic zones so there are 20 units with the city."""
    from qcity.core.choices import OrgUnitKind
    from qcity.core.demo import demo_accounts_create
    from qcity.core.models import OrgUnit
    from qcity.core.services import org_unit_create, reference_data_load

    reference_data_load(by=None)
    city = OrgUnit.objects.get(parent__isnull=True)
    for order, name in enumerate(SYNTHETIC_UNITS, start=90):
        if not OrgUnit.objects.filter(parent=city, name=name).exists():
            org_unit_create(name=name, kind=OrgUnitKind.DEVELOPMENT_ZONE, parent=city, sort_order=order, by=None)
    demo_accounts_create(enterprise=None, forced_password_change=False)  # the benchmarks open pages as them
    units = [city, *OrgUnit.objects.filter(parent=city).order_by("sort_order", "pk")]
    assert len(units) == UNITS, f"expected {UNITS} units, found {len(units)}"
    return units


def _plan():
    """A plan of 300 indicators: a yearly target path from a start value, mixed comparators."""
    from qcity.core.models import Department
    from qcity.indicators.models import Indicator, Plan, Target

    rng = random.Random(f"{SEED}:plan")
    plan = Plan.objects.create(code=PLAN_CODE, title="基准测试规划（2016—2025年）", period_start=YEARS.start,
                               period_end=YEARS.stop - 1, text="基准测试用合成规划。")
    domains = [d for d, n in DOMAIN_SHARE.items() for _ in range(n)]
    assert len(domains) == INDICATORS
    indicators, targets, links = [], [], []
    departments = list(Department.objects.order_by("sort_order", "pk"))
    for position, domain in enumerate(domains, start=1):
        kind = rng.random()
        comparator, accumulation, unit = (">=", "level", "%")
        if kind < 0.2:
            comparator = "<="
        elif kind < 0.25:
            comparator = "range"
        elif kind < 0.33:
            accumulation, unit = "cumulative", "个"
        indicators.append(Indicator(
            plan=plan, code=f"B{position:03d}", name=f"基准指标{position:03d}", domain=domain, unit=unit,
            comparator=comparator, accumulation=accumulation, quote=f"基准指标{position:03d}达到目标。",
            position=position, departments_text="",
        ))
    Indicator.objects.bulk_create(indicators)
    indicators = list(Indicator.objects.filter(plan=plan).select_related("plan").order_by("position"))
    for indicator in indicators:
        start = rng.uniform(40, 80)
        step = rng.uniform(0.5, 2.5)
        for offset, year in enumerate(YEARS):
            if indicator.accumulation == "cumulative":
                value = Decimal(str(round(20 * (offset + 1))))
                targets.append(Target(indicator=indicator, year=year, value=value))
            elif indicator.comparator == "range":
                mid = start + step * offset
                targets.append(Target(indicator=indicator, year=year, low=Decimal(f"{mid - 5:.2f}"),
                                      high=Decimal(f"{mid + 5:.2f}")))
            elif indicator.comparator == "<=":
                targets.append(Target(indicator=indicator, year=year, value=Decimal(f"{start - step * offset:.2f}")))
            else:
                targets.append(Target(indicator=indicator, year=year, value=Decimal(f"{start + step * offset:.2f}")))
        for department in rng.sample(departments, rng.choice([1, 1, 2])):
            links.append(Indicator.departments.through(indicator_id=indicator.pk, department_id=department.pk))
    Target.objects.bulk_create(targets, batch_size=2000)
    Indicator.departments.through.objects.bulk_create(links)
    return plan, indicators


def _rows(indicators, units, goals: dict[tuple[int, int], tuple], stamp: str):
    """Monthly approved values: a unit's skill decides how close it runs to each year's target.

    `goals` is read before writing starts: no query may run on the connection while COPY is open."""
    rng = random.Random(f"{SEED}:values")
    skills = {u.pk: rng.uniform(0.85, 1.1) for u in units}
    for indicator in indicators:
        for unit in units:
            skill = skills[unit.pk] * rng.uniform(0.95, 1.05)
            for year in YEARS:
                value, low, high = goals[(indicator.pk, year)]
                goal = float(value if value is not None else (low + high) / 2)
                if indicator.accumulation == "cumulative":
                    per_month = 20 / 12 * skill
                    monthly = [per_month * rng.uniform(0.7, 1.3) for _ in range(12)]
                else:
                    level = goal / skill if indicator.comparator == "<=" else goal * skill
                    monthly = [level * (0.97 + 0.03 * m / 12) * rng.uniform(0.99, 1.01) for m in range(1, 13)]
                for month, v in enumerate(monthly, start=1):
                    yield (indicator.pk, unit.pk, "month", year, month, f"{v:.2f}", NOTE, "approved", "reported",
                           "", stamp, stamp)


def _values(indicators, units) -> int:
    from django.db import connection, transaction

    from qcity.indicators.models import Target

    table = "indicators_reportedvalue"
    goals = {(t[0], t[1]): t[2:] for t in Target.objects.filter(indicator__in=indicators)
             .values_list("indicator_id", "year", "value", "low", "high")}
    stamp = "2026-01-15 08:00:00" + ("+00:00" if connection.vendor == "postgresql" else "")
    total = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg 3 cursor: COPY is an order of magnitude faster than INSERT
                with raw.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in _rows(indicators, units, goals, stamp):
                        copy.write_row(row)
                        total += 1
            else:
                sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
                batch = []
                for row in _rows(indicators, units, goals, stamp):
                    batch.append(row)
                    if len(batch) == 20_000:
                        cursor.executemany(sql, batch)
                        total += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    total += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rebuild", action="store_true", help="delete the benchmark data and build it again")
    args = parser.parse_args()
    data = build(args.database_url or None, rebuild=args.rebuild)
    how = f"built in {data.build_seconds:.1f} s" if data.build_seconds else "reused"
    print(f"{data.database_url}: {len(data.unit_ids)} units, {data.indicator_count} indicators, "
          f"{data.value_count:,} approved monthly values over {data.years.start}–{data.years.stop - 1} ({how})")


if __name__ == "__main__":
    main()
