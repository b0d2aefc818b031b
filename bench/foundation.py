"""Foundation benchmarks: demo generation, credit-code lookup, name search, list page, xlsx import.

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

from bench.reporting import percentile, print_report  # noqa: E402

LOOKUPS = 1_000
SEARCH_TERMS = 200
SHORT_TERMS = 100
IMPORT_ROWS = 200_000
TARGETS = {  # figure → (target text, test)
    "generation": ("≤ 180 s", lambda v: v <= 180),
    "generation-small": ("≤ 60 s", lambda v: v <= 60),
    "lookup": ("p95 ≤ 10 ms", lambda v: v <= 10),
    "search": ("p95 ≤ 100 ms", lambda v: v <= 100),
    "list": ("p95 ≤ 200 ms", lambda v: v <= 200),
    "import": ("≥ 5,000 rows/s", lambda v: v >= 5000),
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
    rows: dict[int, tuple] = {}
    while len(rows) < n:
        ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(2 * n)]
        for row in Enterprise.objects.filter(id__in=ids).values_list("id", *fields):
            rows.setdefault(row[0], row[1:])
    chosen = list(rows.values())
    rng.shuffle(chosen)
    return chosen[:n]


def bench_lookup(rng: random.Random) -> dict:
    from qcity.enterprises.models import Enterprise

    codes = [c for (c,) in random_enterprises(rng, LOOKUPS, ("uscc",))]
    for code in codes[:20]:  # warm the connection and the statement path
        Enterprise.objects.select_related("org_unit").get(uscc=code)
    times = [timed(lambda c=code: Enterprise.objects.select_related("org_unit").get(uscc=c)) for code in codes]
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times), "n": len(times)}


def search_core(name: str, prefixes: list[str]) -> str:
    """The part of a name a user types: the trade name and the industry word, without place and form."""
    for cut in ("股份有限公司", "有限责任公司", "有限公司", "专业合作社", "中心（", "服务中心", "经营部", "商行"):
        if cut in name[2:]:
            name = name[: name.index(cut, 2)]
            break
    name = name.replace("（郑州）", "")
    for prefix in prefixes:
        if name.startswith(prefix) and len(name) - len(prefix) >= 2:
            return name[len(prefix):]
    return name


def search_terms(rng: random.Random, n: int, lengths: tuple[int, ...]) -> list[str]:
    from qcity.core.models import OrgUnit
    from qcity.enterprises.demo import OTHER_CITIES

    prefixes = sorted({u.name for u in OrgUnit.objects.all()} | {"郑州", "河南", *OTHER_CITIES}, key=len,
                      reverse=True)
    terms = []
    for (name,) in random_enterprises(rng, 3 * n, ("name",)):
        core = search_core(name, prefixes)
        length = rng.choice([k for k in lengths if k <= len(core)] or [len(core)])
        start = rng.randint(0, len(core) - length)
        term = core[start:start + length]
        if len(term) >= min(lengths):
            terms.append(term)
        if len(terms) == n:
            break
    return terms


def bench_search(terms: list[str]) -> dict:
    from qcity.core.pagination import CappedPaginator
    from qcity.enterprises.models import Enterprise
    from qcity.enterprises.search import filter_by_text

    def one(term: str) -> int:
        page = list(filter_by_text(Enterprise.objects.all(), term)[:50])
        count = CappedPaginator(filter_by_text(Enterprise.objects.all(), term), 50).count
        assert count >= len(page)
        return count

    for term in terms[:5]:
        one(term)
    times, counts = [], []
    for term in terms:
        started = time.perf_counter()
        counts.append(one(term))
        times.append((time.perf_counter() - started) * 1000)
    slowest = sorted(zip(times, terms, counts, strict=True), reverse=True)[:5]
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times), "n": len(times),
            "capped": sum(c > 10_000 for c in counts), "slowest": slowest}


def bench_list_page() -> dict | str:
    from django.test import Client

    from qcity.core.models import OrgUnit, User

    office = User.objects.filter(username="office").first()
    if office is None:
        return "pending: no demo `office` account"
    client = Client()
    client.force_login(office)
    units = list(OrgUnit.objects.filter(parent__isnull=False).order_by("sort_order"))
    first = client.get(f"/enterprises/?org_unit={units[0].pk}")
    if first.status_code == 404:
        return "pending: /enterprises/ does not exist yet"
    if first.status_code != 200:
        return f"error: /enterprises/?org_unit= returned {first.status_code}"
    times = []
    for _round in range(3):
        for unit in units:
            started = time.perf_counter()
            response = client.get(f"/enterprises/?org_unit={unit.pk}")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times), "n": len(times)}


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

    path = ROOT / "var" / "bench" / f"enterprises-{rows}.xlsx"
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
    # Leave the database as the demo made it, so --reuse runs measure the same thing.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM enterprises_enterprise WHERE id > %s", [before])
    return {"rows_per_s": imported / seconds, "rows": imported, "seconds": seconds, "fixture_s": made}


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
        rng = random.Random(args.seed)

        lookup = bench_lookup(rng)
        target, ok = TARGETS["lookup"]
        results.append((f"lookup by credit code ({lookup['n']} codes)", target,
                        f"p95 {lookup['p95']:.2f} ms (p50 {lookup['p50']:.2f}, max {lookup['max']:.1f})",
                        "PASS" if ok(lookup["p95"]) else "FAIL"))

        terms = search_terms(rng, SEARCH_TERMS, (3, 4))
        search = bench_search(terms)
        target, ok = TARGETS["search"]
        results.append((f"name search, 3–4 chars ({search['n']} terms, {search['capped']} over 10,000)", target,
                        f"p95 {search['p95']:.1f} ms (p50 {search['p50']:.1f}, max {search['max']:.1f})",
                        "PASS" if ok(search["p95"]) else "FAIL"))
        short = bench_search(search_terms(rng, SHORT_TERMS, (2,)))
        results.append((f"name search, 2 chars ({short['n']} terms, {short['capped']} over 10,000)",
                        "informational",
                        f"p95 {short['p95']:.1f} ms (p50 {short['p50']:.1f}, max {short['max']:.1f})", "INFO"))

        page = bench_list_page()
        target, ok = TARGETS["list"]
        if isinstance(page, str):
            results.append(("enterprise list page by district", target, page, "PENDING"))
        else:
            results.append((f"enterprise list page by district ({page['n']} requests)", target,
                            f"p95 {page['p95']:.1f} ms (p50 {page['p50']:.1f}, max {page['max']:.1f})",
                            "PASS" if ok(page["p95"]) else "FAIL"))

        target, ok = TARGETS["import"]
        if args.skip_import:
            results.append(("xlsx import", target, "skipped (--skip-import)", "SKIPPED"))
        else:
            imported = bench_import(args.import_rows)
            if isinstance(imported, str):
                results.append((f"xlsx import ({args.import_rows:,} rows)", target, imported, "PENDING"))
            else:
                results.append((f"xlsx import ({imported['rows']:,} rows)", target,
                                f"{imported['rows_per_s']:,.0f} rows/s ({imported['seconds']:.1f} s)",
                                "PASS" if ok(imported["rows_per_s"]) else "FAIL"))
        vendor = connection.vendor
        print_report(results, f"foundation benchmark — {vendor}, {total:,} enterprises, {os.cpu_count()} CPUs, "
                              f"Python {platform.python_version()}")
        print("\nslowest 3–4 character searches:")
        for ms, term, count in search["slowest"]:
            print(f"  {ms:7.1f} ms  {term}  ({count:,}{'+' if count > 10_000 else ''} matches)")
    finally:
        if created and not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)


if __name__ == "__main__":
    main()
