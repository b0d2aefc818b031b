"""The idle timeout: the session's expiry is renewed at most once a minute, not written on every request,
and a session unused for the timeout ends."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qcity.core.choices import Role

pytestmark = pytest.mark.django_db


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


def test_the_expiry_is_renewed_once_a_minute_not_on_every_request(client_for, make_user, later):
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


def test_a_session_unused_for_the_timeout_ends(client_for, make_user, later):
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
