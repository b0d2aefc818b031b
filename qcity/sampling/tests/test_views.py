"""Pages: wiring, scoping, the workflow forms, errors shown with 400, exports."""

import datetime

import pytest
from django.urls import reverse

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling import services
from qcity.sampling.models import Sample

from .factories import TODAY, concluded, make_sample

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def inspector(make_user, district):
    return make_user(Role.INSPECTOR, org_unit=district, full_name="李检查")


def test_officer_records_a_sample_enters_results_and_concludes(client_for, inspector, city_plan, enterprise,
                                                               samplers):
    client = client_for(inspector)
    assert client.get(reverse("sampling:sample-create")).status_code == 200
    response = client.post(reverse("sampling:sample-create"), {
        "plan": city_plan.pk, "category": city_plan.categories.get(code="SP01").pk, "enterprise": enterprise.uscc,
        "product_name": "挂面", "batch_number": "B1", "sampling_date": "2025-03-10", "sampling_place": "market",
        "samplers": [u.pk for u in samplers], "quantity": 4, "backup_quantity": 2, "quantity_unit": "袋",
        "backup_sealed": "on"})
    sample = Sample.objects.get()
    assert response.status_code == 302 and response.url == reverse("sampling:sample-detail", args=[sample.pk])
    response = client.post(reverse("sampling:sample-results", args=[sample.pk]), {
        "results-item_name": "铅", "results-limit_max": "0.2", "results-measured_value": "0.5", "results-unit": "mg/kg"})
    assert response.status_code == 302
    page = client.get(reverse("sampling:sample-detail", args=[sample.pk])).content.decode()
    assert 'id="expected-conclusion">不合格' in page
    # the confirm step refuses a conclusion the items do not give
    response = client.post(reverse("sampling:sample-conclude", args=[sample.pk]), {
        "conclude-conclusion": "pass", "conclude-test_report_number": "R-1", "conclude-concluded_on": "2025-03-20"})
    assert response.status_code == 400 and "结论须与检验项目判定一致" in response.content.decode()
    response = client.post(reverse("sampling:sample-conclude", args=[sample.pk]), {
        "conclude-conclusion": "fail", "conclude-test_report_number": "R-1", "conclude-concluded_on": "2025-03-20"})
    assert response.status_code == 302
    sample.refresh_from_db()
    assert sample.conclusion == "fail"
    response = client.post(reverse("sampling:sample-serve", args=[sample.pk]), {"serve-served_on": "2025-03-25"})
    assert response.status_code == 302
    # the window has long closed (served in 2025): the final failure is published
    response = client.post(reverse("sampling:sample-publish", args=[sample.pk]), {"publish-published_on": "2025-04-20"})
    assert response.status_code == 302
    sample.refresh_from_db()
    assert sample.published_on == datetime.date(2025, 4, 20)
    # a date before service is refused on the page
    Sample.objects.filter(pk=sample.pk).update(published_on=None)
    response = client.post(reverse("sampling:sample-publish", args=[sample.pk]), {"publish-published_on": "2025-03-01"})
    assert response.status_code == 400 and "公布日期须在送达日期之后" in response.content.decode()


def test_sample_form_shows_service_errors(client_for, inspector, city_plan, enterprise, samplers):
    response = client_for(inspector).post(reverse("sampling:sample-create"), {
        "plan": city_plan.pk, "category": city_plan.categories.get(code="SP01").pk, "enterprise": enterprise.uscc,
        "product_name": "挂面", "batch_number": "B1", "sampling_date": "2025-03-10", "sampling_place": "market",
        "samplers": [samplers[0].pk], "quantity": 4, "backup_quantity": 2, "quantity_unit": "袋"})
    assert response.status_code == 400 and "抽样人员不得少于2名" in response.content.decode()
    assert not Sample.objects.exists()


def test_detail_offers_the_steps_of_the_status(client_for, inspector, city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                            rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    page = client_for(inspector).get(reverse("sampling:sample-detail", args=[sample.pk])).content.decode()
    assert 'id="publish-form"' in page and 'id="report-form"' in page and "overdue-flag" in page
    assert 'id="results-form"' not in page and 'id="objection-form"' not in page
    client = client_for(inspector)
    response = client.post(reverse("sampling:followup-step", args=[sample.followup.pk, "report"]),
                           {"report-received_on": "2025-05-10", "report-text": "已整改"})
    assert response.status_code == 302
    response = client.post(reverse("sampling:followup-step", args=[sample.followup.pk, "nonsense"]), {})
    assert response.status_code == 404


def test_lists_pages_and_exports(client_for, inspector, city_plan, enterprise, samplers):
    failing = concluded(make_sample(city_plan, enterprise, samplers, batch="1"), fail=True)
    concluded(make_sample(city_plan, enterprise, samplers, batch="2"))
    services.followup_order(sample=failing, ordered_on=datetime.date(2025, 4, 20),
                            rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    client = client_for(inspector)
    page = client.get(reverse("sampling:sample-list")).content.decode()
    assert page.count('data-conclusion="fail"') == 1 and page.count('data-conclusion="pass"') == 1
    assert client.get(reverse("sampling:sample-list") + "?conclusion=fail", HTTP_HX_REQUEST="true").content.decode(
    ).count("<tr") == 2  # header + one row, partial only
    assert "overdue-flag" in client.get(reverse("sampling:followup-list")).content.decode()
    page = client.get(reverse("sampling:pass-rates") + "?group=kind").content.decode()
    assert 'id="overall-rate">50.0' in page
    assert city_plan.title in client.get(reverse("sampling:sampling-plan-list")).content.decode()
    for name in ("sample-list", "sampling-plan-list", "followup-list", "pass-rates"):
        response = client.get(reverse(f"sampling:{name}"), {"export": "xlsx"})
        assert response.status_code == 200 and response["Content-Type"] == XLSX, name


def test_plan_page_creates_a_plan_and_shows_errors(client_for, make_user, district):
    client = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    data = {"title": "金水区食品抽检", "level": "district", "org_unit": district.pk, "period_start": "2025-01-01",
            "period_end": "2025-12-31", "categories": [1, 2], "planned_batches": 50}
    assert client.post(reverse("sampling:sampling-plan-list"), data).status_code == 302
    response = client.post(reverse("sampling:sampling-plan-list"), data | {"period_end": "2024-01-01"})
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.content.decode()


def test_scoping_of_pages(client_for, make_user, city, district, city_plan, samplers):
    other = city.children.exclude(pk=district.pk).first()
    theirs = concluded(make_sample(city_plan, EnterpriseFactory(org_unit=other, name="别区"), samplers))
    client = client_for(make_user(Role.INSPECTOR, org_unit=district))
    assert client.get(reverse("sampling:sample-detail", args=[theirs.pk])).status_code == 404
    enterprise_user = make_user(Role.ENTERPRISE_USER, org_unit=other, enterprise=theirs.enterprise)
    client = client_for(enterprise_user)
    page = client.get(reverse("sampling:sample-detail", args=[theirs.pk])).content.decode()
    assert "张三" not in page  # samplers' names are for the officers
    assert client.get(reverse("sampling:sampling-plan-list")).status_code == 403
    assert client.post(reverse("sampling:sample-publish", args=[theirs.pk]), {}).status_code == 403
    assert client_for(make_user(Role.DEPARTMENT_REPORTER)).get(reverse("sampling:sample-list")).status_code == 403


def test_enterprise_applies_for_a_retest_on_its_page(client_for, make_user, district, city_plan, enterprise,
                                                     samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    Sample.objects.filter(pk=sample.pk).update(retest_deadline=datetime.date(2999, 1, 1))  # window open today
    client = client_for(make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise))
    page = client.get(reverse("sampling:sample-detail", args=[sample.pk])).content.decode()
    assert 'id="objection-form"' in page
    response = client.post(reverse("sampling:sample-objection", args=[sample.pk]),
                           {"objection-applied_on": "2025-04-05", "objection-reason": "检测方法有误"})
    assert response.status_code == 302
    sample.refresh_from_db()
    assert sample.status == "retesting"
