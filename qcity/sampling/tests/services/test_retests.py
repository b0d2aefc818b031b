"""Sampling services: objections and retests (DOMAIN §6), each with its bad inputs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling import services
from qcity.sampling.choices import RetestOutcome, SampleStatus, SamplingConclusion

from ..factories import SERVED_ON, TODAY, concluded, make_sample

pytestmark = pytest.mark.django_db


def _fields(exc):
    return set(exc.value.message_dict)


# --- objection and retest ----------------------------------------------------------------------------

def test_retest_after_the_window_is_refused_naming_the_field(city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    with pytest.raises(ValidationError) as exc:
        services.sampling_objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 17), reason="检测方法有误",
                                 by=None, today=TODAY)
    assert _fields(exc) == {"applied_on"} and "15日" in str(exc.value)


def test_retest_of_a_pass_or_an_unserved_result_is_refused(city_plan, enterprise, samplers):
    passed = concluded(make_sample(city_plan, enterprise, samplers, batch="1"))
    with pytest.raises(ValidationError) as exc:
        services.sampling_objection_apply(sample=passed, applied_on=SERVED_ON, reason="x", by=None, today=TODAY)
    assert _fields(exc) == {"conclusion"}
    unserved = concluded(make_sample(city_plan, enterprise, samplers, batch="2"), fail=True, served=False)
    with pytest.raises(ValidationError) as exc:
        services.sampling_objection_apply(sample=unserved, applied_on=SERVED_ON, reason="x", by=None, today=TODAY)
    assert _fields(exc) == {"status"}


def test_enterprise_applies_and_the_retest_overturns_the_failure(city_plan, enterprise, samplers, make_user,
                                                                   district, credit_log):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    stranger = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=EnterpriseFactory(org_unit=district, name="别家公司"))
    with pytest.raises(PermissionDenied):
        services.sampling_objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 10), reason="x", by=stranger,
                                 today=TODAY)
    objection = services.sampling_objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 16), reason="送检方法有误",
                                         by=owner, today=TODAY)
    assert objection.applicant == enterprise.name and sample.status == SampleStatus.RETESTING
    with pytest.raises(ValidationError):  # only one application
        services.sampling_objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 16), reason="x", by=owner,
                                 today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.retest_conclude(sample=sample, retest_conclusion="maybe", retest_report_number="", by=None,
                                 retested_on=datetime.date(2025, 4, 1), today=TODAY)
    assert _fields(exc) == {"retest_conclusion", "retest_report_number", "retested_on"}
    objection = services.retest_conclude(sample=sample, retest_conclusion=SamplingConclusion.PASS, by=None,
                                         retest_report_number="FJ-1", retested_on=datetime.date(2025, 5, 6),
                                         today=TODAY)
    sample.refresh_from_db()
    assert objection.outcome == RetestOutcome.OVERTURNED
    assert sample.conclusion == SamplingConclusion.PASS and sample.initial_conclusion == SamplingConclusion.FAIL
    assert ("credit_withdraw", sample.pk) in credit_log
    assert sample.is_final(TODAY)


def test_a_confirmed_failure_stays_and_is_final(city_plan, enterprise, samplers, credit_log):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    services.sampling_objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 3), reason="x", by=None, today=TODAY)
    services.retest_conclude(sample=sample, retest_conclusion=SamplingConclusion.FAIL, retest_report_number="FJ-2", by=None,
                             retested_on=datetime.date(2025, 4, 20), today=TODAY)
    sample.refresh_from_db()
    assert sample.conclusion == SamplingConclusion.FAIL and sample.objection.outcome == RetestOutcome.CONFIRMED
    assert ("credit_withdraw", sample.pk) not in credit_log


def test_no_retest_without_a_sealed_backup(city_plan, enterprise, samplers):
    sample = make_sample(city_plan, enterprise, samplers, backup_sealed=False)
    sample = concluded(sample, fail=True)
    with pytest.raises(ValidationError) as exc:
        services.sampling_objection_apply(sample=sample, applied_on=SERVED_ON, reason="x", by=None, today=TODAY)
    assert _fields(exc) == {"sample"}
