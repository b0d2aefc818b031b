from qcity.core.choices import Role
from qcity.core.models import Department, HolidayCalendarYear, LegalDuration, OrgUnit


def test_reference_data_present(db, city, district):
    assert city.parent is None and district.parent == city
    assert OrgUnit.objects.count() > 10
    assert Department.objects.exists() and HolidayCalendarYear.objects.exists() and LegalDuration.objects.exists()


def test_make_user(make_user, district, client):
    u = make_user(Role.INSPECTOR, org_unit=district)
    a = make_user(Role.SYSTEM_ADMIN)
    assert u.role_assignments.get().org_unit == district
    assert a.role_assignments.get().org_unit.parent is None
    assert u.check_password("Test-pass-123!")
