"""Large list exports built in the background: the job, its worker, its reads and its download.

`core.exports.xlsx_export` queues a job for a list of more than `EXPORT_BACKGROUND_ROWS` rows. The job keeps
what identifies the export — the list's path, its query string (filters, `export=xlsx`), the user, their
language — never the rows or a queryset. The worker opens the same view again with a request rebuilt from
them, as that user: the view's decorator checks their roles, its filters and selectors apply their scope,
and its `xlsx_export` call (seeing `ExportBuild` on the request) builds the file and reports progress.

Only the user who asked sees the job and downloads the file (anyone else gets a 404); the download checks the
list's roles again and is the audited export (what, rows, filters), as a direct export is. The same shape as
the reports' generated documents (`reports.GeneratedDocument`): a double click joins the pending job, a job
that lost its worker expires, a failure is recorded on the job rather than raised.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from importlib import import_module

from django.conf import settings
from django.contrib.messages.storage import default_storage
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from . import access
from .audit import audit_record
from .choices import EXPORT_JOB_PENDING, AuditAction, ExportJobStatus
from .exports import EXPORT_BUILD_ATTR, EXPORT_PARAM, BuiltExport, ExportBuild, export_filters, export_record
from .models import ExportJob, User
from .request_context import RequestContext, acting_as

logger = logging.getLogger(__name__)

# A job queued or running longer than this lost its worker (restart, crash): it no longer blocks a new request.
STALE_AFTER = datetime.timedelta(minutes=15)
# A user's finished exports are kept this long (then removed when they next ask for one).
KEEP_FOR = datetime.timedelta(days=1)


class ExportJobError(ValueError):
    """A job that cannot be downloaded (not finished); the download answers 400 with it."""


def _key(path: str, query: str) -> str:
    return hashlib.sha256(f"{path}?{query}".encode()).hexdigest()


def _expire_stale(*, user: User) -> None:
    ExportJob.objects.filter(requested_by=user, status__in=EXPORT_JOB_PENDING,
                             requested_at__lt=timezone.now() - STALE_AFTER).update(
        status=ExportJobStatus.FAILED, error=_("生成超时（后台任务未完成），请重新生成"), finished_at=timezone.now())


def _purge_old(*, user: User) -> None:
    old = list(ExportJob.objects.filter(requested_by=user, finished_at__lt=timezone.now() - KEEP_FOR)
               .exclude(status__in=EXPORT_JOB_PENDING))
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    files = [job.file for job in old if job.file]
    transaction.on_commit(lambda: [file.delete(save=False) for file in files])


def export_job_request(request: HttpRequest, *, what: str, object_type: str = "") -> tuple[ExportJob, bool]:
    """Queue the export the request asks for and return (job, created). While the same user's job for the same
    list and filters is queued or running, asking again returns it: a double click does not build twice."""
    from .tasks import export_job_build_task  # cycle: the task runs export_job_build here

    user = request.user
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    key = _key(request.path, query)
    with transaction.atomic():
        _expire_stale(user=user)
        pending = ExportJob.objects.filter(requested_by=user, key=key, status__in=EXPORT_JOB_PENDING).first()
        if pending is not None:
            return pending, False
        _purge_old(user=user)
        try:
            with transaction.atomic():
                job = ExportJob.objects.create(
                    requested_by=user, path=request.path[:500], query=query, key=key, host=request.get_host()[:255],
                    language=(translation.get_language() or "")[:16], what=what[:200], object_type=object_type[:100])
        except IntegrityError:  # a concurrent request queued it between our read and our insert
            return ExportJob.objects.get(requested_by=user, key=key, status__in=EXPORT_JOB_PENDING), False
        filters = export_filters(query)
        audit_record(action=AuditAction.CREATE, by=user, obj=job, object_repr=what,
                     message=f"requested export of {what}" + (f" with filters {filters}" if filters else ""))
        transaction.on_commit(lambda: export_job_build_task.delay(job.pk))
    return job, True


def _progress(job: ExportJob):
    def report(percent: int) -> None:
        job.progress = max(0, min(99, int(percent)))
        ExportJob.objects.filter(pk=job.pk).update(progress=job.progress)
    return report


def _rebuilt_request(job: ExportJob, match) -> HttpRequest:
    """The list's GET request as the user made it: path, query string, user, language; a session and message
    store that are thrown away (the view may use them), and the `ExportBuild` that makes it build the file."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.path
    request.META = {"REQUEST_METHOD": "GET", "QUERY_STRING": job.query, "HTTP_HOST": job.host or "localhost",
                    "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request.GET = QueryDict(job.query)
    request.user = job.requested_by
    request.resolver_match = match
    request.LANGUAGE_CODE = job.language or settings.LANGUAGE_CODE
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request._messages = default_storage(request)
    request.htmx = HtmxDetails(request)
    setattr(request, EXPORT_BUILD_ATTR, ExportBuild(progress=_progress(job)))
    return request


def _build(job: ExportJob) -> BuiltExport:
    user = job.requested_by
    if not user.is_active:
        raise PermissionDenied(f"{user.get_username()} is inactive")
    match = resolve(job.path)
    if not getattr(match.func, "is_export", False) or QueryDict(job.query).get(EXPORT_PARAM) != "xlsx":
        raise ValueError(f"{job.path}?{job.query} is not an export")
    request = _rebuilt_request(job, match)
    with acting_as(RequestContext(channel="job")), translation.override(job.language or None):
        response = match.func(request, *match.args, **match.kwargs)
    if not isinstance(response, BuiltExport):
        raise ValueError(f"{job.path} answered {response.status_code}, not an export")
    return response


def export_job_build(*, job_id: int) -> ExportJob | None:
    """The background job: open the list again as the user who asked and store the file it exports.

    A failure is recorded on the job (status and error, audited) instead of raised, so the page shows it and
    an eager run inside a request does not turn it into a 500. A job already taken by another worker is skipped."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJobStatus.QUEUED).update(
        status=ExportJobStatus.RUNNING, started_at=timezone.now(), progress=1)
    if not claimed:
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        built = _build(job)
        with transaction.atomic():
            job.file.save(built.filename, ContentFile(built.content), save=False)
            job.filename, job.rows, job.size = built.filename[:200], built.rows, len(built.content)
            job.status, job.progress, job.finished_at = ExportJobStatus.DONE, 100, timezone.now()
            job.save(update_fields=["file", "filename", "rows", "size", "status", "progress", "finished_at"])
    except Exception as exc:  # any failure of the build is the job's outcome
        logger.exception("export job %s failed", job_id)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        ExportJob.objects.filter(pk=job_id).update(status=ExportJobStatus.FAILED, error=error,
                                                   finished_at=timezone.now())
        job.refresh_from_db()
        audit_record(action=AuditAction.UPDATE, by=None, obj=job, object_repr=job.what,
                     message=f"export failed: {error}"[:500])
        return job
    audit_record(action=AuditAction.UPDATE, by=None, obj=job, object_repr=job.what,
                 message=f"built export of {job.what} ({job.rows} rows, {job.size} bytes)")
    return job


def export_job_get(*, user: User, pk: int) -> ExportJob:
    """A job of the user's own (a 404 for anyone else's: other people's exports are not even listed)."""
    return get_object_or_404(ExportJob, pk=pk, requested_by=user)


def export_job_list_url(job: ExportJob) -> str:
    """The list the export was taken from, with its filters."""
    filters = export_filters(job.query)
    return f"{job.path}?{filters}" if filters else job.path


def export_job_download(*, job: ExportJob, by: User) -> ExportJob:
    """Check the file is ready and its reader still holds the list's roles, and audit the download as the
    export (what, how many rows, with which filters)."""
    if job.status != ExportJobStatus.DONE or not job.file:
        raise ExportJobError(_("export: 文件尚未生成"))
    try:
        roles = getattr(resolve(job.path).func, "required_roles", None)
    except Resolver404:
        roles = None
    if roles:
        access.require_role(by, *roles, action=f"download export of {job.path}")
    export_record(by=by, what=job.what, object_type=job.object_type, rows=job.rows,
                  filters=export_filters(job.query))
    return job
