import pytest

from qcity.core.choices import Role


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)
