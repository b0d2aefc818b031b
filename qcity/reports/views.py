"""Cockpit and report pages. The cockpit is read-only for the three programme roles; reports are issued
by the leadership office, so only it downloads them (each download is audited by the service)."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from qcity.core.fields import YEAR_MAX, YEAR_MIN, parse_int
from qcity.core.permissions import role_required

from . import selectors, services
from .selectors import COCKPIT_ROLES, CockpitError

REPORT_ROLES = services.REPORT_ROLES


def _int(value: str | None, field: str) -> int | None:
    if not value:
        return None
    parsed = parse_int(value, minimum=YEAR_MIN, maximum=YEAR_MAX) if field == "year" else parse_int(value)
    if parsed is None:
        raise CockpitError(f"{field}: 应为整数")
    return parsed


@role_required(*COCKPIT_ROLES)
def cockpit(request):
    try:
        data = selectors.cockpit(user=request.user, year=_int(request.GET.get("year"), "year"),
                                 plan_code=request.GET.get("plan") or None)
    except CockpitError as exc:
        return HttpResponseBadRequest(str(exc))
    return render(request, "reports/cockpit.html", {"data": data})


@role_required(*REPORT_ROLES)
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
    response = HttpResponse(content, content_type=services.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = services.content_disposition(f"{name}.{fmt}")
    return response


@role_required(*REPORT_ROLES)
def white_paper_download(request):
    try:
        year = services.parse_year(request.GET.get("year"))
    except services.ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    return _download(request, services.white_paper_build, _("%(year)s年质量白皮书") % {"year": year}, year=year)


@role_required(*REPORT_ROLES)
def midterm_evaluation_download(request):
    try:
        plan, year = services.parse_plan_year(request.GET.get("plan"), request.GET.get("year"))
    except services.ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    return _download(request, services.midterm_evaluation_build, _("中期评估报告-%(code)s") % {"code": plan.code},
                     plan=plan, year=year)
