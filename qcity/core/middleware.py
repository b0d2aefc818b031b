import time

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .client_address import client_ip
from .request_context import RequestContext, acting_as


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        with acting_as(RequestContext(source_ip=client_ip(request), channel=channel)):
            return self.get_response(request)


SESSION_REFRESHED_KEY = "_qcity_refreshed_at"


class SessionRefreshMiddleware:
    """The idle timeout: a session ends SESSION_COOKIE_AGE (30 minutes) after the user's last request.

    Django's SESSION_SAVE_EVERY_REQUEST would write the session row (an UPDATE and a commit) on every page
    and badge request; here the expiry is renewed only when it was last renewed more than
    `QCITY_SESSION_REFRESH_SECONDS` (60) ago, so a session ends between 29 and 30 minutes after the last
    request. Sits inside SessionMiddleware, which saves the session the response leaves modified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None:
            return response
        now = int(time.time())
        # a session saved anyway (a login, a message) is renewed now: stamp it, so the next request needs no write
        if session.modified or now - session.get(SESSION_REFRESHED_KEY, 0) >= getattr(
                settings, "QCITY_SESSION_REFRESH_SECONDS", 60):
            session[SESSION_REFRESHED_KEY] = now
        return response


class ChineseByDefaultMiddleware:
    """The interface is Chinese unless the user picked English with the language switch (a cookie).

    The browser's Accept-Language is ignored: officials on English-language systems still expect the
    Chinese interface the rest of the government uses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


def password_change_required_message() -> str:
    return _("请先修改密码：管理员重置的密码和演示账号的初始密码须在登录后修改，之后才能使用本系统。")


class PasswordChangeRequiredMiddleware:
    """A user whose password was set by someone else (an administrator's reset, a demo account) must change
    it before anything else: pages redirect to the change page, the API answers 403.

    Token-authenticated API calls are not seen here (DRF authenticates them in the view); `HasRole` refuses
    them with the same message.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(user, "must_change_password", False):
            return self.get_response(request)
        change_url = reverse("password_change")
        allowed = (change_url, reverse("logout"), reverse("set_language"), settings.STATIC_URL)
        if request.path.startswith(allowed):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": password_change_required_message(), "code": "password_change_required"},
                                status=403)
        if getattr(request, "htmx", False):  # a swap would put the change page inside a table: load it whole
            return HttpResponseClientRedirect(change_url)
        return redirect(change_url)
