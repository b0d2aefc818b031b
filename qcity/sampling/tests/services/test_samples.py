"""Sampling services: samples, test results, conclusion, serving and publication (DOMAIN §6), each with its bad inputs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import NotificationChannel, NotificationKind, Role
from qcity.core.models import Notification, NotificationDelivery, User
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling import services
from qcity.sampling.choices import SampleStatus, SamplingConclusion, SamplingPlanLevel
from qcity.sampling.models import Sample, TestItemResult

from ..factories import (
    CONCLUDED_ON,
    FAILING,
    PASSING,
    SERVED_ON,
    TODAY,
    category,
    concluded,
    make_plan,
    make_sample,
)

pytestmark = pytest.mark.django_db


def _fields(exc):
    return set(exc.value.message_dict)


# --- samples ---------------------------------------------------------------------------------------

def test_sample_is_recorded_with_a_number_and_its_samplers(city_plan, enterprise, samplers):
    sample = make_sample(city_plan, enterprise, samplers, brand="金苑", specification="5kg/袋")
    assert sample.number == f"CY2025{sample.pk:07d}"
    assert sample.status == SampleStatus.SAMPLED and sample.org_unit == enterprise.org_unit
    assert set(sample.samplers.all()) == set(samplers)


def test_fewer_than_two_samplers_is_refused(city_plan, enterprise, samplers):
    with pytest.raises(ValidationError) as exc:
        make_sample(city_plan, enterprise, samplers[:1])
    assert _fields(exc) == {"samplers"}
    with pytest.raises(ValidationError):  # the same person twice is still one sampler
        make_sample(city_plan, enterprise, [samplers[0], samplers[0]])
    assert not Sample.objects.exists()


def test_samplers_must_be_officers(city_plan, enterprise, samplers, make_user):
    outsider = make_user(None)
    with pytest.raises(ValidationError) as exc:
        make_sample(city_plan, enterprise, [samplers[0], outsider])
    assert "samplers" in _fields(exc)


def test_sample_bad_inputs_name_their_fields(city_plan, enterprise, samplers):
    with pytest.raises(ValidationError) as exc:
        make_sample(city_plan, enterprise, samplers, code="QT01", sampling_date=datetime.date(2026, 2, 1),
                    production_date=datetime.date(2026, 3, 1), backup_quantity=0, fee_charged=True, batch=" ")
    assert _fields(exc) == {"category", "sampling_date", "production_date", "backup_quantity", "fee_charged",
                            "batch_number"}


def test_enterprise_outside_a_district_plan_is_refused(city, district, samplers):
    other = city.children.exclude(pk=district.pk).first()
    plan = make_plan(other, level=SamplingPlanLevel.DISTRICT)
    with pytest.raises(ValidationError) as exc:
        make_sample(plan, EnterpriseFactory(org_unit=district), samplers)
    assert _fields(exc) == {"enterprise"}


def test_lower_level_cannot_resample_a_batch_a_higher_level_sampled(city, district, enterprise, samplers):
    # given a provincial plan sampled the batch
    provincial = make_plan(city, level=SamplingPlanLevel.PROVINCIAL)
    first = make_sample(provincial, enterprise, samplers, product="小麦粉", batch="B-1")
    # when the district samples the same product batch (spacing and case aside), then 400 on batch_number
    district_plan = make_plan(district, level=SamplingPlanLevel.DISTRICT)
    with pytest.raises(ValidationError) as exc:
        make_sample(district_plan, enterprise, samplers, product="小麦 粉", batch="B-1")
    assert _fields(exc) == {"batch_number"} and first.number in str(exc.value)
    # but another batch, or the same batch by a higher level, is fine
    make_sample(district_plan, enterprise, samplers, product="小麦粉", batch="B-2")
    national = make_plan(city, level=SamplingPlanLevel.NATIONAL)
    make_sample(national, enterprise, samplers, product="小麦粉", batch="B-1")


def test_same_batch_of_another_producer_is_not_a_duplicate(city, district, enterprise, samplers):
    make_sample(make_plan(city, level=SamplingPlanLevel.CITY), enterprise, samplers, batch="B-9",
                manufacturer_name="河南某面粉厂")
    make_sample(make_plan(district, level=SamplingPlanLevel.DISTRICT), enterprise, samplers, batch="B-9",
                manufacturer_name="山东某面粉厂")


def test_officer_of_another_district_cannot_record_a_sample(make_user, city, city_plan, enterprise, samplers,
                                                             district):
    other = city.children.exclude(pk=district.pk).first()
    officer = make_user(Role.INSPECTOR, org_unit=other)
    with pytest.raises(PermissionDenied):
        services.sample_create(by=officer, plan=city_plan, category=category(), enterprise=enterprise,
                               product_name="x", batch_number="1", sampling_date=datetime.date(2025, 3, 1),
                               sampling_place="market", samplers=samplers, quantity=1, backup_quantity=1,
                               today=TODAY)


# --- results and conclusion --------------------------------------------------------------------------

def test_item_verdicts_come_from_the_limits(city_plan, enterprise, samplers):
    sample = make_sample(city_plan, enterprise, samplers)
    items = services.test_results_record(sample=sample, items=FAILING, by=None)
    assert [i.conforming for i in items] == [False, False]
    assert items[0].limit_display == "≤0.2" and items[0].measured_display == "0.45"


def test_bad_items_are_refused_all_or_nothing(city_plan, enterprise, samplers):
    sample = make_sample(city_plan, enterprise, samplers)
    bad = [PASSING[0],
           {"item_name": "铅", "limit_max": "0.2", "measured_value": "0.5", "conforming": True},
           {"item_name": "感官", "limit_text": "无异味"},
           {"item_name": "水分", "limit_min": "5", "limit_max": "1", "measured_value": "2"},
           {"item_name": "灰分", "limit_max": "abc", "measured_value": "1"},
           {"item_name": ""}]
    with pytest.raises(ValidationError) as exc:
        services.test_results_record(sample=sample, items=bad, by=None)
    messages = exc.value.message_dict["items"]
    assert len(messages) == 5 and any("第2项" in m for m in messages)
    assert not TestItemResult.objects.exists()
    with pytest.raises(ValidationError):
        services.test_results_record(sample=sample, items=[PASSING[0], PASSING[0]], by=None)


def test_re_entering_an_item_replaces_it(city_plan, enterprise, samplers):
    sample = make_sample(city_plan, enterprise, samplers)
    services.test_results_record(sample=sample, items=FAILING[:1], by=None)
    services.test_results_record(sample=sample, items=PASSING[:1], by=None)
    assert list(sample.items.values_list("conforming", flat=True)) == [True]


def test_conclusion_must_match_the_items_and_cannot_be_given_twice(city_plan, enterprise, samplers, credit_log):
    sample = make_sample(city_plan, enterprise, samplers)
    with pytest.raises(ValidationError) as exc:  # no items yet
        services.sample_conclude(sample=sample, conclusion=SamplingConclusion.PASS, test_report_number="R1", by=None,
                                 concluded_on=CONCLUDED_ON, today=TODAY)
    assert _fields(exc) == {"items"}
    services.test_results_record(sample=sample, items=FAILING, by=None)
    with pytest.raises(ValidationError) as exc:
        services.sample_conclude(sample=sample, conclusion=SamplingConclusion.PASS, test_report_number="", by=None,
                                 concluded_on=datetime.date(2025, 1, 1), today=TODAY)
    assert _fields(exc) == {"conclusion", "test_report_number", "concluded_on"}
    services.sample_conclude(sample=sample, conclusion=SamplingConclusion.FAIL, test_report_number="R1", by=None,
                             concluded_on=CONCLUDED_ON, today=TODAY)
    assert credit_log == [("credit_record", sample.pk)]
    with pytest.raises(ValidationError) as exc:
        services.sample_conclude(sample=sample, conclusion=SamplingConclusion.FAIL, test_report_number="R2", by=None,
                                 concluded_on=CONCLUDED_ON, today=TODAY)
    assert _fields(exc) == {"status"}
    with pytest.raises(ValidationError) as exc:  # results are locked once concluded
        services.test_results_record(sample=sample, items=PASSING, by=None)
    assert _fields(exc) == {"sample"}


def test_report_number_is_unique(city_plan, enterprise, samplers):
    first = concluded(make_sample(city_plan, enterprise, samplers, batch="1"), served=False)
    second = make_sample(city_plan, enterprise, samplers, batch="2")
    services.test_results_record(sample=second, items=PASSING, by=None)
    with pytest.raises(ValidationError) as exc:
        services.sample_conclude(sample=second, conclusion=SamplingConclusion.PASS, by=None, today=TODAY,
                                 test_report_number=first.test_report_number, concluded_on=CONCLUDED_ON)
    assert _fields(exc) == {"test_report_number"}


def test_serving_opens_a_fifteen_natural_day_retest_window(city_plan, enterprise, samplers):
    sample = make_sample(city_plan, enterprise, samplers)
    with pytest.raises(ValidationError):  # nothing to serve yet
        services.sample_serve(sample=sample, served_on=SERVED_ON, by=None, today=TODAY)
    sample = concluded(sample, fail=True)
    assert sample.retest_deadline == datetime.date(2025, 4, 16)
    assert sample.retest_window_open(datetime.date(2025, 4, 16)) and not sample.is_final(datetime.date(2025, 4, 16))
    assert sample.is_final(datetime.date(2025, 4, 17))


# --- publication -------------------------------------------------------------------------------------

def test_only_final_conclusions_are_published_once(city_plan, enterprise, samplers, credit_log):
    failing = concluded(make_sample(city_plan, enterprise, samplers, batch="1"), fail=True)
    with pytest.raises(ValidationError) as exc:  # still inside the retest window
        services.sample_publish(sample=failing, by=None, published_on=datetime.date(2025, 4, 10),
                                today=datetime.date(2025, 4, 10))
    assert _fields(exc) == {"status"}
    services.sample_publish(sample=failing, by=None, published_on=datetime.date(2025, 5, 1), today=TODAY)
    assert ("credit_publish", failing.pk) in credit_log
    with pytest.raises(ValidationError) as exc:
        services.sample_publish(sample=failing, by=None, today=TODAY)
    assert _fields(exc) == {"published_on"}
    unserved = concluded(make_sample(city_plan, enterprise, samplers, batch="2"), served=False)
    with pytest.raises(ValidationError):
        services.sample_publish(sample=unserved, by=None, today=TODAY)


# --- notifications: samplers' assignment, service on the enterprise ------------------------------------------

def test_recording_a_sample_tells_its_samplers_but_not_the_officer_who_recorded_it(city_plan, enterprise, samplers):
    # given the first sampler records the sample
    sample = services.sample_create(
        by=samplers[0], plan=city_plan, category=category("SP01"), enterprise=enterprise, product_name="小麦粉",
        batch_number="N1", sampling_date=datetime.date(2025, 3, 10), sampling_place="market", samplers=samplers,
        quantity=4, backup_quantity=2, today=TODAY)
    # then the other sampler has an assignment message about it
    notices = Notification.objects.filter(key=f"sample:{sample.pk}:samplers")
    assert [(n.recipient_id, n.kind) for n in notices] == [(samplers[1].pk, NotificationKind.ASSIGNMENT)]


def test_serving_a_result_notifies_each_active_account_of_the_enterprise_once_with_an_sms(
        city_plan, enterprise, samplers, make_user, district):
    # given two accounts of the enterprise (one inactive) and one of another enterprise
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    gone = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    User.objects.filter(pk=owner.pk).update(phone="13800000000")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=EnterpriseFactory(org_unit=district))
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True, served=False)
    # when the result is served
    services.sample_serve(sample=sample, served_on=SERVED_ON, by=None, today=TODAY)
    # then the active account has the message, with an SMS queued (on by default for this kind)
    [notice] = Notification.objects.filter(key=f"sample:{sample.pk}:served")
    assert (notice.recipient_id, notice.kind) == (owner.pk, NotificationKind.SAMPLING_RESULT_SERVED)
    assert "15日" in notice.body and "13800000000" not in notice.title + notice.body
    [sms] = NotificationDelivery.objects.filter(notification=notice)
    assert (sms.channel, sms.address) == (NotificationChannel.SMS, "13800000000")
    # and serving again is refused without a second message
    with pytest.raises(ValidationError):
        services.sample_serve(sample=sample, served_on=SERVED_ON, by=None, today=TODAY)
    assert Notification.objects.filter(key=f"sample:{sample.pk}:served").count() == 1
    assert NotificationDelivery.objects.filter(notification__key=f"sample:{sample.pk}:served").count() == 1
