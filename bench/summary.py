"""One table of every figure the last `make bench` printed, with the date, machine and database of each.

    .venv/bin/python bench/summary.py [path/to/summary.jsonl]

The benchmarks append their figures to var/bench/summary.jsonl (bench/reporting.py); `make bench` empties it
first and prints this table last. The CPU check (ms for a fixed pure-Python loop, lower is faster) shows how
fast the machine ran when each table was taken.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reporting import SUMMARY, _width  # noqa: E402

COLUMNS = ("benchmark", "figure", "target", "measured", "result", "database", "date", "cpu_check_ms")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else SUMMARY
    if not path.exists():
        sys.exit(f"{path}: no figures yet (run make bench)")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [tuple(str(r.get(c, "")) for c in COLUMNS) for r in records]
    widths = [max(_width(c), *(_width(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
    machines = sorted({r["machine"] for r in records})
    print(f"\nbenchmark summary — {len(records)} figures, machine: {'; '.join(machines)}")
    for row in [COLUMNS, tuple("-" * w for w in widths), *rows]:
        print("  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths, strict=True)))
    failed = sum(r["result"] == "FAIL" for r in records)
    print(f"\n{failed} of {len(records)} figures miss their target")


if __name__ == "__main__":
    main()
