"""A large export's page: the progress of its background job (polled) and, when ready, the download.

Any logged-in user may open these pages, but only for a job of their own (`export_job_get`: anyone else's is
a 404); the download checks the list's roles again and is audited as the export."""

from django.http import HttpResponseBadRequest
from django.shortcuts import render

from .. import export_jobs
from ..downloads import attachment_response
from ..exports import EXPORT_BACKGROUND_ROWS, XLSX_CONTENT_TYPE
from ..permissions import login_page


@login_page
def export_job(request, pk: int):
    job = export_jobs.export_job_get(user=request.user, pk=pk)
    template = "core/partials/export_job.html" if request.htmx else "core/export_job.html"
    return render(request, template, {"job": job, "list_url": export_jobs.export_job_list_url(job),
                                      "background_rows": EXPORT_BACKGROUND_ROWS})


@login_page
def export_job_download(request, pk: int):
    """The stored file, for the user who asked. Not marked @export_view: its link exists only once a list over
    EXPORT_BACKGROUND_ROWS was exported, which the link walk of tests/test_exports.py never does."""
    job = export_jobs.export_job_get(user=request.user, pk=pk)
    try:
        export_jobs.export_job_download(job=job, by=request.user)
    except export_jobs.ExportJobError as exc:
        return HttpResponseBadRequest(str(exc))
    return attachment_response(job.file, job.filename, content_type=XLSX_CONTENT_TYPE)
