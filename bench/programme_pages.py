"""Programme pages benchmark: what the office and a district officer wait for, page HTML end to end.

On the programme database of bench/programme_data.py (10 years × 20 units × 300 indicators × monthly values),
with the indicators' decomposition kinds set by the plan-load rule, a confirmed split of every total among the
districts for the last year, and the default assessment scheme run: each page is requested through the Django
test client (middleware, templates, permissions included) as the users who open it, with the filters they use,
`--requests` times (200 by default), and each answer is checked (status 200, the rows it must show, no
fractional count).

    .venv/bin/python bench/programme_pages.py                       # SQLite, var/bench/programme.sqlite3
    .venv/bin/python bench/programme_pages.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_programme

Prints a table: figure, target, measured, result (p95 ≤ 300 ms per page); then, for the pages cached under
the data marker (status board, cockpit, quality index), the first request after a change (cache emptied).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.programme_data import build, drop  # noqa: E402
from bench.reporting import percentile, print_report  # noqa: E402

TARGET_MS = 300
COLD_REQUESTS = 5
YEAR = 2025
SCHEME_NAME = "基准测试考核方案"
FRACTIONAL_COUNT = re.compile(r"\d+\.\d+\s*(?:件|个|家|户|项)(?![/\w])")


def _decompose(plan_code: str) -> int:
    """Kinds by the plan-load rule; every split total of YEAR shared among the districts, confirmed."""
    from qcity.core.models import OrgUnit
    from qcity.indicators.choices import IndicatorDecomposition, TargetDecompositionStatus
    from qcity.indicators.decomposition import default_kind
    from qcity.indicators.models import Indicator, TargetDecomposition, UnitTarget

    indicators = list(Indicator.objects.filter(plan__code=plan_code).prefetch_related("targets"))
    for indicator in indicators:
        indicator.decomposition = default_kind(name=indicator.name, unit=indicator.unit,
                                               accumulation=indicator.accumulation)
    Indicator.objects.bulk_update(indicators, ["decomposition"])
    districts = list(OrgUnit.objects.filter(parent__parent__isnull=True, parent__isnull=False).order_by("pk"))
    created = 0
    for indicator in indicators:
        if indicator.decomposition != IndicatorDecomposition.SPLIT:
            continue
        target = next(t for t in indicator.targets.all() if t.year == YEAR)
        if target.value is None or TargetDecomposition.objects.filter(indicator=indicator, year=YEAR).exists():
            continue
        decomposition = TargetDecomposition.objects.create(indicator=indicator, year=YEAR,
                                                           status=TargetDecompositionStatus.CONFIRMED)
        share, rest = divmod(int(target.value), len(districts))
        UnitTarget.objects.bulk_create([
            UnitTarget(decomposition=decomposition, org_unit=unit, value=Decimal(share + (1 if n < rest else 0)))
            for n, unit in enumerate(districts)])
        created += 1
    return created


def _get(client, url: str, must: tuple[str, ...]) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    text = response.content.decode()
    for marker in must:
        assert marker in text, (url, marker)
    assert not FRACTIONAL_COUNT.search(text), (url, FRACTIONAL_COUNT.search(text).group())
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    data = build(args.database_url or None)
    try:
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client

        from qcity.assessment.models import AssessmentScheme
        from qcity.assessment.services import assessment_run, scheme_create_default
        from qcity.core.models import User

        split = _decompose(data.plan_code)
        scheme = AssessmentScheme.objects.filter(year=YEAR, name=SCHEME_NAME).first()
        if scheme is None:
            scheme = scheme_create_default(year=YEAR, by=None, name=SCHEME_NAME)
            assessment_run(scheme=scheme, by=None)
        cache.clear()
        office, officer = Client(), Client()
        office.force_login(User.objects.get(username="office"))
        officer.force_login(User.objects.get(username="jinshui"))
        plan = f"plan={data.plan_code}&year={YEAR}"
        pages = [
            ("status board, whole city (office)", office, f"/indicators/status/?{plan}", ("基准指标001",)),
            ("status board, own district (jinshui)", officer, f"/indicators/status/?{plan}", ("基准指标001",)),
            ("status board sorted by status, one domain (office)", office,
             f"/indicators/status/?{plan}&domain=product&sort=status", ("基准指标",)),
            ("target decomposition table (office)", office, f"/indicators/decompositions/?{plan}", ("B001",)),
            ("values queue, year + indicator (office)", office,
             f"/indicators/values/?year={YEAR}&indicator=", ("<table",)),
            ("values queue, own district (jinshui)", officer, f"/indicators/values/?year={YEAR}", ("<table",)),
            ("cockpit (office)", office, "/reports/cockpit/", ("cockpit-cards", "chart-ranking")),
            ("assessment results (office)", office, f"/assessment/{scheme.pk}/results/", ("<table",)),
            ("assessment scheme editor, grouped (office)", office, f"/assessment/{scheme.pk}/", ("基准指标001",)),
            ("quality index (office)", office, f"/assessment/quality-index/?year={YEAR}", ("<table",)),
        ]
        rows = []
        for label, client, url, must in pages:
            _get(client, url, must)  # warm: first request fills caches and imports
            times = [_get(client, url, must) for _ in range(args.requests)]
            p95 = percentile(times, 95)
            rows.append((label, f"p95 ≤ {TARGET_MS} ms",
                         f"p95 {p95:.1f} ms (p50 {percentile(times, 50):.1f}, max {max(times):.1f}, n={len(times)})",
                         "PASS" if p95 <= TARGET_MS else "FAIL"))
        # The board, the index and the cockpit are cached under the data marker: the first reader after an
        # approval (or any change of targets, decompositions, the rule) computes them again.
        cold = ("status board, whole city (office)", "status board, own district (jinshui)", "cockpit (office)",
                "quality index (office)")
        for label, client, url, must in pages:
            if label not in cold:
                continue
            times = []
            for _ in range(COLD_REQUESTS):
                cache.clear()
                times.append(_get(client, url, must))
            rows.append((f"{label}, first after a change", "—",
                         f"p50 {percentile(times, 50):.1f} ms, max {max(times):.1f} (n={len(times)})", ""))
        print_report(rows, f"programme pages — {connection.vendor}, {data.value_count:,} values, "
                           f"{data.indicator_count} indicators, {split} totals newly split, {os.cpu_count()} CPUs, "
                           f"Python {platform.python_version()}")
    finally:
        drop(data)


if __name__ == "__main__":
    main()
