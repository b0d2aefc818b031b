"""Cockpit benchmark: page p95 over N requests with the Django test client, on the programme database
(10 years × 20 units × 300 indicators × monthly values, built or reused by bench/programme_data.py).

    .venv/bin/python bench/cockpit.py                       # SQLite, var/bench/programme.sqlite3
    .venv/bin/python bench/cockpit.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_programme

The heavy figures are cached under a key that changes with every approval, so the table also shows
the first (cold) request and a request right after an approval changed the data.
Prints a table: figure, target, measured, result.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.programme_data import build, drop  # noqa: E402
from bench.reporting import percentile, print_report  # noqa: E402

TARGET_MS = 300


def _get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    data = build(args.database_url or None)
    try:
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from qcity.core.models import User
        from qcity.indicators.models import ReportedValue
        from qcity.indicators.selectors import status_data_marker

        cache.clear()
        office, officer = Client(), Client()
        office.force_login(User.objects.get(username="office"))
        officer.force_login(User.objects.get(username="jinshui"))
        url = "/reports/cockpit/"
        cold = _get(office, url)
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
            _get(office, url)
        times = [_get(office if i % 2 else officer, url) for i in range(args.requests)]
        api_times = [_get(office, "/api/cockpit/") for _ in range(max(10, args.requests // 5))]
        # an approval changes the marker: the next request recomputes
        value = ReportedValue.objects.filter(indicator__plan__code=data.plan_code, year=data.years[-1]).first()
        ReportedValue.objects.filter(pk=value.pk).update(approved_at=timezone.now())
        status_data_marker(refresh=True)  # a write without a service: as if MARKER_SECONDS had passed
        after_approval = _get(office, url)
        p95 = percentile(times, 95)
        rows = [
            ("cockpit page p95 (warm)", f"p95 ≤ {TARGET_MS} ms", f"{p95:.1f} ms (p50 {percentile(times, 50):.1f}, "
             f"n={len(times)})", "PASS" if p95 <= TARGET_MS else "FAIL"),
            ("cockpit API p95", f"p95 ≤ {TARGET_MS} ms", f"{percentile(api_times, 95):.1f} ms",
             "PASS" if percentile(api_times, 95) <= TARGET_MS else "FAIL"),
            ("queries per page (warm)", "few", str(len(queries)), "info"),
            ("first request (cold cache)", "—", f"{cold:.0f} ms", "info"),
            ("first request after an approval", "—", f"{after_approval:.0f} ms", "info"),
        ]
        print_report(rows, f"cockpit benchmark — {connection.vendor}, {data.value_count:,} values, "
                           f"{data.indicator_count} indicators, {os.cpu_count()} CPUs, "
                           f"Python {platform.python_version()}")
    finally:
        drop(data)


if __name__ == "__main__":
    main()
