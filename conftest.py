"""Fixtures shared by every test: the reference data, the city and a district, users with roles."""

import itertools

import pytest

TEST_PASSWORD = "Test-pass-123!"


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

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for():
    """api_for(user) -> a DRF API client that authenticates as `user` with a token (as API callers)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def authenticate(user):
        api = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return authenticate
