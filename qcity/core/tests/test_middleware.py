"""Sessions: the idle timeout (the expiry renewed at most once a minute, not written on every request; a
session unused for the timeout ends), on both session stores a deployment uses: the database alone, and the
database behind the shared cache when Redis is configured."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qcity.core.choices import Role
from qcity.core.tasks import sessions_clear_expired_task

pytestmark = pytest.mark.django_db
ENGINES = ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(params=ENGINES, ids=["db", "cached_db"])
def session_engine(request, settings):
    """Each session store in turn (set before the test client loads its middleware)."""
    settings.SESSION_ENGINE = request.param
    return request.param


def _session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum(1 for q in captured if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
               and "django_session" in q["sql"])


@pytest.fixture
def later(time_machine):
    """later(seconds): the clock moved on by `seconds` from the test's start (held still in between)."""
    start = timezone.now()
    time_machine.move_to(start, tick=False)

    def move(seconds: int) -> None:
        time_machine.move_to(start + datetime.timedelta(seconds=seconds), tick=False)

    return move


def _expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_expiry_is_renewed_once_a_minute_not_on_every_request(session_engine, client_for, make_user, later):
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    url = reverse("core:notifications")
    # given a first request, which renews the expiry
    _session_writes(client, url)
    first = _expiry(client)
    # when the user clicks on within the minute
    later(20)
    # then the session row is not written again
    assert _session_writes(client, url) == 0 and _expiry(client) == first
    # and a request more than a minute after the last renewal moves the expiry on
    later(65)
    assert _session_writes(client, url) == 1
    assert _expiry(client) - first >= datetime.timedelta(seconds=60)


def test_a_session_unused_for_the_timeout_ends(session_engine, client_for, make_user, later):
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    url = reverse("core:notifications")
    assert client.get(url).status_code == 200
    # a request just inside the timeout keeps the user in
    later(settings.SESSION_COOKIE_AGE - 90)
    assert client.get(url).status_code == 200
    # none for longer than the timeout: the next request goes to the login page
    later(2 * settings.SESSION_COOKIE_AGE - 90 + 1)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _session_reads(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum(1 for q in captured if q["sql"].lstrip().upper().startswith("SELECT") and "django_session" in q["sql"])


def test_with_the_shared_cache_a_page_reads_no_session_row(settings, client_for, make_user):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    url = reverse("core:notifications")
    assert _session_reads(client, url) == 0
    # the database still holds it: the cache lost (a Redis restart), the row is read and the user stays in
    cache.clear()
    assert _session_reads(client, url) == 1
    assert _session_reads(client, url) == 0


def test_after_logout_or_deactivation_the_old_cookie_is_refused(session_engine, client_for, make_user):
    url = reverse("core:notifications")
    # logging out ends the session in the cache as in the database: a copied cookie does not bring it back
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    assert client.get(url).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("logout")).status_code == 302
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    _to_login(client.get(url))
    # a deactivated user's open session ends on the next request (the user row is read on every request)
    user = make_user(Role.LEADERSHIP_OFFICE)
    client = client_for(user)
    assert client.get(url).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    _to_login(client.get(url))


def _to_login(response) -> None:
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _session_engine_with(redis_url: str) -> str:
    """SESSION_ENGINE as the production settings build it, in a fresh interpreter."""
    code = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qcity.settings.production", "SECRET_KEY": "x" * 60,
           "QCITY_VAR_DIR": str(REPO / "var"), "REDIS_URL": redis_url}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=120, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_sessions_use_the_cache_only_when_it_is_shared():
    # Redis: one cache for every worker process; without it each process caches alone and would read stale
    assert _session_engine_with("redis://127.0.0.1:6379/0").endswith(".cached_db")
    assert _session_engine_with("").endswith(".db")


def test_expired_sessions_are_deleted_by_the_nightly_job(session_engine, settings, client_for, make_user, later):
    jobs = {job["task"]: job["schedule"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert isinstance(jobs["qcity.core.tasks.sessions_clear_expired_task"], crontab)
    url = reverse("core:notifications")
    # given a session left without logging out, and one still in use
    left = client_for(make_user(Role.LEADERSHIP_OFFICE))
    assert left.get(url).status_code == 200
    left_key = left.session.session_key
    later(settings.SESSION_COOKIE_AGE - 60)
    active = Client()
    active.force_login(make_user(Role.LEADERSHIP_OFFICE))
    # when the nightly job runs after the first has expired
    later(settings.SESSION_COOKIE_AGE + 60)
    sessions_clear_expired_task()
    # then only the expired one is gone
    assert not Session.objects.filter(session_key=left_key).exists()
    assert Session.objects.filter(session_key=active.session.session_key).exists()
