"""Browser tests: headless system Chromium (Playwright) against a real qcity server in a subprocess.

The server has its own database (a temp SQLite file, or `<name>_browser` on PostgreSQL), migrated,
seeded and loaded with demo data by the `qcity` commands, so browser tests must not use the ORM or
the `db` fixture: what they see is what the server has. pytest-django's live_server is not used,
because its flush between tests would hit the append-only audit log triggers.

Those commands and the server run through `pinned_qcity.py`, on the suite's pinned clock (the root
conftest), so the server's "today" is the `today` fixture's.
"""

import datetime
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
PINNED_QCITY = Path(__file__).with_name("pinned_qcity.py")
SCREENSHOTS = REPO / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DEMO_COUNT = 300
SERVER_START_TIMEOUT = 60


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


# --- the server ----------------------------------------------------------------------------------


def _pinned_qcity_command(*args):
    """The command line running `qcity *args` on the pinned clock, from the moment this process's
    (pinned, ticking) clock shows now, so that time goes on across the subprocesses as in one."""
    moment = datetime.datetime.now(datetime.UTC).astimezone().isoformat(timespec="seconds")
    return [sys.executable, str(PINNED_QCITY), moment, *args]


def _qcity(*args, env, log, timeout=600):
    """Run a `qcity` command for the browser server; fail the session with its output if it fails."""
    cmd = _pinned_qcity_command(*args)
    with open(log, "a") as out:
        out.write(f"\n$ qcity {' '.join(args)}   # at {cmd[2]}\n")
        out.flush()
        result = subprocess.run(cmd, env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f"`qcity {' '.join(args)}` failed (exit {result.returncode}):\n{_tail(log)}", pytrace=False)


def _tail(path, lines=60):
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_database_url(tmp_path_factory):
    """A database of the browser server's own: `<name>_browser` next to a PostgreSQL DATABASE_URL,
    else a temp SQLite file. Created empty here and dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.sqlite3'}"
        return

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'qcity'}_browser"
    maintenance_url = urlunsplit(parts._replace(path="/postgres"))

    def recreate(create):
        with psycopg.connect(maintenance_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            if create:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    recreate(create=True)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    recreate(create=False)


server_workdirs: dict[str, Path] = {}


@pytest.fixture(scope="session")
def server_url(browser_database_url, tmp_path_factory, today):
    """Base URL (no trailing slash) of a qcity runserver with DEBUG on, its own database, the
    reference data and a small demo data set, on the pinned clock."""
    workdir = tmp_path_factory.mktemp("browser-server")
    log = workdir / "server.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qcity.settings.dev",
        "DEBUG": "1",
        "DATABASE_URL": browser_database_url,
        "QCITY_VAR_DIR": str(workdir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": url,
        "PYTHONUNBUFFERED": "1",
        # SMS and e-mail land in files under the workdir, where tests read them (the `outbox` fixture)
        "QCITY_SMS_BACKEND": "qcity.core.sms.FileSmsBackend",
        "QCITY_SMS_FILE_PATH": str(workdir / "sms"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(workdir / "mail"),
    }
    _qcity("migrate", "--noinput", env=env, log=log)
    _qcity("seed", env=env, log=log)
    # the demo's year of operations ends on the pinned day (its own clock says the same; --today makes it explicit)
    # --no-forced-change: the tests log in with the printed demo password (test_security.py covers the forced change)
    _qcity("demo", "--scale", "small", "--count", str(DEMO_COUNT), "--today", today.isoformat(), "--no-forced-change",
           env=env, log=log)

    with open(log, "a") as out:
        server_command = _pinned_qcity_command("runserver", "--noreload", f"127.0.0.1:{port}")
        out.write(f"\n$ qcity {' '.join(server_command[3:])}   # at {server_command[2]}\n")
        out.flush()
        server = subprocess.Popen(
            server_command,
            env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"qcity server exited with {server.returncode}:\n{_tail(log)}", pytrace=False)
            try:
                urllib.request.urlopen(f"{url}/accounts/login/", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # it answers; what it answers is for the tests to judge
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"qcity server not up after {SERVER_START_TIMEOUT}s:\n{_tail(log)}",
                                pytrace=False)
                time.sleep(0.2)
        server_workdirs[url] = workdir
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """System Chromium, never a downloaded one. Module-scoped on purpose: while Playwright's sync API
    is running, its event loop makes Django's ORM refuse to work in this process, so it must be shut
    down before the (non-browser) tests that follow."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: run scripts/install-system-packages.sh (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server_url):
    """A fresh browser context per test, with relative URLs resolved against the server. The test
    fails if any response was a server error, the page raised an uncaught JavaScript error, or the
    browser refused something under the Content-Security-Policy (it says so on the console)."""
    context = browser.new_context(base_url=server_url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    problems = []
    page = context.new_page()
    page.on("response", lambda r: r.status >= 500 and problems.append(f"HTTP {r.status} {r.url}"))
    page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
    page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(f"CSP: {m.text}"))
    yield page
    context.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def login(page, username, password):
    """Sign in through the login form and wait for the page that follows."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").first.click()


@pytest.fixture(name="login")
def login_fixture():
    """`login(page, username, password)`, as a fixture so tests need not import from conftest."""
    return login


@pytest.fixture
def screenshot(request):
    """screenshot(page, name=None) -> Path: a full-page PNG under var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name=None):
        path = SCREENSHOTS / f"{name or request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def outbox(server_url):
    """The browser server's outboxes: `outbox.sms` and `outbox.mail` are its SMS and e-mail directories
    (the file backends write one file per message)."""

    class Outbox:
        sms = server_workdirs[server_url] / "sms"
        mail = server_workdirs[server_url] / "mail"

    return Outbox


@pytest.fixture
def on_server(server_url, browser_database_url):
    """on_server(code) -> the last line `qcity shell -c code` printed, run against the browser server's own
    database and directories on the suite's pinned clock (as the server's `migrate`/`demo` ran): how a test sets
    up what only the command line or a job can do."""
    workdir = server_workdirs[server_url]

    def run(code: str) -> str:
        moment = datetime.datetime.now(datetime.UTC).astimezone().isoformat(timespec="seconds")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qcity.settings.dev", "DEBUG": "1",
               "DATABASE_URL": browser_database_url, "QCITY_VAR_DIR": str(workdir),
               "QCITY_SMS_BACKEND": "qcity.core.sms.FileSmsBackend", "QCITY_SMS_FILE_PATH": str(workdir / "sms")}
        result = subprocess.run([sys.executable, str(PINNED_QCITY), moment, "shell", "-c", code], env=env, cwd=REPO,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    return run
