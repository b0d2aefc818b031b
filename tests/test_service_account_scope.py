"""What a service account's token can see: the rows of its org unit (a district's feed) or of its enterprise
(a supplier's system), on the endpoints it may call. Its paths are the account's (qcity/core/api_tokens.py);
its data are its role assignments read by each module's selectors, as for a person (qcity/core/access.py)."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from qcity.core import api_tokens
from qcity.core.choices import Role
from qcity.core.services import role_grant
from qcity.credit.models import CreditEvent
from qcity.credit.tests.factories import make_credit_event
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling.tests.factories import concluded, make_plan, make_sample, make_samplers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()  # the throttle counts live in the cache, keyed by user id, which a rolled-back test reuses
    yield
    cache.clear()


@pytest.fixture
def other_district(city, district):
    return city.children.exclude(pk=district.pk).first()


@pytest.fixture
def service_token(make_user):
    """service_token(username=, allowed_paths=, role=, org_unit=, enterprise=None) -> an API client holding a
    token of a service account the system administrator made, with `role` over `org_unit` granted by the
    security administrator (the account's own unit is `org_unit` too)."""
    system_admin, security_admin = make_user(Role.SYSTEM_ADMIN), make_user(Role.SECURITY_ADMIN)

    def make(*, username, allowed_paths, role, org_unit, enterprise=None) -> APIClient:
        account = api_tokens.service_account_create(
            username=username, full_name=username, purpose="测试", allowed_paths=allowed_paths, org_unit=org_unit,
            enterprise=enterprise, by=system_admin)
        role_grant(user=account.user, role=role, org_unit=org_unit, by=security_admin)
        _token, key = api_tokens.service_account_token_issue(account=account, name="feed", days=30, by=system_admin)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return api

    return make


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- an org unit's feed -------------------------------------------------------------------------------------


def test_a_district_feed_lists_only_its_districts_enterprises(district, other_district, service_token):
    # given enterprises in two districts, and a feed of the first holding a staff role over it
    ours = {EnterpriseFactory(org_unit=district).pk for _ in range(2)}
    theirs = EnterpriseFactory(org_unit=other_district)
    api = service_token(username="district-feed", allowed_paths=["/api/enterprises/"],
                         role=Role.DEPARTMENT_REPORTER, org_unit=district)
    # when it lists the enterprises and opens one of the other district's
    listed = _ids(api.get("/api/enterprises/"))
    detail = api.get(f"/api/enterprises/{theirs.pk}/")
    # then it sees its own district's only, and the other's is not found
    assert listed == ours
    assert detail.status_code == 404
    assert api.get(f"/api/enterprises/{min(ours)}/").status_code == 200


def test_a_district_feed_lists_only_its_districts_samples(make_user, city, district, other_district, service_token):
    plan, samplers = make_plan(city), make_samplers(make_user, district)
    ours = concluded(make_sample(plan, EnterpriseFactory(org_unit=district), samplers, batch="1"))
    theirs = concluded(make_sample(plan, EnterpriseFactory(org_unit=other_district), samplers, batch="2"))
    api = service_token(username="district-lab", allowed_paths=["/api/samples/"], role=Role.INSPECTOR,
                         org_unit=district)
    assert _ids(api.get("/api/samples/")) == {ours.pk}
    assert api.get(f"/api/samples/{theirs.pk}/").status_code == 404


def test_a_city_feed_sees_every_district(city, district, other_district, service_token):
    # the same endpoint, a role over the city: both districts (the scope is the role's, nothing else)
    both = {EnterpriseFactory(org_unit=district).pk, EnterpriseFactory(org_unit=other_district).pk}
    api = service_token(username="city-feed", allowed_paths=["/api/enterprises/"], role=Role.DEPARTMENT_REPORTER,
                         org_unit=city)
    assert _ids(api.get("/api/enterprises/")) == both


# --- an enterprise's system ---------------------------------------------------------------------------------


@pytest.fixture
def firms(make_user, city, district, other_district):
    """Two enterprises of the district and one of another, each with a served sample and a credit event."""
    plan, samplers = make_plan(city), make_samplers(make_user, district)
    mine = EnterpriseFactory(org_unit=district, name="供应商自家")
    neighbour = EnterpriseFactory(org_unit=district, name="同区别家")
    far = EnterpriseFactory(org_unit=other_district, name="外区别家")
    samples = {e.pk: concluded(make_sample(plan, e, samplers, batch=str(n))) for n, e in enumerate((mine, neighbour, far))}
    events = {e.pk: make_credit_event(e) for e in (mine, neighbour, far)}
    return mine, neighbour, far, samples, events


ENTERPRISE_PATHS = ["/api/samples/", "/api/credit-files/", "/api/credit-events/", "/api/enterprises/"]


def test_an_enterprise_system_sees_only_its_own_enterprise(firms, district, service_token):
    # given a supplier's trace system tied to its enterprise, holding the enterprise role over the district
    mine, neighbour, far, samples, events = firms
    api = service_token(username="trace-system", allowed_paths=ENTERPRISE_PATHS, role=Role.ENTERPRISE_USER,
                         org_unit=district, enterprise=mine)
    # when it lists samples and credit events, then only its own enterprise's come back
    assert _ids(api.get("/api/samples/")) == {samples[mine.pk].pk}
    listed = api.get("/api/credit-events/").json()["results"]
    assert {e["enterprise"] for e in listed} == {mine.pk} and events[mine.pk].pk in {e["id"] for e in listed}
    assert CreditEvent.objects.exclude(enterprise=mine).count() >= 2  # the others' were there to be seen
    # and it opens its own credit file (without the risk class) but not a neighbour's or another district's
    own = api.get(f"/api/credit-files/{mine.pk}/")
    assert own.status_code == 200 and own.json()["enterprise"]["risk_class"] is None
    for other in (neighbour, far):
        assert api.get(f"/api/credit-files/{other.pk}/").status_code == 404
        assert api.get(f"/api/samples/{samples[other.pk].pk}/").status_code == 404
    # and the registry and the list of credit files are staff's: refused even though the paths are allowed
    assert api.get("/api/enterprises/").status_code == 403
    assert api.get(f"/api/enterprises/{neighbour.pk}/").status_code == 403
    assert api.get("/api/credit-files/").status_code == 403


def test_an_enterprise_system_without_its_enterprise_link_sees_nothing(firms, district, service_token):
    # the enterprise role alone (an account made without `enterprise`) opens no enterprise's rows
    mine, _neighbour, _far, samples, _events = firms
    api = service_token(username="unlinked-system", allowed_paths=ENTERPRISE_PATHS, role=Role.ENTERPRISE_USER,
                         org_unit=district)
    assert _ids(api.get("/api/samples/")) == set()
    assert _ids(api.get("/api/credit-events/")) == set()
    assert api.get(f"/api/credit-files/{mine.pk}/").status_code == 404


def test_an_enterprise_system_cannot_be_given_a_staff_role(firms, district, service_token):
    # given a supplier's system tied to its enterprise, when a staff role over the district is granted
    mine = firms[0]
    # then the grant is refused, naming the role: the account stays its enterprise's
    with pytest.raises(ValidationError) as refused:
        service_token(username="trace-inspector", allowed_paths=ENTERPRISE_PATHS, role=Role.INSPECTOR,
                      org_unit=district, enterprise=mine)
    assert "role" in refused.value.message_dict
