"""What every benchmark prints: percentiles, and the table figure | target | measured | result.

Every printed table is also appended, one JSON line per figure with the date, the machine, the database and
a CPU check, to `var/bench/summary.jsonl` (BENCH_SUMMARY overrides the path; `make bench` starts it empty),
which `bench/summary.py` prints as one table.
"""

from __future__ import annotations

import json
import math
import os
import platform
import time
from datetime import datetime
from pathlib import Path

HEADINGS = ("figure", "target", "measured", "result")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _width(text: str) -> int:
    """CJK characters take two columns in a terminal."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def print_report(rows: list[tuple[str, str, str, str]], title: str) -> None:
    widths = [max(_width(h), *(_width(r[i]) for r in rows)) for i, h in enumerate(HEADINGS)]
    print(f"\n{title}")
    for row in [HEADINGS, tuple("-" * w for w in widths), *rows]:
        print("  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths, strict=True)))
    record_summary(rows, title)


SUMMARY = Path(__file__).resolve().parent.parent / "var" / "bench" / "summary.jsonl"


def machine() -> str:
    """CPU model, cores and memory: the machine a figure was measured on."""
    model = platform.processor() or platform.machine()
    try:
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
        model = names[0] if names else model
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30 if hasattr(os, "sysconf") else 0
    return f"{model}, {os.cpu_count()} CPUs, {memory:.0f} GiB"


def database() -> str:
    """The database the figures were measured on: Django's connection when set up, else DATABASE_URL's scheme."""
    try:
        from django.db import connection  # lazy: some benchmarks never set Django up

        if connection.vendor == "postgresql":
            return f"PostgreSQL {connection.pg_version // 10000}"
        if connection.vendor == "sqlite":
            return f"SQLite {connection.Database.sqlite_version}"
        return connection.vendor
    except Exception:  # noqa: BLE001 - Django not set up (a benchmark without a database)
        return os.environ.get("DATABASE_URL", "—").split(":", 1)[0]


def cpu_check_ms() -> float:
    """The best of five runs of a fixed pure-Python loop: how fast this machine ran when the figures were
    taken (a shared virtual machine's speed varies by half from minute to minute)."""
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        sum(i * i for i in range(100_000))
        best = min(best, (time.perf_counter() - started) * 1000)
    return round(best, 2)


def record_summary(rows: list[tuple[str, str, str, str]], title: str) -> None:
    path = Path(os.environ.get("BENCH_SUMMARY") or SUMMARY)
    path.parent.mkdir(parents=True, exist_ok=True)
    common = {"date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(),
              "database": database(), "cpu_check_ms": cpu_check_ms(), "benchmark": title.split(" — ")[0]}
    with path.open("a", encoding="utf-8") as out:
        for figure, target, measured, result in rows:
            out.write(json.dumps({**common, "figure": figure, "target": target, "measured": measured,
                                  "result": result}, ensure_ascii=False) + "\n")
