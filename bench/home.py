"""Home page benchmark: the to-do home page of a district officer and of the office, on the city-scale demo.

The database is the city-scale demo (`qcity demo --scale city`, every app's demo generator), built once
under var/bench/ and reused (`--rebuild` builds it anew; migrations are applied on every run). Each home page
is requested through the Django test client (middleware, templates, the menu's badges, every registered
to-do source) `--requests` times (200 by default) after one warming request, and each answer is checked
(status 200, the to-do section). Then each to-do source is timed alone (count and items), so a slow page
names its slow source.

    .venv/bin/python bench/home.py                      # SQLite, var/bench/home-city.sqlite3
    .venv/bin/python bench/home.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_home

Prints a table: figure, target, measured, result (p95 ≤ 150 ms per user).
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

from bench.foundation import drop_database, prepare_database, run_qcity  # noqa: E402
from bench.reporting import percentile, print_report  # noqa: E402

TARGET_MS = 150
USERS = (("district officer", "jinshui"), ("office", "office"))
SOURCE_REPEATS = 20
DEFAULT_SQLITE = ROOT / "var" / "bench" / "home-city.sqlite3"


def _env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
            "LOG_LEVEL": "WARNING"}


def build(url: str, *, rebuild: bool, seed: int, today: str) -> str:
    """Migrate, and generate the city demo unless the database already holds it; return what was done."""
    if rebuild and not url.startswith("sqlite"):
        drop_database(url)
    prepare_database(url, reuse=not rebuild)
    env = _env(url)
    run_qcity(env, "migrate", "--noinput", "-v", "0")
    os.environ.update(env)
    import django

    django.setup()
    from qcity.core.startup import server_ready

    server_ready()  # as a gunicorn worker does once loaded (qcity/wsgi.py)
    from qcity.core.models import User
    from qcity.enterprises.models import Enterprise

    if Enterprise.objects.exists() and User.objects.filter(username="office").exists():
        return f"reused ({Enterprise.objects.count():,} enterprises)"
    seconds = run_qcity(env, "demo", "--scale", "city", "--seed", str(seed), "--no-forced-change",
                        *(["--today", today] if today else []))
    return f"built in {seconds:.0f} s ({Enterprise.objects.count():,} enterprises)"


def analyze() -> None:
    """Planner statistics anew. The demo analyzes every table once all its generators ran
    (`core.demo.demo_analyze`); a database built before it did had statistics for the enterprises only, and
    SQLite then drove some joins from the 1.5 million enterprises."""
    from qcity.core.demo import demo_analyze

    demo_analyze()


def vacuum() -> bool:
    """PostgreSQL: VACUUM ANALYZE, what autovacuum does to a live database soon after a bulk load. The
    PostgreSQL of this machine runs with autovacuum off, so a freshly generated demo has no visibility map
    and every index-only scan (the to-do counts) fetches each row from the table as well."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return True


def _get(client, must: str) -> float:
    started = time.perf_counter()
    response = client.get("/")
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    assert must in response.content.decode(), "the to-do section is missing"
    return elapsed


def _timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 50)


def source_rows(user, label: str) -> list[tuple[str, str, str, str]]:
    """Each of the user's sources timed alone: count and items (p50 of SOURCE_REPEATS)."""
    from django.utils import timezone

    from qcity.core import access, todos

    today = timezone.localdate()
    rows = []
    for source in todos.sources_for(user):
        count = source.count(user, today)
        count_ms = _timed(lambda s=source: s.count(user, today), SOURCE_REPEATS)
        items_ms = _timed(lambda s=source: s.items(user, today, 8), SOURCE_REPEATS)
        rows.append((f"  {source.key} ({label}, {count} due)", "informational",
                     f"count p50 {count_ms:.1f} ms, items p50 {items_ms:.1f} ms", "INFO"))
    if not rows:
        roles = ", ".join(sorted(access.roles_of(user)))
        rows.append((f"  no to-do source for {label} ({roles})", "informational", "-", "INFO"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true", help="generate the city demo anew")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", default="", metavar="YYYY-MM-DD", help="the demo's day (default the local date)")
    parser.add_argument("--analyze", action="store_true",
                        help="ANALYZE first (the demo does at its end; for a database built before it did)")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{DEFAULT_SQLITE}"
    data = build(url, rebuild=args.rebuild, seed=args.seed, today=args.today)
    if args.analyze:
        data += ", analyzed"
        analyze()
    if vacuum():
        data += ", vacuumed"

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from qcity.core import todos
    from qcity.core.models import User

    cache.clear()
    rows, details = [], []
    for label, username in USERS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        _get(client, 'id="todo-section"')  # warm: imports, the holiday schedule, the connection
        times = [_get(client, 'id="todo-section"') for _ in range(args.requests)]
        p95 = percentile(times, 95)
        groups = todos.todo_list(User.objects.get(pk=user.pk), today=timezone.localdate())
        shown = f"{len(groups)} groups, {sum(g.count for g in groups):,} to-dos"
        rows.append((f"home page, {label} ({shown})", f"p95 ≤ {TARGET_MS} ms",
                     f"p95 {p95:.1f} ms (p50 {percentile(times, 50):.1f}, max {max(times):.1f}, n={len(times)})",
                     "PASS" if p95 <= TARGET_MS else "FAIL"))
        details += source_rows(User.objects.get(pk=user.pk), label)
    print_report(rows + details, f"home page — {connection.vendor}, city demo {data}, {len(todos.sources())} "
                                 f"to-do sources, {os.cpu_count()} CPUs, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
