"""Complaint intake throughput (figure 1): the national 12315 hand-over API under a production server.

    .venv/bin/python bench/complaint_intake.py                       # 300 submissions/s for 60 s, batches of 20
    .venv/bin/python bench/complaint_intake.py --batch 1 --rate 60   # one work order per request
    .venv/bin/python bench/complaint_intake.py --rate 150 --seconds 30 --workers 5
    .venv/bin/python bench/complaint_intake.py --profile 200         # where one submission's time goes

What it does, every process it starts stopped at the end (by pid), the database dropped unless --keep:
1. a fresh PostgreSQL database (`--database-url`, default postgres://postgres@127.0.0.1:5432/qcity_bench_intake),
   migrated and seeded, with the demo's enterprise register (5,000 enterprises: respondents by credit code)
   and the gazetteer; a service account holding the complaint-handler role, limited to the intake path, and
   its API token;
2. the submissions, built in advance (so the client does no work but sending): mixed kinds (complaints,
   reports, mixed work orders registered as two rows, anonymous reports), respondents by credit code, by
   name and an address on a road of the city, or unknown; Chinese texts from the demo's templates, one in
   five with long facts (2,000–4,500 characters);
3. gunicorn with the project's WSGI app and production settings (DEBUG off), `--workers` (default
   2 × cores + 1), Redis as cache and broker when reachable (BENCH_REDIS_URL);
4. an open-loop load: request i is sent at start + i × batch / rate whatever the server answered before (a
   slow server does not slow the arrivals down), each on its own connection (gunicorn's sync workers close
   it); `--batch N` (default 20) sends N work orders per request as `{"work_orders": [...]}`, the way the
   national platform transfers them, `--batch 1` one bare work order per request; latency is per request,
   measured from the scheduled moment, so queueing counts;
5. the throughput sustained: the submissions answered inside the steady middle 80 % of the window, per second;
6. the rows counted in the database: every id the API answered exists, and nothing else was written.

The client is asyncio and the standard library only (no new dependency). Prints the table figure | target |
measured | result.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reporting import percentile, print_report  # noqa: E402

WORK = ROOT / "var" / "bench" / "complaint_intake"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qcity_bench_intake"
PATH = "/api/complaints/intake/"
ENTERPRISES = 5000
TARGET_RATE = 300
DEFAULT_BATCH = 20
P95_TARGET_MS = 1000
VENV_BIN = Path(sys.executable).parent


def _env(database_url: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qcity.settings.production", "DATABASE_URL": database_url,
           "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(48),
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "QCITY_VAR_DIR": str(WORK),
           "PYTHONUNBUFFERED": "1"}
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    if _redis_up(redis_url):
        env.update(REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="0")
    else:
        env.pop("REDIS_URL", None)
    return env


def _redis_up(url: str) -> bool:
    try:
        import redis  # lazy: only to decide whether the server gets Redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means "no Redis": the server runs without it
        return False


def _qcity(env: dict, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "qcity"), *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def _database(url: str, *, drop_only: bool = False) -> None:
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0]
    subprocess.run(["dropdb", "--if-exists", "--force", f"--maintenance-db={server}/postgres", name], check=True)
    if not drop_only:
        subprocess.run(["createdb", f"--maintenance-db={server}/postgres", name], check=True)


# --- inside Django (a subprocess with the production settings) ----------------------------------------------


def setup_inside(count: int, run: str) -> None:
    """Registry, gazetteer, service account and token; the submissions to send, written to WORK."""
    import django

    django.setup()
    import random

    from django.utils import timezone

    from qcity.complaints import demo as complaints_demo
    from qcity.core.api_tokens import service_account_create, service_account_token_issue
    from qcity.core.choices import Role
    from qcity.core.demo import DemoContext
    from qcity.core.models import OrgUnit
    from qcity.core.services import role_grant
    from qcity.enterprises import demo as enterprises_demo
    from qcity.enterprises.models import Enterprise

    ctx = DemoContext(scale="small", seed=1, enterprise_count=ENTERPRISES, today=timezone.localdate(),
                      log=lambda m: None)
    if not Enterprise.objects.exists():
        enterprises_demo.generate(ctx)
    city = OrgUnit.objects.get(parent__isnull=True)
    account = service_account_create(username=f"bench-12315-{run}", full_name="全国12315平台（压测）",
                                     purpose="complaint intake benchmark", allowed_paths=[PATH],
                                     rate="100000/min", org_unit=city, by=None)
    role_grant(user=account.user, role=Role.COMPLAINT_HANDLER, org_unit=city, by=None)
    _token, key = service_account_token_issue(account=account, name="bench", days=30, by=None)
    rng = random.Random(f"bench-intake:{run}")
    registry = list(Enterprise.objects.filter(status="active").values_list("uscc", "name", "address")[:5000])
    roads = [road for names in complaints_demo._roads().values() for road in names]
    today = timezone.localdate()
    with (WORK / "submissions.jsonl").open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps(_submission(rng, i, run, registry, roads, today), ensure_ascii=False) + "\n")
    (WORK / "token").write_text(key)


def _submission(rng, i: int, run: str, registry, roads, today) -> dict:
    """One work order as the national platform hands it over; the worst common ones included."""
    from qcity.complaints import demo as complaints_demo

    category = rng.choices(list(complaints_demo.CATEGORY_SHARES), list(complaints_demo.CATEGORY_SHARES.values()))[0]
    problem = rng.choices(list(complaints_demo.PROBLEM_SHARES), list(complaints_demo.PROBLEM_SHARES.values()))[0]
    product, low, high, issue = rng.choice(complaints_demo.PRODUCTS[category])
    roll = rng.random()
    kind = "complaint" if roll < 0.75 else "report_tip" if roll < 0.95 else "both"
    anonymous = kind == "report_tip" and rng.random() < 0.25
    body = {"source_ref": f"BENCH-{run}-{i:07d}", "kind": kind, "subject": f"{product}问题",
            "product": product, "amount": rng.randint(low, high),
            "harm_known_on": (today - datetime.timedelta(days=rng.randint(0, 60))).isoformat()}
    where = rng.random()
    if where < 0.6 and registry:  # a registered enterprise, by its credit code
        uscc, name, address = rng.choice(registry)
        body.update(respondent_uscc=uscc, respondent_name=name, respondent_address=address)
    elif where < 0.9:  # a shop the register does not know, on a road of the city: the gazetteer places it
        road = rng.choice(roads)
        body.update(respondent_name=f"{road}{rng.choice(complaints_demo.UNKNOWN_SHOPS)}",
                    respondent_address=f"郑州市{road}{rng.randint(1, 400)}号")
    else:  # unknown: nothing to place it by (the triage queue)
        body.update(respondent_name="某网店（名称不详）")
    if rng.random() < 0.2:
        body["platform_name"] = rng.choice(complaints_demo.PLATFORMS)
    opening = rng.choice(complaints_demo.OPENINGS).format(date="上月", where=body["respondent_name"], product=product)
    detail = rng.choice(complaints_demo.PROBLEM_TEXTS[problem]).format(issue=issue, days=rng.randint(3, 30))
    facts = opening + detail
    if rng.random() < 0.2:  # long facts: a consumer who writes the whole story
        while len(facts) < rng.randint(2000, 4500):
            facts += rng.choice(complaints_demo.PROBLEM_TEXTS[problem]).format(issue=issue, days=rng.randint(3, 30))
            facts += "此后多次与商家沟通，对方一再拖延，给本人造成了很大困扰。"
    body["facts"] = facts[:5000]
    body["request"] = rng.choice(complaints_demo.REQUESTS)
    if anonymous:
        body["anonymous"] = True
    else:
        birth = f"{rng.randint(1990, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"  # 410105 since 1990
        body.update(person_name=rng.choice(complaints_demo.SURNAMES) + rng.choice(complaints_demo.GIVEN)
                    + rng.choice(complaints_demo.GIVEN),
                    person_phone=f"1380000{rng.randint(0, 9999):04d}",
                    person_id_number=complaints_demo._id_number(f"410105{birth}{rng.randint(0, 999):03d}"),
                    person_address=f"郑州市金水区{rng.choice(roads)}{rng.randint(1, 200)}号")
    return body


def count_inside(run: str) -> None:
    """The rows the run wrote, printed as JSON (ids and count)."""
    import django

    django.setup()
    from qcity.complaints.models import Complaint

    ids = list(Complaint.objects.filter(source_ref__startswith=f"BENCH-{run}-").values_list("pk", flat=True))
    ids += list(Complaint.objects.filter(split_from__source_ref__startswith=f"BENCH-{run}-", source_ref__isnull=True)
                .values_list("pk", flat=True))
    print(json.dumps({"ids": sorted(set(ids)), "total": Complaint.objects.count()}))


def profile_inside(n: int, run: str, batch: str = "1") -> None:
    """One worker's view: n submissions through the view in this process, with cProfile; prints the functions
    that take the time (cumulative), so the lead knows whether classification, address parsing or the
    database dominate."""
    import cProfile
    import pstats

    import django

    django.setup()
    from qcity.core.startup import server_ready

    server_ready()  # as a gunicorn worker does once loaded (qcity/wsgi.py)
    from django.test import Client

    key = (WORK / "token").read_text()
    lines = (WORK / "submissions.jsonl").read_text(encoding="utf-8").splitlines()
    client = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    for line in lines[:5]:  # warm: the classifier and address tables load on first use
        body = json.loads(line)
        body["source_ref"] += "-warm"
        client.post(PATH, data=json.dumps(body), content_type="application/json")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    groups = _bodies([line.encode() for line in lines[5:5 + 2 * n]], int(batch))
    half = len(groups) // 2

    def send(some) -> None:
        for group in some:
            response = client.post(PATH, data=_body(group, int(batch)), content_type="application/json")
            if response.status_code not in (200, 201):
                print("error", response.status_code, response.content[:300])

    # first without the profiler: wall and CPU time and queries per submission as a worker spends them
    wall, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        send(groups[:half])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{n} submissions in one process: {1000 * wall / n:.2f} ms wall, {1000 * cpu / n:.2f} ms CPU, "
          f"{len(queries) / n:.2f} queries each")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    send(groups[half:])
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{n} submissions in {elapsed:.2f} s in one process: {1000 * elapsed / n:.1f} ms each (profiled)")
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats("qcity|jieba|sklearn|cpca", 45)
    stats.sort_stats("tottime").print_stats(15)


# --- the load ---------------------------------------------------------------------------------------------


async def _send(port: int, key: str, body: bytes, due: float, timeout: float) -> tuple[float, int, bytes]:
    await asyncio.sleep(max(0.0, due - time.perf_counter()))
    head = (f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {key}\r\n"
            f"Content-Type: application/json\r\nX-Forwarded-Proto: https\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        writer.write(head + body)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout)
        writer.close()
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
        answer = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""
    except (TimeoutError, OSError):
        status, answer = 0, b""
    return time.perf_counter() - due, status, answer


async def load(port: int, key: str, bodies: list[bytes], rate: float, timeout: float) -> list[tuple]:
    """Open loop: every submission has its moment, start + i / rate."""
    start = time.perf_counter() + 0.5
    tasks = [asyncio.create_task(_send(port, key, body, start + i / rate, timeout)) for i, body in enumerate(bodies)]
    return await asyncio.gather(*tasks)


def _bodies(lines: list[bytes], batch: int) -> list[list[bytes]]:
    return [lines[i:i + batch] for i in range(0, len(lines), batch)]


def _body(group: list[bytes], batch: int) -> bytes:
    """A bare work order (--batch 1) or a batch of them."""
    if batch == 1:
        return group[0]
    return b'{"work_orders": [' + b", ".join(group) + b"]}"


def _wait_ready(port: int, seconds: float = 60) -> None:
    import http.client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", PATH, headers={"X-Forwarded-Proto": "https"})  # 401: up (no static needed)
            if connection.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="submissions per second (open loop)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH,
                        help="work orders per request (1: a bare work order, as a single hand-over)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--timeout", type=float, default=30, help="a submission unanswered after this is an error")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="instead of the load: profile N submissions in one process")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--inside", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        {"setup": lambda n, run: setup_inside(int(n), run), "count": count_inside,
         "profile": lambda n, run, batch: profile_inside(int(n), run, batch)}[args.inside[0]](*args.inside[1:])
        return
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the intake benchmark runs on PostgreSQL (--database-url postgres://…)")
    WORK.mkdir(parents=True, exist_ok=True)
    run = secrets.token_hex(3)
    env = _env(args.database_url)
    total = int(args.rate * args.seconds)
    me = [sys.executable, __file__, "--database-url", args.database_url, "--inside"]
    print(f"database {args.database_url}; Redis {'on' if 'REDIS_URL' in env else 'off'}; run {run}", flush=True)
    _database(args.database_url)
    server = None
    try:
        _qcity(env, "migrate", "--noinput")
        _qcity(env, "seed")
        _qcity(env, "migrate", "--noinput")  # its post_migrate loads the gazetteer, now that the units exist
        subprocess.run([*me, "setup", str(max(total, 2 * args.profile + 10) + 50), run], env=env, cwd=ROOT, check=True)
        if args.profile:
            subprocess.run([*me, "profile", str(args.profile), run, str(args.batch)], env=env, cwd=ROOT, check=True)
            return
        key = (WORK / "token").read_text()
        lines = (WORK / "submissions.jsonl").read_bytes().splitlines()
        bodies = _bodies(lines[50:50 + total], args.batch)
        args.sizes = [len(group) for group in bodies]
        bodies = [_body(group, args.batch) for group in bodies]
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "qcity.wsgi:application", "--workers", str(args.workers), "--bind",
             f"127.0.0.1:{args.port}", "--backlog", "4096", "--timeout", "60", "--log-level", "warning"],
            env=env, cwd=ROOT)
        _wait_ready(args.port)
        warm = asyncio.run(load(args.port, key, lines[:50], 20, args.timeout))  # each worker loads its tables
        print(f"gunicorn, {args.workers} workers; warm-up: {sum(1 for _l, s, _a in warm if s in (200, 201))}/50 ok; "
              f"sending {total:,} submissions at {args.rate:g}/s in requests of {args.batch}", flush=True)
        began = time.perf_counter()
        results = asyncio.run(load(args.port, key, bodies, args.rate / args.batch, args.timeout))
        took = time.perf_counter() - began
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    counted = json.loads(subprocess.run([*me, "count", run], env=env, cwd=ROOT, check=True, capture_output=True,
                                        text=True).stdout.strip().splitlines()[-1])
    if not args.keep:
        _database(args.database_url, drop_only=True)
    _report(args, results, took, warm, counted)


def _answered(body: dict) -> list[dict]:
    """The answer's work orders: a batch's, or the one of a single request."""
    return body["work_orders"] if "work_orders" in body else [body]


def _report(args, results, took: float, warm, counted) -> None:
    ok = [(latency, json.loads(answer)) for latency, status, answer in results if status in (200, 201)]
    errors = len(results) - len(ok)
    statuses: dict[int, int] = {}
    for _latency, status, _answer in results:
        statuses[status] = statuses.get(status, 0) + 1
    answered_ids = {row["id"] for _l, body in ok for item in _answered(body) for row in item["complaints"]}
    answered_ids |= {row["id"] for _l, s, a in warm if s in (200, 201)
                     for item in _answered(json.loads(a)) for row in item["complaints"]}
    stored = set(counted["ids"])
    latencies = [1000 * latency for latency, _body in ok] or [float("nan")]
    submitted = sum(len(_answered(body)) for _l, body in ok)
    throughput = submitted / took
    # Sustained: the submissions answered 2xx inside the steady middle of the offered window (its first and
    # last tenth left out: start-up, and the requests still in flight at the end), per second of that window.
    # A server that falls behind answers later and later, and fewer answers land inside the window.
    interval = args.batch / args.rate
    window = len(results) * interval
    low, high = 0.1 * window, 0.9 * window
    steady = sum(size for i, ((latency, status, answer), size) in enumerate(zip(results, args.sizes, strict=True))
                 if status in (200, 201) and low <= i * interval + latency < high)
    sustained = steady / (high - low)
    thirds = [[1000 * latency for latency, status, _a in results[k * len(results) // 3:(k + 1) * len(results) // 3]
               if status in (200, 201)] or [float("nan")] for k in range(3)]
    offered = sum(args.sizes)
    rows = [
        ("submissions offered (open loop)", f"{args.rate:g}/s for {args.seconds:g} s",
         f"{offered:,} in {len(results):,} requests of {args.batch}, {offered / took:.0f}/s over {took:.1f} s", ""),
        ("submissions answered 2xx per second, sustained", f"≥ {TARGET_RATE}",
         f"{sustained:.0f} (steady {low:.0f}–{high:.0f} s of the window)",
         "ok" if sustained >= TARGET_RATE else "SHORT"),
        ("submissions answered 2xx per second, whole run", "", f"{throughput:.0f} (first send to last answer)", ""),
        ("requests answered 2xx per second", "", f"{len(ok) / took:.1f}", ""),
        ("errors (non-2xx, timeouts), requests", "0", f"{errors:,} {dict(sorted(statuses.items()))}",
         "ok" if not errors else "FAIL"),
        ("latency p50 (per request)", "", f"{percentile(latencies, 50):.0f} ms", ""),
        ("latency p95 (per request)", f"≤ {P95_TARGET_MS} ms", f"{percentile(latencies, 95):.0f} ms",
         "ok" if percentile(latencies, 95) <= P95_TARGET_MS else "SLOW"),
        ("latency p99 (per request)", "", f"{percentile(latencies, 99):.0f} ms", ""),
        ("latency p95 by third of the run (a queue would grow)", "",
         " / ".join(f"{percentile(third, 95):.0f}" for third in thirds) + " ms", ""),
        # a submission the client gave up on (timeout) may still be stored: not lost, but not answered in time
        ("answered ids missing from the database", "0 lost", f"{len(answered_ids):,} answered, {len(stored):,} stored, "
         f"{len(answered_ids - stored)} lost, {len(stored - answered_ids)} stored after a client timeout",
         "ok" if answered_ids <= stored else "FAIL"),
        ("gunicorn workers", "", str(args.workers), ""),
    ]
    refusals = sorted({answer.decode(errors="replace")[:300] for _l, status, answer in results if status == 400})
    for refusal in refusals[:5]:
        print("400:", refusal)
    print_report(rows, "Complaint intake: POST /api/complaints/intake/ under gunicorn (production settings, PostgreSQL)")


if __name__ == "__main__":
    main()
