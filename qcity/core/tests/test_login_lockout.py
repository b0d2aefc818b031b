"""Login lockout: user name + address, a per-username ceiling from any address, and the unlock page."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.core.selectors import login_lockout_list

pytestmark = pytest.mark.django_db
PASSWORD = "Test-pass-123!"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.QCITY_LOGIN_USERNAME_CEILING = 7
    settings.QCITY_TRUSTED_PROXIES = []


def _login(username, password, address):
    return Client().post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(username, address, times):
    for _ in range(times):
        _login(username, "wrong", address)


def test_the_lock_is_keyed_on_user_name_and_address(make_user):
    # given a user who failed three times from one address
    user = make_user(Role.INSPECTOR)
    _fail(user.username, "198.51.100.1", 3)
    # then that address is locked for that user, even with the right password
    assert _login(user.username, PASSWORD, "198.51.100.1").status_code == 429
    # and the user still logs in from their own address, and another user from the locked one
    assert _login(user.username, PASSWORD, "198.51.100.2").status_code == 302
    other = make_user(Role.INSPECTOR)
    assert _login(other.username, PASSWORD, "198.51.100.1").status_code == 302


def test_failures_spread_over_addresses_lock_the_user_name_at_the_ceiling(make_user):
    # given failures below the per-address limit from many addresses, 7 in all (the ceiling)
    user = make_user(Role.INSPECTOR)
    for n in range(3):
        _fail(user.username, f"198.51.100.{10 + n}", 2)
    assert _login(user.username, PASSWORD, "198.51.100.50").status_code == 302  # 6: not yet
    _fail(user.username, "198.51.100.13", 1)
    # when the user tries from a fresh address with the right password
    response = _login(user.username, PASSWORD, "198.51.100.99")
    # then the user name itself is locked, and the lockout page lists it
    assert response.status_code == 429
    rows = [r for r in login_lockout_list() if r["username"] == user.username]
    assert [r["kind"] for r in rows] == ["username"] and rows[0]["failures"] >= 7


def test_only_the_security_administrator_opens_the_lockout_page(make_user, client_for):
    for role in (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.LEADERSHIP_OFFICE):
        assert client_for(make_user(role)).get("/core/login-lockouts/").status_code == 403
    assert client_for(make_user(Role.SECURITY_ADMIN)).get("/core/login-lockouts/").status_code == 200


def test_only_the_security_administrator_unlocks(make_user, client_for):
    user = make_user(Role.INSPECTOR)
    _fail(user.username, "198.51.100.1", 3)
    response = client_for(make_user(Role.SYSTEM_ADMIN)).post(
        "/core/login-lockouts/release/", {"username": user.username, "ip_address": "198.51.100.1"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username=user.username).exists()


def test_the_security_administrator_sees_and_releases_a_lock_audited(make_user, client_for):
    # given a user locked at one address
    user = make_user(Role.INSPECTOR)
    _fail(user.username, "198.51.100.1", 3)
    secadmin = make_user(Role.SECURITY_ADMIN)
    page = client_for(secadmin).get("/core/login-lockouts/")
    assert user.username in page.content.decode() and "198.51.100.1" in page.content.decode()
    # when the security administrator releases it
    response = client_for(secadmin).post("/core/login-lockouts/release/",
                                          {"username": user.username, "ip_address": "198.51.100.1"})
    # then the user logs in from that address again, and the release is in the audit log
    assert response.status_code == 302
    assert _login(user.username, PASSWORD, "198.51.100.1").status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOCKOUT_RELEASE)
    assert event.actor == secadmin and user.username in event.message and "198.51.100.1" in event.message


def test_releasing_a_user_name_clears_every_address(make_user, client_for):
    user = make_user(Role.INSPECTOR)
    for n in range(4):
        _fail(user.username, f"198.51.100.{10 + n}", 2)
    client_for(make_user(Role.SECURITY_ADMIN)).post("/core/login-lockouts/release/", {"username": user.username})
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert _login(user.username, PASSWORD, "198.51.100.99").status_code == 302
