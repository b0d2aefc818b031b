"""Permission rules that must hold everywhere: every page and API endpoint states who may use it (a role
list, or public: published data only), role groups are named once in `qcity.core.roles`, and the menu offers
only pages its user may open."""

import ast
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from qcity.core import roles
from qcity.core.choices import Role
from qcity.core.navigation import MENU, menu_for

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


# --- role groups: named once, in qcity.core.roles ----------------------------------------------------------------

QCITY = Path(roles.__file__).resolve().parent.parent
ROLES_MODULE = QCITY / "core" / "roles.py"
def _is_role_member(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"
            or isinstance(node, ast.Starred))


def _is_role_group(value: ast.expr) -> bool:
    """A set/tuple/list of `Role.X` members, `frozenset(Role)` or `frozenset({...})`, or a union/difference with one."""
    if isinstance(value, ast.Set | ast.Tuple | ast.List):
        return bool(value.elts) and all(_is_role_member(e) for e in value.elts) \
            and any(not isinstance(e, ast.Starred) for e in value.elts)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("frozenset", "set", "tuple"):
        return len(value.args) == 1 and (isinstance(value.args[0], ast.Name) and value.args[0].id == "Role"
                                         or _is_role_group(value.args[0]))
    if isinstance(value, ast.BinOp):
        return _is_role_group(value.left) or _is_role_group(value.right)
    return False


def role_group_definitions(source: str) -> list[str]:
    """Module-level names that define a role group: any name ending in ROLES, or a set of Role members."""
    found = []
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and (target.id.endswith("ROLES") or _is_role_group(value)):
                found.append(f"{target.id} (line {statement.lineno})")
    return found


def test_role_groups_are_defined_only_in_core_roles():
    offenders = []
    for path in sorted(QCITY.rglob("*.py")):
        parts = path.relative_to(QCITY).parts
        if path == ROLES_MODULE or "tests" in parts or "migrations" in parts:
            continue
        for name in role_group_definitions(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(QCITY.parent)}: {name}")
    assert not offenders, "role groups belong in qcity/core/roles.py (import them from there):\n" + "\n".join(offenders)


def test_the_scanner_sees_a_role_group_under_any_name():
    assert role_group_definitions("OFFICER_ROLES = roles.MARKET_OFFICERS\n")
    assert role_group_definitions("READERS = (Role.LEADERSHIP_OFFICE, Role.INSPECTOR)\n")
    assert role_group_definitions("EDITORS = MARKET_OFFICERS | {Role.ENTERPRISE_USER}\n")
    assert role_group_definitions("ANYONE = frozenset(Role)\n")
    assert not role_group_definitions("PERIOD = (2021, 2025)\nLABEL = Role.INSPECTOR.label\n")


def test_each_role_group_is_a_distinct_frozenset():
    groups = {name: value for name, value in vars(roles).items() if name.isupper()}
    assert groups, "qcity.core.roles defines no role group"
    assert all(isinstance(value, frozenset) and value <= set(Role) for value in groups.values()), groups
    names_by_set = {}
    for name, value in groups.items():
        names_by_set.setdefault(value, []).append(name)
    twins = [names for names in names_by_set.values() if len(names) > 1]
    assert not twins, f"the same role set under several names: {twins}"


# --- the menu offers only pages its user may open --------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_menu_entry_opens_for_its_user(role, make_user, city, district, client):
    # given a user holding `role` over the whole city, and one holding it over a district
    refused = []
    client.raise_request_exception = False  # this test is about refusals; page errors are the pages' own tests'
    for unit in (city, district):
        user = make_user(role, org_unit=unit)
        client.force_login(user)
        # when they open every page their menu shows
        for item in menu_for(user):
            response = client.get(item.url)
            # then none of them refuses them
            if response.status_code == 403:
                refused.append(f"{item.label} ({item.url_name}) for {role} over {unit}")
    assert not refused, "menu entries that answer 403:\n" + "\n".join(refused)


def test_the_menu_reads_the_roles_each_page_declares():
    entries = {item.url_name: item.roles for item in MENU}
    assert entries["core:audit-log"] == frozenset({Role.AUDIT_ADMIN})
    assert entries["home"] == roles.EVERYONE  # a login_page: any role
    assert all(entries.values())
