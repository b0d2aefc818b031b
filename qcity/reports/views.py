"""Cockpit and report pages. The cockpit is read-only for the three programme roles; reports are issued
by the leadership office, so only it downloads them (each download is audited by the service)."""

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from qcity.core.downloads import attachment_response
from qcity.core.exports import export_view
from qcity.core.permissions import role_required
from qcity.core.roles import OFFICE, PROGRAMME
from qcity.indicators.models import Plan

from . import selectors, services
from .filters import CockpitFilter
from .selectors import CockpitError


@role_required(*PROGRAMME)
def cockpit(request):
    filterset = CockpitFilter(request.GET, queryset=Plan.objects.none())
    if not filterset.is_valid():
        return HttpResponseBadRequest(filterset.errors.as_text())
    params = filterset.form.cleaned_data
    try:
        data = selectors.cockpit(user=request.user, year=params.get("year"), plan_code=params.get("plan") or None)
    except CockpitError as exc:
        return HttpResponseBadRequest(str(exc))
    return render(request, "reports/cockpit.html", {"data": data})


@role_required(*OFFICE)
def report_list(request):
    plans = services.report_plans()
    return render(request, "reports/report_list.html", {
        "white_paper_years": services.white_paper_years(), "plans": plans,
        "formats": services.FORMATS,
    })


def _download(request, build, name: str, **kwargs):
    fmt = request.GET.get("format", "docx")
    try:
        content = build(fmt=fmt, by=request.user, **kwargs)
    except services.ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    return attachment_response(content, f"{name}.{fmt}", content_type=services.CONTENT_TYPES[fmt])


@role_required(*OFFICE)
@export_view
def white_paper_download(request):
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
