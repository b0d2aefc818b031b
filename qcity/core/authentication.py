"""Authentication: the session's user with their roles in one query (`RoleModelBackend`), and for the API,
hashed tokens, the scope of a service account's token, and its rate limit.

`Authorization: Token <key>` (the word DRF and knox use). The key is looked up by its first 15 characters and
compared by SHA-512 digest (django-rest-knox); an unknown, expired or revoked key is a 401. Unlike knox, an
expired token is not deleted on sight: it stays listed as expired until its owner removes it.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from . import access, api_tokens
from .models import ApiToken

_DENIED = "_qcity_token_scope_denied"  # on the Django request: the idempotency middleware authenticates too
SESSION_BACKEND = "qcity.core.authentication.RoleModelBackend"  # settings and the code that logs a user in


class RoleModelBackend(ModelBackend):
    """Django's ModelBackend, whose session user comes with their role assignments in the same query: one
    round trip fewer on every signed-in page (the roles decide the menu and every permission check).

    Sessions name their backend: those made under ModelBackend ended (one new login each) when it came."""

    def get_user(self, user_id):
        user = access.user_with_assignments(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token check, plus: expired tokens refused but kept, the last use recorded at most once a minute,
    and a service account's token refused (403, audited) outside its endpoints."""

    def _cleanup_token(self, auth_token: ApiToken) -> bool:
        return auth_token.expiry is not None and auth_token.expiry <= timezone.now()

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:  # knox would let it become a 500
            raise exceptions.AuthenticationFailed(_("令牌无效")) from None
        return super().authenticate_credentials(token)

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        django_request = getattr(request, "_request", request)
        if not api_tokens.api_token_allows(token=token, path=django_request.path):
            if not getattr(django_request, _DENIED, False):
                setattr(django_request, _DENIED, True)
                access.deny(user, action=f"api {django_request.method} {django_request.path} outside the "
                                         f"service account's endpoints", obj=token)
            raise exceptions.PermissionDenied(_("该令牌无权调用此接口（服务账号的可调用接口之外）"))
        api_tokens.api_token_touch(token=token)
        return user, token


class ServiceAccountRateThrottle(SimpleRateThrottle):
    """Each service account at its own rate (`ServiceAccount.rate`, e.g. "120/min"), counted per account
    across its tokens; people (session or personal token) are not throttled here."""

    scope = "service_account"

    def __init__(self):  # the rate is the account's, read per request, not a settings entry
        self.rate = None
        self.num_requests = self.duration = None

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiToken):  # a session: a person (service accounts cannot log in)
            return True
        account = api_tokens.service_account_of(request.user)
        if account is None:
            return True
        self.rate = account.rate
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme of `ApiTokenAuthentication`, so /api/schema/ says how to authenticate."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: create a key on /accounts/api-tokens/ (or have the system administrator "
                           "issue one to a service account); it is shown once. Expired or revoked: 401.",
        }
