import datetime

import pytest

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory


@pytest.fixture
def enterprise(district):
    return EnterpriseFactory(org_unit=district, established_on=datetime.date(2018, 5, 1))


@pytest.fixture
def owner(make_user, enterprise):
    return make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)


@pytest.fixture
def officer(make_user, enterprise):
    return make_user(Role.DISTRICT_OFFICER, org_unit=enterprise.org_unit)
