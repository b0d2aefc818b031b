"""Cockpit and report pages. The cockpit is read-only for the three programme roles; reports are issued
by the leadership office, so only it downloads them (each download is audited by the service)."""

from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core.document_kinds import DocumentRequestError, document_kind
from qcity.core.downloads import attachment_response
from qcity.core.exports import export_view
from qcity.core.permissions import role_required
from qcity.core.roles import OFFICE, PROGRAMME
from qcity.core.steps import next_url
from qcity.core.tables import table_configure
from qcity.indicators.models import Plan

from . import selectors, services
from .filters import CockpitFilter
from .selectors import CockpitError
from .tables import MidtermPlanTable, WhitePaperYearTable


@role_required(*PROGRAMME)
def cockpit(request):
    filterset = CockpitFilter(request.GET, queryset=Plan.objects.none())
    if not filterset.is_valid():
        return HttpResponseBadRequest(filterset.errors.as_text())
    params = filterset.form.cleaned_data
    try:
        data = selectors.cockpit(user=request.user, year=params.get("year"), plan_code=params.get("plan") or None,
                                     org_unit=params.get("org_unit"))
    except CockpitError as exc:
        return HttpResponseBadRequest(str(exc))
    return render(request, "reports/cockpit.html", {"data": data})


@role_required(*OFFICE)
def report_list(request):
    years = WhitePaperYearTable([{"year": year} for year in services.white_paper_years()], prefix="year-")
    plans = MidtermPlanTable(services.report_plans(), prefix="plan-")
    return render(request, "reports/report_list.html", {
        "white_paper_table": table_configure(request, years), "plan_table": table_configure(request, plans)})


def _download(request, build, name: str, **kwargs):
    fmt = request.GET.get("format", "docx")
    try:
        content = build(fmt=fmt, by=request.user, **kwargs)
    except services.ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    return attachment_response(content, f"{name}.{fmt}", content_type=services.CONTENT_TYPES[fmt])


@role_required(*OFFICE)
def white_paper_download(request):
    """The white paper built while the caller waits: kept for links and scripts made before the background
    generation (the report page generates it with `generated_document_*`); audited by the service. Not marked
    @export_view since no page links it any more (tests/test_exports.py walks the links)."""
    try:
        year = services.parse_year(request.GET.get("year"))
    except services.ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    return _download(request, services.white_paper_build, _("%(year)s年质量白皮书") % {"year": year}, year=year)


@role_required(*OFFICE)
@export_view
def midterm_evaluation_download(request):
    try:
        plan, year = services.parse_plan_year(request.GET.get("plan"), request.GET.get("year"))
    except services.ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    return _download(request, services.midterm_evaluation_build, _("中期评估报告-%(code)s") % {"code": plan.code},
                     plan=plan, year=year)


# --- documents generated in the background -------------------------------------------------------------
# The office asks for a document, the panel polls its progress with HTMX and offers the file for download
# when it is done, with the last generated one and its time. The kinds' own scope rules apply on every step.


def _panel(request, *, kind: str, year: int, object_id: int, fmt: str):
    spec = document_kind(kind)
    context = selectors.generated_document_latest(kind=kind, year=year, object_id=object_id, fmt=fmt)
    params = {"kind": kind, "year": year, "object": object_id or "", "format": fmt}
    return render(request, "reports/partials/generated_document.html",
                  {**context, "spec": spec, "params": params, "fmt": fmt})


@role_required(*OFFICE)
def generated_document_panel(request):
    """A document's panel: the button, the running job's progress (polled) and the last file."""
    try:
        params = services.document_request_parse(request.GET)
        target = selectors.document_resolve(kind=params["kind"], year=params["year"],
                                            object_id=params["object_id"], user=request.user)
    except DocumentRequestError as exc:
        return HttpResponseBadRequest(str(exc))
    return _panel(request, kind=params["kind"], year=target.year, object_id=target.object_id, fmt=params["fmt"])


@role_required(*OFFICE)
@require_POST
def generated_document_request(request):
    """Queue a document (a second click while it runs joins the same job) and answer with its panel."""
    try:
        params = services.document_request_parse(request.POST)
        document, _created = services.document_request(by=request.user, **params)
    except DocumentRequestError as exc:
        return HttpResponseBadRequest(str(exc))
    if not request.htmx:
        return redirect(next_url(request, reverse("reports:report-list")))
    document.refresh_from_db()  # an eager run has finished it already
    return _panel(request, kind=document.kind, year=document.year, object_id=document.object_id, fmt=document.format)


@role_required(*OFFICE)
def generated_document_download(request, pk: int):
    """The stored file of a finished job, audited as an export by the service. Not marked @export_view: its link
    exists only once someone has generated a document, which the link walk of tests/test_exports.py never does."""
    document = selectors.generated_document_get(user=request.user, pk=pk)
    try:
        services.generated_document_download(document=document, by=request.user)
    except DocumentRequestError as exc:
        return HttpResponseBadRequest(str(exc))
    spec = document_kind(document.kind)
    return attachment_response(document.file, document.download_name, content_type=spec.content_types[document.format])
