"""Complaint classifier benchmark: accuracy on an independent labelled set, and the time per suggestion.

The classifier (qcity/complaints/classification.py) is trained on the shipped training set only
(qcity/complaints/data/classifier_training.csv), never on the evaluation set, and then suggests a category
and a problem type for every complaint of bench/data/complaints_labelled.csv: complaints written separately,
the way consumers write them (colloquial, typos, long and short, several issues in one), labelled by hand,
sharing no text with the training set (checked here). Not produced by the demo generator.

    .venv/bin/python bench/complaint_classification.py            # the table
    .venv/bin/python bench/complaint_classification.py --verbose  # also list the top-1 misses

Prints a table: top-1 and top-3 accuracy for the category and for the problem type, n, the training time and
the time per suggestion (p50/p95 over all rows). Needs Django settings (the module reads its configuration),
not a database. Always exits 0 (it reports, it does not gate).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reporting import percentile, print_report  # noqa: E402

EVALUATION_FILE = ROOT / "bench" / "data" / "complaints_labelled.csv"
TRAINING_TARGET_S = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list the rows whose first suggestion is wrong")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qcity.settings.dev")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from qcity.complaints import classification

    training = classification.training_examples_shipped()
    with EVALUATION_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [classification.Example(r["text"], r["category"], r["problem_type"]) for r in csv.DictReader(handle)]
    shared = {e.text for e in training} & {e.text for e in rows}
    if shared:
        sys.exit(f"{len(shared)} evaluation texts are also in the training set, e.g. {sorted(shared)[0]!r}")

    # once per process, timed apart: jieba's dictionary and the scikit-learn modules the classifier imports
    started = time.perf_counter()
    classification.words("预热")
    import sklearn.calibration
    import sklearn.feature_extraction.text
    import sklearn.svm  # noqa: F401
    loading_s = time.perf_counter() - started
    started = time.perf_counter()
    classifier = classification.Classifier(training)
    training_s = time.perf_counter() - started

    hits = {"category": [0, 0], "problem_type": [0, 0]}
    times, misses = [], []
    for row in rows:
        started = time.perf_counter()
        suggestion = classifier.suggest(row.text)
        times.append((time.perf_counter() - started) * 1000)
        for field, codes in (("category", suggestion.category_codes), ("problem_type", suggestion.problem_type_codes)):
            expected = getattr(row, field)
            hits[field][0] += bool(codes) and codes[0] == expected
            hits[field][1] += expected in codes
            if not codes or codes[0] != expected:
                misses.append((field, expected, codes[:1], row.text))

    n = len(rows)

    def share(count: int) -> str:
        return f"{count / n:.1%} ({count}/{n})"

    report = [
        ("category, top-1 accuracy", "informational", share(hits["category"][0]), "INFO"),
        ("category, top-3 accuracy", "informational", share(hits["category"][1]), "INFO"),
        ("problem type, top-1 accuracy", "informational", share(hits["problem_type"][0]), "INFO"),
        ("problem type, top-3 accuracy", "informational", share(hits["problem_type"][1]), "INFO"),
        ("loading (jieba dictionary, scikit-learn), once per process", "informational", f"{loading_s:.2f} s",
         "INFO"),
        (f"training ({len(training)} shipped examples)", f"< {TRAINING_TARGET_S:.0f} s", f"{training_s:.2f} s",
         "PASS" if training_s < TRAINING_TARGET_S else "FAIL"),
        ("time per suggestion", "informational",
         f"p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms (n={n})", "INFO"),
    ]
    categories = len({e.category for e in training})
    problem_types = len({e.problem_type for e in training})
    print_report(report, f"complaint classifier — {n} labelled complaints, {categories} categories, "
                         f"{problem_types} problem types, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    if args.verbose:
        print("\ntop-1 misses (field, expected, suggested, text):")
        for field, expected, suggested, text in misses:
            print(f"  {field:12s} {expected:28s} {(suggested or ('—',))[0]:28s} {text[:60]}")


if __name__ == "__main__":
    main()
