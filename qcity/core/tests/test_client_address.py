"""The client address in the audit log and the lockout: forwarding headers only from a trusted proxy."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from qcity.core.choices import AuditAction
from qcity.core.client_address import client_ip, parse_address
from qcity.core.models import AuditEvent

PROXY = "10.0.0.5"


def _request(remote="198.51.100.7", **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_a_trusted_proxy_forwarding_headers_are_ignored(settings):
    # given no trusted proxy (the default)
    settings.QCITY_TRUSTED_PROXIES = []
    # when a direct client claims another address
    request = _request(HTTP_X_REAL_IP="203.0.113.66", HTTP_X_FORWARDED_FOR="203.0.113.67")
    # then the socket address counts
    assert client_ip(request) == "198.51.100.7"


def test_headers_from_an_untrusted_peer_are_ignored_even_with_proxies_configured(settings):
    settings.QCITY_TRUSTED_PROXIES = [PROXY]
    request = _request(remote="198.51.100.7", HTTP_X_REAL_IP="203.0.113.66")
    assert client_ip(request) == "198.51.100.7"


def test_x_real_ip_from_a_trusted_proxy_is_honoured(settings):
    settings.QCITY_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request(remote=PROXY, HTTP_X_REAL_IP="203.0.113.66")) == "203.0.113.66"


def test_forwarded_for_is_read_from_the_right_skipping_trusted_proxies(settings):
    # given two proxies of ours (a load balancer in front of nginx)
    settings.QCITY_TRUSTED_PROXIES = ["10.0.0.0/24", "172.16.0.9"]
    # when the client wrote its own X-Forwarded-For entry, and our proxies appended theirs
    request = _request(remote=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66, 192.0.2.44, 172.16.0.9",
                       HTTP_X_REAL_IP="203.0.113.99")
    # then the first address not ours, from the right, is the client: the forged one is ignored
    assert client_ip(request) == "192.0.2.44"


def test_an_intranet_client_behind_the_proxy_is_not_replaced_by_a_forged_public_address(settings):
    settings.QCITY_TRUSTED_PROXIES = [PROXY]
    request = _request(remote=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66, 10.20.30.40")
    assert client_ip(request) == "10.20.30.40"


def test_a_malformed_hop_stops_the_walk_at_the_last_trusted_address(settings):
    settings.QCITY_TRUSTED_PROXIES = [PROXY]
    assert client_ip(_request(remote=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66, not-an-ip")) == PROXY


def test_ports_brackets_and_ipv4_mapped_addresses_are_understood():
    assert str(parse_address("192.0.2.1:5678")) == "192.0.2.1"
    assert str(parse_address("[2001:db8::1]:443")) == "2001:db8::1"
    assert str(parse_address("::ffff:192.0.2.1")) == "192.0.2.1"
    assert parse_address("unknown") is None


def test_a_wrong_trusted_proxy_entry_fails_loudly(settings):
    settings.QCITY_TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured):
        client_ip(_request(remote=PROXY))


def test_axes_and_the_audit_log_use_the_same_function():
    assert settings.AXES_CLIENT_IP_CALLABLE == "qcity.core.client_address.client_ip"


@pytest.mark.django_db
def test_a_spoofed_header_reaches_neither_the_audit_log_nor_the_lockout(client, make_user, settings):
    # given no trusted proxy and a user
    settings.QCITY_TRUSTED_PROXIES = []
    user = make_user()
    # when a failed login claims X-Real-IP 203.0.113.66
    client.post("/accounts/login/", {"username": user.username, "password": "wrong"},
                HTTP_X_REAL_IP="203.0.113.66", REMOTE_ADDR="198.51.100.7")
    # then both record the socket address
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).latest("id")
    assert event.source_ip == "198.51.100.7"
    assert AccessAttempt.objects.get(username=user.username).ip_address == "198.51.100.7"


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_client_is_recorded(client, make_user, settings):
    settings.QCITY_TRUSTED_PROXIES = [PROXY]
    user = make_user()
    client.post("/accounts/login/", {"username": user.username, "password": "wrong"},
                HTTP_X_FORWARDED_FOR="192.0.2.44", REMOTE_ADDR=PROXY)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).latest("id").source_ip == "192.0.2.44"
    assert AccessAttempt.objects.get(username=user.username).ip_address == "192.0.2.44"
