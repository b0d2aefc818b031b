"""Every page and API endpoint states who may use it: a role list, or public (published data only)."""

from django.urls import URLPattern, URLResolver, get_resolver

# Framework views whose rule is their own: login/logout/password views, language switch, API schema and docs.
FRAMEWORK_MODULES = ("django.contrib.auth.", "django.views.i18n", "django.views.static", "drf_spectacular.")


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _rule_of(callback) -> str | None:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None and hasattr(view_class, "permission_classes"):  # DRF API view
        if getattr(view_class, "required_roles", None):
            return "roles"
        if getattr(view_class, "is_public", False):
            return "public"
        return None
    if getattr(callback, "required_roles", None):
        return "roles"
    if getattr(callback, "is_public", False):
        return "public"
    if getattr(callback, "login_only", False):
        return "login"
    return None


def test_every_page_and_endpoint_has_an_explicit_permission_rule():
    missing = []
    for route, callback in _patterns(get_resolver()):
        module = getattr(callback, "__module__", "") or ""
        if module.startswith(FRAMEWORK_MODULES):
            continue
        if _rule_of(callback) is None:
            missing.append(f"{route} → {module}.{getattr(callback, '__name__', callback)}")
    assert not missing, "views without a role list or @public_page:\n" + "\n".join(missing)
