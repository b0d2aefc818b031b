import pytest

from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling.services import feeds

from .factories import make_plan, make_samplers


@pytest.fixture
def credit_log(monkeypatch):
    """Spy on what sampling sends to the credit module (the real services still run)."""
    calls = []
    for name in ("credit_record", "credit_publish", "credit_withdraw"):
        original = getattr(feeds, name)

        def spy(sample, *, _name=name, _original=original, **kwargs):
            calls.append((_name, sample.pk))
            return _original(sample, **kwargs)

        monkeypatch.setattr(feeds, name, spy)
    return calls


@pytest.fixture
def city_plan(city):
    return make_plan(city)


@pytest.fixture
def enterprise(district):
    return EnterpriseFactory(org_unit=district)


@pytest.fixture
def samplers(make_user, district):
    return make_samplers(make_user, district)
