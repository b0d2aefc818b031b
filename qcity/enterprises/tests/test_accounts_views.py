"""Enterprise account pages: the public registration and invitation pages, the administrator's colleagues
page, the district's list with its confirm / revoke steps, and the enterprise user's menu (wiring,
permissions, status codes; the rules are tested in test_accounts.py)."""

import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.core.navigation import menu_for
from qcity.core.sms import SmsSendError
from qcity.enterprises import accounts
from qcity.enterprises.choices import EnterpriseAccountStatus
from qcity.enterprises.models import EnterpriseAccount, EnterpriseInvitation

from .factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Qiye-pass-2026!"
PHONE = "13812345678"


@pytest.fixture
def sms(monkeypatch):
    sent = []
    monkeypatch.setattr(accounts, "sms_send", lambda *, to, text: sent.append((to, text)))
    return sent


@pytest.fixture
def enterprise(district):
    return EnterpriseFactory(org_unit=district, legal_representative="王建国", name="郑州注册测试有限公司")


def code_post(enterprise, **overrides):
    return {"uscc": enterprise.uscc, "legal_representative": "王建国", "phone": PHONE} | overrides


def register_post(enterprise, code, **overrides):
    return code_post(enterprise) | {"code": code, "username": "qiye-admin", "password1": PASSWORD,
                                    "password2": PASSWORD, "email": ""} | overrides


def sent_code(sms) -> str:
    return re.search(r"\d{6}", sms[-1][1]).group()


@pytest.fixture
def admin_client(client, sms, enterprise, django_capture_on_commit_callbacks):
    """A client logged in as the enterprise's freshly registered administrator."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprise-registration-code"), code_post(enterprise))
    response = client.post(reverse("enterprise-registration"), register_post(enterprise, sent_code(sms)))
    assert response.status_code == 302
    return client


def test_registration_page_is_public(client):
    response = client.get(reverse("enterprise-registration"))
    assert response.status_code == 200 and "获取短信验证码" in response.content.decode()


def test_request_code_then_register_logs_in_as_enterprise_administrator(client, sms, enterprise,
                                                                        django_capture_on_commit_callbacks):
    # given an anonymous visitor who asks for a code
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprise-registration-code"), code_post(enterprise))
    assert response.status_code == 200 and "138****5678" in response.content.decode()
    # when they submit the code and the account
    response = client.post(reverse("enterprise-registration"), register_post(enterprise, sent_code(sms)))
    # then they land on their enterprise's accounts page, logged in, as its administrator awaiting confirmation
    assert response.status_code == 302 and response.url == reverse("enterprises:account-mine")
    page = client.get(response.url).content.decode()
    assert "郑州注册测试有限公司" in page and "待区县确认" in page and "邀请同事" in page


def test_wrong_check_character_is_a_400_naming_the_field(client, sms, enterprise):
    wrong = enterprise.uscc[:17] + ("0" if enterprise.uscc[17] != "0" else "1")
    response = client.post(reverse("enterprise-registration-code"), code_post(enterprise, uscc=wrong))
    page = response.content.decode()
    assert response.status_code == 400 and 'data-field="uscc"' in page and "校验位错误" in page
    assert not sms


def test_wrong_code_is_a_400_on_the_code_field(client, sms, enterprise, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprise-registration-code"), code_post(enterprise))
    wrong = "000000" if sent_code(sms) != "000000" else "111111"
    response = client.post(reverse("enterprise-registration"), register_post(enterprise, wrong))
    assert response.status_code == 400 and 'data-field="code"' in response.content.decode()
    assert not EnterpriseAccount.objects.exists()


def test_code_flood_is_429_with_the_wait(client, sms, enterprise, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprise-registration-code"), code_post(enterprise))
    response = client.post(reverse("enterprise-registration-code"), code_post(enterprise))
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert "秒后再试" in response.content.decode() and len(sms) == 1


def test_new_code_after_too_many_wrong_tries_is_429_with_the_cool_down(client, sms, enterprise,
                                                                       django_capture_on_commit_callbacks):
    # given a code killed by five wrong submits, on a clock that stands still
    with time_machine.travel(timezone.now(), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("enterprise-registration-code"), code_post(enterprise))
        wrong = "000000" if sent_code(sms) != "000000" else "111111"
        for _ in range(accounts.CODE_MAX_ATTEMPTS):
            response = client.post(reverse("enterprise-registration"), register_post(enterprise, wrong))
            assert response.status_code == 400
        assert "请 30 分钟后重新获取" in response.content.decode()
        # when a new code is asked for at once
        response = client.post(reverse("enterprise-registration-code"), code_post(enterprise))
    # then the page answers 429 naming the wait, on the phone field, and sends nothing
    page = response.content.decode()
    assert response.status_code == 429 and int(response["Retry-After"]) == accounts.CODE_LOCKOUT.total_seconds()
    assert 'data-field="phone"' in page and "验证码错误次数过多，已失效，请 30 分钟后重新获取" in page
    assert len(sms) == 1


def test_already_registered_enterprise_is_sent_to_its_administrator(admin_client, client, enterprise):
    client.logout()
    response = client.post(reverse("enterprise-registration-code"), code_post(enterprise, phone="13900001111"))
    assert response.status_code == 400 and "请联系贵企业管理员" in response.content.decode()


def test_invitation_is_mailed_and_accepted_on_the_public_link(admin_client, django_capture_on_commit_callbacks):
    # given the administrator invites a colleague
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("enterprises:invitation-create"),
                                     {"invite-full_name": "李同事", "invite-email": "li@qiye.example",
                                      "invite-role": "staff"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", mail.outbox[0].body).group()
    path = link.split("testserver", 1)[1]
    # when the colleague opens the link (logged out) and sets a username and password
    admin_client.logout()
    assert admin_client.get(path).status_code == 200
    response = admin_client.post(path, {"username": "li", "password1": PASSWORD, "password2": PASSWORD})
    # then they are in, and the link is used up
    assert response.status_code == 302
    assert EnterpriseAccount.objects.filter(user__username="li").exists()
    admin_client.logout()
    used = admin_client.get(path)
    assert used.status_code == 400 and "已被使用" in used.content.decode()


def test_unknown_invitation_link_is_404(client):
    assert client.get(reverse("enterprise-invitation", args=["nonsense"])).status_code == 404


def test_invitation_to_a_used_email_is_a_400(admin_client, make_user):
    user = make_user(username="holder")
    user.email = "used@example.com"
    user.save()
    response = admin_client.post(reverse("enterprises:invitation-create"),
                                 {"invite-full_name": "张三", "invite-email": "used@example.com",
                                  "invite-role": "staff"})
    assert response.status_code == 400 and "该邮箱已被其他账号使用" in response.content.decode()
    assert not EnterpriseInvitation.objects.exists()


def test_administrator_removes_a_colleague_from_the_page(admin_client, enterprise):
    admin = EnterpriseAccount.objects.get()
    sent = accounts.enterprise_invitation_create(enterprise=enterprise, email="a@qiye.example", full_name="甲",
                                                 role="staff", by=admin.user, accept_url="%(token)s")
    colleague = accounts.enterprise_invitation_accept(token=sent.token, username="jia", password=PASSWORD)
    response = admin_client.post(reverse("enterprises:colleague-remove", args=[colleague.pk]))
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.status == EnterpriseAccountStatus.REMOVED
    # removing oneself is refused with a message, nothing changes
    admin_client.post(reverse("enterprises:colleague-remove", args=[admin.pk]))
    admin.refresh_from_db()
    assert admin.status == EnterpriseAccountStatus.UNCONFIRMED


def test_officer_lists_confirms_and_revokes_in_their_district(admin_client, client_for, make_user, district, enterprise):
    admin = EnterpriseAccount.objects.get()
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    officer_client = client_for(officer)
    # the list opens on the accounts awaiting confirmation
    page = officer_client.get(reverse("enterprises:account-list")).content.decode()
    assert "郑州注册测试有限公司" in page and "确认" in page
    assert officer_client.post(reverse("enterprises:account-confirm", args=[admin.pk])).status_code == 302
    admin.refresh_from_db()
    assert admin.status == EnterpriseAccountStatus.CONFIRMED
    assert "郑州注册测试有限公司" in officer_client.get(reverse("enterprises:account-list"),
                                                      {"status": "confirmed"}).content.decode()
    # a revocation without a reason is a 400; with one it ends the account
    url = reverse("enterprises:account-revoke", args=[admin.pk])
    assert officer_client.post(url, {f"revoke-{admin.pk}-reason": ""}).status_code == 400
    assert officer_client.post(url, {f"revoke-{admin.pk}-reason": "冒名注册"}).status_code == 302
    admin.refresh_from_db()
    assert admin.status == EnterpriseAccountStatus.REVOKED


def test_officer_of_another_district_does_not_see_the_account(admin_client, client_for, make_user, city):
    admin = EnterpriseAccount.objects.get()
    outsider = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=city.children.get(name="二七区")))
    assert "没有符合条件的企业账号" in outsider.get(reverse("enterprises:account-list")).content.decode()
    assert outsider.post(reverse("enterprises:account-confirm", args=[admin.pk])).status_code == 404


def test_enterprise_user_cannot_open_the_district_list(admin_client):
    assert admin_client.get(reverse("enterprises:account-list")).status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).exists()


def test_revoked_user_cannot_log_in_and_loses_the_session(admin_client, make_user, district):
    admin = EnterpriseAccount.objects.get()
    accounts.enterprise_account_revoke(account=admin, reason="冒名注册",
                                       by=make_user(Role.DISTRICT_OFFICER, org_unit=district))
    # the open session ends
    assert admin_client.get(reverse("enterprises:account-mine")).status_code == 302
    # and the password no longer opens the door
    fresh = Client()
    response = fresh.post(reverse("login"), {"username": "qiye-admin", "password": PASSWORD})
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in fresh.session


def test_enterprise_users_menu_holds_only_enterprise_pages(admin_client):
    user = EnterpriseAccount.objects.get().user
    names = {item.url_name for item in menu_for(user)}
    assert "enterprises:account-mine" in names
    assert names.isdisjoint({"core:org-units", "core:departments", "core:legal-durations",
                             "core:holiday-calendar", "enterprises:list", "enterprises:account-list"})
    # the home page, their messages and token, and their own enterprise's credit file, samples, accounts and
    # the complaints against it (direct settlement), its traced products and their QR codes
    assert names <= {"home", "core:notifications", "api-token-list", "credit:file-search", "sampling:sample-list",
                     "enterprises:account-mine", "complaints:complaint-list", "complaints:settlement-list",
                     "trace:product-list", "trace:code-list", "trace:category-list"}
    for url_name in ("core:org-units", "core:departments", "core:legal-durations", "core:holiday-calendar"):
        assert admin_client.get(reverse(url_name)).status_code == 403


def test_a_repeated_submit_after_success_goes_to_the_login_page_without_logging_in(admin_client, sms, enterprise):
    # given a registration that succeeded; when the same form is sent again from another browser
    fresh = Client()
    response = fresh.post(reverse("enterprise-registration"), register_post(enterprise, "000000"), follow=True)
    # then it lands on the login page, told to log in, and nobody is logged in by it
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "该企业已注册，请登录" in response.content.decode()
    assert "_auth_user_id" not in fresh.session


def test_sms_gateway_down_is_a_503_naming_the_phone(client, monkeypatch, enterprise):
    def down(*, to, text):
        raise SmsSendError("gateway unreachable")

    monkeypatch.setattr(accounts, "sms_send", down)
    response = client.post(reverse("enterprise-registration-code"), code_post(enterprise))
    page = response.content.decode()
    assert response.status_code == 503 and 'data-field="phone"' in page and "短信发送失败，请稍后重试" in page


def test_step_two_flood_from_one_address_is_a_429(client, sms, enterprise, monkeypatch):
    monkeypatch.setattr(accounts, "REGISTRATION_IP_HOURLY_LIMIT", 2)
    for _ in range(2):
        assert client.post(reverse("enterprise-registration"), register_post(enterprise, "000000")).status_code == 400
    response = client.post(reverse("enterprise-registration"), register_post(enterprise, "000000"))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0 and "提交注册过于频繁" in response.content.decode()


def test_unconfirmed_administrator_is_told_what_happens_next(admin_client):
    page = admin_client.get(reverse("enterprises:account-mine")).content.decode()
    assert 'id="awaiting-confirmation"' in page and "待区县确认" in page and "确认后" in page


def test_officer_sees_the_registrants_phone_in_full_and_the_legal_representative_match(
        admin_client, client_for, make_user, district):
    officer_client = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    page = officer_client.get(reverse("enterprises:account-list")).content.decode()
    assert PHONE in page and 'data-legal-match="yes"' in page


def test_administrator_resends_a_pending_invitation(admin_client, monkeypatch, django_capture_on_commit_callbacks):
    # given an invitation whose mail failed: the page still says it was created, and offers 重新发送
    monkeypatch.setattr(accounts, "send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("smtp down")))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("enterprises:invitation-create"),
                                     {"invite-full_name": "李同事", "invite-email": "li@qiye.example",
                                      "invite-role": "staff"})
    assert response.status_code == 302
    invitation = EnterpriseInvitation.objects.get()
    page = admin_client.get(reverse("enterprises:account-mine")).content.decode()
    assert f'data-send-failed="{invitation.pk}"' in page and "重新发送" in page
    # when they resend it, with the mail server back
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("enterprises:invitation-resend", args=[invitation.pk]))
    assert response.status_code == 302 and len(mail.outbox) == 1 and "li@qiye.example" in mail.outbox[0].to
