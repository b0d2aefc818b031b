"""The case-lead list page: the market officers' leads in scope, its export audited, the close step."""

import pytest
from django.urls import reverse

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.inspections.choices import CaseLeadStatus

from .factories import CaseLeadFactory

pytestmark = pytest.mark.django_db
LIST = reverse("inspections:case-lead-list")


def test_officers_see_the_leads_of_their_units(client_for, make_user, district, city):
    mine = CaseLeadFactory(org_unit=district, source_ref="complaint:1")
    other = CaseLeadFactory(org_unit=city.children.get(name="二七区"), source_ref="complaint:2")
    page = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district)).get(LIST)
    assert page.status_code == 200
    assert mine.source_ref in page.text and other.source_ref not in page.text


def test_the_list_exports_audited_and_refuses_other_roles(client_for, make_user, district):
    CaseLeadFactory(org_unit=district)
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    assert client.get(LIST, {"export": "xlsx"}).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="inspections.caselead").exists()
    assert client_for(make_user(Role.COMPLAINT_HANDLER, org_unit=district)).get(LIST).status_code == 403


def test_an_inspector_closes_a_lead(client_for, make_user, district):
    lead = CaseLeadFactory(org_unit=district)
    client = client_for(make_user(Role.INSPECTOR, org_unit=district))
    response = client.post(reverse("inspections:case-lead-close", args=[lead.pk]), {"note": "已立案"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == CaseLeadStatus.CLOSED
