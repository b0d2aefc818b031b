"""Fixtures shared by every test: a pinned clock, the reference data, the city and a district, users
with roles.

The clock. No test may depend on the real date, so the whole session runs on a clock pinned by
time-machine to `PINNED_TODAY` at 10:00 Asia/Shanghai, a Monday whose 5-working-day period crosses the
Dragon Boat holiday. The clock ticks from there (tick=True: timeouts, orderings and durations behave), so
"today" stays that day for the whole run. It is started in `pytest_configure`, before the test modules
are imported (only pytest-django's django.setup() comes earlier, and no app computes a date when it is
loaded), shown in the pytest header, and handed to tests as the `today` fixture; a test that needs
another day travels there itself, visibly (`time_machine.travel(...)` or the `time_machine` fixture).
The browser tests' server subprocesses run on the same clock (tests/browser/pinned_qcity.py).

To explore another day, set QCITY_TEST_TODAY=YYYY-MM-DD, e.g.
`QCITY_TEST_TODAY=2026-10-20 make test`. Without it the day is PINNED_TODAY, never the real date.
"""

import datetime
import itertools
import os
import time
import zoneinfo

import pytest
import time_machine
from hypothesis import Phase
from hypothesis import settings as hypothesis_settings

TEST_PASSWORD = "Test-pass-123!"

# Property tests (hypothesis). "ci", the default, runs the same examples on every run and machine
# (derandomize, no example database), with no per-example deadline because an example writes to the test
# database, and reports the first failing example as found: shrinking examples that write to the database
# can take minutes. "explore" searches randomly, longer, and shrinks: HYPOTHESIS_PROFILE=explore make test.
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, database=None, max_examples=60,
                                     print_blob=True, phases=[Phase.explicit, Phase.reuse, Phase.generate])
hypothesis_settings.register_profile("explore", deadline=None, max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PINNED_TODAY = datetime.date(2026, 6, 15)
PINNED_TIME = datetime.time(10, 0)
TIME_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")  # = settings.TIME_ZONE


def _pinned_moment() -> datetime.datetime:
    """PINNED_TODAY at 10:00 in Shanghai, or QCITY_TEST_TODAY's day at 10:00."""
    raw = os.environ.get("QCITY_TEST_TODAY", "").strip()
    try:
        day = datetime.date.fromisoformat(raw) if raw else PINNED_TODAY
    except ValueError:
        raise pytest.UsageError(f"QCITY_TEST_TODAY={raw!r} is not a date YYYY-MM-DD") from None
    return datetime.datetime.combine(day, PINNED_TIME, tzinfo=TIME_ZONE)


_clock = None


def pytest_configure(config):
    global _clock
    if _clock is None:
        _clock = time_machine.travel(_pinned_moment(), tick=True)
        _clock.start()


def pytest_unconfigure(config):
    global _clock
    if _clock is not None:
        _clock.stop()
        _clock = None


def pytest_report_header(config):
    source = "QCITY_TEST_TODAY" if os.environ.get("QCITY_TEST_TODAY", "").strip() else "conftest.PINNED_TODAY"
    moment = _pinned_moment()
    return f"qcity: clock pinned to {moment:%Y-%m-%d %H:%M} {moment.tzinfo} ({moment:%A}; from {source})"


@pytest.fixture(scope="session")
def today() -> datetime.date:
    """The pinned day every test runs on (see the module docstring)."""
    return _pinned_moment().date()


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cockpit, status board, quality index and menu badges are cached under keys holding primary keys,
    and primary keys repeat across rolled-back tests: no test may read another's cached figures (nor the unit
    options a filter keeps in the process, from units a rolled-back test made)."""
    from django.core.cache import cache

    from qcity.core.selectors import org_unit_options_clear

    cache.clear()
    org_unit_options_clear()
    yield
    cache.clear()
    org_unit_options_clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Zhengzhou's org units, departments, holiday calendar and legal durations once, right after
    the test database is created, so every test starts from the data a real installation has."""
    from qcity.core.services import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load(by=None)


@pytest.fixture
def city(db):
    from qcity.core.models import OrgUnit

    return OrgUnit.objects.get(parent__isnull=True)


@pytest.fixture
def district(db, city):
    return city.children.get(name="金水区")


@pytest.fixture
def make_user(db, city):
    """make_user(role, org_unit=None, **kw) -> User holding `role` over `org_unit` (default: the city).

    The password is TEST_PASSWORD. `role=None` makes a user without any role. Other keyword arguments
    (username, full_name, department, enterprise) go to `user_create`.
    """
    from qcity.core.services import role_grant, user_create

    counter = itertools.count(1)

    def make(role=None, org_unit=None, **kw):
        unit = org_unit or city
        kw.setdefault("username", f"{role or 'user'}-{next(counter)}")
        user = user_create(password=TEST_PASSWORD, org_unit=unit, by=None, **kw)
        if role is not None:
            role_grant(user=user, role=role, org_unit=unit, by=None)
        return user

    return make


@pytest.fixture
def client_for(client):
    """client_for(user) -> the Django test client, logged in as `user` (session auth, as the pages)."""

    from qcity.core.middleware import SESSION_REFRESHED_KEY

    def login(user):
        client.force_login(user)
        # as the login page's answer leaves it: the session's expiry just renewed (core.middleware)
        session = client.session
        session[SESSION_REFRESHED_KEY] = int(time.time())
        session.save()
        return client

    return login


@pytest.fixture
def api_for():
    """api_for(user) -> a DRF API client that authenticates as `user` with a token (as API callers)."""
    from rest_framework.test import APIClient

    from qcity.core.models import ApiToken

    def authenticate(user):
        api = APIClient()
        _token, key = ApiToken.objects.create(user=user, expiry=None, name="test")  # tests travel in time
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return api

    return authenticate


@pytest.fixture
def helper_calls(monkeypatch):
    """`helper_calls(module)` spies on the demo module's `made_in_helper` and returns the list of its calls'
    `helper` flags (whether the work went to a helper process)."""

    def spy_on(module) -> list[bool]:
        calls: list[bool] = []
        made_in_helper = module.made_in_helper

        def spy(function, arguments, *, helper):
            calls.append(helper)
            return made_in_helper(function, arguments, helper=helper)

        monkeypatch.setattr(module, "made_in_helper", spy)
        return calls

    return spy_on
