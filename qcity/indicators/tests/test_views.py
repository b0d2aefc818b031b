"""Pages and API: wiring, permissions, and bad input answered with 400."""

import pytest
from django.urls import reverse

from qcity.core.choices import Role
from qcity.indicators.choices import ReportedValueStatus, ReportingPeriodKind
from qcity.indicators.models import ReportedValue
from qcity.indicators.services import plans_load_builtin, reported_value_submit
from qcity.indicators.services.values import Period

from .factories import IndicatorFactory


def xlsx_bytes() -> bytes:
    import io

    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_plan_page_lists_targets_and_anchors_each_quote_in_the_text(client_for, make_user):
    plans_load_builtin()
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(
        reverse("indicators:plan-detail", args=["zz-2021-14th-fyp"]))
    assert response.status_code == 200
    html = response.content.decode()
    indicator = response.context["indicators"][0]
    assert f'href="#q{indicator.quote_start}"' in html
    assert f'<mark id="q{indicator.quote_start}">' in html


@pytest.mark.django_db
def test_admins_and_enterprise_users_cannot_open_indicator_pages(client_for, make_user):
    for role in (Role.AUDIT_ADMIN, Role.ENTERPRISE_USER):
        assert client_for(make_user(role)).get(reverse("indicators:plan-list")).status_code == 403


@pytest.mark.django_db
def test_value_form_reports_a_percentage_error_with_400(client_for, make_user, district):
    indicator = IndicatorFactory()
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    response = client.post(reverse("indicators:value-create"), {
        "indicator": indicator.pk, "org_unit": district.pk, "period_kind": "year", "year": 2024,
        "period_number": 0, "value": "150", "note": ""})
    assert response.status_code == 400
    assert "0–100" in response.content.decode()
    assert not ReportedValue.objects.exists()


@pytest.mark.django_db
def test_office_reviews_and_approves_from_the_queue_with_htmx(client_for, make_user, district):
    indicator = IndicatorFactory()
    value = reported_value_submit(indicator=indicator, org_unit=district, period=Period(ReportingPeriodKind.YEAR, 2024),
                                  value="98.5", by=make_user(Role.DISTRICT_OFFICER, district))
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    for action in ("review", "approve"):
        response = client.post(reverse("indicators:value-transition", args=[value.pk, action]), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    value.refresh_from_db()
    assert value.status == ReportedValueStatus.APPROVED
    response = client.post(reverse("indicators:value-transition", args=[value.pk, "approve"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 400


@pytest.mark.django_db
def test_status_board_ranks_districts(client_for, make_user):
    plans_load_builtin()
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(reverse("indicators:status"), {"year": 2024})
    assert response.status_code == 200
    assert len(response.context["ranking"]) >= 16


@pytest.mark.django_db
def test_an_inspector_outside_the_programme_sees_the_citys_progress(client_for, make_user):
    # given an inspector, who reports no values but may open the status board
    plans_load_builtin()
    # when they open it
    response = client_for(make_user(Role.INSPECTOR)).get(reverse("indicators:status"), {"year": 2024})
    # then they see the city's statuses, not an error
    assert response.status_code == 200
    assert response.context["unit"].parent_id is None
    assert [unit.pk for unit in response.context["units"]] == [response.context["unit"].pk]


@pytest.mark.django_db
def test_api_reports_a_value_then_updates_it_instead_of_adding_a_row(client_for, make_user, district):
    indicator = IndicatorFactory()
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    payload = {"indicator": indicator.pk, "org_unit": district.pk, "year": 2024, "value": "97.1"}
    assert client.post("/api/reported-values/", payload).status_code == 201
    payload["value"] = "97.4"
    response = client.post("/api/reported-values/", payload)
    assert response.status_code == 200 and response.json()["value"] == "97.4000"
    assert ReportedValue.objects.count() == 1
    payload["value"] = "abc"
    assert client.post("/api/reported-values/", payload).status_code == 400


@pytest.mark.django_db
def test_api_refuses_another_districts_value_with_403(client_for, make_user, district, city):
    indicator = IndicatorFactory()
    other = city.children.exclude(pk=district.pk).first()
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    response = client.post("/api/reported-values/", {"indicator": indicator.pk, "org_unit": other.pk, "year": 2024,
                                                     "value": "97"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_api_status_needs_plan_and_year(client_for, make_user):
    plans_load_builtin()
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    assert client.get("/api/indicator-statuses/").status_code == 400
    response = client.get("/api/indicator-statuses/", {"plan": "zz-2014-demonstration", "year": 2015})
    assert response.status_code == 200 and response.json()[0]["status"] == "no_data"


@pytest.mark.django_db
def test_api_plan_import_refuses_an_empty_document(client_for, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    response = client.post("/api/plan-imports/", {"file": SimpleUploadedFile("plan.txt", b"")})
    assert response.status_code == 400 and "file" in response.json()


@pytest.mark.django_db
def test_api_attaches_evidence_until_the_value_is_approved(client_for, make_user, district, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qcity.indicators.services import reported_value_approve, reported_value_review

    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.DISTRICT_OFFICER, district)
    value = reported_value_submit(indicator=IndicatorFactory(), org_unit=district,
                                  period=Period(ReportingPeriodKind.YEAR, 2024), value="98", by=officer)
    client = client_for(officer)
    url = f"/api/reported-values/{value.pk}/evidence/"
    response = client.post(url, {"file": SimpleUploadedFile("统计表.pdf", b"%PDF-1.4 test")})
    assert response.status_code == 201 and value.evidence.get().original_name == "统计表.pdf"
    office = make_user(Role.LEADERSHIP_OFFICE)
    reported_value_approve(value=reported_value_review(value=value, by=office), by=office)
    response = client.post(url, {"file": SimpleUploadedFile("more.pdf", b"%PDF-1.4")})
    assert response.status_code == 400 and value.evidence.count() == 1


@pytest.mark.django_db
def test_evidence_downloads_only_within_the_users_scope(client_for, make_user, district, city, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qcity.indicators.services import reported_value_evidence_attach

    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.DISTRICT_OFFICER, district)
    value = reported_value_submit(indicator=IndicatorFactory(), org_unit=district,
                                  period=Period(ReportingPeriodKind.YEAR, 2024), value="98", by=officer)
    evidence = reported_value_evidence_attach(value=value, file=SimpleUploadedFile("表.xlsx", xlsx_bytes()), by=officer)
    url = reverse("indicators:evidence-download", args=[evidence.pk])
    # the reporter gets an attachment the browser may neither sniff nor run
    response = client_for(officer).get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(response.streaming_content) == evidence.file.open("rb").read()
    # another district's officer does not learn it exists; a user without the role is refused
    other = make_user(Role.DISTRICT_OFFICER, city.children.exclude(pk=district.pk).first())
    assert client_for(other).get(url).status_code == 404
    assert client_for(make_user(Role.ENTERPRISE_USER, district)).get(url).status_code == 403


@pytest.mark.django_db
def test_evidence_download_sends_an_anonymous_visitor_to_the_login_page(client, make_user, district, settings,
                                                                         tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qcity.indicators.services import reported_value_evidence_attach

    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.DISTRICT_OFFICER, district)
    value = reported_value_submit(indicator=IndicatorFactory(), org_unit=district,
                                  period=Period(ReportingPeriodKind.YEAR, 2024), value="98", by=officer)
    evidence = reported_value_evidence_attach(value=value, file=SimpleUploadedFile("a.pdf", b"%PDF-1.7\n"), by=officer)
    response = client.get(reverse("indicators:evidence-download", args=[evidence.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(f"/media/{evidence.file.name}").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [
    ("page.html", b"<html><script>alert(document.cookie)</script></html>"),
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
    ("统计表.pdf", b""),
    ("统计表.pdf", b"<html><script>alert(1)</script></html>"),
])
def test_api_refuses_html_executable_empty_or_disguised_evidence(client_for, make_user, district, settings, tmp_path,
                                                                 name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.DISTRICT_OFFICER, district)
    value = reported_value_submit(indicator=IndicatorFactory(), org_unit=district,
                                  period=Period(ReportingPeriodKind.YEAR, 2024), value="98", by=officer)
    response = client_for(officer).post(f"/api/reported-values/{value.pk}/evidence/",
                                        {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and response.json()["file"][0].startswith("佐证材料：")
    assert not value.evidence.exists() and not list(tmp_path.rglob("*.*"))


@pytest.mark.django_db
def test_value_form_refuses_html_evidence_on_the_field(client_for, make_user, district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    indicator = IndicatorFactory()
    response = client_for(make_user(Role.DISTRICT_OFFICER, district)).post(reverse("indicators:value-create"), {
        "indicator": indicator.pk, "org_unit": district.pk, "period_kind": "year", "year": 2024,
        "period_number": 0, "value": "98", "note": "", "evidence": SimpleUploadedFile("x.html", b"<html></html>")})
    assert response.status_code == 400 and response.context["form"].errors["evidence"]
    assert not ReportedValue.objects.exists()


@pytest.mark.django_db
def test_reported_values_import_refuses_a_zip_bomb_before_reading_it(client_for, make_user, monkeypatch):

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qcity.core.tests.uploads import bomb_xlsx

    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read the bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    indicator = IndicatorFactory()
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).post("/api/reported-values/import/", {
        "plan": indicator.plan.code, "file": SimpleUploadedFile("values.xlsx", bomb_xlsx())})
    assert response.status_code == 400 and "解压后过大" in response.json()["file"][0]
