"""Assessment benchmark: one year's assessment of every district and department, on the programme data.

    .venv/bin/python bench/assessment.py                        # SQLite, var/bench/programme.sqlite3
    .venv/bin/python bench/assessment.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_programme

Builds (or reuses) the benchmark database of bench/programme_data.py — 10 years × 20 units × 300
indicators × monthly values — creates the default scheme for the year (300 indicator items, the task
item, bonus and veto items), then times `assessment_run` (read, score, rank, replace the results) over
--runs runs. Prints a table: figure, target, measured, result.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.programme_data import build, drop  # noqa: E402
from bench.reporting import percentile, print_report  # noqa: E402

TARGET = ("≤ 1 s", lambda seconds: seconds <= 1.0)
SCHEME_NAME = "基准测试考核方案"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the benchmark data first")
    args = parser.parse_args()

    data = build(args.database_url or None, rebuild=args.rebuild)
    try:
        from django.db import connection

        from qcity.assessment.models import AssessmentScheme
        from qcity.assessment.services import assessment_run, scheme_create_default

        scheme = AssessmentScheme.objects.filter(year=args.year, name=SCHEME_NAME).first()
        if scheme is None:
            scheme = scheme_create_default(year=args.year, by=None, name=SCHEME_NAME)
        items = scheme.items.count()
        times, results = [], []
        for _run in range(args.runs + 1):  # the first run warms the connection and imports
            started = time.perf_counter()
            results = assessment_run(scheme=scheme, by=None)
            times.append(time.perf_counter() - started)
        measured = times[1:]
        districts = sum(r.subject_kind == "district" for r in results)
        departments = len(results) - districts
        target, ok = TARGET
        rows = [(f"assessment of {args.year}: {districts} districts + {departments} departments × {items} items "
                 f"({args.runs} runs)", target,
                 f"p50 {statistics.median(measured):.3f} s (max {max(measured):.3f}, first {times[0]:.3f})",
                 "PASS" if ok(percentile(measured, 50)) else "FAIL")]
        from qcity.core.models import OrgUnit
        from qcity.indicators.quality_index import quality_index

        units = list(OrgUnit.objects.filter(pk__in=data.unit_ids))
        index_times = []
        for _run in range(args.runs + 1):
            started = time.perf_counter()
            quality_index(year=args.year, org_units=units)
            index_times.append(time.perf_counter() - started)
        rows.append((f"quality index of {args.year}: {len(units)} units × 300 indicators", "informational",
                     f"p50 {statistics.median(index_times[1:]):.3f} s (max {max(index_times[1:]):.3f})", "INFO"))
        build_note = f"built in {data.build_seconds:.1f} s" if data.build_seconds else "reused"
        print_report(rows, f"assessment benchmark — {connection.vendor}, {data.value_count:,} monthly values ({build_note}), "
                           f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
        top = sorted(results, key=lambda r: (r.subject_kind, r.rank))[:3]
        print("\nfirst places: " + "; ".join(f"{r.subject} {r.score} ({r.get_grade_display()})" for r in top))
    finally:
        drop(data)


if __name__ == "__main__":
    main()
