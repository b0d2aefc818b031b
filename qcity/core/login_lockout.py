"""Login lockout: axes locks a username at one address; this adds a ceiling for the username itself.

Locking by user name + address alone lets an attacker spread guesses over many addresses; locking by
user name alone at the same low limit would let anyone lock out any official from everywhere. Axes
has one failure limit for all its lockout parameters (AXES_LOCKOUT_PARAMETERS), so it cannot say
"5 from one address, 50 from anywhere"; this handler adds the second, higher limit
(QCITY_LOGIN_USERNAME_CEILING) over axes' own AccessAttempt rows within the cool-off. The security
administrator lists and releases both kinds of lock on the lockout page (`core:login-lockouts`).
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def username_ceiling() -> int:
    return settings.QCITY_LOGIN_USERNAME_CEILING


def cool_off_threshold():
    cool_off = get_cool_off()
    return timezone.now() - cool_off if cool_off is not None else None


def recent_attempts():
    """axes' failure rows still inside the cool-off (all of them if there is no cool-off)."""
    threshold = cool_off_threshold()
    attempts = AccessAttempt.objects.all()
    return attempts.filter(attempt_time__gte=threshold) if threshold is not None else attempts


def username_failures(username: str) -> int:
    """Failures for `username` from every address within the cool-off."""
    return recent_attempts().filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0


def username_locked(username: str | None) -> bool:
    return bool(username) and username_failures(username) >= username_ceiling()


class LoginLockoutHandler(AxesDatabaseHandler):
    """axes' database handler, plus: a username over the ceiling is locked whatever the address."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return username_locked(get_client_username(request, credentials))

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """axes answers with the lockout page when its own count reaches the limit; do the same for the ceiling
        (a failure while locked lands here too: the backend refused it before any password check)."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if username_locked(get_client_username(request, credentials)):
            request.axes_locked_out = True
            request.axes_credentials = credentials
