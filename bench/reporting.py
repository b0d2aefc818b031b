"""What every benchmark prints: percentiles, and the table figure | target | measured | result."""

from __future__ import annotations

import math

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
