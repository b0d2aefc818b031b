#!/usr/bin/env python3
"""The HTTP half of `make smoke` (scripts/smoke_production.sh starts the stack): as the office, in a browser's
steps, log in, ask for the white paper PDF, poll its panel until the Celery worker has built it, download it.

Only the standard library, so it runs before anything else is installed. The server runs production settings
behind no proxy: requests say `X-Forwarded-Proto: https` as the TLS-terminating proxy would, so the Secure
session and CSRF cookies are issued and accepted; cookies are kept by hand (a cookie jar keeps Secure cookies
off plain http). Prints one summary line on stdout; progress and errors go to stderr; exit 1 on failure.
"""

import argparse
import html
import http.client
import re
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie

USERNAME = "office"
PASSWORD = "Qcity-2026!"  # the demo accounts' password (qcity.core.demo.DEMO_PASSWORD)
MIN_PDF_BYTES = 20_000  # the smallest white paper (tiny demo) is well above this; an error page is far below


class Smoke(Exception):
    pass


class Browser:
    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"https://{parts.netloc}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, form: dict | None = None, headers: dict | None = None,
                timeout: float = 60):
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        sent = {"X-Forwarded-Proto": "https", "Referer": self.origin + "/reports/", "Host": f"{self.host}:{self.port}",
                **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def page(self, path: str, **kwargs) -> str:
        status, _headers, data = self.request("GET", path, **kwargs)
        if status != 200:
            raise Smoke(f"GET {path} answered {status}")
        return data.decode()


def log(message: str) -> None:
    print(f"   {message}", file=sys.stderr, flush=True)


def wait_for_server(browser: Browser, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, _h, _d = browser.request("GET", "/accounts/login/", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise Smoke("gunicorn did not answer /accounts/login/")
        time.sleep(0.5)


def login(browser: Browser) -> None:
    form = browser.page("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    if token is None:
        raise Smoke("no CSRF token on the login page")
    status, headers, _data = browser.request(
        "POST", "/accounts/login/", form={"username": USERNAME, "password": PASSWORD,
                                         "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": browser.origin + "/accounts/login/"})
    if status != 302 or "/accounts/login/" in headers.get("Location", ""):
        raise Smoke(f"login as {USERNAME} failed ({status} → {headers.get('Location')})")
    log(f"logged in as {USERNAME}")


def panel_status(panel: str) -> str:
    match = re.search(r'class="qc-generated-document[^"]*"[^>]*data-status="([a-z]+)"', panel, re.S)
    if match is None:
        raise Smoke("the answer is not a document panel")
    return match.group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for the document")
    parser.add_argument("--worker-log", help="the worker's log, checked for the task having run there")
    args = parser.parse_args()
    browser = Browser(args.base)
    wait_for_server(browser)
    login(browser)

    reports = browser.page("/reports/")
    found = re.search(r'generated-documents/panel/\?kind=white-paper&(?:amp;)?year=(\d{4})&(?:amp;)?format=pdf', reports)
    if found is None:
        raise Smoke("the report page offers no white paper year (demo without approved values?)")
    year = found.group(1)
    panel_path = f"/reports/generated-documents/panel/?kind=white-paper&year={year}&format=pdf"
    csrf = browser.cookies.get("csrftoken", "")
    begun = time.monotonic()
    status, _headers, data = browser.request(
        "POST", "/reports/generated-documents/", form={"kind": "white-paper", "year": year, "format": "pdf"},
        headers={"HX-Request": "true", "X-CSRFToken": csrf})
    if status != 200:
        raise Smoke(f"asking for the {year} white paper answered {status}: {data[:200]!r}")
    first = panel_status(data.decode())
    log(f"white paper {year} PDF requested: {first}")
    if first not in ("queued", "running"):
        raise Smoke(f"the job was {first} at once: not run in the background (eager mode?)")

    # a double click joins the same job
    status, _headers, again = browser.request(
        "POST", "/reports/generated-documents/", form={"kind": "white-paper", "year": year, "format": "pdf"},
        headers={"HX-Request": "true", "X-CSRFToken": csrf})
    if status != 200 or panel_status(again.decode()) not in ("queued", "running", "done"):
        raise Smoke("the second request failed")

    seen = [first]
    while True:
        panel = browser.page(panel_path, headers={"HX-Request": "true"})
        state = panel_status(panel)
        progress = re.search(r'<progress[^>]*value="(\d+)"', panel)
        if progress and (not seen or seen[-1] != progress.group(1)):
            seen.append(progress.group(1))
        if state == "done":
            break
        if state == "failed":
            error = re.search(r'role="alert">(.*?)</div>', panel, re.S)
            raise Smoke(f"the job failed: {html.unescape(error.group(1)).strip() if error else panel[:300]}")
        if time.monotonic() - begun > args.timeout:
            raise Smoke(f"not done after {args.timeout:.0f}s (status {state}); is the worker running?")
        time.sleep(1)
    seconds = time.monotonic() - begun
    log(f"done after {seconds:.1f}s (progress seen: {', '.join(seen)})")

    link = re.search(r'href="(/reports/generated-documents/(\d+)/download/)"', panel)
    if link is None:
        raise Smoke("the finished panel has no download link")
    job = browser.page(f"/api/generated-documents/{link.group(2)}/", headers={"Accept": "application/json"})
    if '"status":"done"' not in job.replace(" ", ""):
        raise Smoke(f"the API does not report the job done: {job[:200]}")
    status, headers, pdf = browser.request("GET", link.group(1))
    if status != 200 or not pdf.startswith(b"%PDF-") or len(pdf) < MIN_PDF_BYTES:
        raise Smoke(f"the download is not a PDF: {status} {headers.get('Content-Type')} {len(pdf)} bytes "
                    f"{pdf[:16]!r}")
    if "attachment" not in headers.get("Content-Disposition", ""):
        raise Smoke("the download is not an attachment")
    if args.worker_log:
        with open(args.worker_log, encoding="utf-8", errors="replace") as handle:
            if "generated_document_build_task" not in handle.read():
                raise Smoke("the worker's log does not show the task: was it built elsewhere?")
    print(f"white paper {year} PDF ({len(pdf) // 1024} KiB) built by the Celery worker in {seconds:.1f}s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Smoke as exc:
        print(f"smoke failed: {exc}", file=sys.stderr)
        sys.exit(1)
