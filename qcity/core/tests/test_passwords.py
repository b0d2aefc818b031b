"""Password change, the administrator's reset to a one-time password, and the forced change at first login."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.utils.html import escape

from qcity.core.choices import AuditAction, Role
from qcity.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create
from qcity.core.models import ApiToken, AuditEvent, IdempotencyRecord, User
from qcity.core.services import one_time_password, user_password_reset

pytestmark = pytest.mark.django_db
PASSWORD = "Test-pass-123!"
NEW_PASSWORD = "Brand-new-pass-456?"


def _change(client, old=PASSWORD, new=NEW_PASSWORD):
    return client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_a_logged_in_user_changes_their_password(client, make_user):
    # given a user logged in through the login form
    user = make_user(Role.INSPECTOR)
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert client.get("/accounts/password/").status_code == 200
    # when they change their password
    response = _change(client)
    # then they stay logged in, the new password works, and the change is audited
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=user).exists()


def test_a_weak_or_wrong_change_is_refused(client_for, make_user):
    client = client_for(make_user(Role.INSPECTOR))
    assert _change(client, new="password123").status_code == 400
    assert _change(client, old="not-my-password").status_code == 400


def test_the_header_links_to_the_change_page(client_for, make_user):
    page = client_for(make_user(Role.INSPECTOR)).get("/").content.decode()
    assert 'href="/accounts/password/"' in page


def test_one_time_passwords_pass_the_password_rules():
    for _ in range(50):
        validate_password(one_time_password())


def test_the_system_administrator_resets_a_password_shown_once(client_for, make_user):
    # given a user with an API token, and the system administrator
    user = make_user(Role.INSPECTOR)
    ApiToken.objects.create(user=user, expiry=None, name="script")
    admin = make_user(Role.SYSTEM_ADMIN)
    # when the administrator resets the user's password
    client = client_for(admin)
    response = client.post(f"/core/users/{user.pk}/password-reset/")
    # then it is sent on to a page that shows a one-time password that logs in, not cached,
    # and the user must change it
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert escape(password) in response.content.decode()  # one-time passwords may hold "&"
    user.refresh_from_db()
    assert user.check_password(password) and user.must_change_password
    assert not ApiToken.objects.filter(user=user).exists()
    # and the audit log records the reset without the password
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET)
    assert event.actor == admin and event.object_id == str(user.pk)
    assert password not in f"{event.message}{event.before}{event.after}"


def test_a_reset_sent_with_its_form_token_leaves_no_password_in_the_idempotency_table(client_for, make_user):
    # given the reset form, which carries a one-time form token like every page form
    user = make_user(Role.INSPECTOR)
    client = client_for(make_user(Role.SYSTEM_ADMIN))
    # when the administrator submits it
    response = client.post(f"/core/users/{user.pk}/password-reset/", {"form_token": "reset-token-1"}, follow=True)
    # then the password is shown but no stored answer holds it
    password = response.context["password"]
    assert password
    assert not any(password.encode() in bytes(record.response_body)
                   for record in IdempotencyRecord.objects.filter(key="reset-token-1"))


def test_reloading_the_reset_page_neither_resets_again_nor_shows_the_password_again(client_for, make_user):
    # given a password the administrator has just reset and read
    user = make_user(Role.INSPECTOR)
    client = client_for(make_user(Role.SYSTEM_ADMIN))
    password = client.post(f"/core/users/{user.pk}/password-reset/", {"form_token": "reset-token-2"},
                           follow=True).context["password"]
    # when the page is reloaded, and the form resent
    reload = client.get(f"/core/users/{user.pk}/password-reset/")
    resend = client.post(f"/core/users/{user.pk}/password-reset/", {"form_token": "reset-token-2"}, follow=True)
    # then the password is not shown again and the one the administrator read still works
    assert reload.status_code == 302 and password not in resend.content.decode()
    user.refresh_from_db()
    assert user.check_password(password)


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.LEADERSHIP_OFFICE])
def test_only_the_system_administrator_resets_passwords(client_for, make_user, role):
    user = make_user(Role.INSPECTOR)
    assert client_for(make_user(role)).post(f"/core/users/{user.pk}/password-reset/").status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.must_change_password


def test_an_administrator_does_not_reset_their_own_password(make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    with pytest.raises(Exception, match="不能重置自己的密码"):
        user_password_reset(user=admin, by=admin)


def test_after_a_reset_the_user_must_change_the_password_before_anything_else(client, make_user):
    # given a user whose password the administrator reset
    user = make_user(Role.INSPECTOR)
    password = user_password_reset(user=user, by=make_user(Role.SYSTEM_ADMIN))
    # when they log in with the one-time password
    client.post("/accounts/login/", {"username": user.username, "password": password})
    # then every page sends them to the change page, which explains why
    for path in ("/", "/enterprises/", "/core/org-units/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert "password-change-required" in client.get("/accounts/password/").content.decode()
    # an HTMX request is sent to the whole page
    assert client.get("/enterprises/", HTTP_HX_REQUEST="true")["HX-Redirect"] == "/accounts/password/"
    # and once changed, the pages open
    assert _change(client, old=password).status_code == 302
    assert client.get("/enterprises/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_the_api_refuses_a_user_who_must_change_the_password(client_for, api_for, make_user):
    user = make_user(Role.LEADERSHIP_OFFICE)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    user.refresh_from_db()
    # session (the pages' own API calls) and token callers alike get a 403 that says why
    for response in (client_for(user).get("/api/enterprises/"), api_for(user).get("/api/enterprises/")):
        assert response.status_code == 403
        assert "请先修改密码" in response.json()["detail"]


def test_logout_and_static_files_stay_open_during_a_forced_change(client_for, make_user):
    user = make_user(Role.INSPECTOR)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client = client_for(User.objects.get(pk=user.pk))
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_new_demo_accounts_must_change_the_printed_password(city):
    demo_accounts_create()
    accounts = User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    assert accounts.exists() and all(u.must_change_password for u in accounts)


def test_the_test_servers_demo_leaves_the_accounts_usable(city):
    demo_accounts_create(forced_password_change=False)
    office = User.objects.get(username="office")
    assert office.check_password(DEMO_PASSWORD) and not office.must_change_password


def test_the_demo_command_has_a_flag_for_test_servers(capsys):
    with pytest.raises(SystemExit):
        call_command("demo", "--help")
    assert "--no-forced-change" in capsys.readouterr().out
