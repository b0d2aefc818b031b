"""The one scope filter and the one write guard every app uses (`qcity.core.access`), and the session's user read
with their roles."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qcity.core import access
from qcity.core.authentication import RoleModelBackend
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, Department, OrgUnit, RoleAssignment
from qcity.core.roles import MARKET_OFFICERS, OFFICE
from qcity.core.services import role_grant


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


# --- the session's user with their roles ------------------------------------------------------------------------


def test_session_user_comes_with_their_roles_in_one_query(make_user, district, django_assert_num_queries):
    # given an inspector of one district (and a second role), the office, and a user without any role
    inspector = make_user(Role.INSPECTOR, org_unit=district)
    role_grant(user=inspector, role=Role.COMPLAINT_HANDLER, org_unit=district, by=None)
    make_user(Role.LEADERSHIP_OFFICE)
    nobody = make_user(None)

    # the backend reads the user and their assignments at once; access then asks nothing more
    backend = RoleModelBackend()
    with django_assert_num_queries(1):
        user = backend.get_user(inspector.pk)
        assert user == inspector and access.roles_of(user) == {Role.INSPECTOR, Role.COMPLAINT_HANDLER}
        assert access.org_unit_scope(user, MARKET_OFFICERS) == [district.path]
    with django_assert_num_queries(2):  # no assignment: the user alone
        assert access.roles_of(backend.get_user(nobody.pk)) == set()
    assert backend.get_user(10**9) is None
    inspector.is_active = False
    inspector.save(update_fields=["is_active"])
    assert backend.get_user(inspector.pk) is None


def test_a_role_granted_or_revoked_counts_from_the_next_request(make_user, district, client_for):
    user = make_user(None, org_unit=district)
    client = client_for(user)
    assert client.get("/enterprises/").status_code == 403
    role_grant(user=user, role=Role.INSPECTOR, org_unit=district, by=None)
    assert client.get("/enterprises/").status_code == 200
    RoleAssignment.objects.filter(user=user).delete()
    assert client.get("/enterprises/").status_code == 403


def test_reference_rows_iterate_in_one_query_without_a_cursor(city):
    # a form's choices iterate with iterator(), which on PostgreSQL opens a server-side cursor (DECLARE …)
    with CaptureQueriesContext(connection) as queries:
        units = list(OrgUnit.objects.order_by("path").iterator())
        departments = list(Department.objects.iterator(chunk_size=5))
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT", "SELECT"]
    assert units == list(OrgUnit.objects.order_by("path")) and units[0] == city
    assert departments == list(Department.objects.all())
