"""Large list exports go to a background job (qcity.core.exports, qcity.core.export_jobs), shown on core's
own list: the audit log, filtered to events of a made-up object type so the rows do not move under the test."""

import io

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.urls import reverse
from openpyxl import load_workbook

from qcity.core import export_jobs, exports
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction, ExportJobStatus, Role
from qcity.core.models import AuditEvent, ExportJob, RoleAssignment

pytestmark = pytest.mark.django_db

FILTERS = {"object_type": "test.widget"}


@pytest.fixture
def widgets(db):
    """Seven audit events about widgets 1–7: the rows of the filtered audit log."""
    for n in range(1, 8):
        audit_record(action=AuditAction.UPDATE, by=None, object_type="test.widget", object_id=str(n),
                     object_repr=f"widget {n}")


@pytest.fixture
def threshold(monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_BACKGROUND_ROWS", 5)


def _exports(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=user).order_by("id"))


def _rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))


def test_an_export_over_the_threshold_is_built_in_the_background_and_downloaded_by_its_asker(
        client, make_user, widgets, threshold, django_capture_on_commit_callbacks):
    # given an audit administrator and a filtered audit log of 7 rows, over a threshold of 5
    auditor = make_user(Role.AUDIT_ADMIN)
    client.force_login(auditor)

    # when they export it (the eager job runs once the request's transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("core:audit-log"), {**FILTERS, "export": "xlsx", "page": "2"})

    # then they are sent to the job's page, nothing is exported yet, and the job kept the list and filters
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:export-job", args=[job.pk])
    assert (job.requested_by, job.path, job.query) == (auditor, reverse("core:audit-log"),
                                                       "object_type=test.widget&export=xlsx")
    assert not _exports(auditor)
    # and the job, run as them, built the same seven rows
    assert (job.status, job.progress, job.rows) == (ExportJobStatus.DONE, 100, 7)
    page = client.get(response.url)
    assert page.status_code == 200 and reverse("core:export-job-download", args=[job.pk]) in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="core.exportjob",
                                     actor=auditor).count() == 1

    # when they download it
    download = client.get(reverse("core:export-job-download", args=[job.pk]))

    # then it is the xlsx of the filtered list, audited as the export with its rows and filters
    assert download.status_code == 200 and download["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert download["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = _rows(b"".join(download.streaming_content))
    assert len(rows) == 8 and sorted(row[6] for row in rows[1:]) == [str(n) for n in range(1, 8)]
    [event] = _exports(auditor)
    assert event.object_type == "core.auditevent"
    assert event.message == "exported 审计日志, 7 rows with filters object_type=test.widget"


def test_the_progress_page_polls_a_pending_job(client, make_user, widgets, threshold):
    # given an export whose job has not run (no commit in the test: the worker never got it)
    auditor = make_user(Role.AUDIT_ADMIN)
    client.force_login(auditor)
    response = client.get(reverse("core:audit-log"), {**FILTERS, "export": "xlsx"})
    job = ExportJob.objects.get()

    # when its page is opened, whole and as the HTMX poll
    page = client.get(response.url).content.decode()
    poll = client.get(response.url, headers={"HX-Request": "true"}).content.decode()

    # then both show the progress and poll again, and the file is not offered
    assert job.status == ExportJobStatus.QUEUED
    for html in (page, poll):
        assert "<progress" in html and 'hx-trigger="every 1s"' in html
        assert reverse("core:export-job-download", args=[job.pk]) not in html
    assert "<html" not in poll
    assert client.get(reverse("core:export-job-download", args=[job.pk])).status_code == 400
    # and asking again joins the same job
    assert client.get(reverse("core:audit-log"), {**FILTERS, "export": "xlsx"}).url == response.url
    assert ExportJob.objects.count() == 1


def test_another_user_cannot_see_or_download_the_file(client, make_user, widgets, threshold,
                                                      django_capture_on_commit_callbacks):
    # given a finished export of one audit administrator
    owner, other = make_user(Role.AUDIT_ADMIN), make_user(Role.AUDIT_ADMIN)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("core:audit-log"), {**FILTERS, "export": "xlsx"})
    job = ExportJob.objects.get(status=ExportJobStatus.DONE)

    # when another one (same role) opens its page or its download
    client.force_login(other)
    page = client.get(reverse("core:export-job", args=[job.pk]))
    download = client.get(reverse("core:export-job-download", args=[job.pk]))

    # then both are not found, and nothing is exported
    assert (page.status_code, download.status_code) == (404, 404)
    assert not _exports(other)


def test_a_download_after_the_role_was_revoked_is_refused(client, make_user, widgets, threshold,
                                                          django_capture_on_commit_callbacks):
    auditor = make_user(Role.AUDIT_ADMIN)
    client.force_login(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("core:audit-log"), {**FILTERS, "export": "xlsx"})
    job = ExportJob.objects.get(status=ExportJobStatus.DONE)
    RoleAssignment.objects.filter(user=auditor).delete()

    assert client.get(reverse("core:export-job-download", args=[job.pk])).status_code == 403
    assert not _exports(auditor)


def test_the_job_fails_visibly_when_its_user_lost_the_list(client, make_user, widgets, threshold,
                                                           django_capture_on_commit_callbacks):
    # given a queued export whose asker loses the role before the worker runs
    auditor = make_user(Role.AUDIT_ADMIN)
    client.force_login(auditor)
    client.get(reverse("core:audit-log"), {**FILTERS, "export": "xlsx"})
    job = ExportJob.objects.get()
    RoleAssignment.objects.filter(user=auditor).delete()

    # when the worker runs it
    export_jobs.export_job_build(job_id=job.pk)

    # then the job failed (the list refused them), with no file, and the page says so
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and not job.file and "PermissionDenied" in job.error
    assert "导出失败" in client.get(reverse("core:export-job", args=[job.pk])).content.decode()
    assert export_jobs.export_job_build(job_id=job.pk) is None  # a finished job is not run again


def test_an_export_under_the_threshold_is_still_sent_at_once(client, make_user, widgets, threshold):
    auditor = make_user(Role.AUDIT_ADMIN)
    client.force_login(auditor)

    response = client.get(reverse("core:audit-log"), {"object_type": "test.widget", "object_id": "3",
                                                      "export": "xlsx"})

    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert len(_rows(b"".join(response.streaming_content))) == 2
    assert not ExportJob.objects.exists()
    assert len(_exports(auditor)) == 1


def test_the_cap_refuses_before_the_threshold_queues(rf, make_user):
    # given a list of 7 rows, a threshold of 5 and caps of 6 and 10
    request = rf.get("/somewhere/", {"export": "xlsx", "q": "x"})
    request.user = make_user()
    request.session = {}
    request._messages = FallbackStorage(request)
    columns = exports.XlsxColumns(name="n", sheet="s", headings=["a"], row=lambda i: [i], object_type="core.user")

    # when it is exported under each cap
    refused = exports.xlsx_export(request, columns, list(range(7)), limit=6, background_rows=5)
    queued = exports.xlsx_export(request, columns, list(range(7)), limit=10, background_rows=5)

    # then over the cap it is refused as before, and under it a job is queued for the list's URL and filters
    assert refused.status_code == 302 and refused.url == "/somewhere/?q=x"
    job = ExportJob.objects.get()
    assert queued.url == reverse("core:export-job", args=[job.pk])
    assert (job.path, job.query, job.what, job.object_type) == ("/somewhere/", "export=xlsx&q=x", "s", "core.user")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
