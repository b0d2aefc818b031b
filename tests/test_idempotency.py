"""Idempotency-Key on the API and the one-time form token on pages: a repeat gets the first answer and
writes nothing; the parallel version is test_idempotency_concurrency.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from qcity.core import idempotency
from qcity.core.choices import Role
from qcity.core.models import IdempotencyRecord
from qcity.core.tasks import idempotency_records_purge_task
from qcity.sampling.models import SamplingPlan

pytestmark = pytest.mark.django_db

PLANS = "/api/sampling-plans/"


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, org_unit=district)


@pytest.fixture
def payload(district):
    return {"title": "金水区2025年食品抽检计划", "level": "district", "org_unit": district.pk,
            "period_start": "2025-01-01", "period_end": "2025-12-31", "categories": ["SP01"], "planned_batches": 20}


def _post(api, body, key="k-1", path=PLANS):
    return api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_repeat_with_the_same_key_answers_the_first_response_and_writes_nothing(api_for, officer, payload):
    # given a plan created with a key
    api = api_for(officer)
    first = _post(api, payload)
    assert first.status_code == 201, first.content
    # when the same request is sent again, with the keys of the body in another order
    again = _post(api, dict(reversed(list(payload.items()))))
    # then it gets the same status and body, marked as a replay, and no second plan exists
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert SamplingPlan.objects.count() == 1


def test_the_same_key_with_another_body_or_path_is_409(api_for, officer, payload):
    api = api_for(officer)
    assert _post(api, payload).status_code == 201
    other_body = _post(api, payload | {"planned_batches": 21})
    assert other_body.status_code == 409 and "Idempotency-Key" in other_body.json()["detail"]
    assert _post(api, payload, path="/api/samples/").status_code == 409
    assert SamplingPlan.objects.count() == 1


def test_keys_are_per_user(api_for, officer, make_user, district, payload):
    assert _post(api_for(officer), payload).status_code == 201
    colleague = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    response = _post(api_for(colleague), payload | {"title": "另一计划"})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert SamplingPlan.objects.count() == 2


def test_an_error_is_not_kept_so_the_corrected_request_may_reuse_the_key(api_for, officer, payload):
    api = api_for(officer)
    bad = _post(api, payload | {"period_end": "2024-01-01"})
    assert bad.status_code == 400 and not IdempotencyRecord.objects.exists()
    assert _post(api, payload).status_code == 201
    assert IdempotencyRecord.objects.get().status_code == 201


def test_without_a_key_nothing_is_recorded(api_for, officer, payload):
    assert api_for(officer).post(PLANS, payload, format="json").status_code == 201
    assert not IdempotencyRecord.objects.exists()


def test_a_malformed_key_is_400(api_for, officer, payload):
    response = _post(api_for(officer), payload, key="x" * 256)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]
    assert not SamplingPlan.objects.exists()


def test_an_unauthenticated_request_claims_nothing(client, payload):
    response = client.post(PLANS, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code in (401, 403) and not IdempotencyRecord.objects.exists()


def test_a_twin_of_a_running_request_waits_then_gets_409(api_for, officer, payload, monkeypatch):
    # given the first request with this key is still running (its claim has no answer yet)
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.1)
    api = api_for(officer)
    assert _post(api, payload).status_code == 201
    IdempotencyRecord.objects.update(status_code=None)
    # when its twin arrives, then it does not run but gets 409 with Retry-After
    response = _post(api, payload)
    assert response.status_code == 409 and response["Retry-After"] == "1"
    assert "仍在处理中" in response.json()["detail"]
    assert SamplingPlan.objects.count() == 1


def test_a_claim_never_answered_is_taken_over_after_ten_minutes(api_for, officer, payload):
    api = api_for(officer)
    IdempotencyRecord.objects.create(user=officer, key="k-1", method="POST", path=PLANS, request_hash="0" * 64,
                                     created_at=timezone.now() - datetime.timedelta(minutes=11))
    assert _post(api, payload).status_code == 201
    assert IdempotencyRecord.objects.get().status_code == 201


def test_a_key_expires_after_24_hours_and_the_purge_task_forgets_it(api_for, officer, payload, time_machine):
    # given a key used now
    api = api_for(officer)
    assert _post(api, payload).status_code == 201
    # when 25 hours have passed
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=25))
    # then the key may carry another request, and the hourly purge deletes what is older than 24 hours
    again = _post(api, payload | {"title": "第二批计划"})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert SamplingPlan.objects.count() == 2
    assert idempotency_records_purge_task() == 0  # the reused key's record is fresh
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=25))
    assert idempotency_records_purge_task() == 1 and not IdempotencyRecord.objects.exists()


def test_the_purge_runs_hourly(settings):
    jobs = {job["task"]: job["schedule"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert jobs["qcity.core.tasks.idempotency_records_purge_task"] == datetime.timedelta(hours=1)


def test_a_second_report_of_a_value_answers_200_not_201(api_for, make_user, district):
    from qcity.core.models import Department
    from qcity.indicators.models import ReportedValue
    from qcity.indicators.tests.factories import IndicatorFactory

    indicator = IndicatorFactory()
    indicator.departments.set([Department.objects.get(code="market-regulation")])
    api = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    body = {"indicator": indicator.pk, "org_unit": district.pk, "period_kind": "year", "year": 2025,
            "period_number": 0, "value": "50"}
    first = api.post("/api/reported-values/", body, format="json")
    assert first.status_code == 201, first.content
    assert api.post("/api/reported-values/", body | {"value": "51"}, format="json").status_code == 200
    assert ReportedValue.objects.count() == 1


# --- pages: the one-time form token --------------------------------------------------------------

def test_every_rendered_post_form_carries_a_fresh_token(client_for, officer):
    page = client_for(officer).get(reverse("sampling:sampling-plan-list")).content.decode()
    assert 'name="form_token"' in page
    again = client_for(officer).get(reverse("sampling:sampling-plan-list")).content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    assert token not in again


def test_a_double_submitted_form_creates_one_record_and_says_so(client_for, officer, district):
    # given the plan form, submitted once
    client = client_for(officer)
    data = {"title": "金水区食品抽检", "level": "district", "org_unit": district.pk, "period_start": "2025-01-01",
            "period_end": "2025-12-31", "categories": [1, 2], "planned_batches": 50, "form_token": "tok-1"}
    first = client.post(reverse("sampling:sampling-plan-list"), data)
    assert first.status_code == 302
    # when the same form (same token) arrives again: a double-click, a resent form
    second = client.post(reverse("sampling:sampling-plan-list"), data)
    # then it leads where the first did, tells the user, and records nothing twice
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert SamplingPlan.objects.count() == 1
    shown = client.get(second["Location"]).content.decode()
    assert "该表单已经提交并处理过" in shown


def test_a_double_clicked_penalty_form_records_one_penalty(client_for, make_user, district, today):
    """The issue's case: a double-click on the credit event page recorded two penalties."""
    from qcity.credit.models import CreditEvent
    from qcity.enterprises.tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(org_unit=district)
    client = client_for(make_user(Role.INSPECTOR, org_unit=district))
    url = f"/credit/files/{enterprise.pk}/events/new/"
    page = client.get(url).content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    data = {"kind": "administrative_penalty", "occurred_on": str(today), "source_authority": "金水区局",
            "summary": "罚款", "form_token": token}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302 and second["Location"] == first["Location"]
    assert CreditEvent.objects.filter(enterprise=enterprise).count() == 1


def test_a_changed_resubmission_of_a_used_form_is_refused_with_a_message(client_for, officer, district):
    client = client_for(officer)
    data = {"title": "金水区食品抽检", "level": "district", "org_unit": district.pk, "period_start": "2025-01-01",
            "period_end": "2025-12-31", "categories": [1, 2], "planned_batches": 50, "form_token": "tok-1"}
    assert client.post(reverse("sampling:sampling-plan-list"), data).status_code == 302
    response = client.post(reverse("sampling:sampling-plan-list"), data | {"title": "改过的标题"}, follow=True)
    assert "每张表单只能提交一次" in response.content.decode()
    assert SamplingPlan.objects.count() == 1


def test_a_form_with_errors_frees_its_token(client_for, officer, district):
    client = client_for(officer)
    data = {"title": "金水区食品抽检", "level": "district", "org_unit": district.pk, "period_start": "2025-01-01",
            "period_end": "2024-12-31", "categories": [1, 2], "planned_batches": 50, "form_token": "tok-1"}
    assert client.post(reverse("sampling:sampling-plan-list"), data).status_code == 400
    assert client.post(reverse("sampling:sampling-plan-list"), data | {"period_end": "2025-12-31"}).status_code == 302
    assert SamplingPlan.objects.count() == 1


def test_a_post_without_a_token_still_works(client_for, officer, district):
    """HTMX buttons post without a form; they are not held back."""
    data = {"title": "金水区食品抽检", "level": "district", "org_unit": district.pk, "period_start": "2025-01-01",
            "period_end": "2025-12-31", "categories": [1, 2], "planned_batches": 50}
    response = client_for(officer).post(reverse("sampling:sampling-plan-list"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and SamplingPlan.objects.count() == 1


# --- the natural keys behind the tokens ----------------------------------------------------------

def test_a_second_plan_of_the_same_name_unit_and_year_is_400_on_title(api_for, officer, payload):
    api = api_for(officer)
    assert api.post(PLANS, payload, format="json").status_code == 201
    response = api.post(PLANS, payload | {"period_start": "2025-07-01"}, format="json")
    assert response.status_code == 400 and "已有名为" in response.json()["title"][0]
    next_year = payload | {"period_start": "2026-01-01", "period_end": "2026-06-30"}
    assert api.post(PLANS, next_year, format="json").status_code == 201


# --- the schema ----------------------------------------------------------------------------------

def test_the_schema_documents_the_header_on_every_write():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            if method in ("post", "put", "patch", "delete") and "Idempotency-Key" not in headers:
                missing.append(f"{method.upper()} {path}")
            if method == "get" and "Idempotency-Key" in headers:
                missing.append(f"GET {path} should not have it")
    assert not missing, missing


def test_a_form_body_with_a_key_still_refuses_a_nul_character(api_for, officer, payload):
    # given a multipart body with a NUL in a field, sent with a key (the middleware parses the form first,
    # so DRF takes Django's parsed form instead of running its NUL-checking parser)
    body = payload | {"title": "金水区\x00抽检计划"}
    response = api_for(officer).post(PLANS, body, format="multipart", HTTP_IDEMPOTENCY_KEY="k-nul")
    # then it is a 400, as without a key, and neither a plan nor a key is kept
    assert response.status_code == 400 and response.json()["code"] == "nul_character"
    assert not SamplingPlan.objects.exists() and not IdempotencyRecord.objects.exists()


def test_put_and_patch_form_bodies_are_told_apart(rf):
    # given two PATCH form bodies (Django parses request.POST for POST only)
    one = rf.patch("/api/x/", "a=1", content_type="application/x-www-form-urlencoded")
    two = rf.patch("/api/x/", "a=2", content_type="application/x-www-form-urlencoded")
    # then their fingerprints differ, so a reused key with another body is a 409, not a replay
    assert idempotency.request_fingerprint(one) != idempotency.request_fingerprint(two)
