"""Enterprise search, lookup and list pages as a clerk uses them, end to end through the pages.

    .venv/bin/python bench/search.py --database-url sqlite:////path/to/city.sqlite3
    .venv/bin/python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/qcity_bench_search

The database must hold a demo (`qcity demo --scale city`); without --database-url the foundation
benchmark's SQLite file (var/bench/foundation-city.sqlite3) is used, generated first if it is missing.
Every sample is one GET through Django's full stack (middleware, view, filter, table, template), logged
in as the city's leadership office (the widest scope, so the largest result sets). With `--redis-url` (or
REDIS_URL) the platform runs with the shared cache a production deployment has: sessions are read there.

Term classes, at least 200 samples each, drawn from the data with a fixed seed:
- frequent: the 50 most frequent name fragments (company forms, place and industry words), four times;
- 2, 3 and 4 characters: random fragments of random names;
- initials: random 2–4-letter fragments of the pinyin initials;
- code: full credit codes (the list page's lookup path);
- no match: fragments that occur in no name;
- bad input: 200 characters, punctuation, whitespace, FTS and SQL syntax, full-width letters.

The API (`GET /api/enterprises/?q=`, serializer included) is measured on the frequent and the 2-character
terms. `--only search,api,lookup,list` picks the parts.

Every fourth request (`--check-every`) is checked against a scan with `strpos`/`instr` (no index): the page must show
exactly the newest 50 matches, and the count must be exact when shown as exact, or an estimate within
a factor of two when shown as an estimate ("约"). Cold figures restart the server process (a new
interpreter, connections and caches) and, where the OS allows it, drop the page cache first.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.foundation import drop_database, prepare_database, random_enterprises, run_qcity  # noqa: E402
from bench.reporting import percentile, print_report  # noqa: E402

SAMPLES = 200
CHECK_EVERY = 4
COLD_SAMPLES = 30
TARGETS = {
    "search": ("p95 ≤ 100 ms", 100.0),
    "lookup": ("p95 ≤ 10 ms", 10.0),
    "list": ("p95 ≤ 100 ms", 100.0),
}
BAD_TERMS = [
    "有限公司" * 50,                      # 200 characters
    "，。！？、；：" * 3,                    # punctuation only
    "   \u3000\t ",                       # whitespace only (ideographic space included)
    '"a" OR b*',                          # FTS syntax
    "食品 NEAR 公司",
    "' OR 1=1 --",                        # SQL-like
    "%_%",
    "\\",
    "ＡＢＣ食品",                          # full-width Latin
    "ｓｐｙｘ",                             # full-width initials
    "😀食品",
    "有" * 200,
]
ROW_LINK = re.compile(r'href="/enterprises/(\d+)/"')
COUNT_TEXT = re.compile(r'id="result-count">(.*?)</div>', re.S)


# --- terms -----------------------------------------------------------------------------------------------


def frequent_fragments(names: list[str], n: int = 50) -> list[str]:
    """The n most frequent fragments of 2–6 characters by the number of names holding them, leaving out a
    fragment as frequent as a longer one that holds it ("限公" beside "有限公司")."""
    counts: Counter[str] = Counter()
    for name in names:
        counts.update({name[i:i + k] for k in range(2, 7) for i in range(len(name) - k + 1)})
    common = [term for term, c in counts.most_common(2000) if c >= 20]
    kept = []
    for term in common:
        if any(term in longer and counts[longer] >= 0.9 * counts[term] for longer in common if len(longer) > len(term)):
            continue
        kept.append(term)
        if len(kept) == n:
            break
    return kept


def fragments(rng: random.Random, texts: list[str], length: int, n: int) -> list[str]:
    terms = []
    for text in texts:
        if len(text) >= length:
            start = rng.randint(0, len(text) - length)
            terms.append(text[start:start + length])
        if len(terms) == n:
            break
    return terms


def term_classes(rng: random.Random) -> dict[str, list[str]]:
    rows = random_enterprises(rng, 6 * SAMPLES, ("name", "name_initials", "uscc"))
    names = [r[0] for r in rows]
    sample_names = [r[0] for r in random_enterprises(rng, 20_000, ("name",))]
    frequent = frequent_fragments(sample_names)
    classes = {
        "frequent fragments (top 50, ×4)": (frequent * 4)[:SAMPLES],
        "2 characters": fragments(rng, names, 2, SAMPLES),
        "3 characters": fragments(rng, names[SAMPLES:], 3, SAMPLES),
        "4 characters": fragments(rng, names[2 * SAMPLES:], 4, SAMPLES),
        "pinyin initials, 2–4 letters": [
            fragments(rng, [initials], rng.choice((2, 3, 4)), 1)[0] for _name, initials, _code in rows[:SAMPLES]
            if len(initials) >= 4],
        "credit code": [code for _name, _initials, code in rows[3 * SAMPLES:4 * SAMPLES]],
        "no match": no_match_terms(rng, SAMPLES),
        "bad input": (BAD_TERMS * (SAMPLES // len(BAD_TERMS) + 1))[:SAMPLES],
    }
    return {label: terms for label, terms in classes.items() if terms}


def no_match_terms(rng: random.Random, n: int) -> list[str]:
    """Three rare CJK characters in a row (from the extension blocks names do not use), or Latin letters
    no initials hold."""
    terms = []
    while len(terms) < n:
        if len(terms) % 2:
            terms.append("".join(chr(rng.randint(0x3400, 0x4DB5)) for _ in range(3)))
        else:
            terms.append("".join(rng.choice("qvx") for _ in range(5)))
    return terms


# --- the reference: a scan without any index --------------------------------------------------------------


def expected(term: str) -> tuple[list[int], int] | None:
    """The newest 50 ids and the count by a plain scan, for the term as the page reads it; None for the
    credit-code and bad-input paths, which the tests cover."""
    from django.db import connection

    text = term.strip()
    if not text or len(text) == 18 and text.isalnum():
        return None
    latin = text.isascii() and text.replace(" ", "").isalpha()
    column, needle = ("name_initials", text.lower()) if latin else ("name", text)
    match = f"instr({column}, %s) > 0" if connection.vendor == "sqlite" else f"strpos({column}, %s) > 0"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM enterprises_enterprise WHERE {match} ORDER BY id DESC LIMIT 50", [needle])
        ids = [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT count(*) FROM enterprises_enterprise WHERE {match}", [needle])
        return ids, cursor.fetchone()[0]


def shown_count(page: str) -> tuple[int | None, bool]:
    """(number, is_estimate) from the result-count line; None when it is a bound ("超过 10000 条")."""
    found = COUNT_TEXT.search(page)
    text = html.unescape(found.group(1)) if found else ""
    number = re.search(r"(\d[\d,.]*)(万?)", text)
    if not number or "超过" in text or "More than" in text:
        return None, False
    value = float(number.group(1).replace(",", "")) * (10_000 if number.group(2) else 1)
    return round(value), "约" in text or "About" in text


# --- measuring -------------------------------------------------------------------------------------------


def client_for(username: str):
    from django.test import Client

    from qcity.core.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username=username))
    return client


def get(client, url: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise AssertionError(f"{url}: HTTP {response.status_code}")
    return elapsed, response.content.decode()


def stats(times: list[float]) -> dict:
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times), "n": len(times)}


def bench_search(client, classes: dict[str, list[str]], check_every: int = CHECK_EVERY
                 ) -> tuple[dict[str, dict], list[str]]:
    from urllib.parse import quote

    problems: list[str] = []
    for term in ["食品", "宏达", "有限公司"] * 5:  # warm the process: templates, translations, statements
        get(client, f"/enterprises/?q={quote(term)}")
    results = {}
    for label, terms in classes.items():
        times, slowest = [], []
        for i, term in enumerate(terms):
            elapsed, page = get(client, f"/enterprises/?q={quote(term)}")
            times.append(elapsed)
            slowest.append((elapsed, term))
            if i % check_every == 0 and (reference := expected(term)) is not None:
                ids, count = reference
                shown = [int(pk) for pk in dict.fromkeys(ROW_LINK.findall(page))]
                if shown != ids:
                    problems.append(f"{label} {term!r}: page shows {len(shown)} rows, scan finds {len(ids)}"
                                    f" (first {shown[:3]} vs {ids[:3]})")
                number, estimate = shown_count(page)
                if number is None and count <= 10_000:
                    problems.append(f"{label} {term!r}: count shown as a bound, scan counts {count}")
                elif number is not None and not estimate and number != count:
                    problems.append(f"{label} {term!r}: count {number}, scan counts {count}")
                elif number is not None and estimate and not count / 2 <= number <= count * 2:
                    problems.append(f"{label} {term!r}: estimate {number}, scan counts {count}")
        results[label] = {**stats(times), "slowest": sorted(slowest, reverse=True)[:3]}
    return results, problems


def bench_api(client, classes: dict[str, list[str]], check_every: int = CHECK_EVERY
              ) -> tuple[dict[str, dict], list[str]]:
    """`GET /api/enterprises/?q=` (serializer included) for the frequent and 2-character terms, every fourth
    answer checked against the scan as the page is: the newest 50, and `count` exact or, with
    `count_exact: false`, within a factor of two (or past the cap)."""
    from urllib.parse import quote

    problems: list[str] = []
    results = {}
    for label in ("frequent fragments (top 50, ×4)", "2 characters"):
        times = []
        for i, term in enumerate(classes[label]):
            elapsed, body = get(client, f"/api/enterprises/?q={quote(term)}")
            times.append(elapsed)
            if i % check_every or (reference := expected(term)) is None:
                continue
            answer, (ids, count) = json.loads(body), reference
            shown = [row["id"] for row in answer["results"]]
            if shown != ids:
                problems.append(f"API {label} {term!r}: {len(shown)} rows, scan finds {len(ids)}")
            if answer["count_exact"] and answer["count"] != count:
                problems.append(f"API {label} {term!r}: count {answer['count']}, scan counts {count}")
            elif not answer["count_exact"] and count <= 10_000 and not count / 2 <= answer["count"] <= count * 2:
                problems.append(f"API {label} {term!r}: estimate {answer['count']}, scan counts {count}")
        results[label] = stats(times)
    return results, problems


def bench_lookup(client, codes: list[str]) -> tuple[dict, dict]:
    """A credit code typed into the list page's search box, then the enterprise's page opened."""
    list_times, detail_times = [], []
    for code in codes:
        elapsed, page = get(client, f"/enterprises/?q={code}")
        list_times.append(elapsed)
        links = ROW_LINK.findall(page)
        if len(set(links)) != 1:
            raise AssertionError(f"lookup {code}: {len(set(links))} rows")
        elapsed, page = get(client, f"/enterprises/{links[0]}/")
        if code not in page:
            raise AssertionError(f"lookup {code}: the detail page does not show the code")
        detail_times.append(elapsed)
    return stats(list_times), stats(detail_times)


def list_requests(samples: int) -> list[tuple[str, int]]:
    """The list page filtered by district, first pages and later pages, as a district officer pages: each URL
    with the number of rows it must list."""
    from qcity.core.models import OrgUnit
    from qcity.enterprises.models import Enterprise

    sizes = {u: Enterprise.objects.filter(org_unit=u).count()
             for u in OrgUnit.objects.filter(parent__isnull=False).order_by("sort_order")}
    units = [u for u, size in sizes.items() if size]
    requests = []
    for i in range(samples):
        unit = units[i % len(units)]
        page_number = (1, 2, 3, 20)[i // len(units) % 4]
        page_number = min(page_number, (sizes[unit] + 49) // 50)  # a small unit: its last page
        requests.append((f"/enterprises/?org_unit={unit.pk}&page={page_number}",
                         min(50, sizes[unit] - 50 * (page_number - 1))))
    return requests


def bench_list(client, requests: list[tuple[str, int]]) -> dict:
    times = []
    for url, rows in requests:
        elapsed, page = get(client, url)
        if len(set(ROW_LINK.findall(page))) != rows:
            raise AssertionError(f"list {url}: not the unit's rows")
        times.append(elapsed)
    return stats(times)


# --- cold: a new process per sample -------------------------------------------------------------------


def cold_child(url: str, shown: str) -> None:
    """One request in a process that has just started (the server after a restart)."""
    import django

    django.setup()
    from qcity.core.startup import server_ready

    server_ready()  # as a gunicorn worker does once loaded (qcity/wsgi.py)
    client = client_for("office")
    elapsed, page = get(client, url)
    print(json.dumps({"ms": elapsed, "rows": len(set(ROW_LINK.findall(page))), "shown": shown in page}))


def drop_page_cache() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def bench_cold(env: dict, urls: list[str], rows: list[int] | None = None, shown: list[str] | None = None
               ) -> tuple[dict, bool]:
    """Each URL requested by a new process (`cold_child`), the page cache dropped first where the OS lets us;
    `rows`: the enterprises each page must list (a lookup one, a list page its unit's page); `shown`: a text
    each page must show (an enterprise's page its code)."""
    times, dropped = [], True
    for i, url in enumerate(urls):
        dropped = drop_page_cache() and dropped
        out = subprocess.run([sys.executable, __file__, "--database-url", env["DATABASE_URL"], "--cold-child", url,
                              "--cold-shown", shown[i] if shown else ""],
                             env=env, check=True, cwd=ROOT, capture_output=True, text=True).stdout
        answer = json.loads(out.strip().splitlines()[-1])
        if rows is not None and answer["rows"] != rows[i]:
            raise AssertionError(f"cold {url}: {answer['rows']} rows, {rows[i]} expected")
        if shown and not answer["shown"]:
            raise AssertionError(f"cold {url}: the page does not show {shown[i]}")
        times.append(answer["ms"])
    return stats(times), dropped


def cold_rows(args, env: dict, only: set[str], classes: dict[str, list[str]]) -> list[tuple]:
    """The first request of a new server process, page cache dropped where the OS lets us (`--cold` samples
    each): a search of every term class, a code typed into the list page and the enterprise's page (enterprises
    drawn afresh: the warm pass's are in PostgreSQL's buffers, which dropping the page cache does not empty), the
    list page by district. Each part draws with its own seed, so a part's samples do not depend on `--only`."""
    from urllib.parse import quote

    def row(label: str, urls: list[str], expected: list[int] | None = None, shown: list[str] | None = None) -> tuple:
        cold, dropped = bench_cold(env, urls, expected, shown)
        return (f"{label}, cold ({'page cache dropped' if dropped else 'page cache kept'}, new process)",
                "informational", figure(cold), "INFO")

    def rng(part: str) -> random.Random:
        return random.Random(f"{args.seed}-cold-{part}")

    rows = []
    if "search" in only:
        picked = rng("search")
        terms = [picked.choice(terms) for terms in classes.values() for _ in range(args.cold // len(classes) + 1)]
        rows.append(row("search page", [f"/enterprises/?q={quote(term)}" for term in terms[:args.cold]]))
    if "lookup" in only:
        enterprises = random_enterprises(rng("lookup"), args.cold, ("id", "uscc"))
        codes = [code for _pk, code in enterprises]
        rows.append(row("lookup by credit code, list page", [f"/enterprises/?q={code}" for code in codes],
                        expected=[1] * len(codes)))
        rows.append(row("lookup by credit code, detail page", [f"/enterprises/{pk}/" for pk, _code in enterprises],
                        shown=codes))
    if "list" in only:
        requests = list_requests(SAMPLES)
        requests = rng("list").sample(requests, min(args.cold, len(requests)))
        rows.append(row("list page by district", [url for url, _rows in requests],
                        expected=[n for _url, n in requests]))
    return rows


# --- report -----------------------------------------------------------------------------------------------


def figure(stat: dict) -> str:
    return f"p95 {stat['p95']:.1f} ms (p50 {stat['p50']:.1f}, max {stat['max']:.1f}; n {stat['n']})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cold", type=int, default=COLD_SAMPLES, help="cold samples (a new process each)")
    parser.add_argument("--keep", action="store_true", help="do not drop a PostgreSQL database this run created")
    parser.add_argument("--only", default="search,api,lookup,list", help="the parts to run (search, api, lookup, list)")
    parser.add_argument("--check-every", type=int, default=CHECK_EVERY,
                        help="check every n-th search against a scan (default 4; at 10 million a scan takes seconds)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""),
                        help="the shared cache a deployment runs with (sessions are read there, not from the "
                             "database); default REDIS_URL, or none")
    parser.add_argument("--cold-child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--cold-shown", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / 'foundation-city.sqlite3'}"
    # jobs stay in-process: the pages measured here queue none, and no worker runs beside the benchmark
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
           "LOG_LEVEL": "WARNING", "REDIS_URL": args.redis_url, "CELERY_TASK_ALWAYS_EAGER": "1"}
    os.environ.update(env)
    if args.cold_child:
        cold_child(args.cold_child, args.cold_shown)
        return
    created = prepare_database(url, reuse=True)
    try:
        run(args, url, env)
    finally:
        if created and not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)


def run(args, url: str, env: dict) -> None:
    run_qcity(env, "migrate", "--noinput", "-v", "0")
    import django

    django.setup()
    from qcity.core.startup import server_ready

    server_ready()  # as a gunicorn worker does once loaded (qcity/wsgi.py)
    from django.db import connection

    from qcity.enterprises.models import Enterprise

    if not Enterprise.objects.exists():
        run_qcity(env, "demo", "--scale", "city", "--seed", str(args.seed), "--no-forced-change")
    total = Enterprise.objects.count()
    rng = random.Random(args.seed)
    classes = term_classes(rng)
    client = client_for("office")

    rows, search, problems = [], {}, []
    only = set(args.only.split(","))
    if "search" in only:
        search, problems = bench_search(client, {k: v for k, v in classes.items() if k != "credit code"},
                                        args.check_every)
        target, limit = TARGETS["search"]
        for label, stat in search.items():
            rows.append((f"search page, {label}", target, figure(stat),
                         "PASS" if stat["p95"] <= limit else "FAIL"))
    if "api" in only:
        api, api_problems = bench_api(client, classes, args.check_every)
        problems += api_problems
        target, limit = TARGETS["search"]
        for label, stat in api.items():
            rows.append((f"API /api/enterprises/?q=, {label}", target, figure(stat),
                         "PASS" if stat["p95"] <= limit else "FAIL"))
    if "lookup" in only:
        listed, detail = bench_lookup(client, classes["credit code"])
        target, limit = TARGETS["lookup"]
        rows.append(("lookup by credit code, list page", target, figure(listed),
                     "PASS" if listed["p95"] <= limit else "FAIL"))
        rows.append(("lookup by credit code, detail page", target, figure(detail),
                     "PASS" if detail["p95"] <= limit else "FAIL"))
    if "list" in only:
        listing = bench_list(client, list_requests(SAMPLES))
        target, limit = TARGETS["list"]
        rows.append(("list page by district (pages 1, 2, 3, 20)", target, figure(listing),
                     "PASS" if listing["p95"] <= limit else "FAIL"))
    if args.cold:
        rows += cold_rows(args, env, only, classes)
    if only & {"search", "api"}:
        rows.append(("results checked against a scan", "no difference",
                     f"{len(problems)} differences", "PASS" if not problems else "FAIL"))
    from django.conf import settings

    cache = "Redis" if args.redis_url else "no shared cache"
    print_report(rows, f"search benchmark — {connection.vendor}, {total:,} enterprises, {os.cpu_count()} CPUs, "
                       f"Python {platform.python_version()}, {cache} ({settings.SESSION_ENGINE.rsplit('.', 1)[1]} "
                       f"sessions), {time.strftime('%Y-%m-%d')}")
    for label, stat in search.items():
        print(f"  slowest {label}: " + ", ".join(f"{t[:12]!r} {ms:.0f} ms" for ms, t in stat["slowest"]))
    for problem in problems[:20]:
        print("  DIFFERENCE", problem)
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
