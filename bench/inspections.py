"""Double-random inspection benchmark: a stratified draw over a 1.5-million-object pool, including
writing the draw record (targets, items, two inspectors each), p50/max over several draws.

    .venv/bin/python bench/inspections.py                      # SQLite, var/bench-inspections.sqlite3
    .venv/bin/python bench/inspections.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_inspections

The database is kept between runs (the 1.5 M enterprises take minutes to generate); --drop removes a
PostgreSQL database at the end. Enterprises come from the enterprises demo generator; their credit
classes are set directly (≈35 % A, 55 % B, 8 % C, 2 % D) when no classification exists; 13 × 40
inspectors are added once. Each run builds the pool snapshot (informational), then makes --draws
plans and draws each (the figure), re-verifies one draw from its record, and deletes its plans.
Prints a table: figure, target, measured, result.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.foundation import drop_database, prepare_database, run_qcity  # noqa: E402
from bench.reporting import percentile, print_report  # noqa: E402

TARGET_S = 2.0
ENTERPRISES = 1_500_000
INSPECTORS_PER_UNIT = 40
RATIOS = {"a": Decimal("0.5"), "b": Decimal("1"), "c": Decimal("3"), "d": Decimal("10")}


def ensure_enterprises(count: int, seed: int) -> float:
    from django.utils import timezone

    from qcity.core.demo import DemoContext
    from qcity.core.services import reference_data_load
    from qcity.enterprises import demo as enterprises_demo
    from qcity.enterprises.models import Enterprise

    reference_data_load(by=None)
    if Enterprise.objects.exists():
        return 0.0
    started = time.perf_counter()
    enterprises_demo.generate(DemoContext(scale="city", seed=seed, enterprise_count=count, today=timezone.localdate(),
                                          log=lambda m: None))
    return time.perf_counter() - started


def ensure_classes() -> None:
    """Bench-only shortcut: risk classes straight into credit's table, spread by a hash of the id."""
    from django.db import connection
    from django.utils import timezone

    from qcity.credit.models import CreditClassification
    from qcity.enterprises.models import Enterprise

    if CreditClassification.objects.exists():
        return
    bucket = "((e.id * 7919) %% 100)"  # %% : a literal % in a query with parameters
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CreditClassification._meta.db_table} "
            "(enterprise_id, risk_class, score, reasons, model_version, classified_at) "
            f"SELECT e.id, CASE WHEN {bucket} < 35 THEN 'a' WHEN {bucket} < 43 THEN 'c' ELSE 'd' END, 0, '{{}}', 1, %s "
            f"FROM {Enterprise._meta.db_table} e WHERE {bucket} < 45", [timezone.now()])


def ensure_inspectors(items) -> int:
    from qcity.core.choices import Role
    from qcity.core.models import RoleAssignment, User
    from qcity.core.selectors import org_root_and_children
    from qcity.enterprises.models import Enterprise
    from qcity.inspections.models import Inspector, InspectorConflict

    existing = Inspector.objects.filter(badge_number__startswith="BENCH").count()
    if existing:
        return existing
    _root, units = org_root_and_children()
    users = User.objects.bulk_create([
        User(username=f"bench-inspector-{u.pk}-{n}", full_name=f"检查员{u.pk}-{n}", org_unit=u, password="!")
        for u in units for n in range(INSPECTORS_PER_UNIT)])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=Role.INSPECTOR, org_unit=user.org_unit)
                                        for user in users])
    inspectors = Inspector.objects.bulk_create([
        Inspector(user=user, badge_number=f"BENCH{user.pk:08d}", org_unit=user.org_unit) for user in users])
    Through = Inspector.qualifications.through
    Through.objects.bulk_create([Through(inspector_id=i.pk, inspectionitem_id=item.pk)
                                 for i in inspectors for item in items])
    # declared conflicts: 3 per inspector with enterprises of their own district
    import datetime

    conflicts = []
    for inspector in inspectors:
        ids = Enterprise.objects.filter(org_unit=inspector.org_unit).values_list("id", flat=True)[
            inspector.pk % 1000: inspector.pk % 1000 + 3]
        conflicts += [InspectorConflict(inspector=inspector, enterprise_id=e, reason="bench",
                                        declared_on=datetime.date(2025, 1, 1)) for e in ids]
    InspectorConflict.objects.bulk_create(conflicts)
    return len(inspectors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--enterprises", type=int, default=ENTERPRISES)
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--targets", type=int, default=0,
                        help="draw about this many targets (the ratios' mix as counts) instead of the ratios' "
                             "sample (1 %% of the pool): a city-sized sample from a province's pool")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--drop", action="store_true", help="drop a PostgreSQL database at the end")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench-inspections.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
           "LOG_LEVEL": "WARNING"}
    prepare_database(url, reuse=True)
    try:
        run_qcity(env, "migrate", "--noinput", "-v", "0")
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection
        from django.utils import timezone

        from qcity.core.selectors import org_root
        from qcity.inspections import services
        from qcity.inspections.models import (
            Assignment,
            Draw,
            DrawnTarget,
            InspectionItem,
            InspectionPlan,
            PlanItem,
        )
        from qcity.inspections.records import draw_verify

        generated = ensure_enterprises(args.enterprises, args.seed)
        ensure_classes()
        city = org_root()
        items = []
        for code, name in (("BENCH-GS", "企业公示信息检查"), ("BENCH-CP", "产品质量检查")):
            item = InspectionItem.objects.filter(code=code).first() or services.item_create(
                by=None, code=code, name=name, legal_basis="bench", org_unit=city)
            if not item.published:
                services.item_publish(item=item, by=None)
            items.append(item)
        inspectors = ensure_inspectors(items)

        pool = services.pool_create(by=None, name="bench 全市名录库", org_unit=city, statuses=[])
        started = time.perf_counter()
        snapshot = services.pool_snapshot_build(pool=pool, by=None)
        build_s = time.perf_counter() - started

        times, sizes, plans = [], [], []
        today = timezone.localdate()
        counts = None
        if args.targets:
            by_ratio = {s: math.ceil(RATIOS[s] * snapshot.stratum_sizes.get(s, 0) / 100) for s in RATIOS}
            counts = {s: round(n * args.targets / sum(by_ratio.values())) for s, n in by_ratio.items()}
        for n in range(args.draws):
            plan = services.inspection_plan_create(
                by=None, name=f"bench {n}", org_unit=city, year=today.year, period_start=today, period_end=today,
                pool=pool, items=[(items[0], Decimal(100)), (items[1], Decimal(30))], ratios=RATIOS, counts=counts)
            plans.append(plan)
            started = time.perf_counter()
            draw = services.draw_run(plan=plan, by=None, seed=f"bench-{args.seed}-{n}")
            times.append(time.perf_counter() - started)
            sizes.append(sum(draw.sample_sizes.values()))
        started = time.perf_counter()
        verified = draw_verify(draw).ok
        verify_s = time.perf_counter() - started

        p50, worst = percentile(times, 50), max(times)
        rows = [
            (f"stratified draw over {snapshot.size:,} targets ({sizes[0]:,} drawn, 2 inspectors each), "
             f"{len(times)} draws", f"≤ {TARGET_S:.0f} s", f"p50 {p50:.2f} s, max {worst:.2f} s",
             "PASS" if worst <= TARGET_S else "FAIL"),
            ("pool snapshot build (with_risk_class over the pool, once per pool)", "informational",
             f"{build_s:.1f} s, {len(bytes(snapshot.data)) / 1e6:.1f} MB stored", "INFO"),
            ("verify one draw from its record and snapshot", "informational",
             f"{verify_s:.2f} s, {'ok' if verified else 'MISMATCH'}", "INFO" if verified else "FAIL"),
        ]
        if generated:
            rows.append(("enterprise generation (set-up)", "—", f"{generated:.0f} s", "INFO"))
        print_report(rows, f"inspections benchmark — {connection.vendor}, {snapshot.stratum_sizes}, "
                           f"{inspectors} inspectors, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        # leave the database as it was: the plans, draws and pool of this run go
        Assignment.objects.filter(target__draw__plan__in=plans).delete()
        DrawnTarget.objects.filter(draw__plan__in=plans).delete()
        Draw.objects.filter(plan__in=plans).delete()
        PlanItem.objects.filter(plan__in=plans).delete()
        InspectionPlan.objects.filter(pk__in=[p.pk for p in plans]).delete()
        snapshot.delete()
        pool.delete()
    finally:
        if args.drop and args.database_url:
            from django.db import connections

            connections.close_all()
            drop_database(url)


if __name__ == "__main__":
    main()
