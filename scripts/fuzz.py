#!/usr/bin/env python3
"""`make fuzz`: schemathesis over the whole OpenAPI schema, once per role, against production settings.

The platform runs as it would in production (qcity.settings.production under gunicorn, DEBUG off) on a
throwaway database: SQLite under var/fuzz/ unless DATABASE_URL names a PostgreSQL database. It is
migrated, seeded, given the built-in plans and the small demo, and every demo role gets an API token.
schemathesis then sends FUZZ_EXAMPLES generated requests per operation for each role. Every request
carries an X-Fuzz-Role header that gunicorn writes to its access log, so the 5xx answers are counted
from the server's own log, whatever schemathesis reports. The table of 5xx per role is printed last;
the exit status is 1 when any role got a 5xx.

Environment: FUZZ_EXAMPLES (default 20), FUZZ_ROLES (default all: anonymous enterprise office jinshui
inspector), FUZZ_WORKERS (schemathesis workers, default 2), FUZZ_SEED, FUZZ_DEMO_COUNT (tiny demo
for CI, see `qcity demo --count`), DATABASE_URL.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# The enterprise runs before the officers: their fuzzing may revoke its account (enterprise-accounts/{id}/revoke/),
# which ends its token.
ROLES = ("anonymous", "enterprise", "office", "jinshui", "inspector")
# One API token per demo account (hashed knox tokens: the key exists only in this output). The demo accounts must change their initial password before using the
# platform (the API answers 403 until then); the fuzzing accounts are marked as having done so.
TOKENS_SCRIPT = """
import datetime, json
from qcity.core.models import ApiToken, User
users = User.objects.filter(username__in=%(roles)r)
if any(f.name == "must_change_password" for f in User._meta.fields):
    users.update(must_change_password=False)
print(json.dumps({u.username: ApiToken.objects.create(user=u, expiry=datetime.timedelta(days=1), name="fuzz")[1]
                  for u in users}))
"""
LOG_LINE = re.compile(r'^(?P<role>\S+) (?P<status>\d{3}) "(?P<method>[A-Z]+) (?P<path>\S+)')


def main() -> int:
    started = time.monotonic()
    examples = int(os.environ.get("FUZZ_EXAMPLES", "20"))
    roles = os.environ.get("FUZZ_ROLES", " ".join(ROLES)).split()
    workdir = ROOT / "var" / "fuzz"
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "reports").mkdir(parents=True)

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="qcity.settings.production",
        SECRET_KEY=secrets.token_urlsafe(48),
        SECURE_SSL_REDIRECT="0",
        QCITY_VAR_DIR=str(workdir),
        CELERY_TASK_ALWAYS_EAGER="1",
        PYTHONUNBUFFERED="1",
    )
    env.pop("REDIS_URL", None)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'fuzz.sqlite3'}"
    qcity = [str(VENV_BIN / "qcity")]

    def step(*args: str) -> str:
        print(f"== qcity {' '.join(args[:2])}", flush=True)
        return subprocess.run([*qcity, *args], env=env, cwd=ROOT, check=True, text=True,
                              capture_output=True).stdout

    step("migrate", "--noinput")
    step("seed")
    step("plans", "load")
    demo = ["demo", "--scale", "small"]
    if os.environ.get("FUZZ_DEMO_COUNT"):
        demo += ["--count", os.environ["FUZZ_DEMO_COUNT"]]
    step(*demo)
    step("collectstatic", "--noinput", "-v", "0")
    tokens = json.loads(step("shell", "-v", "0", "-c", TOKENS_SCRIPT % {"roles": list(ROLES)}).strip().splitlines()[-1])
    missing = [role for role in roles if role != "anonymous" and role not in tokens]
    if missing:
        raise SystemExit(f"no demo account for {', '.join(missing)}")

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    access_log = workdir / "access.log"
    server_log = open(workdir / "server.log", "w")  # noqa: SIM115 (open for the server's lifetime)
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "qcity.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", "120", "--access-logfile", str(access_log),
         "--access-logformat", '%({x-fuzz-role}i)s %(s)s "%(r)s"',
         "--error-logfile", str(workdir / "error.log")],
        env=env, cwd=ROOT, stdout=server_log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(f"{base}/api/schema/", tokens.get("office", ""))
        (workdir / "schema.json").write_bytes(_get(f"{base}/api/schema/?format=json", tokens.get("office", "")))
        results, seconds = {}, {}
        print(f"== setup done after {time.monotonic() - started:.0f}s", flush=True)
        for role in roles:
            begun = time.monotonic()
            results[role] = _fuzz(role, base, workdir, tokens.get(role), examples, env)
            seconds[role] = time.monotonic() - begun
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()

    by_role = Counter()
    failing = {role: Counter() for role in roles}
    requests = Counter()
    for line in access_log.read_text(errors="replace").splitlines():
        match = LOG_LINE.match(line)
        if not match or match["role"] not in failing:
            continue
        requests[match["role"]] += 1
        if match["status"].startswith("5"):
            by_role[match["role"]] += 1
            failing[match["role"]][f"{match['method']} {re.sub(r'[?].*', '', match['path'])}"] += 1

    for role in roles:
        for endpoint, count in failing[role].most_common():
            print(f"5xx {role:10} {count:5}  {endpoint}")
    if sum(by_role.values()):
        print(f"tracebacks: {(workdir / 'server.log').relative_to(ROOT)}; "
              f"reproduce with the curl lines in {workdir.relative_to(ROOT)}/schemathesis-<role>.log")
    operations = len([1 for item in json.loads((workdir / "schema.json").read_text())["paths"].values()
                      for method in item if method in ("get", "put", "patch", "post", "delete")])
    print(f"\nschemathesis over /api/schema/ ({operations} operations), at most {examples} examples per "
          f"operation and phase, production settings, {env['DATABASE_URL'].split(':')[0]}; "
          f"{time.monotonic() - started:.0f}s wall time; logs in {workdir.relative_to(ROOT)}/")
    print(f"{'role':12}{'requests':>10}{'5xx':>8}{'seconds':>9}{'st exit':>9}")
    for role in roles:
        print(f"{role:12}{requests[role]:>10}{by_role[role]:>8}{seconds[role]:>9.0f}{results[role]:>9}")
    print(f"{'total':12}{sum(requests.values()):>10}{sum(by_role.values()):>8}")
    return 1 if sum(by_role.values()) else 0


def _fuzz(role, base, workdir, token, examples, env) -> int:
    print(f"== schemathesis as {role}", flush=True)
    if token:  # every logged-in role may read the schema it is fuzzed against
        _get(f"{base}/api/schema/?format=json", token)
    cmd = [
        str(VENV_BIN / "schemathesis"), "run", str(workdir / "schema.json"), "--url", f"{base}",
        "--checks", "not_a_server_error", "--max-examples", str(examples),
        "--workers", os.environ.get("FUZZ_WORKERS", "2"), "--request-timeout", "60",
        "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all", "--no-color",
        "--report", "junit", "--report-junit-path", str(workdir / "reports" / f"{role}.xml"),
        "-H", f"X-Fuzz-Role: {role}", "--warnings", "off",
    ]
    if os.environ.get("FUZZ_SEED"):
        cmd += ["--seed", os.environ["FUZZ_SEED"]]
    if token:
        cmd += ["-H", f"Authorization: Token {token}"]
    with open(workdir / f"schemathesis-{role}.log", "w") as out:
        # run inside var/fuzz/ so that schemathesis' and hypothesis' caches land there, not in the repository
        return subprocess.run(cmd, cwd=workdir, env={**env, "NO_COLOR": "1"}, stdout=out,
                              stderr=subprocess.STDOUT).returncode


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, token: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def _wait_for(url: str, token: str) -> None:
    for _ in range(120):
        try:
            _get(url, token)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url}")


if __name__ == "__main__":
    sys.exit(main())
