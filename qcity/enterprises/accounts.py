"""Enterprise accounts: self-registration checked against the registry and a phone code, colleagues invited
by the enterprise's administrator, and the district's confirmation or revocation (services and selectors).

Why a new account sees nothing of its enterprise: the registry match (code, legal representative) is public
knowledge and any phone will take a code, so the registration alone proves little. An unconfirmed account can
log in, read its own account page (待区县确认), its messages and invite colleagues, but its user is not linked
to the enterprise (`User.enterprise` is empty): the credit and sampling selectors and the enterprise's
notification recipients all go through that link, so it sees no served result, credit file or attachment and
receives none of the enterprise's messages until a district officer of the enterprise's unit confirms it (the
officer calls the registrant's phone). A revoked or removed account loses the link and its role and can no
longer log in (the user is deactivated).

SMS codes are stored only as an HMAC (SECRET_KEY + a random salt per code) and are never written to a log,
an audit record or an exception message.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import math
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction, NotificationKind, Role
from qcity.core.masking import mask_text
from qcity.core.models import RoleAssignment, User
from qcity.core.notifications import notify
from qcity.core.roles import MARKET_MANAGERS
from qcity.core.services import role_grant, user_create
from qcity.core.sms import SmsSendError, sms_send

from .choices import (
    EnterpriseAccountRole,
    EnterpriseAccountStatus,
    EnterpriseStatus,
    PhoneVerificationPurpose,
)
from .models import Enterprise, EnterpriseAccount, EnterpriseInvitation, PhoneVerification
from .validators import validate_uscc

CODE_LENGTH = 6
CODE_VALIDITY = datetime.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
# After a code dies of CODE_MAX_ATTEMPTS wrong tries the number gets no new code for this long: without it a
# script could ask for a fresh code at once and go on guessing (five guesses per code, five codes an hour).
# The moment the code died is its `expires_at` (set to that moment by the killing attempt).
CODE_LOCKOUT = datetime.timedelta(minutes=30)
# One code per number per minute and five per hour; twenty per client address per hour (an office behind
# one address may register several enterprises, a script trying numbers may not).
PHONE_MIN_INTERVAL = datetime.timedelta(seconds=60)
PHONE_HOURLY_LIMIT = 5
IP_HOURLY_LIMIT = 20
# Step 2 (code + account) submits per client address per hour: a script guessing codes or probing which
# usernames exist stops here.
REGISTRATION_IP_HOURLY_LIMIT = 20
INVITATION_VALIDITY = datetime.timedelta(days=7)
MOBILE_PATTERN = re.compile(r"^1[3-9][0-9]{9}$")
CLOSED_STATUSES = (EnterpriseStatus.DEREGISTERED, EnterpriseStatus.REVOKED)
LIVE_STATUSES = (EnterpriseAccountStatus.UNCONFIRMED, EnterpriseAccountStatus.CONFIRMED)
_HMAC_SALT = "qcity.enterprises.accounts.phone_verification"

logger = logging.getLogger(__name__)


class PhoneVerificationThrottled(ValidationError):
    """Too many codes asked for (or registration attempts made): the page answers 429 with the wait in seconds."""

    def __init__(self, message: str, *, wait_seconds: int, field: str = "phone"):
        super().__init__({field: [message]})
        self.wait_seconds = wait_seconds


class SmsUnavailable(ValidationError):
    """The SMS gateway refused or could not be reached: the page answers 503; the code did not count."""

    def __init__(self):
        super().__init__({"phone": [_("短信发送失败，请稍后重试")]})


class AlreadyRegistered(ValidationError):
    """A repeat of a registration that succeeded (a double click, a back button): the page sends the
    registrant to the login page; nobody is logged in by it."""

    def __init__(self):
        super().__init__({"uscc": [_("该企业已注册，请登录")]}, code="registered")


# --- phone numbers and codes -----------------------------------------------------------------------


def normalize_mobile(value: str) -> str:
    """A mainland mobile number as 11 digits (a +86 / 0086 prefix, spaces and dashes dropped), or a
    ValidationError on the phone field."""
    digits = re.sub(r"[\s-]", "", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    if not MOBILE_PATTERN.match(digits):
        raise ValidationError({"phone": [_("请输入11位手机号码")]})
    return digits


def masked_mobile(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def _code_digest(verification: PhoneVerification, code: str) -> str:
    value = f"{verification.phone}:{verification.purpose}:{verification.salt}:{code}"
    return salted_hmac(_HMAC_SALT, value, algorithm="sha256").hexdigest()


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return _("%(n)s 秒") % {"n": seconds}
    return _("%(n)s 分钟") % {"n": math.ceil(seconds / 60)}


def _lockout_wait(*, phone: str, purpose: str, now: datetime.datetime) -> int:
    """Seconds left of the cool-down after a code of this number died of too many wrong tries (0: none)."""
    killed_at = (PhoneVerification.objects
                 .filter(phone=phone, purpose=purpose, attempts__gte=CODE_MAX_ATTEMPTS,
                         expires_at__gt=now - CODE_LOCKOUT)
                 .order_by("-expires_at").values_list("expires_at", flat=True).first())
    return max(0, math.ceil((killed_at + CODE_LOCKOUT - now).total_seconds())) if killed_at else 0


def _lockout_message(wait: int) -> str:
    return _("验证码错误次数过多，已失效，请 %(wait)s后重新获取") % {"wait": _wait_text(wait)}


def _throttle(*, phone: str, purpose: str, client_ip: str | None, now: datetime.datetime) -> None:
    wait = _lockout_wait(phone=phone, purpose=purpose, now=now)
    if wait:
        raise PhoneVerificationThrottled(_lockout_message(wait), wait_seconds=wait)
    recent = PhoneVerification.objects.filter(phone=phone, purpose=purpose, created_at__gt=now - datetime.timedelta(hours=1))
    times = sorted(recent.values_list("created_at", flat=True))
    if times and now - times[-1] < PHONE_MIN_INTERVAL:
        wait = math.ceil((times[-1] + PHONE_MIN_INTERVAL - now).total_seconds())
        raise PhoneVerificationThrottled(_("验证码发送过于频繁，请 %(wait)s后再试") % {"wait": _wait_text(wait)},
                                         wait_seconds=wait)
    if len(times) >= PHONE_HOURLY_LIMIT:
        wait = math.ceil((times[-PHONE_HOURLY_LIMIT] + datetime.timedelta(hours=1) - now).total_seconds())
        raise PhoneVerificationThrottled(
            _("该手机号1小时内最多获取%(n)s次验证码，请 %(wait)s后再试") % {"n": PHONE_HOURLY_LIMIT, "wait": _wait_text(wait)},
            wait_seconds=wait)
    if client_ip:
        by_ip = PhoneVerification.objects.filter(client_ip=client_ip, created_at__gt=now - datetime.timedelta(hours=1))
        if by_ip.count() >= IP_HOURLY_LIMIT:
            oldest = by_ip.order_by("-created_at").values_list("created_at", flat=True)[IP_HOURLY_LIMIT - 1]
            wait = max(1, math.ceil((oldest + datetime.timedelta(hours=1) - now).total_seconds()))
            raise PhoneVerificationThrottled(
                _("本网络地址获取验证码过于频繁，请 %(wait)s后再试") % {"wait": _wait_text(wait)}, wait_seconds=wait)


def phone_verification_send(*, phone: str, purpose: str, text: str, enterprise: Enterprise | None = None,
                            client_ip: str | None = None) -> PhoneVerification:
    """Send a fresh 6-digit code to `phone` (`text` holds `%(code)s`), after the per-number and per-address
    limits; earlier unused codes for the same number and purpose die."""
    phone = normalize_mobile(phone)
    now = timezone.now()
    code = f"{secrets.randbelow(10 ** CODE_LENGTH):0{CODE_LENGTH}d}"
    with transaction.atomic():
        # serialise requests for one number, so a burst cannot pass the limits together
        list(PhoneVerification.objects.select_for_update().filter(phone=phone, purpose=purpose, consumed_at__isnull=True))
        _throttle(phone=phone, purpose=purpose, client_ip=client_ip, now=now)
        verification = PhoneVerification(phone=phone, purpose=purpose, enterprise=enterprise, client_ip=client_ip,
                                          salt=secrets.token_hex(16), created_at=now, expires_at=now + CODE_VALIDITY)
        verification.code_hash = _code_digest(verification, code)
        verification.save()
    # Sent inside the request, after the row is saved (the limits count it): a gateway that is down is
    # answered on the page, and the row goes again so the failed send does not use up the number's limit.
    try:
        sms_send(to=phone, text=text % {"code": code})
    except (SmsSendError, OSError):
        logger.warning("verification code to %s not sent: the SMS gateway failed", masked_mobile(phone))
        PhoneVerification.objects.filter(pk=verification.pk).delete()
        raise SmsUnavailable() from None
    # only now do the earlier codes die: a failed send leaves the last code that did arrive usable
    PhoneVerification.objects.filter(phone=phone, purpose=purpose, consumed_at__isnull=True,
                                     expires_at__gt=now).exclude(pk=verification.pk).update(expires_at=now)
    return verification


def _verification_check(*, phone: str, purpose: str, code: str, enterprise: Enterprise | None) -> PhoneVerification:
    """Check `code` against the newest live code for the number; a wrong code counts as an attempt (committed
    even though the caller's request fails), the fifth kills the code: it expires at once, and for
    CODE_LOCKOUT from then the number gets no new code (`_throttle`). Returns the row, unconsumed."""
    now = timezone.now()
    with transaction.atomic():
        verification = (PhoneVerification.objects.select_for_update()
                        .filter(phone=phone, purpose=purpose, consumed_at__isnull=True).first())
        if verification is None or (enterprise is not None and verification.enterprise_id != enterprise.pk):
            error = _("请先获取短信验证码")
        elif verification.attempts >= CODE_MAX_ATTEMPTS:  # before the expiry: a killed code expired when it died
            wait = _lockout_wait(phone=phone, purpose=purpose, now=now)
            error = _lockout_message(wait) if wait else _("验证码错误次数过多，已失效，请重新获取")
        elif verification.expires_at <= now:
            error = _("验证码已过期，请重新获取")
        elif not constant_time_compare(verification.code_hash, _code_digest(verification, (code or "").strip())):
            verification.attempts += 1
            fields = ["attempts"]
            left = CODE_MAX_ATTEMPTS - verification.attempts
            if not left:  # the code dies now; the cool-down counts from here
                verification.expires_at = now
                fields.append("expires_at")
            verification.save(update_fields=fields)
            error = (_("验证码错误，还可尝试%(n)s次") % {"n": left} if left
                     else _lockout_message(math.ceil(CODE_LOCKOUT.total_seconds())))
        else:
            return verification
    raise ValidationError({"code": [error]})


def _verification_consume(verification: PhoneVerification) -> None:
    """Mark the code used, inside the caller's transaction; a twin request that used it first wins."""
    updated = PhoneVerification.objects.filter(pk=verification.pk, consumed_at__isnull=True).update(
        consumed_at=timezone.now())
    if not updated:
        raise ValidationError({"code": [_("验证码已使用，请重新获取")]})


# --- registration ------------------------------------------------------------------------------------


def _same_name(a: str, b: str) -> bool:
    return "".join((a or "").split()) == "".join((b or "").split()) != ""


def enterprise_has_account(enterprise: Enterprise) -> bool:
    """An enterprise has an account while one of its accounts is live, or a person's user is linked to it
    directly (accounts made by the system administrator before self-registration existed). A service account
    tied to the enterprise (a system feeding its data) is not a person's account and does not count."""
    return (EnterpriseAccount.objects.filter(enterprise=enterprise, status__in=LIVE_STATUSES).exists()
            or User.objects.filter(enterprise=enterprise, is_active=True, enterprise_account__isnull=True,
                                   service_account__isnull=True).exists())


def registrable_enterprise(*, uscc: str, legal_representative: str) -> Enterprise:
    """The enterprise a registrant may open an account for, or a ValidationError naming the field. The
    registered legal representative's name is never revealed."""
    try:
        code = validate_uscc(uscc)
    except ValidationError as exc:
        raise ValidationError({"uscc": exc.messages}) from exc
    enterprise = Enterprise.objects.filter(uscc=code).select_related("org_unit").first()
    if enterprise is None:
        raise ValidationError({"uscc": [_("未找到该统一社会信用代码的企业登记信息")]})
    if enterprise.status in CLOSED_STATUSES:
        raise ValidationError({"uscc": [_("该企业登记状态为“%(status)s”，不能注册账号")
                                        % {"status": enterprise.get_status_display()}]})
    if not _same_name(legal_representative, enterprise.legal_representative):
        raise ValidationError({"legal_representative": [_("法定代表人姓名与企业登记信息不一致")]})
    if enterprise_has_account(enterprise):
        raise ValidationError({"uscc": [_("该企业已有账号，请联系贵企业管理员为您开通账号")]})
    return enterprise


def registration_code_send(*, uscc: str, legal_representative: str, phone: str,
                           client_ip: str | None = None) -> PhoneVerification:
    """Step 1 of the registration: check the registry, then text a code to the registrant's mobile."""
    phone = normalize_mobile(phone)
    enterprise = registrable_enterprise(uscc=uscc, legal_representative=legal_representative)
    return phone_verification_send(
        phone=phone, purpose=PhoneVerificationPurpose.REGISTRATION, enterprise=enterprise, client_ip=client_ip,
        text=_("您正在注册企业账号，验证码 %(code)s，10分钟内有效。请勿告诉他人。"))


def _user_fields_check(*, username: str, password: str, email: str, full_name: str) -> None:
    errors = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("该用户名已被使用")]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("该邮箱已被其他账号使用")]
    try:
        validate_password(password, User(username=username, email=email, full_name=full_name))
    except ValidationError as exc:
        errors["password1"] = exc.messages
    if errors:
        raise ValidationError(errors)


def _account_user_create(*, enterprise: Enterprise, username: str, password: str, email: str, full_name: str,
                         phone: str = "", confirmed: bool = False) -> User:
    """The user of a new account; linked to the enterprise (its data access) only when `confirmed`. A twin
    request that took the username between the check and here is a username error, not a 500."""
    # by=None: an internal call; the person acting is recorded in this module's own audit record.
    try:
        with transaction.atomic():
            user = user_create(username=username, password=password, full_name=full_name,
                               org_unit=enterprise.org_unit, enterprise=enterprise if confirmed else None, by=None,
                               must_change_password=False)
    except IntegrityError:
        raise ValidationError({"username": [_("该用户名已被使用")]}) from None
    user.email, user.phone = email, phone
    user.save(update_fields=["email", "phone"])
    role_grant(user=user, role=Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, by=None)
    return user


def _registration_attempt_count(client_ip: str | None) -> None:
    """Count a step-2 submit against the client address (a fixed one-hour window in the shared cache); over
    REGISTRATION_IP_HOURLY_LIMIT the submit is refused before anything is checked."""
    if not client_ip:
        return
    key = f"qcity:enterprise-registration:{client_ip}"
    now = timezone.now()
    cache.add(key, {"since": now.timestamp(), "count": 0}, timeout=3600)
    window = cache.get(key) or {"since": now.timestamp(), "count": 0}
    if window["count"] >= REGISTRATION_IP_HOURLY_LIMIT:
        wait = max(1, math.ceil(window["since"] + 3600 - now.timestamp()))
        raise PhoneVerificationThrottled(_("本网络地址提交注册过于频繁，请 %(wait)s后再试") % {"wait": _wait_text(wait)},
                                         wait_seconds=wait, field="code")
    window["count"] += 1
    cache.set(key, window, timeout=max(1, math.ceil(window["since"] + 3600 - now.timestamp())))


def enterprise_account_register(*, uscc: str, legal_representative: str, phone: str, code: str, username: str,
                                password: str, email: str = "", client_ip: str | None = None) -> EnterpriseAccount:
    """Step 2: the first account of an enterprise, its administrator, on a registry match and a valid code.
    The account starts unconfirmed (no access to the enterprise's data) and the district officers are told.

    Submits are limited per client address; the code is checked before the username and e-mail, so only the
    holder of a valid code learns whether they are taken. A repeat of a registration that succeeded (the same
    enterprise and phone) is AlreadyRegistered: the registrant logs in on the login page, whose lockout
    counts wrong passwords."""
    _registration_attempt_count(client_ip)
    phone = normalize_mobile(phone)
    username, email = username.strip(), (email or "").strip()
    _registration_repeat_check(uscc=uscc, phone=phone)
    enterprise = registrable_enterprise(uscc=uscc, legal_representative=legal_representative)
    full_name = enterprise.legal_representative
    verification = _verification_check(phone=phone, purpose=PhoneVerificationPurpose.REGISTRATION, code=code,
                                       enterprise=enterprise)
    _user_fields_check(username=username, password=password, email=email, full_name=full_name)
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        if enterprise_has_account(enterprise):  # a twin registration got there first
            raise ValidationError({"uscc": [_("该企业已有账号，请联系贵企业管理员为您开通账号")]})
        _verification_consume(verification)
        user = _account_user_create(enterprise=enterprise, username=username, password=password, email=email,
                                    full_name=full_name, phone=phone)
        account = EnterpriseAccount.objects.create(user=user, enterprise=enterprise, role=EnterpriseAccountRole.ADMIN)
        audit_record(action=AuditAction.CREATE, by=user, obj=account, org_unit=enterprise.org_unit,
                     message=f"enterprise account registered for {enterprise.uscc}, phone {masked_mobile(phone)}",
                     after={"user": user.pk, "enterprise": enterprise.pk, "role": account.role,
                            "status": account.status})
        officers = _district_managers(enterprise)
        notify(recipients=officers, kind=NotificationKind.ACCOUNT, key=f"enterprise-account-registered-{account.pk}",
               title=_("企业账号待确认：%(name)s") % {"name": enterprise.name})
    return account


def _registration_repeat_check(*, uscc: str, phone: str) -> None:
    """AlreadyRegistered when the enterprise's live administrator registered with this phone. No password is
    checked here and nobody is logged in."""
    if EnterpriseAccount.objects.filter(enterprise__uscc=(uscc or "").strip().upper(), user__phone=phone,
                                        role=EnterpriseAccountRole.ADMIN, status__in=LIVE_STATUSES,
                                        user__is_active=True).exists():
        raise AlreadyRegistered()


def _district_managers(enterprise: Enterprise) -> list[User]:
    """District officers whose unit covers the enterprise (the ones who confirm its accounts)."""
    prefixes = [p for p in _ancestor_paths(enterprise.org_unit.path)]
    return list(User.objects.filter(is_active=True, role_assignments__role=Role.DISTRICT_OFFICER,
                                    role_assignments__org_unit__path__in=prefixes).distinct())


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]


# --- colleagues: invitations and removal --------------------------------------------------------------


def enterprise_account_of(user: User) -> EnterpriseAccount | None:
    """The live enterprise account of `user`, or None."""
    if not user.is_authenticated:
        return None
    return (EnterpriseAccount.objects.select_related("enterprise", "enterprise__org_unit")
            .filter(user=user, status__in=LIVE_STATUSES).first())


def _require_admin(by: User, enterprise: Enterprise, *, action: str) -> EnterpriseAccount:
    account = enterprise_account_of(by)
    if account is None or account.enterprise_id != enterprise.pk or account.role != EnterpriseAccountRole.ADMIN:
        raise access.deny(by, action=action, org_unit=enterprise.org_unit)
    return account


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class InvitationSent:
    invitation: EnterpriseInvitation
    token: str  # shown in the link only; the table keeps its hash


def enterprise_invitation_create(*, enterprise: Enterprise, email: str, full_name: str, role: str, by: User,
                                 accept_url: str) -> InvitationSent:
    """An administrator invites a colleague by e-mail; `accept_url` holds `%(token)s`. A new invitation to the
    same address replaces the earlier one (whose link dies)."""
    _require_admin(by, enterprise, action="invite enterprise colleague")
    email = (email or "").strip()
    if role not in EnterpriseAccountRole.values:
        raise ValidationError({"role": [_("请选择企业内角色")]})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("该邮箱已被其他账号使用")]})
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        EnterpriseInvitation.objects.filter(enterprise=enterprise, email__iexact=email, accepted_at__isnull=True,
                                            expires_at__gt=now).update(expires_at=now)
        invitation = EnterpriseInvitation.objects.create(
            enterprise=enterprise, email=email, full_name=full_name.strip(), role=role, token_hash=_token_hash(token),
            invited_by=by, created_at=now, expires_at=now + INVITATION_VALIDITY)
        audit_record(action=AuditAction.CREATE, by=by, obj=invitation, org_unit=enterprise.org_unit,
                     message=f"invited a colleague of {enterprise.uscc} as {role}",
                     after={"email": email, "role": role, "expires_at": invitation.expires_at.isoformat()})
        link = accept_url % {"token": token}
        transaction.on_commit(lambda: _invitation_queue(invitation.pk, link))
    return InvitationSent(invitation, token)


def enterprise_invitation_resend(*, invitation: EnterpriseInvitation, by: User, accept_url: str) -> InvitationSent:
    """The administrator sends a pending invitation again (its mail failed, or was lost): a new link (the
    table keeps only the hash of the old one, which dies), valid 7 days from now, queued for sending."""
    _require_admin(by, invitation.enterprise, action="resend enterprise invitation")
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = EnterpriseInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("该邀请已被接受，无需重新发送"))
        invitation.token_hash, invitation.expires_at = _token_hash(token), now + INVITATION_VALIDITY
        invitation.save(update_fields=["token_hash", "expires_at"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=invitation, org_unit=invitation.enterprise.org_unit,
                     message=f"invitation resent for {invitation.enterprise.uscc}",
                     after={"expires_at": invitation.expires_at.isoformat()})
        cache.delete(_send_failed_key(invitation.pk))
        link = accept_url % {"token": token}
        transaction.on_commit(lambda: _invitation_queue(invitation.pk, link))
    return InvitationSent(invitation, token)


def _send_failed_key(invitation_id: int) -> str:
    return f"qcity:enterprise-invitation-send-failed:{invitation_id}"


def invitation_send_failed(invitation: EnterpriseInvitation) -> bool:
    """Whether the last send of the invitation's mail failed (its page then offers 重新发送)."""
    return bool(cache.get(_send_failed_key(invitation.pk)))


def invitation_send_failed_mark(invitation_id: int) -> None:
    cache.set(_send_failed_key(invitation_id), True, timeout=int(INVITATION_VALIDITY.total_seconds()))


def _invitation_queue(invitation_id: int, link: str) -> None:
    """After the commit: hand the mail to the background job; a broker that is down is logged and marked,
    never shown to the administrator as an error (the invitation exists; they may send it again)."""
    from .tasks import enterprise_invitation_send_task  # cycle: the task calls back into this module to send

    try:
        enterprise_invitation_send_task.delay(invitation_id, link)
    except Exception:  # noqa: BLE001 — the invitation is saved; the page offers to send it again
        logger.exception("invitation %s: the mail could not be queued", invitation_id)
        invitation_send_failed_mark(invitation_id)


def enterprise_invitation_mail_send(*, invitation_id: int, link: str) -> bool:
    """Send the invitation mail (the background job's work). Personal data of others than the invitee (the
    inviter's name) is masked; the invitee's own name is theirs to read. False when the invitation was
    accepted or replaced meanwhile (nothing sent). SMTP errors propagate to the job, which retries."""
    invitation = (EnterpriseInvitation.objects.select_related("enterprise", "invited_by")
                  .filter(pk=invitation_id, accepted_at__isnull=True, expires_at__gt=timezone.now()).first())
    if invitation is None:
        return False
    inviter = invitation.invited_by.display_name
    subject = _("%(name)s 邀请您开通质量强市平台企业账号") % {"name": invitation.enterprise.name}
    body = _("%(full_name)s：\n\n%(inviter)s 邀请您以“%(role)s”身份开通 %(name)s 的企业账号。"
             "请在7天内打开以下链接设置用户名和密码：\n%(link)s\n\n如非本人操作，请忽略本邮件。") % {
        "full_name": invitation.full_name, "inviter": mask_text(inviter, known_names=[inviter]),
        "role": invitation.get_role_display(), "name": invitation.enterprise.name, "link": link}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    cache.delete(_send_failed_key(invitation.pk))
    return True


def enterprise_invitation_get(*, token: str) -> EnterpriseInvitation:
    """The invitation behind a link, or a ValidationError saying why it cannot be used (unknown, used, expired)."""
    invitation = (EnterpriseInvitation.objects.select_related("enterprise", "enterprise__org_unit", "invited_by")
                  .filter(token_hash=_token_hash(token or "")).first())
    if invitation is None:
        raise ValidationError(_("邀请链接无效"), code="unknown")
    if invitation.accepted_at is not None:
        raise ValidationError(_("该邀请已被使用，请直接登录"), code="used")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("该邀请已失效，请联系贵企业管理员重新邀请"), code="expired")
    if invitation.enterprise.status in CLOSED_STATUSES:
        raise ValidationError(_("该企业已不能开通账号"), code="closed")
    inviter_live = EnterpriseAccount.objects.filter(user=invitation.invited_by, enterprise=invitation.enterprise,
                                                    role=EnterpriseAccountRole.ADMIN, status__in=LIVE_STATUSES)
    if not inviter_live.exists():  # an administrator revoked or removed since: their invitations die with them
        raise ValidationError(_("该邀请已失效，请联系贵企业管理员重新邀请"), code="expired")
    return invitation


def enterprise_invitation_accept(*, token: str, username: str, password: str) -> EnterpriseAccount:
    """The invited colleague sets a username and password; the account starts confirmed (with the enterprise's
    data) when the enterprise's administrator has been confirmed by the district (who then vouches for
    colleagues), else unconfirmed like the administrator: a district officer confirms it too."""
    invitation = enterprise_invitation_get(token=token)
    username = username.strip()
    _user_fields_check(username=username, password=password, email=invitation.email, full_name=invitation.full_name)
    enterprise = invitation.enterprise
    with transaction.atomic():
        locked = EnterpriseInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise ValidationError(_("该邀请已被使用，请直接登录"), code="used")
        admin_confirmed = EnterpriseAccount.objects.filter(
            enterprise=enterprise, role=EnterpriseAccountRole.ADMIN, status=EnterpriseAccountStatus.CONFIRMED).exists()
        user = _account_user_create(enterprise=enterprise, username=username, password=password,
                                    email=invitation.email, full_name=invitation.full_name, confirmed=admin_confirmed)
        account = EnterpriseAccount.objects.create(
            user=user, enterprise=enterprise, role=invitation.role, invited_by=invitation.invited_by,
            status=EnterpriseAccountStatus.CONFIRMED if admin_confirmed else EnterpriseAccountStatus.UNCONFIRMED)
        locked.accepted_at, locked.account = timezone.now(), account
        locked.save(update_fields=["accepted_at", "account"])
        audit_record(action=AuditAction.CREATE, by=user, obj=account, org_unit=enterprise.org_unit,
                     message=f"invitation accepted for {enterprise.uscc}",
                     after={"user": user.pk, "enterprise": enterprise.pk, "role": account.role,
                            "status": account.status, "invitation": invitation.pk})
    return account


def _deactivate(account: EnterpriseAccount, *, status: str, by: User | None, action: str, reason: str = "") -> None:
    """Inside a transaction: the account leaves service, the user can no longer log in, the role goes."""
    before = {"status": account.status}
    account.status = status
    account.revoked_reason = reason[:200]
    account.save(update_fields=["status", "revoked_reason"])
    User.objects.filter(pk=account.user_id).update(is_active=False, enterprise=None)
    RoleAssignment.objects.filter(user_id=account.user_id, role=Role.ENTERPRISE_USER).delete()
    audit_record(action=AuditAction.UPDATE, by=by, obj=account, org_unit=account.enterprise.org_unit,
                 message=f"{action}: {account.user.username}", before=before,
                 after={"status": status, "reason": reason[:200]})
    audit_record(action=AuditAction.ROLE_REVOKE, by=by, obj=account.user, org_unit=account.enterprise.org_unit,
                 message=f"{Role.ENTERPRISE_USER} revoked with the enterprise account",
                 before={"role": Role.ENTERPRISE_USER, "org_unit": account.enterprise.org_unit_id})


def enterprise_account_remove(*, account: EnterpriseAccount, by: User) -> EnterpriseAccount:
    """An administrator removes a colleague; never themselves, never the enterprise's last administrator.
    Removing an account already removed changes nothing."""
    if account.status == EnterpriseAccountStatus.REMOVED and account.user_id != by.pk:
        _require_admin(by, account.enterprise, action="remove enterprise colleague")
        return account
    if account.user_id == by.pk:
        raise ValidationError(_("不能移除自己的账号"))
    with transaction.atomic():
        # one removal per enterprise at a time: two administrators removing each other cannot both succeed
        Enterprise.objects.select_for_update().filter(pk=account.enterprise_id).first()
        _require_admin(by, account.enterprise, action="remove enterprise colleague")
        account = EnterpriseAccount.objects.select_for_update().select_related("user", "enterprise__org_unit").get(
            pk=account.pk)
        if not account.is_active:
            return account
        if account.role == EnterpriseAccountRole.ADMIN:
            admins = EnterpriseAccount.objects.filter(enterprise=account.enterprise, role=EnterpriseAccountRole.ADMIN,
                                                      status__in=LIVE_STATUSES).exclude(pk=account.pk)
            if not admins.exists():
                raise ValidationError(_("不能移除企业的最后一位管理员"))
        _deactivate(account, status=EnterpriseAccountStatus.REMOVED, by=by, action="enterprise account removed")
    return account


def enterprise_account_confirm(*, account: EnterpriseAccount, by: User | None) -> EnterpriseAccount:
    """A district officer (or the office) confirms an account of an enterprise in their unit: its user is
    linked to the enterprise and so sees the enterprise's data and receives its messages. Again: no change."""
    access.require_scope(by, account.enterprise.org_unit, roles=MARKET_MANAGERS, action="confirm enterprise account",
                         obj=account)
    with transaction.atomic():
        account = EnterpriseAccount.objects.select_for_update().select_related("user", "enterprise__org_unit").get(
            pk=account.pk)
        if account.status == EnterpriseAccountStatus.CONFIRMED:
            return account
        if account.status != EnterpriseAccountStatus.UNCONFIRMED:
            raise ValidationError(_("该账号已撤销或移除，不能确认"))
        account.status, account.confirmed_by, account.confirmed_at = (EnterpriseAccountStatus.CONFIRMED, by,
                                                                      timezone.now())
        account.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        # the link to the enterprise is its data access (credit file, served results, its messages)
        User.objects.filter(pk=account.user_id).update(enterprise=account.enterprise)
        account.user.enterprise = account.enterprise
        audit_record(action=AuditAction.UPDATE, by=by, obj=account, org_unit=account.enterprise.org_unit,
                     message="enterprise account confirmed", before={"status": EnterpriseAccountStatus.UNCONFIRMED},
                     after={"status": account.status})
        notify(recipients=[account.user], kind=NotificationKind.ACCOUNT, key=f"enterprise-account-confirmed-{account.pk}",
               title=_("您的企业账号已通过区县确认"))
    return account


def enterprise_account_revoke(*, account: EnterpriseAccount, reason: str, by: User | None) -> EnterpriseAccount:
    """A district officer revokes an account (a false registration, a person who left): it can no longer log
    in. Revoking a revoked account changes nothing."""
    access.require_scope(by, account.enterprise.org_unit, roles=MARKET_MANAGERS, action="revoke enterprise account",
                         obj=account)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写撤销原因")]})
    with transaction.atomic():
        account = EnterpriseAccount.objects.select_for_update().select_related("user", "enterprise__org_unit").get(
            pk=account.pk)
        if account.status == EnterpriseAccountStatus.REVOKED:
            return account
        _deactivate(account, status=EnterpriseAccountStatus.REVOKED, by=by, action="enterprise account revoked",
                    reason=reason)
    return account


# --- selectors ------------------------------------------------------------------------------------------


def enterprise_account_list(*, user: User) -> QuerySet[EnterpriseAccount]:
    """The accounts of enterprises in the units the user manages (district officers, the office)."""
    queryset = EnterpriseAccount.objects.select_related("user", "enterprise", "enterprise__org_unit", "confirmed_by")
    return access.scope_filter(queryset, user=user, roles=MARKET_MANAGERS, field="enterprise__org_unit")


def enterprise_account_get(*, user: User, pk: int) -> EnterpriseAccount:
    return get_object_or_404(enterprise_account_list(user=user), pk=pk)


def colleague_list(*, account: EnterpriseAccount) -> QuerySet[EnterpriseAccount]:
    """The accounts of the caller's own enterprise (the caller's account was read for the caller)."""
    return (EnterpriseAccount.objects.filter(enterprise_id=account.enterprise_id).select_related("user")
            .order_by("status", "role", "user__username"))


def colleague_get(*, account: EnterpriseAccount, pk: int) -> EnterpriseAccount:
    return get_object_or_404(colleague_list(account=account).select_related("enterprise__org_unit"), pk=pk)


def pending_invitation_list(*, account: EnterpriseAccount) -> QuerySet[EnterpriseInvitation]:
    return EnterpriseInvitation.objects.filter(enterprise_id=account.enterprise_id, accepted_at__isnull=True,
                                               expires_at__gt=timezone.now())
