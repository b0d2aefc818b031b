"""API credentials: personal tokens and service accounts (writes and reads).

A personal token lets a person's own scripts call the API with that person's roles; it is created from a
logged-in session only, shown once, stored hashed (django-rest-knox), expires after 30, 90 or 365 days and
is revoked by its owner or by any password change. A service account is a system-to-system client (a
department's data feed, a supplier's trace system): a user without a password that the system administrator
creates, limits to a set of API path prefixes and a rate, and issues tokens to. What data it sees is its role
assignments, granted by the security administrator like any user's (三员分立: accounts are the system
administrator's, rights the security administrator's).
"""

from __future__ import annotations

import datetime
import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import require_role
from .audit import audit_record, changed, snapshot
from .choices import AuditAction, Role
from .models import ApiToken, Department, OrgUnit, ServiceAccount, User
from .roles import BUSINESS

EXPIRY_DAYS = (30, 90, 365)  # the choices offered; a token never lives longer than a year
LAST_USE_EVERY = datetime.timedelta(minutes=1)  # the last use is written at most once a minute per token
RATE_PATTERN = re.compile(r"^([1-9]\d{0,5})/(s|sec|second|m|min|minute|h|hour|d|day)$")
PATH_PATTERN = re.compile(r"^/api/[a-z0-9][a-z0-9/_-]*$")
DEFAULT_RATE = "120/min"

class ApiTokenAlreadyCreated(ValidationError):
    """A repeated API create under the same Idempotency-Key: the token exists, its key cannot be shown again."""


# --- reads -----------------------------------------------------------------------------------------


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The caller's own tokens, newest first; never another user's."""
    return ApiToken.objects.filter(user=user).order_by("-created", "-id")


def api_token_get(*, user: User, pk: int) -> ApiToken:
    """One of the caller's own tokens (ApiToken.DoesNotExist for another user's: a 404, not a 403)."""
    return api_token_list(user=user).get(pk=pk)


def service_account_list() -> QuerySet[ServiceAccount]:
    return ServiceAccount.objects.select_related("user", "user__org_unit").order_by("user__username")


def service_account_get(*, pk: int) -> ServiceAccount:
    return service_account_list().get(pk=pk)


def service_account_token_list(*, account: ServiceAccount) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=account.user).order_by("-created", "-id")


def service_account_of(user) -> ServiceAccount | None:
    """The service account behind an authenticated user, or None for a person (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_qcity_service_account"):
        user._qcity_service_account = ServiceAccount.objects.filter(user=user).first()
    return user._qcity_service_account


def api_token_allows(*, token: ApiToken, path: str) -> bool:
    """A personal token may call every endpoint its user's roles allow; a service account's token only the
    account's path prefixes."""
    account = service_account_of(token.user)
    return account is None or any(path.startswith(prefix) for prefix in account.allowed_paths)


def api_token_status(token: ApiToken, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    return _("已过期") if token.expiry is not None and token.expiry <= now else _("有效")


# --- personal tokens -------------------------------------------------------------------------------


def _expiry_check(days: int) -> None:
    if days not in EXPIRY_DAYS:
        raise ValidationError({"days": _("有效期只能是 30、90 或 365 天")})


def _issue(*, user: User, name: str, days: int, request_key: str = "") -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称")})
    if len(name) > 100:
        raise ValidationError({"name": _("令牌名称最多 100 个字符")})
    _expiry_check(days)
    try:
        with transaction.atomic():
            # knox's manager makes the key, stores its digest and first characters, and returns the key once
            return ApiToken.objects.create(user=user, expiry=datetime.timedelta(days=days), name=name,
                                           request_key=request_key)
    except IntegrityError as exc:
        existing = ApiToken.objects.filter(user=user, request_key=request_key).first() if request_key else None
        if existing is None:
            raise
        raise ApiTokenAlreadyCreated({"idempotency_key": _("该 Idempotency-Key 已创建过令牌“%(name)s”（编号 %(id)s）；"
                                                          "密钥只显示一次，如未保存请撤销后重新创建")
                                      % {"name": existing.name, "id": existing.pk}}) from exc


def request_key_digest(key: str | None) -> str:
    return hashlib.sha256(key.encode()).hexdigest() if key else ""


def api_token_create(*, user: User, name: str, days: int, by: User | None,
                     request_key: str = "") -> tuple[ApiToken, str]:
    """A person makes a token for their own scripts; returns the token and its key, which is never stored.

    `request_key` (the SHA-256 of an API Idempotency-Key) makes a repeated API create find the first token
    (ValidationError naming it) instead of making a second one.
    """
    if by is not None:
        require_role(by, *BUSINESS, action="create API token")
        if by.pk != user.pk:
            raise ValidationError({"user": _("只能为自己创建令牌")})
    if service_account_of(user) is not None:
        raise ValidationError({"user": _("服务账号的令牌由系统管理员签发")})
    with transaction.atomic():
        token, key = _issue(user=user, name=name, days=days, request_key=request_key)
        audit_record(action=AuditAction.CREATE, by=by, obj=token, org_unit=user.org_unit,
                     message=f"API token {token.name!r} created, expires {token.expiry:%Y-%m-%d}",
                     after={"name": token.name, "prefix": token.token_key[:8], "expiry": token.expiry.isoformat()})
    return token, key


def api_token_revoke(*, token: ApiToken, by: User | None) -> None:
    """The owner revokes their token, or the system administrator a service account's; it stops at once."""
    if by is not None and by.pk != token.user_id:
        if service_account_of(token.user) is None:
            raise ValidationError({"token": _("只能撤销自己的令牌")})
        require_role(by, Role.SYSTEM_ADMIN, action="revoke service account token")
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, by=by, obj=token, org_unit=token.user.org_unit,
                     message=f"API token {token.name!r} of {token.user.get_username()} revoked",
                     before={"name": token.name, "prefix": token.token_key[:8], "user": token.user_id})
        token.delete()


def api_tokens_revoke_all(*, user: User, by: User | None, reason: str) -> int:
    """Revoke every token of `user` (a password change or reset: whoever held the old password is out).
    Call inside the caller's transaction; returns how many were revoked."""
    count, _by_model = ApiToken.objects.filter(user=user).delete()
    if count:
        audit_record(action=AuditAction.DELETE, by=by, obj=user, org_unit=user.org_unit,
                     message=f"{count} API token(s) of {user.get_username()} revoked: {reason}")
    return count


def api_token_touch(*, token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Record the last use, at most once a minute per token, so a busy client does not write on every call."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


# --- service accounts ------------------------------------------------------------------------------


def rate_clean(rate: str) -> str:
    rate = (rate or "").strip().lower()
    if not RATE_PATTERN.match(rate):
        raise ValidationError({"rate": _("调用频率上限的格式为“次数/时段”，如 120/min、5000/hour、10000/day")})
    return rate


def allowed_paths_clean(paths: list[str]) -> list[str]:
    cleaned = []
    for path in paths:
        path = path.strip()
        if not path:
            continue
        if not PATH_PATTERN.match(path):
            raise ValidationError({"allowed_paths": _("接口路径须以 /api/ 开头，只含小写字母、数字、/、- 和 _：%(path)s")
                                   % {"path": path[:100]}})
        path = path if path.endswith("/") else f"{path}/"
        if path not in cleaned:
            cleaned.append(path)
    if not cleaned:
        raise ValidationError({"allowed_paths": _("请至少填写一个可调用的接口路径")})
    if len(cleaned) > 50:
        raise ValidationError({"allowed_paths": _("可调用的接口路径最多 50 个")})
    return cleaned


def service_account_create(*, username: str, full_name: str, purpose: str, allowed_paths: list[str],
                           rate: str = DEFAULT_RATE, org_unit: OrgUnit | None = None,
                           department: Department | None = None, enterprise=None,
                           by: User | None) -> ServiceAccount:
    """The system administrator registers a client system. It gets no usable password (the login page
    refuses it); its role over an org unit is granted by the security administrator on the users page."""
    if by is not None:
        require_role(by, Role.SYSTEM_ADMIN, action="create service account")
    paths, rate = allowed_paths_clean(allowed_paths), rate_clean(rate)
    if not (purpose or "").strip():
        raise ValidationError({"purpose": _("请填写服务账号的用途")})
    with transaction.atomic():
        user = User(username=username, full_name=full_name, org_unit=org_unit, department=department,
                    enterprise=enterprise)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # a twin took the name between the check and the insert
            raise ValidationError({"username": _("该账号名已被使用")}) from exc
        account = ServiceAccount.objects.create(user=user, purpose=purpose.strip(), allowed_paths=paths, rate=rate)
        audit_record(action=AuditAction.CREATE, by=by, obj=account, org_unit=org_unit,
                     message=f"service account {username} created",
                     after={**snapshot(account, ["purpose", "allowed_paths", "rate"]), "username": username,
                            "enterprise": getattr(enterprise, "pk", None)})
    return account


def service_account_update(*, account: ServiceAccount, purpose: str, allowed_paths: list[str], rate: str,
                           is_active: bool, by: User | None) -> ServiceAccount:
    """Change what a service account may call and how often, or disable it (its tokens then get 401)."""
    if by is not None:
        require_role(by, Role.SYSTEM_ADMIN, action="update service account")
    paths, rate = allowed_paths_clean(allowed_paths), rate_clean(rate)
    if not (purpose or "").strip():
        raise ValidationError({"purpose": _("请填写服务账号的用途")})
    with transaction.atomic():
        account = ServiceAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
        before = {**snapshot(account, ["purpose", "allowed_paths", "rate"]), "is_active": account.user.is_active}
        account.purpose, account.allowed_paths, account.rate = purpose.strip(), paths, rate
        account.save(update_fields=["purpose", "allowed_paths", "rate"])
        if account.user.is_active != is_active:
            account.user.is_active = is_active
            account.user.save(update_fields=["is_active"])
        after = {**snapshot(account, ["purpose", "allowed_paths", "rate"]), "is_active": is_active}
        old, new = changed(before, after)
        if new:
            audit_record(action=AuditAction.UPDATE, by=by, obj=account, org_unit=account.user.org_unit,
                         message=f"service account {account.user.get_username()} updated", before=old, after=new)
    return account


def service_account_token_issue(*, account: ServiceAccount, name: str, days: int, by: User | None,
                                request_key: str = "") -> tuple[ApiToken, str]:
    """The system administrator issues a token to a service account; the key is shown once, to them.
    `request_key` as in `api_token_create`."""
    if by is not None:
        require_role(by, Role.SYSTEM_ADMIN, action="issue service account token")
    if not account.user.is_active:
        raise ValidationError({"account": _("服务账号已停用，不能签发令牌")})
    with transaction.atomic():
        token, key = _issue(user=account.user, name=name, days=days, request_key=request_key)
        audit_record(action=AuditAction.CREATE, by=by, obj=token, org_unit=account.user.org_unit,
                     message=f"API token {token.name!r} issued to service account {account.user.get_username()}, "
                             f"expires {token.expiry:%Y-%m-%d}",
                     after={"name": token.name, "prefix": token.token_key[:8], "expiry": token.expiry.isoformat()})
    return token, key
