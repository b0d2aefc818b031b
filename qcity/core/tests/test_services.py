import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from qcity.core import access
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, Department, OrgUnit, RoleAssignment, User
from qcity.core.request_context import RequestContext, acting_as
from qcity.core.selectors import org_leaves, org_root, org_root_and_children
from qcity.core.services import org_unit_create, province_load, reference_data_load, role_grant, user_create

pytestmark = pytest.mark.django_db


def test_zhengzhou_has_its_county_level_divisions_and_zones(city):
    children = {u.name: u for u in city.children.all()}
    assert city.division_code == "410100"
    assert children["金水区"].division_code == "410105"
    assert children["登封市"].kind == "county_city"
    assert children["中牟县"].kind == "county"
    zones = [u for u in children.values() if u.kind == "development_zone"]
    assert {z.short_name for z in zones} == {"郑东新区", "经开区", "高新区", "航空港区"}
    assert all(z.division_code is None for z in zones)
    assert Department.objects.filter(code="market-regulation").exists()


def test_reference_data_load_is_idempotent():
    before = (OrgUnit.objects.count(), Department.objects.count())
    assert reference_data_load(by=None) == {"org_units": 0, "departments": 0, "legal_durations": 0}
    assert (OrgUnit.objects.count(), Department.objects.count()) == before


def test_development_zone_cannot_take_a_division_code(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(name="测试区", kind="development_zone", division_code="410199", parent=city, path="/x/")


def test_admin_role_excludes_other_roles(make_user, city):
    user = make_user(Role.AUDIT_ADMIN)
    with pytest.raises(ValidationError):
        role_grant(user=user, role=Role.SECURITY_ADMIN, org_unit=city, by=None)
    with pytest.raises(ValidationError):
        role_grant(user=user, role=Role.INSPECTOR, org_unit=city, by=None)
    officer = make_user(Role.INSPECTOR)
    with pytest.raises(ValidationError):
        role_grant(user=officer, role=Role.SYSTEM_ADMIN, org_unit=city, by=None)


def test_database_refuses_two_admin_roles_even_bypassing_services(make_user, city):
    user = make_user(Role.SYSTEM_ADMIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.AUDIT_ADMIN, org_unit=city)


def test_only_security_admin_grants_roles_and_not_to_self(make_user, city):
    security = make_user(Role.SECURITY_ADMIN)
    system = make_user(Role.SYSTEM_ADMIN)
    target = make_user(None)
    with pytest.raises(PermissionDenied):
        role_grant(user=target, role=Role.INSPECTOR, org_unit=city, by=system)
    with pytest.raises(ValidationError):
        role_grant(user=security, role=Role.SECURITY_ADMIN, org_unit=city, by=security)
    role_grant(user=target, role=Role.INSPECTOR, org_unit=city, by=security)
    assert access.has_role(target, Role.INSPECTOR)
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_GRANT, actor=security).exists()


def test_password_rules_are_enforced():
    with pytest.raises(ValidationError) as err:
        user_create(username="weak", password="abcdefghij", by=None)
    assert "password" in err.value.message_dict


def test_district_scope_covers_only_its_subtree(make_user, district, city):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    other = city.children.exclude(pk=district.pk).first()
    assert access.covers(officer, district, {Role.DISTRICT_OFFICER})
    assert not access.covers(officer, other, {Role.DISTRICT_OFFICER})
    assert access.org_unit_scope(make_user(Role.LEADERSHIP_OFFICE), {Role.LEADERSHIP_OFFICE}) is None


def test_audit_records_actor_address_and_channel(make_user):
    user = make_user(Role.LEADERSHIP_OFFICE)
    with acting_as(RequestContext(source_ip="10.1.2.3", channel="web")):
        event = audit_record(action=AuditAction.UPDATE, by=user, object_type="x", object_id="1",
                             before={"a": 1}, after={"a": 2})
    event.refresh_from_db()
    assert (event.actor, event.source_ip, event.channel, event.before, event.after) == (
        user, "10.1.2.3", "web", {"a": 1}, {"a": 2})


def test_audit_log_is_append_only_in_the_database(make_user):
    event = audit_record(action=AuditAction.CREATE, by=None, object_type="x")
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 — driver-specific error class
        AuditEvent.objects.filter(pk=event.pk).update(message="tampered")
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk, message="").exists()


def test_province_load_puts_the_city_under_henan_with_its_other_cities(make_user, city, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    before_paths = dict(OrgUnit.objects.values_list("pk", "path"))

    counts = province_load(by=None)

    province = org_root()
    assert (province.name, province.kind, province.division_code) == ("河南省", "province", "410000")
    root, cities = org_root_and_children()
    assert root == province and len(cities) == 18
    assert cities[0] == city and cities[-1].name == "济源市"
    city.refresh_from_db()
    assert city.parent == province and city.path == f"{province.path}{city.pk}/"
    for pk, path in before_paths.items():  # the city's subtree keeps its ids, the province in front
        assert OrgUnit.objects.get(pk=pk).path == province.path[:-1] + path
    kaifeng = next(c for c in cities if c.name == "开封市")
    counties = {u.name: u for u in kaifeng.children.all()}
    assert counties["祥符区"].kind == "district" and counties["杞县"].kind == "county"
    assert counties["杞县"].division_code == "410221" and counties["杞县"].path.startswith(kaifeng.path)
    jiyuan = cities[-1]
    assert jiyuan.division_code == "419001" and not jiyuan.children.exists()
    leaves = org_leaves()
    assert jiyuan in leaves and district in leaves and kaifeng not in leaves
    assert counts["org_units"] == OrgUnit.objects.count() - len(before_paths)
    assert province_load(by=None) == {"org_units": 0}  # idempotent
    assert reference_data_load(by=None)["org_units"] == 0  # the city's own units are found under the province
    assert AuditEvent.objects.filter(object_type="core.orgunit", action=AuditAction.UPDATE, object_id=str(city.pk)).exists()
    # scopes follow the paths: the district officer still covers only the district; the province's office all
    officer = User.objects.get(pk=officer.pk)  # as the next request reads it
    district.refresh_from_db()
    assert access.covers(officer, district, {Role.DISTRICT_OFFICER})
    assert not access.covers(officer, counties["杞县"], {Role.DISTRICT_OFFICER})
    office = make_user(Role.LEADERSHIP_OFFICE, org_unit=province)
    assert access.covers(office, counties["杞县"], {Role.LEADERSHIP_OFFICE})


@pytest.mark.parametrize("case", ["second root", "province under a city", "district under a province",
                                  "city under a city", "district as root"])
def test_org_unit_create_keeps_one_root_and_cities_under_a_province(city, case):
    kind, parent = {"second root": ("city", None), "province under a city": ("province", city),
                    "city under a city": ("city", city), "district as root": ("district", None)}.get(case, (None, None))
    if case == "district under a province":
        province_load(by=None)
        kind, parent = "district", org_root()
    with pytest.raises(ValidationError) as err:
        org_unit_create(name="测试单元", kind=kind, parent=parent, by=None)
    assert "parent" in err.value.message_dict
