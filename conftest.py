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
