"""Sampling benchmark: a city-scale year of sampling, the pass-rate indicators and the officer's click.

    .venv/bin/python bench/sampling.py                     # SQLite, var/bench-sampling.sqlite3
    .venv/bin/python bench/sampling.py --database-url postgres://postgres@127.0.0.1:5432/qcity_sampling_bench

The database is kept between runs (use --rebuild to start over). Enterprises come from the enterprises demo
generator (--enterprises, default 100,000: the sampling demo draws its sampled parties from a pool of at most
60,000 anyway); the sampling demo runs at city scale (20,000 samples with ~57,000 test items, credit events
and indicator refresh). Figures:
  * the sampling demo at city scale (target ≤ 30 s),
  * one refresh of a pass-rate indicator (city + districts, every plan carrying the key) — what each
    conclusion triggers on commit,
  * the pass-rate table by category and by district (the office, all samples),
  * recording a sample, entering its results and confirming a failing conclusion (credit event,
    reclassification and indicator refresh included),
  * the public results page, searched by product.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.foundation import drop_database, prepare_database, run_qcity  # noqa: E402
from bench.inspections import ensure_enterprises  # noqa: E402
from bench.reporting import percentile, print_report  # noqa: E402

DEMO_TARGET_S = 30.0


def _timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def _ms(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"p50 {statistics.median(ms):.1f} ms (p95 {percentile(ms, 95):.1f}, max {max(ms):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench-sampling.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
           "LOG_LEVEL": "WARNING"}
    if args.rebuild and not url.startswith("sqlite"):
        drop_database(url)
    prepare_database(url, reuse=not args.rebuild)
    run_qcity(env, "migrate", "--noinput", "-v", "0")
    os.environ.update(env)
    import django

    django.setup()
    from qcity.core.startup import server_ready

    server_ready()  # as a gunicorn worker does once loaded (qcity/wsgi.py)
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from qcity.core.choices import Role
    from qcity.core.demo import DemoContext
    from qcity.core.models import OrgUnit, RoleAssignment, User
    from qcity.enterprises.models import Enterprise
    from qcity.indicators.services import computed_indicators_refresh, plans_load_builtin
    from qcity.sampling import demo, services
    from qcity.sampling.choices import PassRateGroup, SamplingConclusion
    from qcity.sampling.models import ProductCategory, Sample, SamplingPlan
    from qcity.sampling.pass_rates import pass_rates
    from qcity.sampling.selectors import sample_list

    ensure_enterprises(args.enterprises, args.seed)
    plans_load_builtin(by=None)
    demo_s = None
    if not SamplingPlan.objects.exists():
        started = time.perf_counter()
        demo.generate(DemoContext(scale="city", seed=args.seed, enterprise_count=1_500_000, today=timezone.localdate(),
                                  log=lambda m: None))
        demo_s = time.perf_counter() - started
    samples = Sample.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    # the city food plan of the demo's latest year (the database may have been built on an earlier day)
    plan = (SamplingPlan.objects.filter(title__startswith="郑州市", title__endswith="年度食品安全监督抽检计划")
            .order_by("-period_start").first())
    year = plan.period_start.year
    day = min(timezone.localdate(), plan.period_end)  # samples dated inside the plan, not after today
    refresh = _timed(lambda: computed_indicators_refresh(key="sampling.food_pass_rate", year=year), args.runs)
    by_category = _timed(lambda: pass_rates(samples=sample_list(), group=PassRateGroup.CATEGORY), args.runs)
    by_district = _timed(lambda: pass_rates(samples=sample_list(), group=PassRateGroup.DISTRICT), args.runs)

    city = OrgUnit.objects.get(parent__isnull=True)
    samplers = list(User.objects.filter(username__in=["sampler1", "sampler2"]))
    officer = User.objects.filter(pk__in=RoleAssignment.objects.filter(role=Role.LEADERSHIP_OFFICE, org_unit=city)
                                  .values("user_id")).first() or samplers[0]
    category = ProductCategory.objects.get(code="SP01")
    enterprise_ids = list(Enterprise.objects.order_by("id").values_list("id", flat=True)[: args.runs])
    clicks = []
    for n, enterprise_id in enumerate(enterprise_ids):
        enterprise = Enterprise.objects.select_related("org_unit").get(pk=enterprise_id)
        started = time.perf_counter()
        sample = services.sample_create(
            by=officer, plan=plan, category=category, enterprise=enterprise, product_name="基准测试小麦粉",
            batch_number=f"BENCH{n:04d}-{time.time_ns()}",
            sampling_date=max(plan.period_start, day - datetime.timedelta(days=20)),
            sampling_place="market", samplers=samplers, quantity=4, backup_quantity=2)
        services.test_results_record(sample=sample, by=officer, items=[
            {"item_name": "铅（以Pb计）", "limit_max": "0.2", "measured_value": "0.45", "unit": "mg/kg"}])
        services.sample_conclude(sample=sample, conclusion=SamplingConclusion.FAIL, by=officer, test_report_number=
                                 f"BENCH-{time.time_ns()}", concluded_on=day)
        clicks.append(time.perf_counter() - started)

    client = Client()
    client.get("/public/sampling/?product=挂面")
    public = _timed(lambda: client.get("/public/sampling/?product=挂面"), args.runs)

    rows = []
    if demo_s is not None:
        rows.append((f"sampling demo at city scale ({samples:,} samples)", f"≤ {DEMO_TARGET_S:.0f} s", f"{demo_s:.1f} s",
                     "PASS" if demo_s <= DEMO_TARGET_S else "FAIL"))
    rows += [
        (f"refresh of the food pass-rate indicator for {year} (every plan, city + districts)", "informational",
         _ms(refresh), "INFO"),
        ("pass-rate table by category (office: all samples)", "informational", _ms(by_category), "INFO"),
        ("pass-rate table by district (office: all samples)", "informational", _ms(by_district), "INFO"),
        ("record a sample + results + confirm a failing conclusion (credit event, reclassification, "
         "indicator refresh)", "informational", _ms(clicks), "INFO"),
        ("public results page, searched by product", "informational", _ms(public), "INFO"),
    ]
    print_report(rows, f"sampling benchmark — {connection.vendor}, {Enterprise.objects.count():,} enterprises, "
                       f"{Sample.objects.count():,} samples, {os.cpu_count()} CPUs, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
