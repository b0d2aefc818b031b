"""Pages: wiring, scoping, the workflow forms, errors shown with 400, exports."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qcity.core.choices import Role
from qcity.core.models import Notification
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling import services
from qcity.sampling.models import Sample, SamplingObjectionEvidence

from .factories import TODAY, concluded, make_plan, make_sample

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
    by_rate = client.get(reverse("sampling:pass-rates"), {"group": "district", "sort": "-pass_rate"}).content.decode()
    assert 'id="overall-rate">50.0' in by_rate and "共 1 条" in by_rate  # sortable, counted, the overall line kept
    assert city_plan.title in client.get(reverse("sampling:sampling-plan-list")).content.decode()
    for name in ("sample-list", "sampling-plan-list", "followup-list", "pass-rates"):
        response = client.get(reverse(f"sampling:{name}"), {"export": "xlsx"})
        assert response.status_code == 200 and response["Content-Type"] == XLSX, name


def test_followup_list_pages_sorts_counts_and_filters(client_for, inspector, city_plan, enterprise, samplers):
    # given two follow-ups with different deadlines
    flour = concluded(make_sample(city_plan, enterprise, samplers, batch="1", product="小麦粉"), fail=True)
    rice = concluded(make_sample(city_plan, enterprise, samplers, batch="2", product="大米"), fail=True)
    for sample, deadline in ((flour, datetime.date(2025, 5, 20)), (rice, datetime.date(2025, 6, 20))):
        services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                                rectification_deadline=deadline, by=None, today=TODAY)
    client = client_for(inspector)
    url = reverse("sampling:followup-list")
    # when the officer sorts by deadline, latest first
    response = client.get(url, {"sort": "-rectification_deadline"})
    page = response.content.decode()
    # then every row is on a page of the one pager (no cut), counted, in that order
    assert response.context["table"].paginator.per_page == 50 and "共 2 条" in page
    assert page.index(rice.number) < page.index(flour.number)
    # and the product narrows the list
    narrowed = client.get(url, {"q": "大米"}).content.decode()
    assert "共 1 条" in narrowed and rice.number in narrowed and flour.number not in narrowed


def test_plan_list_sorts_counts_and_filters_by_unit_and_title(client_for, inspector, city, district, city_plan):
    # given a city plan and a district plan
    own = make_plan(district, level="district", title="金水区专项抽检")
    client = client_for(inspector)
    url = reverse("sampling:sampling-plan-list")
    # when the officer sorts by title and filters
    page = client.get(url, {"sort": "-title"}).content.decode()
    assert "共 2 条" in page and page.index(own.title) < page.index(city_plan.title)
    by_unit = client.get(url, {"org_unit": district.pk}).content.decode()
    by_title = client.get(url, {"q": "专项"}).content.decode()
    # then each filter keeps the district's plan only
    assert all("共 1 条" in p and own.title in p and city_plan.title not in p for p in (by_unit, by_title))


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


# --- proof of service, objection evidence ---------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def test_the_sample_page_shows_the_proof_of_service_to_officers_and_the_enterprise(
        client_for, inspector, make_user, district, city_plan, enterprise, samplers):
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise, full_name="王经理")
    sample = concluded(make_sample(city_plan, enterprise, samplers), served=False)
    services.sample_serve(sample=sample, served_on=datetime.date(2025, 4, 1), by=None, today=TODAY)
    url = reverse("sampling:sample-detail", args=[sample.pk])
    # the officer sees the account, not yet read
    page = client_for(inspector).get(url).content.decode()
    assert 'id="service-proof"' in page and "王经理" in page and "未读" in page
    # the enterprise opening the page reads it, which the officer then sees
    assert "王经理" in client_for(owner).get(url).content.decode()
    page = client_for(inspector).get(url).content.decode()
    assert "未读" not in page.split('id="service-proof"')[1].split("</table>")[0]


def test_the_manufacturer_sees_neither_the_sampled_partys_accounts_nor_its_evidence(
        client_for, inspector, make_user, district, city_plan, enterprise, samplers, settings, tmp_path):
    # given a failed sample served on the sampled enterprise and on the manufacturer, and evidence the
    # sampled enterprise filed with its retest application
    settings.MEDIA_ROOT = tmp_path
    maker = EnterpriseFactory(org_unit=district)
    seller = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise, full_name="王经理")
    producer = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=maker, full_name="赵厂长")
    sample = concluded(make_sample(city_plan, enterprise, samplers, manufacturer=maker), fail=True)
    Sample.objects.filter(pk=sample.pk).update(retest_deadline=datetime.date(2999, 1, 1))
    assert _object(client_for(seller), sample, SimpleUploadedFile("检测说明.pdf", PDF)).status_code == 302
    download = reverse("sampling:objection-evidence-download", args=[SamplingObjectionEvidence.objects.get().pk])
    url = reverse("sampling:sample-detail", args=[sample.pk])
    # when the manufacturer opens the sample: only its own account in the proof, no link to the evidence
    page = client_for(producer).get(url).content.decode()
    proof = page.split('id="service-proof"')[1].split("</table>")[0]
    assert "赵厂长" in proof and "王经理" not in proof and download not in page
    assert client_for(producer).get(download).status_code == 404
    # while the officer sees both accounts and the file
    page = client_for(inspector).get(url).content.decode()
    assert "赵厂长" in page and "王经理" in page and download in page


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Purpose": "prefetch"},
                                     {"Purpose": "prefetch"}])
def test_a_cross_site_or_prefetch_request_of_the_sample_page_does_not_read_the_result(
        client_for, make_user, district, city_plan, enterprise, samplers, headers):
    # given a result served on the enterprise's account
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    sample = concluded(make_sample(city_plan, enterprise, samplers))
    url = reverse("sampling:sample-detail", args=[sample.pk])
    # when another site (or a prefetch) makes the browser request the page, the page shows but nothing is read
    assert client_for(owner).get(url, headers=headers).status_code == 200
    assert Notification.objects.get(key=f"sample:{sample.pk}:served", recipient=owner).read_at is None
    # and opening it from this site reads it
    client_for(owner).get(url, headers={"Sec-Fetch-Site": "same-origin"})
    assert Notification.objects.get(key=f"sample:{sample.pk}:served", recipient=owner).read_at is not None


@pytest.fixture
def objecting(client_for, make_user, district, city_plan, enterprise, samplers, settings, tmp_path):
    """(the enterprise's client, the sample) with the retest window open."""
    settings.MEDIA_ROOT = tmp_path
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    Sample.objects.filter(pk=sample.pk).update(retest_deadline=datetime.date(2999, 1, 1))
    return client_for(make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)), sample


def _object(client, sample, *files):
    return client.post(reverse("sampling:sample-objection", args=[sample.pk]), {
        "objection-applied_on": "2025-04-05", "objection-reason": "检测方法有误", "objection-evidence": list(files)})


def test_enterprise_objects_with_evidence_which_only_it_and_officers_in_scope_download(
        objecting, client_for, inspector, make_user, city, district):
    client, sample = objecting
    response = _object(client, sample, SimpleUploadedFile("检测说明.pdf", PDF),
                       SimpleUploadedFile("照片.png", PNG))
    assert response.status_code == 302
    evidence = list(SamplingObjectionEvidence.objects.filter(objection__sample=sample).order_by("pk"))
    assert [e.original_name for e in evidence] == ["检测说明.pdf", "照片.png"]
    download = reverse("sampling:objection-evidence-download", args=[evidence[0].pk])
    assert download in client.get(reverse("sampling:sample-detail", args=[sample.pk])).content.decode()
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for(inspector).get(download).status_code == 200
    other_district = city.children.get(name="二七区")
    assert client_for(make_user(Role.INSPECTOR, org_unit=other_district)).get(download).status_code == 404
    stranger = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=EnterpriseFactory(org_unit=district))
    assert client_for(stranger).get(download).status_code == 404
    assert client_for(make_user(Role.DEPARTMENT_REPORTER)).get(download).status_code == 403


@pytest.mark.parametrize("name, content, limit", [
    ("说明.pdf", b"<html><script>x</script></html>", None),
    ("说明.exe", b"MZ\x90\x00", None),
    ("说明.pdf", PDF, 16),
])
def test_bad_evidence_on_the_page_is_a_400_naming_the_field(objecting, settings, name, content, limit):
    client, sample = objecting
    if limit:
        settings.QCITY_MAX_UPLOAD_BYTES = limit
    response = _object(client, sample, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert response.context["forms"]["objection"].errors.keys() == {"evidence"}
    sample.refresh_from_db()
    assert sample.status == "served" and not SamplingObjectionEvidence.objects.exists()
