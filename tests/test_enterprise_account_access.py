"""An enterprise account sees its enterprise's data only once the district confirmed it (review: a registration
needs only the public USCC, the legal representative's name and any phone): the credit file, and the
recipients the credit and sampling services notify, across the apps (qcity/enterprises/accounts.py with
qcity/credit and qcity/sampling)."""

import re
from types import SimpleNamespace

import pytest
from django.http import Http404

from qcity.core.choices import Role
from qcity.core.models import User
from qcity.credit import selectors as credit_selectors
from qcity.credit.services import access as credit_access
from qcity.enterprises import accounts
from qcity.enterprises.choices import EnterpriseAccountRole
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling.services import samples as sampling_samples

pytestmark = pytest.mark.django_db

PASSWORD = "Qiye-pass-2026!"
ACCEPT_URL = "https://qcity.example/accounts/invitation/%(token)s/"


@pytest.fixture
def registered(monkeypatch, district):
    """An enterprise whose administrator has just registered (unconfirmed)."""
    sent = []
    monkeypatch.setattr(accounts, "sms_send", lambda *, to, text: sent.append(text))
    enterprise = EnterpriseFactory(org_unit=district, legal_representative="王建国")
    accounts.registration_code_send(uscc=enterprise.uscc, legal_representative="王建国", phone="13812345678")
    return accounts.enterprise_account_register(
        uscc=enterprise.uscc, legal_representative="王建国", phone="13812345678",
        code=re.search(r"\d{6}", sent[-1]).group(), username="qiye-admin", password=PASSWORD)


def make_colleague(admin_account):
    sent = accounts.enterprise_invitation_create(enterprise=admin_account.enterprise, email="c@qiye.example",
                                                 full_name="李同事", role=EnterpriseAccountRole.STAFF,
                                                 by=admin_account.user, accept_url=ACCEPT_URL)
    return accounts.enterprise_invitation_accept(token=sent.token, username="colleague", password=PASSWORD)


def _recipients(enterprise):
    """The enterprise's notification recipients, as the credit and sampling services compute them."""
    sample = SimpleNamespace(enterprise_id=enterprise.pk, manufacturer_id=None)
    return set(credit_access.enterprise_users(enterprise)), set(sampling_samples.enterprise_users(sample))


def test_an_unconfirmed_account_sees_no_credit_file_and_gets_no_enterprise_messages(registered, make_user,
                                                                                     district):
    # given a freshly registered (unconfirmed) administrator and an invited colleague
    colleague = make_colleague(registered)
    user = User.objects.get(pk=registered.user_id)
    # then neither opens the enterprise's credit file nor is among its notification recipients
    with pytest.raises(Http404):
        credit_selectors.credit_file_get(user=user, pk=registered.enterprise_id)
    assert not credit_selectors.credit_file_list(user=user).exists()
    assert _recipients(registered.enterprise) == (set(), set())
    # when a district officer of the enterprise's unit confirms the administrator
    accounts.enterprise_account_confirm(account=registered, by=make_user(Role.DISTRICT_OFFICER, org_unit=district))
    # then the administrator has the file and the messages; the unconfirmed colleague still not
    user = User.objects.get(pk=registered.user_id)
    assert credit_selectors.credit_file_get(user=user, pk=registered.enterprise_id) == registered.enterprise
    assert _recipients(registered.enterprise) == ({user}, {user})
    assert colleague.user not in _recipients(registered.enterprise)[0]


def test_revocation_takes_the_enterprise_data_away(registered, make_user, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    accounts.enterprise_account_confirm(account=registered, by=officer)
    accounts.enterprise_account_revoke(account=registered, reason="冒名注册", by=officer)
    user = User.objects.get(pk=registered.user_id)
    assert user.enterprise is None and not user.is_active
    assert _recipients(registered.enterprise) == (set(), set())


