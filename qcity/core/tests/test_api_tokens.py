"""API credentials: personal tokens (page and API), service accounts, and how the API authenticates them."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from knox.crypto import hash_token
from rest_framework.test import APIClient

from qcity.core import api_tokens
from qcity.core.choices import AuditAction, Role
from qcity.core.models import ApiToken, AuditEvent, IdempotencyRecord, ServiceAccount
from qcity.core.services import role_grant, user_password_change, user_password_reset

KEY = re.compile(r'<code id="api-token-key"[^>]*>([0-9a-f]{64})</code>')


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()  # the throttle counts live in the cache, keyed by user id, which a rolled-back test reuses
    yield
    cache.clear()


def _token_client(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def _create_on_page(client, *, name="报送脚本", days=90, form_token="tok-1"):
    return client.post("/accounts/api-tokens/", {"name": name, "days": days, "form_token": form_token})


@pytest.fixture
def feed(make_user, district):
    """A service account that may call the legal durations only, reporting over the district."""
    admin = make_user(Role.SYSTEM_ADMIN)
    account = api_tokens.service_account_create(
        username="health-feed", full_name="卫健委报送", purpose="数据报送", allowed_paths=["/api/legal-durations/"],
        rate="3/min", org_unit=district, by=admin)
    role_grant(user=account.user, role=Role.DEPARTMENT_REPORTER, org_unit=district, by=None)
    token, key = api_tokens.service_account_token_issue(account=account, name="feed", days=30, by=admin)
    return account, key, admin


# --- personal tokens on the page ---------------------------------------------------------------


def test_a_new_key_is_shown_once_and_only_its_digest_is_stored(client_for, make_user):
    # given an inspector on the token page
    user = make_user(Role.INSPECTOR)
    client = client_for(user)
    assert client.get("/accounts/api-tokens/").status_code == 200
    # when they create a token
    page = _create_on_page(client)
    # then the answer itself shows the key once, not cached, with a curl example
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    key = KEY.search(page.content.decode()).group(1)
    assert f"curl -H 'Authorization: Token {key}' http://testserver/api/org-units/" in page.content.decode()
    # and neither the session nor the database holds the key: only its digest and prefix (nor the
    # idempotency table)
    assert all(key not in str(value) for value in client.session.values())
    token = ApiToken.objects.get(user=user)
    assert token.digest == hash_token(key) and token.token_key == key[:15]
    assert token.expiry.date() == (token.created + datetime.timedelta(days=90)).date()
    assert all(key not in str(value) for value in ApiToken.objects.values().get().values())
    assert all(key not in bytes(r.response_body).decode() + str(r.response_headers)
               for r in IdempotencyRecord.objects.all())
    # and the list shows the prefix only
    listing = client.get("/accounts/api-tokens/").content.decode()
    assert key[:8] in listing and key not in listing
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="core.apitoken", actor=user).exists()


def test_a_double_click_on_create_makes_one_token(client_for, make_user):
    # given the create form, sent twice with its one form token
    user = make_user(Role.INSPECTOR)
    client = client_for(user)
    first = _create_on_page(client, form_token="same-form")
    second = _create_on_page(client, form_token="same-form")
    # then one token exists; the first answer shows its key, the repeat goes back to the list without it
    assert ApiToken.objects.filter(user=user).count() == 1
    key = KEY.search(first.content.decode()).group(1)
    assert second.status_code == 302 and second["Location"] == "/accounts/api-tokens/"
    listing = client.get(second["Location"]).content.decode()
    assert key not in listing and "该表单已经提交并处理过" in listing


def test_an_expiry_outside_the_choices_is_a_400_naming_the_field(client_for, make_user):
    client = client_for(make_user(Role.INSPECTOR))
    response = _create_on_page(client, days=3650)
    assert response.status_code == 400 and "days" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_separated_administrators_have_no_personal_tokens(client_for, make_user):
    # automation by an administrator goes through a service account; their own work stays interactive
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        assert client_for(make_user(role)).get("/accounts/api-tokens/").status_code == 403


def test_a_revoked_token_is_a_401_and_the_revoke_is_audited(client_for, make_user):
    # given a token that works
    user = make_user(Role.INSPECTOR)
    token, key = api_tokens.api_token_create(user=user, name="脚本", days=30, by=user)
    assert _token_client(key).get("/api/org-units/").status_code == 200
    # when its owner revokes it on the page
    response = client_for(user).post(f"/accounts/api-tokens/{token.pk}/revoke/", {"form_token": "r1"})
    # then it is gone, refused with 401, and the revoke is in the audit log
    assert response.status_code == 302 and not ApiToken.objects.exists()
    assert _token_client(key).get("/api/org-units/").status_code == 401
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="core.apitoken")
    assert event.actor == user and key not in f"{event.message}{event.before}"


def test_another_users_token_cannot_be_revoked(client_for, make_user):
    owner, other = make_user(Role.INSPECTOR), make_user(Role.INSPECTOR)
    token, _key = api_tokens.api_token_create(user=owner, name="脚本", days=30, by=owner)
    assert client_for(other).post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 404
    session = APIClient()
    session.force_login(other)
    assert session.delete(f"/api/api-tokens/{token.pk}/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


# --- authentication ----------------------------------------------------------------------------


def test_a_key_authenticates_and_its_last_use_is_written_at_most_once_a_minute(make_user, time_machine):
    # given a fresh token
    user = make_user(Role.INSPECTOR)
    token, key = api_tokens.api_token_create(user=user, name="脚本", days=30, by=user)
    api = _token_client(key)
    # when it calls the API
    assert api.get("/api/org-units/").status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    # then a call 30 seconds later does not write, one two minutes later does
    time_machine.move_to(first + datetime.timedelta(seconds=30))
    assert api.get("/api/org-units/").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    time_machine.move_to(first + datetime.timedelta(minutes=2))
    assert api.get("/api/org-units/").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_an_expired_token_is_a_401_and_stays_listed_as_expired(make_user, time_machine):
    user = make_user(Role.INSPECTOR)
    token, key = api_tokens.api_token_create(user=user, name="脚本", days=30, by=user)
    time_machine.move_to(token.expiry + datetime.timedelta(seconds=1))
    response = _token_client(key).get("/api/org-units/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert api_tokens.api_token_status(ApiToken.objects.get(pk=token.pk)) == "已过期"


def test_an_unknown_or_garbled_key_is_a_401(db):
    assert _token_client("0" * 64).get("/api/org-units/").status_code == 401
    assert _token_client("é" * 64).get("/api/org-units/").status_code == 401


def test_a_password_change_revokes_the_users_tokens(make_user):
    # given a user with two tokens
    user = make_user(Role.INSPECTOR)
    keys = [api_tokens.api_token_create(user=user, name=f"脚本{i}", days=30, by=user)[1] for i in range(2)]
    # when they change their password
    user_password_change(user=user, password="Another-pass-456!")
    # then both tokens are refused and the revoke is audited
    assert all(_token_client(key).get("/api/org-units/").status_code == 401 for key in keys)
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, message__contains="password changed").exists()


# --- personal tokens on the API ----------------------------------------------------------------


def test_tokens_are_created_and_revoked_from_a_session_only(api_for, make_user):
    # given an inspector calling with a token
    user = make_user(Role.INSPECTOR)
    api = api_for(user)
    # when the token tries to make another token, or to revoke one
    created = api.post("/api/api-tokens/", {"name": "副本", "days": 30}, format="json")
    revoked = api.delete(f"/api/api-tokens/{ApiToken.objects.get(user=user).pk}/")
    # then both are refused and audited, though the token may list them
    assert created.status_code == 403 and revoked.status_code == 403
    assert ApiToken.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=user, message__contains="API token").count() == 2
    listed = api.get("/api/api-tokens/").json()
    assert listed[0]["name"] == "test" and "key" not in listed[0]


def test_a_session_creates_a_token_once_per_idempotency_key(make_user):
    # given a logged-in session
    user = make_user(Role.INSPECTOR)
    session = APIClient()
    session.force_login(user)
    # when it creates a token, then repeats the call with the same key
    first = session.post("/api/api-tokens/", {"name": "脚本", "days": 365}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = session.post("/api/api-tokens/", {"name": "脚本", "days": 365}, format="json",
                          HTTP_IDEMPOTENCY_KEY="k-1")
    # then the first answer holds the key (not cached), the repeat a 409, and one token exists
    assert first.status_code == 201 and "no-store" in first["Cache-Control"]
    key = first.json()["key"]
    assert _token_client(key).get("/api/org-units/").status_code == 200
    assert second.status_code == 409 and "key" not in second.json()
    assert ApiToken.objects.filter(user=user).count() == 1
    assert not IdempotencyRecord.objects.filter(response_body__contains=key.encode()).exists()


def test_a_bad_expiry_on_the_api_is_a_400_naming_the_field(make_user):
    session = APIClient()
    session.force_login(make_user(Role.INSPECTOR))
    response = session.post("/api/api-tokens/", {"name": "脚本", "days": 7}, format="json")
    assert response.status_code == 400 and "days" in response.json()


# --- service accounts --------------------------------------------------------------------------


def test_a_service_account_cannot_log_in_on_the_page(client, feed):
    account, _key, _admin = feed
    assert not account.user.has_usable_password()
    for password in ("", "anything-at-all"):
        response = client.post("/accounts/login/", {"username": "health-feed", "password": password})
        assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_service_account_has_no_password_to_reset(feed):
    account, _key, admin = feed
    with pytest.raises(ValidationError):
        user_password_reset(user=account.user, by=admin)


def test_a_service_account_token_works_only_on_its_endpoints(feed):
    # given a service account limited to the legal durations
    account, key, _admin = feed
    api = _token_client(key)
    # when it calls them, and then the org units
    inside = api.get("/api/legal-durations/")
    outside = api.get("/api/org-units/")
    # then the first answers, the second is a 403 recorded in the audit log
    assert inside.status_code == 200
    assert outside.status_code == 403
    denial = AuditEvent.objects.get(action=AuditAction.DENIED, actor=account.user)
    assert "/api/org-units/" in denial.message


def test_a_service_account_over_its_rate_gets_429(feed, make_user):
    # given a service account allowed 3 calls a minute
    _account, key, _admin = feed
    api = _token_client(key)
    # when it calls four times
    answers = [api.get("/api/legal-durations/") for _ in range(4)]
    # then the fourth is throttled with a Retry-After, while a person is not throttled at all
    assert [a.status_code for a in answers] == [200, 200, 200, 429] and "Retry-After" in answers[3]
    _token, personal = api_tokens.api_token_create(user=(u := make_user(Role.INSPECTOR)), name="x", days=30, by=u)
    assert all(_token_client(personal).get("/api/legal-durations/").status_code == 200 for _ in range(5))


def test_a_disabled_service_account_token_is_a_401(feed):
    account, key, admin = feed
    api_tokens.service_account_update(account=account, purpose=account.purpose, allowed_paths=account.allowed_paths,
                                      rate=account.rate, is_active=False, by=admin)
    assert _token_client(key).get("/api/legal-durations/").status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="core.serviceaccount").exists()


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.LEADERSHIP_OFFICE, Role.INSPECTOR])
def test_only_the_system_administrator_manages_service_accounts(client_for, make_user, role):
    user = make_user(role)
    assert client_for(user).get("/core/service-accounts/").status_code == 403
    session = APIClient()
    session.force_login(user)
    assert session.get("/api/service-accounts/").status_code == 403
    with pytest.raises(Exception, match="无权"):
        api_tokens.service_account_create(username="x", full_name="x", purpose="x", allowed_paths=["/api/x/"],
                                          by=user)


def test_the_system_administrator_creates_a_service_account_and_issues_a_key_shown_once(client_for, make_user,
                                                                                       district):
    # given the system administrator on the service-account page
    admin = make_user(Role.SYSTEM_ADMIN)
    client = client_for(admin)
    assert client.get("/core/service-accounts/").status_code == 200
    # when they create an account for a department's feed
    created = client.post("/core/service-accounts/", {
        "username": "feed-1", "full_name": "报送系统", "purpose": "指标报送", "org_unit": district.pk,
        "allowed_paths": "/api/reported-values/\n/api/legal-durations", "rate": "120/min", "form_token": "sa-1"})
    account = ServiceAccount.objects.get(user__username="feed-1")
    assert created.status_code == 302
    assert account.allowed_paths == ["/api/reported-values/", "/api/legal-durations/"]
    assert not account.user.has_usable_password()
    # and issue it a token
    issue = {"name": "生产", "days": 365, "form_token": "sa-2"}
    page = client.post(f"/core/service-accounts/{account.pk}/api-tokens/", issue)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    key = KEY.search(page.content.decode()).group(1)
    assert all(key not in str(value) for value in client.session.values())
    # then the key works within the account's endpoints once the security administrator grants it a role
    assert _token_client(key).get("/api/legal-durations/").status_code == 403
    role_grant(user=account.user, role=Role.DEPARTMENT_REPORTER, org_unit=district, by=make_user(Role.SECURITY_ADMIN))
    assert _token_client(key).get("/api/legal-durations/").status_code == 200
    # and the form sent again issues no second token and shows no key
    again = client.post(f"/core/service-accounts/{account.pk}/api-tokens/", issue)
    assert again.status_code == 302 and again["Location"] == f"/core/service-accounts/{account.pk}/"
    assert key not in client.get(again["Location"]).content.decode()
    assert ApiToken.objects.filter(user=account.user).count() == 1
    # and a bad rate is a 400 naming the field, with nothing written
    bad = client.post("/core/service-accounts/", {"username": "feed-2", "full_name": "x", "purpose": "x",
                                                  "allowed_paths": "/api/x/", "rate": "fast", "form_token": "sa-3"})
    assert bad.status_code == 400 and "rate" in bad.context["form"].errors
    assert not ServiceAccount.objects.filter(user__username="feed-2").exists()


def test_the_service_account_api_creates_lists_and_revokes(make_user, district):
    admin = make_user(Role.SYSTEM_ADMIN)
    session = APIClient()
    session.force_login(admin)
    created = session.post("/api/service-accounts/", {"username": "trace-1", "purpose": "追溯", "rate": "60/min",
                                                      "allowed_paths": ["/api/legal-durations/"]}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    issued = session.post(f"/api/service-accounts/{pk}/api-tokens/", {"name": "t", "days": 30}, format="json")
    assert issued.status_code == 201 and len(issued.json()["key"]) == 64
    listed = session.get(f"/api/service-accounts/{pk}/api-tokens/").json()
    assert [t["name"] for t in listed] == ["t"] and "key" not in listed[0]
    assert session.delete(f"/api/service-accounts/{pk}/api-tokens/{listed[0]['id']}/").status_code == 204
    assert not ApiToken.objects.filter(user__username="trace-1").exists()
    bad = session.put(f"/api/service-accounts/{pk}/", {"purpose": "x", "allowed_paths": ["no-slash"],
                                                       "rate": "60/min", "is_active": True}, format="json")
    assert bad.status_code == 400 and "allowed_paths" in bad.json()


# --- the schema --------------------------------------------------------------------------------


def test_the_schema_says_how_to_authenticate(api_for, make_user):
    schema = api_for(make_user(Role.INSPECTOR)).get("/api/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "apiKey" and scheme["in"] == "header" and scheme["name"] == "Authorization"
    assert {"tokenAuth": []} in schema["paths"]["/api/org-units/"]["get"]["security"]
    assert "/accounts/api-tokens/" in schema["info"]["description"]


def test_a_service_account_holds_no_administrator_role(feed, make_user):
    account, _key, _admin = feed
    with pytest.raises(ValidationError) as refused:
        role_grant(user=account.user, role=Role.SYSTEM_ADMIN, org_unit=account.user.org_unit,
                   by=make_user(Role.SECURITY_ADMIN))
    assert "role" in refused.value.message_dict


def test_issuing_a_service_account_token_twice_under_one_idempotency_key_makes_one(feed):
    account, _key, admin = feed
    session = APIClient()
    session.force_login(admin)
    answers = [session.post(f"/api/service-accounts/{account.pk}/api-tokens/", {"name": "第二个", "days": 90},
                            format="json", HTTP_IDEMPOTENCY_KEY="issue-1") for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 409]
    assert ApiToken.objects.filter(user=account.user, name="第二个").count() == 1
