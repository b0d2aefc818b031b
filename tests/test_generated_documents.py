"""Documents generated in the background across apps: the assessment results (registered by `assessment`
in core.document_kinds) go through the job, pages and API of `reports`."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from docx import Document

from qcity.assessment import services as assessment_services
from qcity.assessment.choices import SchemeItemKind
from qcity.assessment.tests.factories import make_scheme, plan_for_year, value
from qcity.core.choices import AuditAction, Role
from qcity.core.document_kinds import DocumentRequestError, document_kinds
from qcity.core.models import AuditEvent
from qcity.indicators.tests.factories import IndicatorFactory
from qcity.reports import services
from qcity.reports.choices import GeneratedDocumentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(district, city):
    plan = plan_for_year()
    rate = IndicatorFactory(plan=plan, target=10)
    scheme, _items = make_scheme([(rate, 100), (SchemeItemKind.BONUS, 3)])
    value(rate, district, 10)
    value(rate, city.children.get(name="二七区"), 6)
    assessment_services.assessment_run(scheme=scheme, by=None)
    return scheme


def test_every_app_registers_its_document_kinds():
    assert {"white-paper", "assessment-results"} <= set(document_kinds())


def test_the_office_generates_the_assessment_results_in_the_background(
        scheme, make_user, client_for, django_capture_on_commit_callbacks):
    office = make_user(Role.LEADERSHIP_OFFICE)
    client = client_for(office)
    # the results page loads the generation panel instead of building the Word file in the request
    page = client.get(reverse("assessment:scheme-results", args=[scheme.pk])).content.decode()
    assert f"/reports/generated-documents/panel/?kind=assessment-results&object={scheme.pk}&format=docx" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/generated-documents/",
                               {"kind": "assessment-results", "object": scheme.pk, "format": "docx"},
                               HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    document = services.GeneratedDocument.objects.get()
    assert document.status == GeneratedDocumentStatus.DONE and document.year == scheme.year
    download = client.get(f"/reports/generated-documents/{document.pk}/download/")
    assert download["Content-Disposition"].endswith(f'filename="assessment-{scheme.year}-{scheme.pk}.docx"')
    docx = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert docx.tables[0].rows[1].cells[2].text == "金水区"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=office, object_id=str(document.pk)).exists()


def test_a_scheme_not_yet_computed_has_no_results_document(make_user):
    draft, _items = make_scheme([(SchemeItemKind.BONUS, 3)])
    with pytest.raises(DocumentRequestError, match="^object: "):
        services.document_request(kind="assessment-results", year=None, object_id=draft.pk, fmt="docx",
                                  by=make_user(Role.LEADERSHIP_OFFICE))
    with pytest.raises(DocumentRequestError, match="^object: "):
        services.document_request(kind="assessment-results", year=None, object_id=None, fmt="docx",
                                  by=make_user(Role.LEADERSHIP_OFFICE))


def test_a_district_officer_cannot_generate_the_results_file(scheme, make_user, district, client_for):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    with pytest.raises(PermissionDenied):
        services.document_request(kind="assessment-results", year=None, object_id=scheme.pk, fmt="docx", by=officer)
    page = client_for(officer).get(reverse("assessment:scheme-results", args=[scheme.pk])).content.decode()
    assert "generated-documents/panel" not in page
