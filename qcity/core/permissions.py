"""Permission wiring for pages and the API; the rules themselves are in `access`."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from . import access
from .middleware import password_change_required_message


def role_required(*roles):
    """Page decorator: logged in and holding one of `roles`, else 403 (and the refusal audited)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            access.require_role(request.user, *roles, action=f"open {request.path}")
            return view(request, *args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator


def login_page(view):
    """Page decorator: any logged-in user, with or without a role (the home page tells them which they hold)."""
    wrapped = login_required(view)
    wrapped.login_only = True
    return wrapped


def public_page(view):
    """Page decorator for the public portal: anyone may open it, so it must show only published data.

    It is the explicit rule for pages without a role (the URL test requires every page to have one).
    """
    view.is_public = True
    return view


class HasRole(BasePermission):
    """API permission: the view lists `required_roles`; object scope is applied by its selector."""

    def has_permission(self, request, view):
        roles = getattr(view, "required_roles", None)
        if roles is None:  # every view must say who may use it
            return False
        if not request.user.is_authenticated:
            return False
        if getattr(request.user, "must_change_password", False):  # token callers, unseen by the middleware
            raise PermissionDenied(password_change_required_message(), code="password_change_required")
        if not access.has_role(request.user, *roles):
            access.deny(request.user, action=f"api {request.method} {request.path}")
            return False
        return True
