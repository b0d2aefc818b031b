"""The API: wiring, permissions and bad input (400 naming the field, never 500)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling import services
from qcity.sampling.choices import SamplingConclusion
from qcity.sampling.models import Sample

from .factories import FAILING, TODAY, concluded, make_sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(make_user, district):
    return make_user(Role.INSPECTOR, org_unit=district)


def _sample_payload(plan, enterprise, samplers, **overrides):
    payload = {"plan": plan.pk, "category": "SP01", "enterprise": enterprise.uscc, "product_name": "挂面",
               "batch_number": "20250301A", "sampling_date": "2025-03-10", "sampling_place": "market",
               "samplers": [u.username for u in samplers], "quantity": 4, "backup_quantity": 2}
    return payload | overrides


def test_officer_runs_a_sample_through_the_api(api_for, inspector, city_plan, enterprise, samplers):
    api = api_for(inspector)
    response = api.post("/api/samples/", _sample_payload(city_plan, enterprise, samplers), format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = api.post("/api/test-item-results/", {"sample": pk, "items": FAILING}, format="json")
    assert response.status_code == 201 and [i["conforming"] for i in response.json()] == [False, False]
    response = api.post(f"/api/samples/{pk}/conclude/",
                        {"conclusion": "fail", "test_report_number": "API-1", "concluded_on": "2025-03-25"},
                        format="json")
    assert response.status_code == 200 and response.json()["conclusion"] == "fail"
    response = api.post(f"/api/samples/{pk}/serve/", {"served_on": "2025-04-01"}, format="json")
    assert response.json()["retest_deadline"] == "2025-04-16"
    response = api.post(f"/api/samples/{pk}/publish/", {"published_on": "2025-05-01"}, format="json")
    assert response.status_code == 200 and response.json()["published_on"] == "2025-05-01"
    response = api.post(f"/api/samples/{pk}/followup/",
                        {"ordered_on": "2025-05-02", "rectification_deadline": "2025-06-02"}, format="json")
    assert response.status_code == 201
    followup = response.json()["id"]
    response = api.post(f"/api/followups/{followup}/report/", {"received_on": "2025-05-20", "text": "已整改"},
                        format="json")
    assert response.json()["status"] == "reported"
    assert api.get("/api/followups/").json()["count"] == 1
    rates = api.get("/api/pass-rates/?group=kind").json()
    assert rates == [{"key": "food", "label": "食品", "total": 1, "passed": 0, "failed": 1, "pass_rate": "0.00",
                      "failure_rate": "100.00"}]
    detail = api.get(f"/api/samples/{pk}/").json()
    assert len(detail["items"]) == 2 and detail["followup"]["status"] == "reported"


def test_bad_input_is_a_400_naming_the_field(api_for, inspector, city_plan, enterprise, samplers):
    api = api_for(inspector)
    response = api.post("/api/samples/", _sample_payload(city_plan, enterprise, samplers[:1]), format="json")
    assert response.status_code == 400 and "samplers" in response.json()
    response = api.post("/api/samples/", _sample_payload(city_plan, enterprise, samplers) | {"plan": 999999},
                        format="json")
    assert response.status_code == 400 and "plan" in response.json()
    response = api.post("/api/test-item-results/", {"sample": 999999, "items": FAILING}, format="json")
    assert response.status_code == 400 and "sample" in response.json()
    response = api.post("/api/samples/", _sample_payload(city_plan, enterprise, samplers, fee_charged=True),
                        format="json")
    assert response.status_code == 400 and "fee_charged" in response.json()
    assert not Sample.objects.exists()


def test_retest_after_the_window_and_concluding_twice_are_400(api_for, make_user, district, city_plan, enterprise,
                                                              samplers, inspector):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    response = api_for(owner).post(f"/api/samples/{sample.pk}/objection/",
                                   {"applied_on": "2025-04-20", "reason": "方法有误"}, format="json")
    assert response.status_code == 400 and "applied_on" in response.json()
    response = api_for(inspector).post(f"/api/samples/{sample.pk}/conclude/",
                                       {"conclusion": SamplingConclusion.FAIL, "test_report_number": "X"}, format="json")
    assert response.status_code == 400 and "status" in response.json()


def test_enterprise_sees_only_its_own_served_samples_and_cannot_write(api_for, make_user, district, city_plan,
                                                                       enterprise, samplers):
    mine = concluded(make_sample(city_plan, enterprise, samplers, batch="1"))
    make_sample(city_plan, enterprise, samplers, batch="2")  # not served yet
    concluded(make_sample(city_plan, EnterpriseFactory(org_unit=district, name="别家"), samplers, batch="3"))
    api = api_for(make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise))
    assert [s["id"] for s in api.get("/api/samples/").json()["results"]] == [mine.pk]
    assert api.post("/api/samples/", {}, format="json").status_code == 403
    assert api.get("/api/sampling-plans/").status_code == 403
    assert api.post(f"/api/samples/{mine.pk}/publish/", {}, format="json").status_code == 403


def test_officers_see_their_district_only(api_for, make_user, city, district, city_plan, samplers):
    other = city.children.exclude(pk=district.pk).first()
    concluded(make_sample(city_plan, EnterpriseFactory(org_unit=district), samplers, batch="1"))
    theirs = concluded(make_sample(city_plan, EnterpriseFactory(org_unit=other, name="别区"), samplers, batch="2"))
    api = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    assert api.get("/api/samples/").json()["count"] == 1
    assert api.get(f"/api/samples/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/samples/{theirs.pk}/serve/", {"served_on": "2025-04-01"},
                    format="json").status_code == 404
    assert [p["id"] for p in api.get("/api/sampling-plans/").json()["results"]] == [city_plan.pk]  # city plans too
    office = api_for(make_user(Role.LEADERSHIP_OFFICE))
    assert office.get("/api/samples/").json()["count"] == 2
    assert api_for(make_user(Role.DEPARTMENT_REPORTER)).get("/api/samples/").status_code == 403
    assert api_for(make_user(Role.AUDIT_ADMIN)).get("/api/pass-rates/").status_code == 403


def test_plan_creation_and_its_errors(api_for, make_user, district):
    api = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    payload = {"title": "金水区2025年食品抽检计划", "level": "district", "org_unit": district.pk,
               "period_start": "2025-01-01", "period_end": "2025-12-31", "categories": ["SP01", "NC03"],
               "planned_batches": 200}
    response = api.post("/api/sampling-plans/", payload, format="json")
    assert response.status_code == 201 and response.json()["categories"] == ["SP01", "NC03"]
    response = api.post("/api/sampling-plans/", payload | {"period_end": "2024-01-01", "categories": []}, format="json")
    assert response.status_code == 400


def test_public_api_shows_published_results_only_without_samplers(client, city_plan, enterprise, samplers):
    published = concluded(make_sample(city_plan, enterprise, samplers, batch="1"), fail=True)
    from qcity.sampling import services

    services.sample_publish(sample=published, by=None, published_on=datetime.date(2025, 5, 1), today=TODAY)
    concluded(make_sample(city_plan, enterprise, samplers, batch="2"))  # not published
    body = client.get("/api/public/samples/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["enterprise_name"] == enterprise.name and [i["item_name"] for i in row["failed_items"]] == [
        "铅（以Pb计）", "苯甲酸及其钠盐"]
    assert "samplers" not in row and "张三" not in str(body)
    assert client.get(f"/api/public/samples/{published.pk}/").status_code == 200
    assert client.get("/api/public/samples/?product=不存在").json()["count"] == 0


# --- proof of service, objection evidence ----------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_sample_api_gives_the_proof_of_service(api_for, make_user, district, city_plan, enterprise, samplers,
                                                   inspector):
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise, full_name="王经理")
    sample = concluded(make_sample(city_plan, enterprise, samplers), served=False)
    assert api_for(inspector).get(f"/api/samples/{sample.pk}/").json()["service_proof"] == []
    services.sample_serve(sample=sample, served_on=datetime.date(2025, 4, 1), by=None, today=TODAY)
    [row] = api_for(owner).get(f"/api/samples/{sample.pk}/").json()["service_proof"]
    assert row["recipient"] == "王经理" and row["delivered_at"] and row["read_at"] is None
    assert set(row) == {"recipient", "delivered_at", "sms_status", "sms_sent_at", "read_at"}


def test_an_objection_through_the_api_takes_evidence_files_and_refuses_bad_ones(
        api_for, make_user, district, city_plan, enterprise, samplers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    Sample.objects.filter(pk=sample.pk).update(retest_deadline=datetime.date(2999, 1, 1))
    api = api_for(make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise))
    url = f"/api/samples/{sample.pk}/objection/"
    bad = api.post(url, {"applied_on": "2025-04-05", "reason": "方法有误",
                         "evidence": [SimpleUploadedFile("a.pdf", b"GIF89a not a pdf")]}, format="multipart")
    assert bad.status_code == 400 and "evidence" in bad.json()
    good = api.post(url, {"applied_on": "2025-04-05", "reason": "方法有误",
                          "evidence": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)]},
                    format="multipart")
    assert good.status_code == 200, good.content
    files = good.json()["objection"]["evidence"]
    assert [f["original_name"] for f in files] == ["a.pdf", "b.pdf"]
    assert files[0]["download_url"] == f"/api/sampling-objection-evidences/{files[0]['id']}/download/"


def test_evidence_downloads_through_the_api_for_its_uploader_and_officers_only(
        api_for, make_user, district, city, city_plan, enterprise, samplers, settings, tmp_path, inspector):
    # given an objection with evidence filed by the sampled enterprise on a sample the manufacturer shares
    settings.MEDIA_ROOT = tmp_path
    maker = EnterpriseFactory(org_unit=district)
    seller = api_for(make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise, full_name="王经理"))
    producer_user = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=maker, full_name="赵厂长")
    sample = concluded(make_sample(city_plan, enterprise, samplers, manufacturer=maker), fail=True)
    Sample.objects.filter(pk=sample.pk).update(retest_deadline=datetime.date(2999, 1, 1))
    answer = seller.post(f"/api/samples/{sample.pk}/objection/", {
        "applied_on": "2025-04-05", "reason": "方法有误", "evidence": [SimpleUploadedFile("a.pdf", PDF)]},
        format="multipart").json()
    [link] = [f["download_url"] for f in answer["objection"]["evidence"]]
    # when the uploader and the officer download it through the API, they get the file (a token can)
    response = seller.get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert api_for(inspector).get(link).status_code == 200
    # the manufacturer neither downloads it nor sees it listed; nor the seller's account in the proof
    producer = api_for(producer_user)
    assert producer.get(link).status_code == 404
    detail = producer.get(f"/api/samples/{sample.pk}/").json()
    assert detail["objection"]["evidence"] == []
    assert [row["recipient"] for row in detail["service_proof"]] == ["赵厂长"]
    # an officer elsewhere gets 404, a role without sampling 403
    elsewhere = make_user(Role.INSPECTOR, org_unit=city.children.exclude(pk=district.pk).first())
    assert api_for(elsewhere).get(link).status_code == 404
    assert api_for(make_user(Role.DEPARTMENT_REPORTER)).get(link).status_code == 403
