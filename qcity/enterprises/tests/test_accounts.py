"""Enterprise accounts (qcity/enterprises/accounts.py): registration against the registry and an SMS code,
the code's limits, invitations, removal, and the district's confirmation and revocation."""

import datetime
import logging
import re
import smtplib
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, RoleAssignment, ServiceAccount, User
from qcity.core.sms import SmsSendError
from qcity.enterprises import accounts, todos
from qcity.enterprises.choices import EnterpriseAccountRole, EnterpriseAccountStatus, EnterpriseStatus
from qcity.enterprises.demo import accounts as demo_accounts
from qcity.enterprises.models import EnterpriseAccount, EnterpriseInvitation, PhoneVerification

from .factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Qiye-pass-2026!"
PHONE = "13812345678"
ACCEPT_URL = "https://qcity.example/accounts/invitation/%(token)s/"


@pytest.fixture
def sms(monkeypatch):
    """The texts sent, instead of the SMS gateway."""
    sent = []
    monkeypatch.setattr(accounts, "sms_send", lambda *, to, text: sent.append((to, text)))
    return sent


@pytest.fixture
def enterprise(district):
    return EnterpriseFactory(org_unit=district, legal_representative="王建国")


def sent_code(sms) -> str:
    return re.search(r"\d{6}", sms[-1][1]).group()


def request_code(sms, enterprise, *, phone=PHONE, ip="10.0.0.1"):
    accounts.registration_code_send(uscc=enterprise.uscc, legal_representative=enterprise.legal_representative,
                                    phone=phone, client_ip=ip)


def register(enterprise, code, **overrides):
    fields = {"uscc": enterprise.uscc, "legal_representative": enterprise.legal_representative, "phone": PHONE,
              "code": code, "username": "qiye-admin", "password": PASSWORD, "email": "admin@qiye.example"}
    return accounts.enterprise_account_register(**(fields | overrides))


@pytest.fixture
def registered(sms, enterprise, django_capture_on_commit_callbacks):
    """An enterprise whose administrator has registered."""
    with django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
    return register(enterprise, sent_code(sms))


def make_colleague(admin_account, *, role=EnterpriseAccountRole.STAFF, username="colleague", email="c@qiye.example"):
    sent = accounts.enterprise_invitation_create(enterprise=admin_account.enterprise, email=email, full_name="李同事",
                                                 role=role, by=admin_account.user, accept_url=ACCEPT_URL)
    return accounts.enterprise_invitation_accept(token=sent.token, username=username, password=PASSWORD)


def field_errors(exc_info, field):
    return exc_info.value.message_dict.get(field, [])


# --- registration ------------------------------------------------------------------------------------------


def test_registration_makes_the_first_account_the_enterprise_administrator(
        sms, enterprise, django_capture_on_commit_callbacks):
    # given a code texted to the registrant's mobile
    with django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
    assert sms[0][0] == PHONE
    # when they register with it
    account = register(enterprise, sent_code(sms))
    # then they are the enterprise's administrator, unconfirmed, holding the enterprise role in its district
    # but not yet linked to the enterprise (its data waits for the district's confirmation)
    assert account.role == EnterpriseAccountRole.ADMIN and account.status == EnterpriseAccountStatus.UNCONFIRMED
    user = account.user
    assert user.enterprise is None and user.phone == PHONE and user.check_password(PASSWORD)
    assert RoleAssignment.objects.filter(user=user, role=Role.ENTERPRISE_USER, org_unit=enterprise.org_unit).exists()
    assert AuditEvent.objects.filter(object_type="enterprises.enterpriseaccount", object_id=str(account.pk),
                                     action=AuditAction.CREATE).exists()
    assert PhoneVerification.objects.get().consumed_at is not None


@pytest.mark.parametrize("password", [PASSWORD, "Wrong-guess-2026!"])
def test_a_repeat_after_success_says_already_registered_whatever_the_password(registered, enterprise, password):
    # given a registration that succeeded; when the same form is submitted again (a double click, or a guesser)
    with pytest.raises(accounts.AlreadyRegistered) as exc_info:
        register(enterprise, "000000", password=password)
    # then the answer is the same for a right and a wrong password: no password is checked here
    assert field_errors(exc_info, "uscc") == ["该企业已注册，请登录"]
    assert EnterpriseAccount.objects.count() == 1


def test_wrong_check_character_is_an_error_on_the_code_field(sms, enterprise):
    wrong = enterprise.uscc[:17] + ("0" if enterprise.uscc[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc_info:
        accounts.registration_code_send(uscc=wrong, legal_representative="王建国", phone=PHONE)
    assert any("校验位" in m for m in field_errors(exc_info, "uscc"))
    assert not sms and not PhoneVerification.objects.exists()


def test_unregistered_code_is_refused(sms, district):
    # given a well-formed code the registry does not hold
    other = EnterpriseFactory.build(org_unit=district).uscc
    with pytest.raises(ValidationError) as exc_info:
        accounts.registration_code_send(uscc=other, legal_representative="王建国", phone=PHONE)
    assert field_errors(exc_info, "uscc") == ["未找到该统一社会信用代码的企业登记信息"]


def test_name_mismatch_is_refused_without_revealing_the_registered_name(sms, enterprise):
    with pytest.raises(ValidationError) as exc_info:
        accounts.registration_code_send(uscc=enterprise.uscc, legal_representative="王建设", phone=PHONE)
    messages = field_errors(exc_info, "legal_representative")
    assert messages and not any("王建国" in m for m in messages)
    assert not sms


def test_name_match_ignores_spaces(sms, enterprise, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        accounts.registration_code_send(uscc=enterprise.uscc.lower(), legal_representative=" 王 建国 ", phone=PHONE)
    assert len(sms) == 1


@pytest.mark.parametrize("status", [EnterpriseStatus.DEREGISTERED, EnterpriseStatus.REVOKED])
def test_cancelled_or_revoked_enterprise_cannot_register(sms, enterprise, status):
    enterprise.status = status
    enterprise.save()
    with pytest.raises(ValidationError) as exc_info:
        accounts.registration_code_send(uscc=enterprise.uscc, legal_representative="王建国", phone=PHONE)
    assert "不能注册账号" in field_errors(exc_info, "uscc")[0]


def test_enterprise_with_an_account_sends_the_registrant_to_its_administrator(registered, sms, enterprise):
    with pytest.raises(ValidationError) as exc_info:
        accounts.registration_code_send(uscc=enterprise.uscc, legal_representative="王建国", phone="13900000000")
    assert "已有账号" in field_errors(exc_info, "uscc")[0] and "管理员" in field_errors(exc_info, "uscc")[0]


def test_enterprise_with_a_directly_linked_user_counts_as_registered(sms, enterprise, make_user):
    make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)
    with pytest.raises(ValidationError):
        accounts.registration_code_send(uscc=enterprise.uscc, legal_representative="王建国", phone=PHONE)


def test_weak_password_and_used_username_are_field_errors(sms, enterprise, make_user,
                                                          django_capture_on_commit_callbacks):
    make_user(username="taken")
    with django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
    with pytest.raises(ValidationError) as exc_info:
        register(enterprise, sent_code(sms), username="taken", password="abc")
    assert field_errors(exc_info, "username") and field_errors(exc_info, "password1")
    # and the code is still good for the corrected request
    assert register(enterprise, sent_code(sms)).user.username == "qiye-admin"


# --- the SMS code -------------------------------------------------------------------------------------------


def test_wrong_code_five_times_kills_the_code(sms, enterprise, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
    right = sent_code(sms)
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError) as exc_info:
            register(enterprise, wrong)
        assert field_errors(exc_info, "code") == [f"验证码错误，还可尝试{left}次"]
    with pytest.raises(ValidationError) as exc_info:
        register(enterprise, wrong)
    assert field_errors(exc_info, "code") == ["验证码错误次数过多，已失效，请 30 分钟后重新获取"]
    # then even the right code is dead
    with pytest.raises(ValidationError) as exc_info:
        register(enterprise, right)
    assert "已失效" in field_errors(exc_info, "code")[0]
    assert PhoneVerification.objects.get().attempts == 5 and not EnterpriseAccount.objects.exists()


def kill_code(sms, enterprise) -> None:
    """CODE_MAX_ATTEMPTS wrong tries on the number's live code."""
    wrong = "000000" if sent_code(sms) != "000000" else "111111"
    for _ in range(accounts.CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            register(enterprise, wrong)


def test_a_code_killed_by_wrong_tries_bars_new_codes_for_the_cool_down(sms, enterprise,
                                                                          django_capture_on_commit_callbacks):
    # given a code asked for at 10:00 and killed by five wrong tries at 10:05
    start = timezone.now()
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        kill_code(sms, enterprise)
    # when a new code is asked for at once, and a minute before the cool-down ends
    for after, wait, wait_text in ((datetime.timedelta(minutes=5, seconds=1), 30 * 60 - 1, "30 分钟"),
                                   (datetime.timedelta(minutes=34), 60, "60 秒")):
        with time_machine.travel(start + after, tick=False):
            with pytest.raises(accounts.PhoneVerificationThrottled) as exc_info:
                request_code(sms, enterprise)
        # then it is refused like a flood, with the wait, and nothing is sent
        assert exc_info.value.wait_seconds == wait
        assert field_errors(exc_info, "phone") == [f"验证码错误次数过多，已失效，请 {wait_text}后重新获取"]
    assert len(sms) == 1 and PhoneVerification.objects.count() == 1
    # and the dead code keeps saying how long is left
    with time_machine.travel(start + datetime.timedelta(minutes=34), tick=False):
        with pytest.raises(ValidationError) as exc_info:
            register(enterprise, sent_code(sms))
    assert field_errors(exc_info, "code") == ["验证码错误次数过多，已失效，请 60 秒后重新获取"]
    # once the cool-down is over a new code comes and works
    with time_machine.travel(start + datetime.timedelta(minutes=35), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
        account = register(enterprise, sent_code(sms))
    assert len(sms) == 2 and account.role == EnterpriseAccountRole.ADMIN


def test_the_cool_down_holds_only_the_number_whose_code_died(sms, enterprise, django_capture_on_commit_callbacks):
    start = timezone.now()
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
        kill_code(sms, enterprise)
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(accounts.PhoneVerificationThrottled):
            request_code(sms, enterprise)
        request_code(sms, enterprise, phone="13912345678")  # another number, from the same address
    assert [to for to, _ in sms] == [PHONE, "13912345678"]


def test_wrong_tries_short_of_the_limit_and_an_expired_code_bar_nothing(sms, enterprise,
                                                                         django_capture_on_commit_callbacks):
    start = timezone.now()
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
        wrong = "000000" if sent_code(sms) != "000000" else "111111"
        for _ in range(accounts.CODE_MAX_ATTEMPTS - 1):
            with pytest.raises(ValidationError):
                register(enterprise, wrong)
    # the code expires unused after ten minutes; a new one comes at eleven
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
    assert len(sms) == 2


def test_expired_code_is_refused(sms, enterprise, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10, seconds=1)):
        with pytest.raises(ValidationError) as exc_info:
            register(enterprise, sent_code(sms))
    assert field_errors(exc_info, "code") == ["验证码已过期，请重新获取"]


def test_code_is_stored_only_as_a_digest(sms, enterprise, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
    row = PhoneVerification.objects.get()
    assert sent_code(sms) not in row.code_hash and len(row.code_hash) == 64


def test_a_number_gets_one_code_a_minute(sms, enterprise, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
    with pytest.raises(accounts.PhoneVerificationThrottled) as exc_info:
        request_code(sms, enterprise)
    assert 55 <= exc_info.value.wait_seconds <= 60 and "秒后再试" in field_errors(exc_info, "phone")[0]
    assert len(sms) == 1


def test_a_number_gets_five_codes_an_hour(sms, enterprise, django_capture_on_commit_callbacks):
    start = timezone.now()
    for n in range(5):
        with time_machine.travel(start + datetime.timedelta(minutes=2 * n)), \
                django_capture_on_commit_callbacks(execute=True):
            request_code(sms, enterprise)
    with time_machine.travel(start + datetime.timedelta(minutes=12)):
        with pytest.raises(accounts.PhoneVerificationThrottled) as exc_info:
            request_code(sms, enterprise)
    assert "1小时内最多" in field_errors(exc_info, "phone")[0]
    assert 47 * 60 <= exc_info.value.wait_seconds <= 48 * 60
    # a new code kills the earlier ones: only the last is live
    assert PhoneVerification.objects.filter(expires_at__gt=start + datetime.timedelta(minutes=12)).count() == 1


def test_one_address_gets_a_limited_number_of_codes(sms, district, django_capture_on_commit_callbacks):
    for n in range(accounts.IP_HOURLY_LIMIT):
        enterprise = EnterpriseFactory(org_unit=district, legal_representative="王建国")
        with django_capture_on_commit_callbacks(execute=True):
            request_code(sms, enterprise, phone=f"139{n:08d}")
    enterprise = EnterpriseFactory(org_unit=district, legal_representative="王建国")
    with pytest.raises(accounts.PhoneVerificationThrottled) as exc_info:
        request_code(sms, enterprise, phone="13700000000")
    assert "网络地址" in field_errors(exc_info, "phone")[0]


def test_bad_mobile_number_is_a_phone_error(sms, enterprise):
    with pytest.raises(ValidationError) as exc_info:
        accounts.registration_code_send(uscc=enterprise.uscc, legal_representative="王建国", phone="12345")
    assert field_errors(exc_info, "phone")


def test_no_code_in_logs_or_audit(sms, enterprise, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        request_code(sms, enterprise)
    code = sent_code(sms)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationError):
        register(enterprise, wrong)
    register(enterprise, code)
    assert code not in caplog.text and wrong not in caplog.text
    for event in AuditEvent.objects.all():
        assert code not in f"{event.message} {event.before} {event.after} {event.object_repr}"


# --- colleagues ----------------------------------------------------------------------------------------------


def test_invited_colleague_sets_a_password_and_joins_the_enterprise(registered, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = accounts.enterprise_invitation_create(enterprise=registered.enterprise, email="li@qiye.example",
                                                     full_name="李同事", role=EnterpriseAccountRole.CHIEF_QUALITY_OFFICER,
                                                     by=registered.user, accept_url=ACCEPT_URL)
    assert len(mail.outbox) == 1 and sent.token in mail.outbox[0].body
    assert sent.token not in EnterpriseInvitation.objects.get().token_hash
    account = accounts.enterprise_invitation_accept(token=sent.token, username="li", password=PASSWORD)
    assert account.role == EnterpriseAccountRole.CHIEF_QUALITY_OFFICER and account.invited_by == registered.user
    # the administrator is not confirmed yet: neither is the colleague, who is not linked to the enterprise
    assert account.status == EnterpriseAccountStatus.UNCONFIRMED
    assert account.user.email == "li@qiye.example" and account.user.enterprise is None
    assert account.status == EnterpriseAccountStatus.UNCONFIRMED  # the administrator is not confirmed yet


def test_invitation_to_an_email_in_use_is_refused(registered, make_user):
    make_user(username="someone")
    User.objects.filter(username="someone").update(email="used@example.com")
    with pytest.raises(ValidationError) as exc_info:
        accounts.enterprise_invitation_create(enterprise=registered.enterprise, email="USED@example.com",
                                              full_name="张三", role="staff", by=registered.user, accept_url=ACCEPT_URL)
    assert field_errors(exc_info, "email") == ["该邮箱已被其他账号使用"]


def test_used_invitation_cannot_be_used_again(registered):
    sent = accounts.enterprise_invitation_create(enterprise=registered.enterprise, email="a@qiye.example",
                                                 full_name="甲", role="staff", by=registered.user, accept_url=ACCEPT_URL)
    accounts.enterprise_invitation_accept(token=sent.token, username="jia", password=PASSWORD)
    with pytest.raises(ValidationError) as exc_info:
        accounts.enterprise_invitation_accept(token=sent.token, username="jia2", password=PASSWORD)
    assert exc_info.value.code == "used"


def test_expired_invitation_cannot_be_used(registered):
    sent = accounts.enterprise_invitation_create(enterprise=registered.enterprise, email="a@qiye.example",
                                                 full_name="甲", role="staff", by=registered.user, accept_url=ACCEPT_URL)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        with pytest.raises(ValidationError) as exc_info:
            accounts.enterprise_invitation_accept(token=sent.token, username="jia", password=PASSWORD)
    assert exc_info.value.code == "expired" and not User.objects.filter(username="jia").exists()


def test_invitations_of_a_revoked_administrator_die(registered, make_user, district):
    sent = accounts.enterprise_invitation_create(enterprise=registered.enterprise, email="a@qiye.example",
                                                 full_name="甲", role="admin", by=registered.user, accept_url=ACCEPT_URL)
    accounts.enterprise_account_revoke(account=registered, reason="冒名注册",
                                       by=make_user(Role.DISTRICT_OFFICER, org_unit=district))
    with pytest.raises(ValidationError) as exc_info:
        accounts.enterprise_invitation_accept(token=sent.token, username="jia", password=PASSWORD)
    assert exc_info.value.code == "expired"


def test_a_new_invitation_to_the_same_address_kills_the_old_link(registered):
    first = accounts.enterprise_invitation_create(enterprise=registered.enterprise, email="a@qiye.example",
                                                  full_name="甲", role="staff", by=registered.user, accept_url=ACCEPT_URL)
    accounts.enterprise_invitation_create(enterprise=registered.enterprise, email="a@qiye.example",
                                          full_name="甲", role="staff", by=registered.user, accept_url=ACCEPT_URL)
    with pytest.raises(ValidationError) as exc_info:
        accounts.enterprise_invitation_get(token=first.token)
    assert exc_info.value.code == "expired"


def test_staff_cannot_invite(registered):
    colleague = make_colleague(registered)
    with pytest.raises(PermissionDenied):
        accounts.enterprise_invitation_create(enterprise=registered.enterprise, email="b@qiye.example",
                                              full_name="乙", role="staff", by=colleague.user, accept_url=ACCEPT_URL)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=colleague.user).exists()


def test_removing_a_colleague_ends_their_login_and_role(registered):
    colleague = make_colleague(registered)
    removed = accounts.enterprise_account_remove(account=colleague, by=registered.user)
    assert removed.status == EnterpriseAccountStatus.REMOVED
    colleague.user.refresh_from_db()
    assert not colleague.user.is_active
    assert not RoleAssignment.objects.filter(user=colleague.user).exists()
    # again: nothing changes, nothing more is recorded
    events = AuditEvent.objects.count()
    accounts.enterprise_account_remove(account=removed, by=registered.user)
    assert AuditEvent.objects.count() == events


def test_administrator_cannot_remove_self_nor_the_last_administrator(registered):
    with pytest.raises(ValidationError, match="不能移除自己"):
        accounts.enterprise_account_remove(account=registered, by=registered.user)
    second = make_colleague(registered, role=EnterpriseAccountRole.ADMIN)
    # two administrators: one may remove the other, then the last one stays
    accounts.enterprise_account_remove(account=registered, by=second.user)
    assert EnterpriseAccount.objects.get(pk=registered.pk).status == EnterpriseAccountStatus.REMOVED


def test_an_administrator_removed_meanwhile_cannot_remove_the_other(registered):
    # given two administrators who each open the page, and the first removes the second
    second = make_colleague(registered, role=EnterpriseAccountRole.ADMIN)
    accounts.enterprise_account_remove(account=second, by=registered.user)
    # when the second's stale page removes the first
    with pytest.raises(PermissionDenied):
        accounts.enterprise_account_remove(account=registered, by=second.user)
    # then the enterprise keeps its administrator
    assert EnterpriseAccount.objects.get(pk=registered.pk).status == EnterpriseAccountStatus.UNCONFIRMED


def test_colleague_of_another_enterprise_cannot_be_removed(registered, district, sms,
                                                          django_capture_on_commit_callbacks):
    other = EnterpriseFactory(org_unit=district, legal_representative="赵六")
    with django_capture_on_commit_callbacks(execute=True):
        accounts.registration_code_send(uscc=other.uscc, legal_representative="赵六", phone="13911112222")
    other_admin = accounts.enterprise_account_register(
        uscc=other.uscc, legal_representative="赵六", phone="13911112222", code=sent_code(sms), username="other",
        password=PASSWORD)
    with pytest.raises(PermissionDenied):
        accounts.enterprise_account_remove(account=other_admin, by=registered.user)


# --- the district's confirmation and revocation ----------------------------------------------------------------


def test_district_officer_confirms_an_account_in_their_unit(registered, make_user, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    confirmed = accounts.enterprise_account_confirm(account=registered, by=officer)
    assert confirmed.status == EnterpriseAccountStatus.CONFIRMED and confirmed.confirmed_by == officer
    registered.user.refresh_from_db()
    assert registered.user.enterprise == registered.enterprise
    # colleagues invited after that start confirmed, linked to the enterprise
    colleague = make_colleague(registered)
    assert colleague.status == EnterpriseAccountStatus.CONFIRMED and colleague.user.enterprise == registered.enterprise


def test_officer_of_another_district_can_neither_confirm_nor_revoke(registered, make_user, city):
    outsider = make_user(Role.DISTRICT_OFFICER, org_unit=city.children.get(name="二七区"))
    with pytest.raises(PermissionDenied):
        accounts.enterprise_account_confirm(account=registered, by=outsider)
    with pytest.raises(PermissionDenied):
        accounts.enterprise_account_revoke(account=registered, reason="冒名注册", by=outsider)
    assert not accounts.enterprise_account_list(user=outsider).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=outsider).count() == 2


def test_revoked_account_loses_its_role_and_login(registered, make_user, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    with pytest.raises(ValidationError) as exc_info:
        accounts.enterprise_account_revoke(account=registered, reason=" ", by=officer)
    assert field_errors(exc_info, "reason")
    revoked = accounts.enterprise_account_revoke(account=registered, reason="冒名注册", by=officer)
    assert revoked.status == EnterpriseAccountStatus.REVOKED and revoked.revoked_reason == "冒名注册"
    registered.user.refresh_from_db()
    assert not registered.user.is_active
    assert not RoleAssignment.objects.filter(user=registered.user).exists()
    with pytest.raises(ValidationError):
        accounts.enterprise_account_confirm(account=revoked, by=officer)


def test_after_a_revocation_the_enterprise_may_register_again(registered, make_user, district, sms,
                                                              django_capture_on_commit_callbacks):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    accounts.enterprise_account_revoke(account=registered, reason="冒名注册", by=officer)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)), \
            django_capture_on_commit_callbacks(execute=True):
        request_code(sms, registered.enterprise)
    account = register(registered.enterprise, sent_code(sms), username="real-admin", email="")
    assert account.role == EnterpriseAccountRole.ADMIN


# --- demo ----------------------------------------------------------------------------------------------------


def test_demo_makes_the_demo_user_a_confirmed_administrator_and_leaves_one_to_confirm(make_user, district):
    # given the demo enterprise user and district officer, and enterprises in the demo district
    demo_enterprise = EnterpriseFactory(org_unit=district, legal_representative="刘企业")
    EnterpriseFactory(org_unit=district, legal_representative="周待确")
    make_user(Role.ENTERPRISE_USER, org_unit=district, username="enterprise", enterprise=demo_enterprise)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district, username="jinshui")
    ctx = SimpleNamespace(demo_district=district)
    # when the generator runs twice
    demo_accounts.generate(ctx)
    demo_accounts.generate(ctx)
    # then the demo user administers its enterprise, confirmed, and the officer has one registration to confirm
    admin = EnterpriseAccount.objects.get(user__username="enterprise")
    assert admin.status == EnterpriseAccountStatus.CONFIRMED and admin.confirmed_by == officer
    assert list(accounts.enterprise_account_list(user=officer).filter(status="unconfirmed")
                .values_list("user__username", flat=True)) == [demo_accounts.PENDING_USERNAME]
    assert User.objects.get(username=demo_accounts.PENDING_USERNAME).enterprise is None  # no data until confirmed
    # and the reset removes both
    demo_accounts.reset(ctx)
    assert not EnterpriseAccount.objects.exists()
    assert not User.objects.filter(username=demo_accounts.PENDING_USERNAME).exists()


def test_officer_has_the_unconfirmed_registration_on_the_to_do_list(registered, make_user, district, city, today):
    # given a registration awaiting confirmation in the officer's district
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    outsider = make_user(Role.DISTRICT_OFFICER, org_unit=city.children.get(name="二七区"))
    # then it is on their to-do list, not on another district's
    assert todos.unconfirmed_account_count(officer, today) == 1
    assert todos.unconfirmed_accounts(officer, today, 5)[0].title.endswith(registered.enterprise.name)
    assert todos.unconfirmed_account_count(outsider, today) == 0
    # and it leaves the list once confirmed
    accounts.enterprise_account_confirm(account=registered, by=officer)
    assert todos.unconfirmed_account_count(officer, today) == 0


# --- enumeration and throttling of step 2 ---------------------------------------------------------------------


def test_a_wrong_code_does_not_reveal_whether_the_username_or_email_is_taken(sms, enterprise, make_user):
    User.objects.filter(pk=make_user(username="taken").pk).update(email="taken@qiye.example")
    request_code(sms, enterprise)
    wrong = "000000" if sent_code(sms) != "000000" else "111111"
    with pytest.raises(ValidationError) as exc_info:
        register(enterprise, wrong, username="taken", email="taken@qiye.example")
    assert set(exc_info.value.message_dict) == {"code"}
    # with the right code the duplicates are named
    with pytest.raises(ValidationError) as exc_info:
        register(enterprise, sent_code(sms), username="taken", email="taken@qiye.example")
    assert field_errors(exc_info, "username") and field_errors(exc_info, "email")


def test_step_two_is_limited_per_client_address(sms, enterprise):
    request_code(sms, enterprise)
    wrong = "000000" if sent_code(sms) != "000000" else "111111"
    for n in range(accounts.REGISTRATION_IP_HOURLY_LIMIT):
        with pytest.raises(ValidationError) as exc_info:
            register(enterprise, wrong, client_ip="10.0.0.9", phone=f"1390000{n:04d}")
        assert not isinstance(exc_info.value, accounts.PhoneVerificationThrottled)
    # the next submit from that address is refused before anything is checked, the right code included
    with pytest.raises(accounts.PhoneVerificationThrottled) as exc_info:
        register(enterprise, sent_code(sms), client_ip="10.0.0.9")
    assert 0 < exc_info.value.wait_seconds <= 3600 and field_errors(exc_info, "code")
    # another address is not held up
    assert register(enterprise, sent_code(sms), client_ip="10.0.0.10").role == EnterpriseAccountRole.ADMIN


# --- the SMS gateway down, the username race, service accounts ---------------------------------------------------


def test_gateway_down_is_a_phone_error_and_does_not_use_up_the_limit(monkeypatch, enterprise):
    def down(*, to, text):
        raise SmsSendError("gateway unreachable")

    monkeypatch.setattr(accounts, "sms_send", down)
    with pytest.raises(accounts.SmsUnavailable) as exc_info:
        request_code([], enterprise)
    assert field_errors(exc_info, "phone") == ["短信发送失败，请稍后重试"]
    assert not PhoneVerification.objects.exists()
    # the gateway is back a moment later: the number may ask again at once (the failed send did not count)
    sent = []
    monkeypatch.setattr(accounts, "sms_send", lambda *, to, text: sent.append((to, text)))
    request_code(sent, enterprise)
    assert len(sent) == 1 and PhoneVerification.objects.count() == 1


def test_a_failed_resend_leaves_the_earlier_code_usable(monkeypatch, sms, enterprise):
    request_code(sms, enterprise)
    first = sent_code(sms)
    monkeypatch.setattr(accounts, "sms_send", lambda *, to, text: (_ for _ in ()).throw(OSError("refused")))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)), \
            pytest.raises(accounts.SmsUnavailable):
        request_code(sms, enterprise)
    assert register(enterprise, first).role == EnterpriseAccountRole.ADMIN


def test_a_username_taken_by_a_twin_request_is_a_username_error(monkeypatch, sms, enterprise, make_user):
    # given the duplicate check passed, and the twin request's insert commits first (the unique index says no)
    def twin_committed_first(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "core_user_username_key"')

    request_code(sms, enterprise)
    monkeypatch.setattr(accounts, "user_create", twin_committed_first)
    with pytest.raises(ValidationError) as exc_info:
        register(enterprise, sent_code(sms))
    assert field_errors(exc_info, "username") == ["该用户名已被使用"]
    assert not EnterpriseAccount.objects.exists() and PhoneVerification.objects.get().consumed_at is None


def test_a_service_account_of_the_enterprise_does_not_block_its_registration(sms, enterprise, make_user):
    feed = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise, username="feed")
    ServiceAccount.objects.create(user=feed, purpose="追溯系统数据接口")  # i18n-ignore: test data
    request_code(sms, enterprise)
    assert register(enterprise, sent_code(sms)).role == EnterpriseAccountRole.ADMIN


# --- invitation mail: a background job, never an error for the administrator -------------------------------------


def test_invitation_mail_failure_keeps_the_invitation_and_a_resend_mails_a_new_link(
        registered, monkeypatch, caplog, django_capture_on_commit_callbacks):
    def smtp_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection closed")

    monkeypatch.setattr(accounts, "send_mail", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        sent = accounts.enterprise_invitation_create(enterprise=registered.enterprise, email="li@qiye.example",
                                                     full_name="李同事", role=EnterpriseAccountRole.STAFF,
                                                     by=registered.user, accept_url=ACCEPT_URL)
    invitation = EnterpriseInvitation.objects.get()
    assert accounts.invitation_send_failed(invitation) and not mail.outbox
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = accounts.enterprise_invitation_resend(invitation=invitation, by=registered.user, accept_url=ACCEPT_URL)
    assert len(mail.outbox) == 1 and again.token in mail.outbox[0].body
    assert not accounts.invitation_send_failed(invitation)
    with pytest.raises(ValidationError):  # the first link died with the resend
        accounts.enterprise_invitation_get(token=sent.token)


def test_invitation_mail_masks_the_inviters_name_but_not_the_invitees(registered,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        accounts.enterprise_invitation_create(enterprise=registered.enterprise, email="li@qiye.example",
                                              full_name="李同事", role=EnterpriseAccountRole.STAFF,
                                              by=registered.user, accept_url=ACCEPT_URL)
    body = mail.outbox[0].body
    assert "李同事" in body and "王建国" not in body and "王*国" in body
