"""Sampling services: objections and retests (DOMAIN §6), each with its bad inputs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qcity.core.choices import NotificationKind, Role
from qcity.core.models import Notification
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling import services
from qcity.sampling.choices import RetestOutcome, SampleStatus, SamplingConclusion
from qcity.sampling.models import SamplingObjection
from qcity.sampling.services import feeds

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


# --- evidence and the decision notice --------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(name, content):
    return SimpleUploadedFile(name, content)


def test_objection_keeps_its_evidence_files(city_plan, enterprise, samplers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    objection = services.sampling_objection_apply(
        sample=sample, applied_on=datetime.date(2025, 4, 10), reason="检测方法有误", by=None, today=TODAY,
        evidence=[_upload("检测说明.pdf", PDF)])
    [evidence] = objection.evidence.all()
    assert evidence.original_name == "检测说明.pdf" and evidence.file.read() == PDF


def test_a_failure_after_the_evidence_was_written_leaves_no_file(city_plan, enterprise, samplers, settings,
                                                                 tmp_path, monkeypatch):
    # given a failing sample, and a step after the evidence files are written that fails
    settings.MEDIA_ROOT = tmp_path
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)

    def broken(sample):
        raise RuntimeError("indicators unavailable")

    monkeypatch.setattr(feeds, "indicators_refresh_on_commit", broken)
    # when the application is made with two files
    with pytest.raises(RuntimeError):
        services.sampling_objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 10), reason="x",
                                          by=None, today=TODAY, evidence=[_upload("a.pdf", PDF), _upload("b.pdf", PDF)])
    # then neither the rows nor the files are left
    assert not SamplingObjection.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("name, content, limit", [
    ("说明.pdf", b"<html>not a pdf</html>", None),  # content does not match the name
    ("说明.docx", b"PK\x03\x04", None),  # not an accepted type for evidence
    ("说明.pdf", PDF, 16),  # over the size limit
])
def test_bad_evidence_is_refused_naming_the_field_and_nothing_is_saved(city_plan, enterprise, samplers, settings,
                                                                       tmp_path, name, content, limit):
    settings.MEDIA_ROOT = tmp_path
    if limit:
        settings.QCITY_MAX_UPLOAD_BYTES = limit
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    with pytest.raises(ValidationError) as exc:
        services.sampling_objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 10), reason="x", by=None,
                                          today=TODAY, evidence=[_upload(name, content)])
    assert _fields(exc) == {"evidence"}
    assert not SamplingObjection.objects.filter(sample=sample).exists()
    sample.refresh_from_db()
    assert sample.status == SampleStatus.SERVED


def test_the_retest_decision_is_sent_to_the_enterprise(city_plan, enterprise, samplers, make_user, district):
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    services.sampling_objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 10), reason="x", by=owner,
                                      today=TODAY)
    services.retest_conclude(sample=sample, retest_conclusion=SamplingConclusion.PASS, retest_report_number="FJ-1",
                             retested_on=datetime.date(2025, 4, 20), by=None, today=TODAY)
    [notice] = Notification.objects.filter(key=f"sample:{sample.pk}:retest-decided")
    assert (notice.recipient_id, notice.kind) == (owner.pk, NotificationKind.DECISION)
    assert str(RetestOutcome.OVERTURNED.label) in notice.title
