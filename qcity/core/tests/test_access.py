"""The one scope filter and the one write guard every app uses (`qcity.core.access`)."""

import pytest
from django.core.exceptions import PermissionDenied

from qcity.core import access
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, OrgUnit, RoleAssignment
from qcity.core.roles import MARKET_OFFICERS, OFFICE


@pytest.fixture
def other_district(city, district):
    return city.children.exclude(pk=district.pk).first()


def _units_seen(user, roles):
    """Org units of the role assignments `user` may see: a queryset with an `org_unit` field."""
    queryset = RoleAssignment.objects.all()
    return set(access.scope_filter(queryset, user=user, roles=roles).values_list("org_unit_id", flat=True))


# --- scope_filter ------------------------------------------------------------------------------------------------


def test_internal_caller_sees_every_row(make_user, district, other_district):
    # given assignments in two districts
    make_user(Role.INSPECTOR, org_unit=district)
    make_user(Role.INSPECTOR, org_unit=other_district)
    # when a job (user=None) reads them
    seen = _units_seen(None, MARKET_OFFICERS)
    # then nothing is filtered out
    assert {district.pk, other_district.pk} <= seen


def test_district_officer_sees_only_their_subtree(make_user, district, other_district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    make_user(Role.INSPECTOR, org_unit=other_district)
    seen = _units_seen(officer, MARKET_OFFICERS)
    subtree = set(OrgUnit.objects.filter(path__startswith=district.path).values_list("pk", flat=True))
    assert district.pk in seen and seen <= subtree


def test_city_wide_role_sees_everything(make_user, city, district, other_district):
    office = make_user(Role.LEADERSHIP_OFFICE, org_unit=city)
    make_user(Role.INSPECTOR, org_unit=other_district)
    assert _units_seen(office, OFFICE) == set(RoleAssignment.objects.values_list("org_unit_id", flat=True))


def test_user_without_the_roles_sees_nothing(make_user, district):
    reporter = make_user(Role.DEPARTMENT_REPORTER, org_unit=district)
    assert _units_seen(reporter, MARKET_OFFICERS) == set()


def test_scope_follows_the_named_field(make_user, district, other_district):
    # given an officer of a district, and assignments whose user belongs elsewhere
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    stranger = make_user(Role.INSPECTOR, org_unit=other_district)
    # when the scope is applied through the user's own org unit
    seen = access.scope_filter(RoleAssignment.objects.all(), user=officer, roles=MARKET_OFFICERS,
                               field="user__org_unit")
    # then only assignments of users in their district remain
    assert officer.role_assignments.get() in seen and not seen.filter(user=stranger).exists()


# --- require_scope -----------------------------------------------------------------------------------------------


def test_internal_caller_passes_the_guard(district):
    access.require_scope(None, district, roles=MARKET_OFFICERS, action="anything")


def test_officer_acts_within_their_unit(make_user, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    access.require_scope(officer, district, roles=MARKET_OFFICERS, action="edit")


def test_officer_outside_their_unit_is_refused_and_the_refusal_audited(make_user, district, other_district):
    # given an officer of one district
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    # when they act on another district
    with pytest.raises(PermissionDenied):
        access.require_scope(officer, other_district, roles=MARKET_OFFICERS, action="edit enterprise",
                             obj=other_district)
    # then the refusal is in the audit log, with the unit and the object
    event = AuditEvent.objects.get(action=AuditAction.DENIED, actor=officer)
    assert event.org_unit == other_district and event.object_id == str(other_district.pk)
    assert "edit enterprise" in event.message


def test_role_not_in_the_group_is_refused_even_city_wide(make_user, city):
    reporter = make_user(Role.DEPARTMENT_REPORTER, org_unit=city)
    with pytest.raises(PermissionDenied):
        access.require_scope(reporter, city, roles=MARKET_OFFICERS, action="edit")
