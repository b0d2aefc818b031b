import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.models import Enterprise
from qcity.enterprises.services import enterprise_create, enterprise_update

from .factories import EnterpriseFactory, make_uscc

pytestmark = pytest.mark.django_db


def _fields(org_unit, **kw):
    return {"uscc": make_uscc(), "name": "郑州宏达食品有限公司", "entity_type": "limited_company",
            "industry_code": "14", "org_unit": org_unit, **kw}


def test_create_computes_pinyin_initials_and_audits(make_user, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    enterprise = enterprise_create(by=officer, **_fields(district))
    assert enterprise.name_initials == "zzhdspyxgs"
    event = AuditEvent.objects.get(object_type="enterprises.enterprise", object_id=str(enterprise.pk))
    assert event.action == AuditAction.CREATE and event.actor == officer
    assert event.after["uscc"] == enterprise.uscc


def test_duplicate_code_is_refused_with_field_named(make_user, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    fields = _fields(district)
    enterprise_create(by=officer, **fields)
    with pytest.raises(ValidationError) as err:
        enterprise_create(by=officer, **fields)
    assert "已登记" in err.value.message_dict["uscc"][0]
    assert Enterprise.objects.filter(uscc=fields["uscc"]).count() == 1


def test_invalid_code_and_industry_reported_together(make_user, district):
    with pytest.raises(ValidationError) as err:
        enterprise_create(by=make_user(Role.DISTRICT_OFFICER, org_unit=district),
                          **_fields(district, uscc="91110000600037341M", industry_code="99"))
    assert set(err.value.message_dict) >= {"uscc", "industry_code"}


def test_district_officer_cannot_edit_another_districts_enterprise_and_is_audited(make_user, district, city):
    other = city.children.get(name="二七区")
    enterprise = EnterpriseFactory(org_unit=other)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    with pytest.raises(PermissionDenied):
        enterprise_update(enterprise=enterprise, by=officer, name="改名")
    enterprise.refresh_from_db()
    assert enterprise.name != "改名"
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=officer, object_id=str(enterprise.pk)).exists()


def test_district_officer_cannot_move_enterprise_out_of_scope(make_user, district, city):
    enterprise = EnterpriseFactory(org_unit=district)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    with pytest.raises(PermissionDenied):
        enterprise_update(enterprise=enterprise, by=officer, org_unit=city.children.get(name="二七区"))


def test_update_audits_only_changed_fields(make_user, district):
    enterprise = EnterpriseFactory(org_unit=district, legal_representative="张三")
    office = make_user(Role.LEADERSHIP_OFFICE)
    enterprise_update(enterprise=enterprise, by=office, legal_representative="李四", name=enterprise.name)
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(enterprise.pk)).get()
    assert event.before == {"legal_representative": "张三"}
    assert event.after == {"legal_representative": "李四"}


def test_admins_cannot_edit_business_data(make_user, district):
    enterprise = EnterpriseFactory(org_unit=district)
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        with pytest.raises(PermissionDenied):
            enterprise_update(enterprise=enterprise, by=make_user(role), name="x")
