"""The rules of supervision sampling (DOMAIN §6), each with its bad inputs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import Role
from qcity.sampling import services
from qcity.sampling.choices import Conclusion, FollowupStatus, PlanLevel, RetestOutcome, SampleStatus
from qcity.sampling.models import ProductCategory, Sample, TestItemResult

from .factories import (
    CONCLUDED_ON,
    FAILING,
    PASSING,
    SERVED_ON,
    TODAY,
    a_enterprise,
    category,
    concluded,
    make_plan,
    make_sample,
)

pytestmark = pytest.mark.django_db


def _fields(exc):
    return set(exc.value.message_dict)


# --- catalogue and plans ---------------------------------------------------------------------------

def test_product_categories_ship_with_every_kind():
    kinds = set(ProductCategory.objects.values_list("kind", flat=True))
    assert kinds == {"food", "edible_agricultural", "drug", "key_industrial", "other"}
    assert services.product_categories_load() == 0  # idempotent


def test_plan_needs_categories_an_ordered_period_and_a_district_for_a_district_plan(city):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(by=None, title="区级计划", level=PlanLevel.DISTRICT, org_unit=city,
                             period_start=datetime.date(2025, 6, 1), period_end=datetime.date(2025, 1, 1),
                             categories=[], planned_batches=0)
    assert _fields(exc) == {"org_unit", "period_end", "categories", "planned_batches"}


def test_district_officer_cannot_create_a_plan_for_another_district(make_user, city, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    other = city.children.exclude(pk=district.pk).first()
    with pytest.raises(PermissionDenied):
        services.plan_create(by=officer, title="x", level=PlanLevel.DISTRICT, org_unit=other,
                             period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31),
                             categories=[category()], planned_batches=5)


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
    plan = make_plan(other, level=PlanLevel.DISTRICT)
    with pytest.raises(ValidationError) as exc:
        make_sample(plan, a_enterprise(district), samplers)
    assert _fields(exc) == {"enterprise"}


def test_lower_level_cannot_resample_a_batch_a_higher_level_sampled(city, district, enterprise, samplers):
    # given a provincial plan sampled the batch
    provincial = make_plan(city, level=PlanLevel.PROVINCIAL)
    first = make_sample(provincial, enterprise, samplers, product="小麦粉", batch="B-1")
    # when the district samples the same product batch (spacing and case aside), then 400 on batch_number
    district_plan = make_plan(district, level=PlanLevel.DISTRICT)
    with pytest.raises(ValidationError) as exc:
        make_sample(district_plan, enterprise, samplers, product="小麦 粉", batch="B-1")
    assert _fields(exc) == {"batch_number"} and first.number in str(exc.value)
    # but another batch, or the same batch by a higher level, is fine
    make_sample(district_plan, enterprise, samplers, product="小麦粉", batch="B-2")
    national = make_plan(city, level=PlanLevel.NATIONAL)
    make_sample(national, enterprise, samplers, product="小麦粉", batch="B-1")


def test_same_batch_of_another_producer_is_not_a_duplicate(city, district, enterprise, samplers):
    make_sample(make_plan(city, level=PlanLevel.CITY), enterprise, samplers, batch="B-9",
                manufacturer_name="河南某面粉厂")
    make_sample(make_plan(district, level=PlanLevel.DISTRICT), enterprise, samplers, batch="B-9",
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
        services.sample_conclude(sample=sample, conclusion=Conclusion.PASS, test_report_number="R1", by=None,
                                 concluded_on=CONCLUDED_ON, today=TODAY)
    assert _fields(exc) == {"items"}
    services.test_results_record(sample=sample, items=FAILING, by=None)
    with pytest.raises(ValidationError) as exc:
        services.sample_conclude(sample=sample, conclusion=Conclusion.PASS, test_report_number="", by=None,
                                 concluded_on=datetime.date(2025, 1, 1), today=TODAY)
    assert _fields(exc) == {"conclusion", "test_report_number", "concluded_on"}
    services.sample_conclude(sample=sample, conclusion=Conclusion.FAIL, test_report_number="R1", by=None,
                             concluded_on=CONCLUDED_ON, today=TODAY)
    assert credit_log == [("credit_record", sample.pk)]
    with pytest.raises(ValidationError) as exc:
        services.sample_conclude(sample=sample, conclusion=Conclusion.FAIL, test_report_number="R2", by=None,
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
        services.sample_conclude(sample=second, conclusion=Conclusion.PASS, by=None, today=TODAY,
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


# --- objection and retest ----------------------------------------------------------------------------

def test_retest_after_the_window_is_refused_naming_the_field(city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    with pytest.raises(ValidationError) as exc:
        services.objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 17), reason="检测方法有误",
                                 by=None, today=TODAY)
    assert _fields(exc) == {"applied_on"} and "15日" in str(exc.value)


def test_retest_of_a_pass_or_an_unserved_result_is_refused(city_plan, enterprise, samplers):
    passed = concluded(make_sample(city_plan, enterprise, samplers, batch="1"))
    with pytest.raises(ValidationError) as exc:
        services.objection_apply(sample=passed, applied_on=SERVED_ON, reason="x", by=None, today=TODAY)
    assert _fields(exc) == {"conclusion"}
    unserved = concluded(make_sample(city_plan, enterprise, samplers, batch="2"), fail=True, served=False)
    with pytest.raises(ValidationError) as exc:
        services.objection_apply(sample=unserved, applied_on=SERVED_ON, reason="x", by=None, today=TODAY)
    assert _fields(exc) == {"status"}


def test_enterprise_applies_and_the_retest_overturns_the_failure(city_plan, enterprise, samplers, make_user,
                                                                   district, credit_log):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    stranger = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=a_enterprise(district, "别家公司"))
    with pytest.raises(PermissionDenied):
        services.objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 10), reason="x", by=stranger,
                                 today=TODAY)
    objection = services.objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 16), reason="送检方法有误",
                                         by=owner, today=TODAY)
    assert objection.applicant == enterprise.name and sample.status == SampleStatus.RETESTING
    with pytest.raises(ValidationError):  # only one application
        services.objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 16), reason="x", by=owner,
                                 today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.retest_conclude(sample=sample, retest_conclusion="maybe", retest_report_number="", by=None,
                                 retested_on=datetime.date(2025, 4, 1), today=TODAY)
    assert _fields(exc) == {"retest_conclusion", "retest_report_number", "retested_on"}
    objection = services.retest_conclude(sample=sample, retest_conclusion=Conclusion.PASS, by=None,
                                         retest_report_number="FJ-1", retested_on=datetime.date(2025, 5, 6),
                                         today=TODAY)
    sample.refresh_from_db()
    assert objection.outcome == RetestOutcome.OVERTURNED
    assert sample.conclusion == Conclusion.PASS and sample.initial_conclusion == Conclusion.FAIL
    assert ("credit_withdraw", sample.pk) in credit_log
    assert sample.is_final(TODAY)


def test_a_confirmed_failure_stays_and_is_final(city_plan, enterprise, samplers, credit_log):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    services.objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 3), reason="x", by=None, today=TODAY)
    services.retest_conclude(sample=sample, retest_conclusion=Conclusion.FAIL, retest_report_number="FJ-2", by=None,
                             retested_on=datetime.date(2025, 4, 20), today=TODAY)
    sample.refresh_from_db()
    assert sample.conclusion == Conclusion.FAIL and sample.objection.outcome == RetestOutcome.CONFIRMED
    assert ("credit_withdraw", sample.pk) not in credit_log


def test_no_retest_without_a_sealed_backup(city_plan, enterprise, samplers):
    sample = make_sample(city_plan, enterprise, samplers, backup_sealed=False)
    sample = concluded(sample, fail=True)
    with pytest.raises(ValidationError) as exc:
        services.objection_apply(sample=sample, applied_on=SERVED_ON, reason="x", by=None, today=TODAY)
    assert _fields(exc) == {"sample"}


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


# --- follow-up ---------------------------------------------------------------------------------------

def test_follow_up_runs_the_article_17_steps(city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    with pytest.raises(ValidationError) as exc:  # not final yet
        services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 5),
                                rectification_deadline=datetime.date(2025, 5, 5), by=None,
                                today=datetime.date(2025, 4, 5))
    assert _fields(exc) == {"status"}
    followup = services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                                       rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    assert followup.is_overdue(datetime.date(2025, 5, 21)) and not followup.is_overdue(datetime.date(2025, 5, 20))
    with pytest.raises(ValidationError):  # twice
        services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                                rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    with pytest.raises(ValidationError):  # re-inspection before the report
        services.followup_reinspect(followup=followup, reinspected_on=datetime.date(2025, 5, 1), conforming=True,
                                    by=None, today=TODAY)
    with pytest.raises(ValidationError):  # announcement while rectification is in time
        services.followup_announce(followup=followup, announced_on=datetime.date(2025, 5, 10), by=None, today=TODAY)
    services.followup_report(followup=followup, received_on=datetime.date(2025, 5, 15), text="已下架召回，更换原料供应商",
                             by=None, today=TODAY)
    services.followup_reinspect(followup=followup, reinspected_on=datetime.date(2025, 6, 1), conforming=False,
                                by=None, today=TODAY)
    services.followup_announce(followup=followup, announced_on=datetime.date(2025, 6, 10), by=None, today=TODAY)
    services.followup_transfer(followup=followup, transferred_on=datetime.date(2025, 6, 15), transferred_to="稽查支队",
                               case_number="郑市监立〔2025〕12号", by=None, today=TODAY)
    followup.refresh_from_db()
    assert followup.status == FollowupStatus.TRANSFERRED
    with pytest.raises(ValidationError):
        services.followup_transfer(followup=followup, transferred_on=datetime.date(2025, 6, 16), transferred_to="x",
                                   by=None, today=TODAY)


def test_overdue_rectification_can_be_announced(city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    followup = services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                                       rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    services.followup_announce(followup=followup, announced_on=datetime.date(2025, 6, 1), by=None, today=TODAY)
    assert followup.status == FollowupStatus.ANNOUNCED


def test_follow_up_only_for_failures(city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers))
    with pytest.raises(ValidationError) as exc:
        services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                                rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    assert _fields(exc) == {"conclusion"}


# --- credit file -------------------------------------------------------------------------------------

def test_the_credit_file_follows_conclusion_publication_and_overturn(city_plan, enterprise, samplers):
    from qcity.credit.models import CreditEvent

    # given a failing conclusion: a sampling-failure event under the sample's source_ref
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    event = CreditEvent.objects.get(source_ref=f"sampling:sample:{sample.pk}")
    assert event.kind == "sampling_failure" and event.enterprise == enterprise and event.status == "recorded"
    # when the retest overturns it, then the event is withdrawn (and stays so when the final pass is published)
    services.objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 2), reason="x", by=None, today=TODAY)
    services.retest_conclude(sample=sample, retest_conclusion=Conclusion.PASS, retest_report_number="FJ-3",
                             by=None, retested_on=datetime.date(2025, 4, 20), today=TODAY)
    event.refresh_from_db()
    assert event.status == "withdrawn"
    services.sample_publish(sample=sample, by=None, published_on=datetime.date(2025, 4, 21), today=TODAY)
    event.refresh_from_db()
    assert event.status == "withdrawn" and sample.published_on == datetime.date(2025, 4, 21)
    # a passing sample's event is published with the result
    passed = concluded(make_sample(city_plan, enterprise, samplers, batch="P"))
    services.sample_publish(sample=passed, by=None, published_on=datetime.date(2025, 4, 3), today=TODAY)
    published = CreditEvent.objects.get(source_ref=f"sampling:sample:{passed.pk}")
    assert published.kind == "sampling_pass" and published.published_on == datetime.date(2025, 4, 3)
