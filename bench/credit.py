"""Credit benchmark: full risk reclassification of every enterprise, and the public credit lookup by code.

    .venv/bin/python bench/credit.py                      # SQLite, var/bench-credit.sqlite3
    .venv/bin/python bench/credit.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_credit

The database is kept between runs (1.5 M enterprises take minutes to generate); --drop removes a
PostgreSQL database at the end. Enterprises come from the enterprises demo generator, credit events and
list entries from the credit demo generator (≈4 % of enterprises with an event in the demo year, 1 % on
the abnormal-operations list). Figures:
  * full reclassification (cold: the classification table emptied first, so every row is written),
  * the same pass again (steady state: only changed rows are written; informational),
  * GET /public/credit/<code>/ (the public credit file page) over --lookups random codes, half of them
    enterprises with credit events; p95.
Prints a table: figure, target, measured, result.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.foundation import drop_database, prepare_database, run_qcity  # noqa: E402
from bench.inspections import ensure_enterprises  # noqa: E402
from bench.reporting import percentile, print_report  # noqa: E402

ENTERPRISES = 1_500_000
RECLASSIFY_TARGET_S = 60.0
LOOKUP_TARGET_MS = 50.0


def ensure_credit_data(count: int, seed: int) -> float:
    from django.utils import timezone

    from qcity.core.demo import DemoContext
    from qcity.credit import demo
    from qcity.credit.models import CreditEvent

    if CreditEvent.objects.exists():
        return 0.0
    started = time.perf_counter()
    demo.generate(DemoContext(scale="city", seed=seed, enterprise_count=count, today=timezone.localdate(),
                              log=lambda m: None))
    return time.perf_counter() - started


def lookup_codes(rng: random.Random, n: int) -> list[str]:
    from django.db.models import Max, Min

    from qcity.credit.models import CreditEvent
    from qcity.enterprises.models import Enterprise

    with_events = list(CreditEvent.objects.order_by().values_list("enterprise__uscc", flat=True).distinct()[:20_000])
    codes = rng.sample(with_events, min(n // 2, len(with_events)))
    bounds = Enterprise.objects.aggregate(lo=Min("id"), hi=Max("id"))
    while len(codes) < n:
        ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(n)]
        codes += list(Enterprise.objects.filter(id__in=ids).values_list("uscc", flat=True)[: n - len(codes)])
    rng.shuffle(codes)
    return codes


def bench_lookup(codes: list[str], path: str) -> dict:
    from django.test import Client

    client = Client()
    for code in codes[:20]:  # warm the connection, templates and statement path
        assert client.get(path.format(code)).status_code == 200
    times = []
    for code in codes:
        started = time.perf_counter()
        response = client.get(path.format(code))
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (code, response.status_code)
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times), "n": len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--enterprises", type=int, default=ENTERPRISES)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--drop", action="store_true", help="drop a PostgreSQL database at the end")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench-credit.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
           "LOG_LEVEL": "WARNING"}
    prepare_database(url, reuse=True)
    try:
        run_qcity(env, "migrate", "--noinput", "-v", "0")
        os.environ.update(env)
        import django

        django.setup()
        from qcity.core.startup import server_ready

        server_ready()  # as a gunicorn worker does once loaded (qcity/wsgi.py)
        from django.db import connection
        from django.db.models import Count
        from django.utils import timezone

        from qcity.credit.models import CreditClassChange, CreditClassification, CreditEvent, CreditListEntry
        from qcity.credit.services import credit_reclassify_all
        from qcity.enterprises.models import Enterprise

        generated = ensure_enterprises(args.enterprises, args.seed)
        credit_s = ensure_credit_data(args.enterprises, args.seed)
        total = Enterprise.objects.count()
        events, entries = CreditEvent.objects.count(), CreditListEntry.objects.count()

        with connection.cursor() as cursor:  # a cold pass: every classification row is written again
            cursor.execute(f"DELETE FROM {CreditClassChange._meta.db_table}")
            cursor.execute(f"DELETE FROM {CreditClassification._meta.db_table}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        cold = credit_reclassify_all(on=timezone.localdate())
        warm = credit_reclassify_all(on=timezone.localdate())
        classes = dict(CreditClassification.objects.order_by().values_list("risk_class").annotate(n=Count("pk")))

        rng = random.Random(args.seed)
        codes = lookup_codes(rng, args.lookups)
        page = bench_lookup(codes, "/public/credit/{}/")
        api = bench_lookup(codes, "/api/public/credit-files/{}/")

        rows = [
            (f"full reclassification of {cold.enterprises:,} enterprises (cold: every row written, "
             f"{cold.changed:,} not B)", f"≤ {RECLASSIFY_TARGET_S:.0f} s", f"{cold.seconds:.1f} s",
             "PASS" if cold.seconds <= RECLASSIFY_TARGET_S else "FAIL"),
            (f"reclassification again (steady state, {warm.changed} changed)", "informational",
             f"{warm.seconds:.1f} s", "INFO"),
            (f"public credit file page by credit code ({page['n']} requests)", f"p95 ≤ {LOOKUP_TARGET_MS:.0f} ms",
             f"p95 {page['p95']:.1f} ms (p50 {page['p50']:.1f}, max {page['max']:.1f})",
             "PASS" if page["p95"] <= LOOKUP_TARGET_MS else "FAIL"),
            (f"public credit API by credit code ({api['n']} requests)", f"p95 ≤ {LOOKUP_TARGET_MS:.0f} ms",
             f"p95 {api['p95']:.1f} ms (p50 {api['p50']:.1f}, max {api['max']:.1f})",
             "PASS" if api["p95"] <= LOOKUP_TARGET_MS else "FAIL"),
        ]
        if credit_s:
            rows.append((f"credit demo data ({events:,} events, {entries:,} list entries; set-up)", "—",
                         f"{credit_s:.1f} s", "INFO"))
        if generated:
            rows.append(("enterprise generation (set-up)", "—", f"{generated:.0f} s", "INFO"))
        print_report(rows, f"credit benchmark — {connection.vendor}, {total:,} enterprises, {events:,} credit events, "
                           f"classes {dict(sorted(classes.items()))}, {os.cpu_count()} CPUs, "
                           f"Python {platform.python_version()}")
    finally:
        if args.drop and args.database_url:
            from django.db import connections

            connections.close_all()
            drop_database(url)


if __name__ == "__main__":
    main()
