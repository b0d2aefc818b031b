"""The trace module's background jobs."""

import json

import pytest
from django.core.files.base import ContentFile

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.choices import CaptureJobStatus
from qcity.trace.models import CaptureJob, Event
from qcity.trace.tasks import capture_job_run_task, event_partitions_create_task
from qcity.trace.tests.epcis_documents import document, object_event
from qcity.trace.tests.factories import LocationFactory, LotFactory

pytestmark = pytest.mark.django_db


def _queued_job(user, doc) -> CaptureJob:
    job = CaptureJob.objects.create(submitted_by=user, media_type="application/json", document_sha256="0" * 64,
                                    event_count=len(doc["epcisBody"]["eventList"]))
    job.document.save(f"{job.pk}.json", ContentFile(json.dumps(doc).encode()))
    return job


def test_capture_job_task_captures_the_kept_document(make_user):
    # given a queued job holding a document
    officer = make_user(Role.DISTRICT_OFFICER)
    job = _queued_job(officer, document(object_event(lot=LotFactory(), quantity=2, location=LocationFactory())))

    # when the task runs
    status = capture_job_run_task(str(job.pk))

    # then the events are stored, the job succeeded and its document is gone
    job.refresh_from_db()
    assert status == CaptureJobStatus.SUCCESS == job.status
    assert job.finished_at is not None and not job.document
    assert Event.objects.filter(capture_job=job).count() == 1


def test_capture_job_task_refuses_a_foreign_location(make_user, district):
    # given an enterprise account without trace locations
    user = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=EnterpriseFactory(org_unit=district))
    job = _queued_job(user, document(object_event(lot=LotFactory(), quantity=2, location=LocationFactory())))

    status = capture_job_run_task(str(job.pk))

    job.refresh_from_db()
    assert status == CaptureJobStatus.FAILED
    assert "eventList[0]" in job.errors[0]["message"]
    assert Event.objects.count() == 0


def test_a_finished_job_is_not_run_again(make_user):
    officer = make_user(Role.DISTRICT_OFFICER)
    job = _queued_job(officer, document(object_event(lot=LotFactory(), quantity=2)))
    capture_job_run_task(str(job.pk))

    assert capture_job_run_task(str(job.pk)) == CaptureJobStatus.SUCCESS
    assert Event.objects.count() == 1


def test_event_partitions_task_runs(db):
    # on SQLite there are no partitions to make; on PostgreSQL the months ahead exist afterwards
    assert isinstance(event_partitions_create_task(), list)


def test_a_job_whose_document_is_lost_fails(make_user):
    officer = make_user(Role.DISTRICT_OFFICER)
    job = CaptureJob.objects.create(submitted_by=officer, media_type="application/json", document_sha256="0" * 64,
                                    document="trace/capture/missing")

    assert capture_job_run_task(str(job.pk)) == CaptureJobStatus.FAILED
