"""White paper benchmark: DOCX + PDF generation time for the latest year, on the programme database
(built or reused by bench/programme_data.py), plus the mid-term evaluation for comparison.

    .venv/bin/python bench/white_paper.py
    .venv/bin/python bench/white_paper.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_programme

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
from bench.reporting import print_report  # noqa: E402

TARGET_S = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"), help="where to keep the generated files")
    args = parser.parse_args()
    data = build(args.database_url or None)
    try:
        from django.db import connection

        from qcity.indicators.models import Plan
        from qcity.reports import services

        year = data.years[-1]
        plan = Plan.objects.get(code=data.plan_code)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        timings, sizes = {}, {}
        for name, build_report in (
            ("white-paper", lambda fmt: services.white_paper_build(year=year, fmt=fmt, by=None)),
            ("midterm", lambda fmt: services.midterm_evaluation_build(
                plan=plan, year=services.midpoint_year(plan), fmt=fmt, by=None)),
        ):
            started = time.perf_counter()
            for fmt in services.FORMATS:
                content = build_report(fmt)
                (out / f"{name}.{fmt}").write_bytes(content)
                sizes[(name, fmt)] = len(content)
            timings[name] = time.perf_counter() - started
        rows = [
            ("white paper DOCX + PDF", f"≤ {TARGET_S} s", f"{timings['white-paper']:.2f} s "
             f"(docx {sizes[('white-paper', 'docx')] // 1024} KB, pdf {sizes[('white-paper', 'pdf')] // 1024} KB)",
             "PASS" if timings["white-paper"] <= TARGET_S else "FAIL"),
            ("mid-term evaluation DOCX + PDF", "—", f"{timings['midterm']:.2f} s", "info"),
        ]
        print_report(rows, f"white paper {year} — {connection.vendor}, {data.value_count:,} values, "
                           f"{data.indicator_count} indicators, {os.cpu_count()} CPUs, "
                           f"Python {platform.python_version()}")
        print(f"files in {out}")
    finally:
        drop(data)


if __name__ == "__main__":
    main()
