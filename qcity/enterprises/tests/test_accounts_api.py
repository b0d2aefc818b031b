"""The district's enterprise-account API: list in scope, confirm, revoke (wiring and permissions)."""

import pytest

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.choices import EnterpriseAccountStatus
from qcity.enterprises.models import EnterpriseAccount

from .factories import EnterpriseAccountFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(make_user, district):
    enterprise = EnterpriseFactory(org_unit=district, legal_representative="王建国")
    user = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    return EnterpriseAccountFactory(user=user, enterprise=enterprise)


def test_officer_lists_confirms_and_revokes_through_the_api(api_for, make_user, district, account):
    api = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    listed = api.get("/api/enterprise-accounts/", {"status": "unconfirmed"}).json()
    assert [row["id"] for row in listed["results"]] == [account.pk]
    assert api.post(f"/api/enterprise-accounts/{account.pk}/confirm/").json()["status"] == "confirmed"
    assert api.post(f"/api/enterprise-accounts/{account.pk}/revoke/", {"reason": ""}, format="json").status_code == 400
    response = api.post(f"/api/enterprise-accounts/{account.pk}/revoke/", {"reason": "冒名注册"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == EnterpriseAccountStatus.REVOKED
    account.user.refresh_from_db()
    assert not account.user.is_active


def test_bad_status_filter_is_a_400_naming_the_parameter(api_for, make_user, district):
    response = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district)).get("/api/enterprise-accounts/",
                                                                              {"status": "nonsense"})
    assert response.status_code == 400 and "status" in response.json()


def test_officer_of_another_district_neither_sees_nor_confirms(api_for, make_user, city, account):
    api = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=city.children.get(name="二七区")))
    assert api.get("/api/enterprise-accounts/").json()["count"] == 0
    assert api.post(f"/api/enterprise-accounts/{account.pk}/confirm/").status_code == 404
    assert EnterpriseAccount.objects.get().status == EnterpriseAccountStatus.UNCONFIRMED


def test_enterprise_user_is_refused(api_for, account):
    assert api_for(account.user).get("/api/enterprise-accounts/").status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=account.user).exists()
