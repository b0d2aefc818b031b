"""Foundation benchmarks: demo generation and xlsx import (search, lookup and list pages: bench/search.py).

    .venv/bin/python bench/foundation.py --scale city                      # SQLite, var/bench/
    .venv/bin/python bench/foundation.py --scale city \\
        --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_foundation

A SQLite file is recreated for each run. A PostgreSQL database that does not exist is created and
dropped at the end (--keep keeps it). If the database already holds enterprises (--reuse, or an
existing PostgreSQL database), the generation step is skipped and the other figures use that data.
Prints a table: figure, target, measured, result.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reporting import print_report  # noqa: E402

IMPORT_ROWS = 200_000
TARGETS = {  # figure → (target text, test)
    "generation": ("≤ 120 s", lambda v: v <= 120),
    "generation-small": ("≤ 60 s", lambda v: v <= 60),
    "import": ("≥ 10,000 rows/s", lambda v: v >= 10_000),
}


# --- database set-up --------------------------------------------------------------------------------


def _pg_admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def prepare_database(url: str, *, reuse: bool) -> bool:
    """Make sure the database exists; return True if this run created it (and should drop it)."""
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not reuse:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return False
    import psycopg

    admin, name = _pg_admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def drop_database(url: str) -> None:
    import psycopg

    admin, name = _pg_admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_qcity(env: dict, *args: str) -> float:
    """Run a `qcity` command in a fresh interpreter, as a user would; return its wall time."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qcity.cli", *args], env=env, check=True, cwd=ROOT)
    return time.perf_counter() - started


# --- measuring ----------------------------------------------------------------------------------------


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def random_enterprises(rng: random.Random, n: int, fields: tuple[str, ...]) -> list[tuple]:
    """n random existing enterprises (by id, so no ORDER BY random() over millions of rows)."""
    from django.db.models import Max, Min

    from qcity.enterprises.models import Enterprise

    bounds = Enterprise.objects.aggregate(lo=Min("id"), hi=Max("id"))
    n = min(n, Enterprise.objects.count())  # a small register: every enterprise, in random order
    rows: dict[int, tuple] = {}
    while len(rows) < n:
        ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(2 * n)]
        for row in Enterprise.objects.filter(id__in=ids).values_list("id", *fields):
            rows.setdefault(row[0], row[1:])
    chosen = list(rows.values())
    rng.shuffle(chosen)
    return chosen[:n]


def enterprise_import_run(path: Path, *, user) -> tuple[int, float]:
    """THE IMPORT UNDER TEST: qcity.enterprises.imports.enterprise_import_run on the fixture file.

    Returns (rows imported, seconds). Raises ImportError while the import module does not exist."""
    from django.core.files import File

    from qcity.enterprises.imports import enterprise_import_run as run

    with path.open("rb") as handle:
        upload = File(handle, name=path.name)
        started = time.perf_counter()
        record = run(upload=upload, by=user)
        elapsed = time.perf_counter() - started
    if record.status != "imported":
        raise RuntimeError(f"import {record.status}: {record.errors[:3]}")
    return record.imported_rows, elapsed


def bench_import(rows: int) -> dict | str:
    from django.db import connection

    from bench.xlsx_fixture import write_fixture
    from qcity.core.models import User
    from qcity.enterprises.models import Enterprise

    path = ROOT / "var" / "bench" / f"enterprises-varied-{rows}.xlsx"
    made = 0.0
    if not path.exists():
        started = time.perf_counter()
        write_fixture(path, rows=rows)
        made = time.perf_counter() - started
    office = User.objects.get(username="office")
    before = Enterprise.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        imported, seconds = enterprise_import_run(path, user=office)
    except ImportError as exc:
        return f"pending: {exc}"
    try:
        problems = import_problems(path, before)
    finally:
        # Leave the database as the demo made it, so --reuse runs measure the same thing.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM enterprises_enterprise WHERE id > %s", [before])
    return {"rows_per_s": imported / seconds, "rows": imported, "seconds": seconds, "fixture_s": made,
            "problems": problems}


def import_problems(path: Path, before: int, samples: int = 200) -> list[str]:
    """What is wrong with the rows imported after id `before`: their number, and for `samples` rows of the file
    drawn at random the stored name and initials, and that a search for the name finds the row (the text index
    holds it). Empty when all is right."""
    from qcity.core.sheets import read_rows
    from qcity.enterprises import search
    from qcity.enterprises.models import Enterprise

    problems = []
    file_rows = read_rows(path)[1:]
    stored = Enterprise.objects.filter(id__gt=before).count()
    if stored != len(file_rows):
        problems.append(f"{stored:,} rows stored for {len(file_rows):,} in the file")
    for row in random.Random(11).sample(file_rows, min(samples, len(file_rows))):
        uscc, name = row[0], row[1]
        found = Enterprise.objects.filter(uscc=uscc, id__gt=before).values_list("name", "name_initials").first()
        if found != (name, search.name_initials(name)):
            problems.append(f"{uscc}: stored {found}, file {name}")
        elif uscc not in search.filter_by_text(Enterprise.objects.all(), name).values_list("uscc", flat=True)[:50]:
            problems.append(f"{uscc}: a search for {name} does not find it")
    return problems


# --- report ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "city"], default="city")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", default="", metavar="YYYY-MM-DD",
                        help="the demo's day (`qcity demo --today`; default the local date): same seed and day, same data")
    parser.add_argument("--reuse", action="store_true", help="keep the SQLite file's data; skip generation")
    parser.add_argument("--keep", action="store_true", help="do not drop a PostgreSQL database this run created")
    parser.add_argument("--import-rows", type=int, default=IMPORT_ROWS)
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / f'foundation-{args.scale}.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
           "LOG_LEVEL": "WARNING"}
    created = prepare_database(url, reuse=args.reuse)
    results: list[tuple[str, str, str, str]] = []
    try:
        run_qcity(env, "migrate", "--noinput", "-v", "0")
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        from qcity.core.demo import SCALES
        from qcity.enterprises.models import Enterprise

        existing = Enterprise.objects.count()
        generation_key = "generation" if args.scale == "city" else "generation-small"
        target, ok = TARGETS[generation_key]
        if existing:
            results.append((f"demo {args.scale} generation", target, f"skipped ({existing:,} already loaded)",
                            "SKIPPED"))
        else:
            seconds = run_qcity(env, "demo", "--scale", args.scale, "--seed", str(args.seed), "--no-forced-change",
                                *(["--today", args.today] if args.today else []))
            results.append((f"demo {args.scale} generation ({SCALES[args.scale]:,} enterprises)", target,
                            f"{seconds:.1f} s", "PASS" if ok(seconds) else "FAIL"))
        total = Enterprise.objects.count()
        target, ok = TARGETS["import"]
        if args.skip_import:
            results.append(("xlsx import", target, "skipped (--skip-import)", "SKIPPED"))
        else:
            imported = bench_import(args.import_rows)
            if isinstance(imported, str):
                results.append((f"xlsx import ({args.import_rows:,} rows)", target, imported, "PENDING"))
            else:
                problems = imported["problems"]
                results.append((f"xlsx import ({imported['rows']:,} rows, varied names), rows checked", target,
                                f"{imported['rows_per_s']:,.0f} rows/s ({imported['seconds']:.1f} s)"
                                + (f"; {len(problems)} problems: {'; '.join(problems[:3])}" if problems else ""),
                                "PASS" if ok(imported["rows_per_s"]) and not problems else "FAIL"))
        vendor = connection.vendor
        print_report(results, f"foundation benchmark — {vendor}, {total:,} enterprises, {os.cpu_count()} CPUs, "
                              f"Python {platform.python_version()}")
    finally:
        if created and not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)


if __name__ == "__main__":
    main()
