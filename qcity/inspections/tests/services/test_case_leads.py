"""Case leads handed to the market officers: one per source reference however often handed over, audited,
closed once by an officer over the unit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.inspections.choices import CaseLeadStatus
from qcity.inspections.models import CaseLead
from qcity.inspections.services.case_leads import case_lead_close, case_lead_create

from ..factories import CaseLeadFactory

pytestmark = pytest.mark.django_db


def test_a_lead_is_created_once_per_source_reference(district, make_user):
    # given a handler handing over a report's case
    handler = make_user(Role.COMPLAINT_HANDLER, org_unit=district)
    firm = EnterpriseFactory(org_unit=district)
    # when the same report is handed over twice
    first = case_lead_create(enterprise=firm, org_unit=district, source_ref="complaint:7", summary="无证经营", by=handler)
    again = case_lead_create(enterprise=None, org_unit=district, source_ref="complaint:7", summary="别的", by=handler)
    # then there is one lead, as first created, and one audit record
    assert again.pk == first.pk and CaseLead.objects.count() == 1
    assert (again.enterprise, again.summary, again.status) == (firm, "无证经营", CaseLeadStatus.OPEN)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="inspections.caselead").count() == 1


def test_a_lead_without_an_enterprise_or_reference(district):
    assert case_lead_create(enterprise=None, org_unit=district, source_ref="x:1", summary="地址不明", by=None).enterprise is None
    with pytest.raises(ValidationError) as refused:
        case_lead_create(enterprise=None, org_unit=district, source_ref=" ", summary="", by=None)
    assert set(refused.value.message_dict) == {"source_ref", "summary"}


def test_an_officer_over_the_unit_closes_it_once(district, city, make_user, today):
    lead = CaseLeadFactory(org_unit=district)
    outsider = make_user(Role.DISTRICT_OFFICER, org_unit=city.children.get(name="二七区"))
    with pytest.raises(PermissionDenied):
        case_lead_close(case_lead=lead, note="已立案", by=outsider)
    officer = make_user(Role.INSPECTOR, org_unit=district)
    with pytest.raises(ValidationError):
        case_lead_close(case_lead=lead, note=" ", by=officer)
    closed = case_lead_close(case_lead=lead, note="已立案查处", by=officer)
    assert (closed.status, closed.closed_on, closed.closing_note) == (CaseLeadStatus.CLOSED, today, "已立案查处")
    with pytest.raises(ValidationError):
        case_lead_close(case_lead=lead, note="again", by=officer)
