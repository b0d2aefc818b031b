"""The benchmarks' one summary table (bench/reporting.py, bench/summary.py)."""

import json
import sys

from django.db import connection

from bench import summary
from bench.reporting import print_report


def test_every_printed_figure_is_summarised_with_its_date_machine_and_database(tmp_path, monkeypatch, capsys, db):
    path = tmp_path / "summary.jsonl"
    monkeypatch.setenv("BENCH_SUMMARY", str(path))
    # given two benchmarks that printed their tables
    print_report([("search page, 2 characters", "p95 ≤ 100 ms", "p95 64.5 ms", "PASS")], "search benchmark — sqlite")
    print_report([("lookup, list page", "p95 ≤ 10 ms", "p95 16.3 ms", "FAIL"),
                  ("lookup, detail page", "p95 ≤ 10 ms", "p95 8.7 ms", "PASS")], "lookup benchmark — sqlite, 1,500,000")
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["figure"] for r in records] == ["search page, 2 characters", "lookup, list page", "lookup, detail page"]
    assert {r["benchmark"] for r in records} == {"search benchmark", "lookup benchmark"}
    vendor = {"sqlite": "SQLite 3.", "postgresql": "PostgreSQL "}[connection.vendor]
    assert all(r["database"].startswith(vendor) and r["machine"] and r["date"][:2] == "20"
               and r["cpu_check_ms"] > 0 for r in records)
    # when the summary is printed, it holds every figure and counts the missed targets
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["summary.py", str(path)])
    summary.main()
    out = capsys.readouterr().out
    assert "3 figures" in out and "1 of 3 figures miss their target" in out
    assert out.count(vendor) == 3 and "p95 16.3 ms" in out
