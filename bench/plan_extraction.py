"""Plan-import extractor benchmark: the built-in plans' curated catalogues are the reference answer.

    .venv/bin/python bench/plan_extraction.py            # table per plan and total
    .venv/bin/python bench/plan_extraction.py --verbose  # also list misses and false positives

An extracted target matches a catalogue target when year, comparator, numbers and unit agree and its
quote overlaps the catalogue quote in the text; matching is one-to-one and greedy. Runs without Django
settings: the extractor is pure Python. Always exits 0 (it reports, it does not gate).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qcity.indicators.extraction import (  # noqa: E402
    QUANTITATIVE,
    ProposedTarget,
    extract_targets,
    split_multiplier,
)

PLANS_DIR = ROOT / "qcity" / "indicators" / "data" / "plans"
PLAN_CODES = ("zz-2014-demonstration", "zz-2021-14th-fyp", "zz-airport-2021")


@dataclass(frozen=True)
class ReferenceTarget:
    code: str
    name: str
    comparator: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    year: int
    quote: str
    spans: tuple[tuple[int, int], ...]  # every occurrence of the quote in the text


def _unit(unit: str | None) -> str:
    return (unit or "").replace("％", "%").replace(" ", "").replace("\u3000", "")


def _float(number) -> float | None:
    return None if number is None else float(number)


def _occurrences(text: str, quote: str) -> tuple[tuple[int, int], ...]:
    spans, at = [], text.find(quote) if quote else -1
    while at != -1:
        spans.append((at, at + len(quote)))
        at = text.find(quote, at + 1)
    return tuple(spans)


def load_reference(code: str, text: str) -> list[ReferenceTarget] | None:
    path = PLANS_DIR / f"{code}.json"
    if not path.exists():
        return None
    try:
        catalogue = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None  # being written right now
    targets = []
    for indicator in catalogue.get("indicators", []):
        for target in indicator.get("targets", []):
            quote = target.get("quote") or indicator.get("quote") or ""
            # the catalogue keeps 亿元/万户 as the plan writes them; the extractor gives 元/户 (same quantity)
            unit = _unit(indicator.get("unit"))
            value, _ = split_multiplier(target.get("value"), unit)
            low, _ = split_multiplier(target.get("low"), unit)
            high, unit = split_multiplier(target.get("high"), unit)
            targets.append(ReferenceTarget(
                code=indicator.get("code", ""), name=indicator.get("name", ""),
                comparator=indicator.get("comparator", ""), value=_float(value),
                low=_float(low), high=_float(high), unit=unit,
                year=target.get("year"), quote=quote, spans=_occurrences(text, quote),
            ))
    return targets


def _agrees(found: ProposedTarget, ref: ReferenceTarget) -> bool:
    if (found.year, found.comparator, _unit(found.unit)) != (ref.year, ref.comparator, ref.unit):
        return False
    if (_float(found.value), _float(found.low), _float(found.high)) != (ref.value, ref.low, ref.high):
        return False
    return any(found.start < end and start < found.end for start, end in ref.spans)


def match(found: list[ProposedTarget], reference: list[ReferenceTarget]):
    """Greedy one-to-one: each catalogue target takes the first unused extracted target that agrees."""
    used: set[int] = set()
    pairs, misses = [], []
    for ref in reference:
        hit = next((i for i, f in enumerate(found) if i not in used and _agrees(f, ref)), None)
        if hit is None:
            misses.append(ref)
        else:
            used.add(hit)
            pairs.append((ref, found[hit]))
    false_positives = [f for i, f in enumerate(found) if i not in used]
    return pairs, misses, false_positives


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "  -  "


def _describe(t) -> str:
    number = t.value if t.value is not None else f"{t.low}~{t.high}"
    quote = t.quote.replace("\n", "⏎").replace("\t", "⇥")
    return f"{t.comparator:>5} {number!s:>8} {t.unit or '-':<6} {t.year}  {t.name[:28]:<30} «{quote[:60]}»"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list misses and false positives")
    args = parser.parse_args(argv)

    rows, totals, qualitative = [], [0, 0, 0], 0
    for code in PLAN_CODES:
        text = (PLANS_DIR / f"{code}.txt").read_text(encoding="utf-8")
        proposed = extract_targets(text)
        # qualitative proposals (高于全省平均水平) carry no numbers: counted apart, not against the catalogue
        found = [t for t in proposed if t.kind == QUANTITATIVE]
        qualitative += len(proposed) - len(found)
        reference = load_reference(code, text)
        if reference is None:
            rows.append((code, "-", len(found), "-", "-", "-"))
            print(f"{code}: catalogue missing or incomplete; {len(found)} targets extracted", file=sys.stderr)
            continue
        pairs, misses, false_positives = match(found, reference)
        totals[0] += len(reference)
        totals[1] += len(found)
        totals[2] += len(pairs)
        rows.append((code, len(reference), len(found), len(pairs), _ratio(len(pairs), len(found)),
                     _ratio(len(pairs), len(reference))))
        if args.verbose:
            unlocated = [r for r in reference if not r.spans]
            print(f"\n== {code}: {len(misses)} missed, {len(false_positives)} false positives")
            for ref in misses:
                print(f"  MISS {ref.code:<7}{_describe(ref)}")
            for f in false_positives:
                print(f"  FP          {_describe(f)}")
            for ref in unlocated:
                print(f"  (catalogue quote of {ref.code} not found in the text)")
    rows.append(("total", totals[0], totals[1], totals[2], _ratio(totals[2], totals[1]), _ratio(totals[2], totals[0])))

    header = ("plan", "catalogue", "extracted", "matched", "precision", "recall")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print()
    for i, row in enumerate([header, *rows]):
        print("  ".join(str(cell).ljust(w) if j == 0 else str(cell).rjust(w) for j, (cell, w) in enumerate(zip(row, widths, strict=True))))
        if i == 0 or row[0] == PLAN_CODES[-1]:
            print("  ".join("-" * w for w in widths))
    print(f"qualitative proposals (not scored): {qualitative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
