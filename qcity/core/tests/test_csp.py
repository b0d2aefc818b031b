"""Content-Security-Policy: in every settings mode, on every response, and no inline code for it to block."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from qcity.core.choices import Role

REPO = Path(__file__).resolve().parents[3]
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
          "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# An inline <script> that runs (a JSON data block is not run, and the CSP does not need to allow it), an inline
# style attribute, an inline event handler (onchange=, onclick= …).
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/json)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def _directives(header: str) -> dict[str, set[str]]:
    """A policy header as {directive: sources} (django-csp writes the directives in no fixed order)."""
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: set(sources) for name, *sources in parts}


def _policy_in(settings_module: str) -> dict:
    """The policy header and middleware as a settings module builds them, in a fresh interpreter."""
    code = ("import json, django; django.setup(); from django.conf import settings; from csp.utils import build_policy; "
            "print(json.dumps({'policy': build_policy(), 'middleware': settings.MIDDLEWARE}))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "SECRET_KEY": "x" * 60,
           "QCITY_VAR_DIR": str(REPO / "var")}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["qcity.settings.dev", "qcity.settings.production", "qcity.settings.test"])
def test_every_settings_mode_sends_the_strict_policy(module):
    built = _policy_in(module)
    assert _directives(built["policy"]) == _directives(POLICY)
    assert "csp.middleware.CSPMiddleware" in built["middleware"]


def _templates() -> list[Path]:
    return sorted(p for p in (REPO / "qcity").rglob("templates/**/*.html"))


def test_no_template_has_inline_script_style_or_event_handlers():
    offenders = []
    for path in _templates():
        text = path.read_text("utf-8")
        for name, pattern in (("inline <script>", INLINE_SCRIPT), ("style=", STYLE_ATTRIBUTE),
                              ("on*= handler", EVENT_HANDLER)):
            offenders += [f"{path.relative_to(REPO)}: {name}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    assert _templates() and not offenders, "\n".join(offenders)


def _plain_routes(resolver: URLResolver, prefix: str = ""):
    """Routes without parameters: the ones a GET can open as they are."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _plain_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if "<" not in route and not route.startswith("^") and "(?P" not in route:
                yield "/" + route


@pytest.mark.django_db
def test_every_page_carries_the_policy_and_renders_nothing_inline(client, make_user):
    # given the office (the widest business role) walking every page without parameters, and a stranger
    office = make_user(Role.LEADERSHIP_OFFICE)
    routes = sorted(set(_plain_routes(get_resolver())))
    assert len(routes) > 30
    problems = []
    for logged_in in (True, False):
        if logged_in:
            client.force_login(office)
        else:
            client.logout()
        for route in routes:
            response = client.get(route)
            header = response.get("Content-Security-Policy", "")
            docs = route.startswith(("/api/docs/", "/api/redoc/"))
            if "default-src 'self'" not in header or "frame-ancestors 'none'" not in header:
                problems.append(f"{route}: no policy ({response.status_code})")
            elif ("'unsafe-inline'" in header) != docs:  # relaxed on the two documentation pages only
                problems.append(f"{route}: unexpected policy {header!r}")
            if docs or "html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
                continue
            html = response.content.decode("utf-8", "replace")
            for name, pattern in (("inline <script>", INLINE_SCRIPT), ("style=", STYLE_ATTRIBUTE),
                                  ("on*= handler", EVENT_HANDLER)):
                problems += [f"{route}: renders {name}: {m.group(0)[:80]}" for m in pattern.finditer(html)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_error_pages_carry_the_policy(client):
    assert _directives(client.get("/no-such-page/")["Content-Security-Policy"]) == _directives(POLICY)
