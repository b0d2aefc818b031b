import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qcity.core import access
from qcity.core.downloads import attachment_response
from qcity.core.forms import add_service_errors
from qcity.core.models import OrgUnit
from qcity.core.pagination import CappedPaginator
from qcity.core.permissions import role_required
from qcity.core.roles import OFFICE, PROGRAMME, STAFF
from qcity.core.selectors import city_and_districts
from qcity.core.steps import next_url
from qcity.core.uploads import request_too_large

from . import quotes, selectors, services
from .choices import IndicatorDomain, IndicatorSource, ReportedValueStatus, TargetStatus
from .documents import PlanDocumentError
from .filters import IndicatorFilter, IndicatorStatusFilter, ReportedValueFilter
from .forms import (
    COMPARATOR_CHOICES,
    DOMAIN_CHOICES,
    PlanAcceptForm,
    PlanImportForm,
    ReasonForm,
    ReportedValueForm,
    ValueImportForm,
    proposals_from_post,
)
from .models import Plan, PlanImport, ValueEvidence
from .services.values import Period

PERIOD_IN_TITLE = re.compile(r"((?:19|20)\d\d)\s*[—–\-~～至到]+\s*((?:19|20)\d\d)")  # i18n-ignore: parses titles


@role_required(*STAFF)
def plan_list(request):
    return render(request, "indicators/plan_list.html", {
        "plans": selectors.plan_list(),
        "can_import": access.has_role(request.user, *OFFICE),
    })


def _marked_text(plan: Plan, indicators) -> str:
    """The plan text with each quoted span (targets, and the tasks split from the plan) wrapped in
    <mark id="q<offset>">, so indicators and tasks link to their sentence."""
    spans = sorted({(i.quote_start, i.quote_start + len(i.quote)) for i in indicators if i.quote_start is not None}
                   | quotes.quoted_spans(plan=plan))  # the tasks' spans: workplan registers them
    marks, reach = [], -1
    for begin, finish in spans:  # highlight non-overlapping spans; every start still gets an anchor
        if begin >= reach:
            marks.append((begin, finish))
            reach = finish
    cuts = sorted({0, len(plan.text)} | {b for b, _ in spans} | {f for _, f in marks})
    opening = {b: f for b, f in marks}
    closing = {f for _, f in marks}
    anchors = {b for b, _ in spans}
    out = []
    for begin, finish in zip(cuts, cuts[1:], strict=False):
        if begin in closing:
            out.append("</mark>")
        if begin in opening:
            out.append(f'<mark id="q{begin}">')
        elif begin in anchors:
            out.append(f'<span id="q{begin}"></span>')
        out.append(escape(plan.text[begin:finish]))
    if len(plan.text) in closing:
        out.append("</mark>")
    return mark_safe("".join(out))


@role_required(*STAFF)
def plan_detail(request, code):
    plan = get_object_or_404(Plan, code=code)
    indicators = list(selectors.indicator_list(plan=plan))
    # the tabs filter the indicators already loaded for the marked text: no second query
    domain = IndicatorFilter.for_page(request.GET, queryset=Plan.objects.none()).form.cleaned_data.get("domain") or ""
    shown = [i for i in indicators if not domain or i.domain == domain]
    return render(request, "indicators/plan_detail.html", {
        "plan": plan, "indicators": shown, "domains": IndicatorDomain.choices, "domain": domain,
        "target_count": sum(len(i.targets.all()) for i in indicators), "marked_text": _marked_text(plan, indicators),
    })


def _scope_units(user) -> list[OrgUnit]:
    """The city and its districts that the user may see values of, in display order. Staff outside the
    programme (inspectors, complaint handlers) open the board too: they see the city's progress."""
    city, districts = city_and_districts()
    covered = set(access.covered_org_units(user, PROGRAMME).values_list("pk", flat=True))
    return [unit for unit in (city, *districts) if unit.pk in covered] or [city]


@role_required(*STAFF)
def indicator_detail(request, pk):
    indicator = get_object_or_404(selectors.indicator_list(), pk=pk)
    params = IndicatorStatusFilter.for_page(request.GET, queryset=Plan.objects.none()).form.cleaned_data
    year = params.get("year") or min(timezone.localdate().year - 1, indicator.plan.period_end)
    units = _scope_units(request.user)
    statuses = selectors.indicator_statuses(indicators=[indicator], org_units=units, year=year)
    values = (selectors.reported_value_list(user=request.user).filter(indicator=indicator).prefetch_related("evidence")
              .order_by("-year", "org_unit__path", "period_kind", "period_number")[:200])
    can_report = (indicator.source == IndicatorSource.REPORTED
                  and access.has_role(request.user, *PROGRAMME))
    return render(request, "indicators/indicator_detail.html", {
        "indicator": indicator, "year": year, "statuses": statuses, "values": values,
        "years": range(indicator.plan.period_start, indicator.plan.period_end + 1), "can_report": can_report,
    })


@role_required(*STAFF)
def status_board(request):
    plans = list(selectors.plan_list())
    params = IndicatorStatusFilter.for_page(request.GET, queryset=Plan.objects.none()).form.cleaned_data
    plan = next((p for p in plans if p.code == params.get("plan")), None) or next(
        (p for p in plans if p.code == "zz-2021-14th-fyp"), plans[0] if plans else None)
    if plan is None:
        raise Http404("no plans loaded")
    year = params.get("year") or min(timezone.localdate().year - 1, plan.period_end)
    units = _scope_units(request.user)
    unit = next((u for u in units if u.pk == params.get("org_unit")), units[0])
    indicators = list(selectors.indicator_list(plan=plan))
    statuses = selectors.indicator_statuses(indicators=indicators, org_units=units, year=year)
    ranking = selectors.unit_ranking([s for s in statuses if s.org_unit.parent_id is not None])
    wanted_status = params.get("status") or ""
    rows = [s for s in statuses if s.org_unit.pk == unit.pk and (not wanted_status or s.status == wanted_status)]
    context = {
        "plans": plans, "plan": plan, "year": year, "years": range(plan.period_start, plan.period_end + 1),
        "units": units, "unit": unit, "rows": rows, "ranking": ranking, "statuses": TargetStatus.choices,
        "wanted_status": wanted_status,
        "counts": selectors.status_counts(s for s in statuses if s.org_unit.pk == unit.pk),
    }
    template = "indicators/partials/status_rows.html" if request.htmx else "indicators/status_board.html"
    return render(request, template, context)


@role_required(*PROGRAMME)
def reported_value_list(request):
    default = ReportedValueStatus.SUBMITTED if access.has_role(request.user, *OFFICE) else ""
    filterset = ReportedValueFilter.for_page(request.GET, defaults={"status": default},
                                             queryset=selectors.reported_value_list(user=request.user))
    page = CappedPaginator(filterset.qs.order_by("-submitted_at", "pk"), 50).get_page(request.GET.get("page"))
    context = {"page": page, "status": filterset.form.cleaned_data.get("status") or "", "filter": filterset, "statuses": ReportedValueStatus.choices,
               "can_approve": access.has_role(request.user, *OFFICE)}
    template = "indicators/partials/value_rows.html" if request.htmx else "indicators/value_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@role_required(*PROGRAMME)
def reported_value_create(request):
    if request.method == "POST" and (too_large := request_too_large(request)):
        messages.error(request, too_large)
        return redirect("indicators:value-create")
    initial = {"indicator": request.GET.get("indicator"), "year": timezone.localdate().year - 1}
    form = ReportedValueForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                value = services.reported_value_submit(
                    indicator=data["indicator"], org_unit=data["org_unit"], by=request.user, note=data["note"],
                    period=Period(data["period_kind"], data["year"], data["period_number"]), value=data["value"])
                if data["evidence"]:
                    services.reported_value_evidence_attach(value=value, file=data["evidence"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已提交：%(value)s") % {"value": value})
            return redirect("indicators:indicator-detail", pk=value.indicator_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "indicators/value_form.html", {"form": form}, status=status)


@role_required(*PROGRAMME)
def evidence_download(request, pk):
    """A supporting document, only for users whose scope covers the value's org unit."""
    evidence = get_object_or_404(ValueEvidence.objects.filter(
        reported_value__in=selectors.reported_value_list(user=request.user)), pk=pk)
    return attachment_response(evidence.file, evidence.original_name)


_TRANSITIONS = {
    "review": (services.reported_value_review, False, gettext_lazy("已审核")),
    "approve": (services.reported_value_approve, False, gettext_lazy("已审定")),
    "return": (services.reported_value_return, True, gettext_lazy("已退回")),
    "reopen": (services.reported_value_reopen, True, gettext_lazy("已重开")),
}


@require_POST
@role_required(*OFFICE)
def reported_value_transition(request, pk, action):
    value = get_object_or_404(selectors.reported_value_list(user=request.user), pk=pk)
    service, needs_reason, done = _TRANSITIONS[action]
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason") or (request.htmx.prompt if request.htmx else "") or ""
    kwargs = {"reason": reason} if needs_reason else {}
    status = 200
    try:
        value = service(value=value, by=request.user, **kwargs)
        messages.success(request, f"{done}：{value}")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        status = 400
    if request.htmx:
        return render(request, "indicators/partials/value_row.html", {"value": value, "can_approve": True},
                      status=status)
    return redirect(next_url(request, "indicators:value-list"))


@require_http_methods(["GET", "POST"])
@role_required(*PROGRAMME)
def reported_value_import(request):
    form = ValueImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST":
        if too_large := request_too_large(request):
            errors, status = [too_large], 400
        elif form.is_valid():
            try:
                upload = form.cleaned_data["file"]
                count = services.reported_values_import(plan=form.cleaned_data["plan"], data=upload.read(),
                                                        by=request.user, name=upload.name)
            except ValidationError as exc:
                errors, status = exc.messages, 400
            else:
                messages.success(request, _("已导入 %(count)s 条数据") % {"count": count})
                return redirect("indicators:value-list")
        else:
            status = 400
    return render(request, "indicators/value_import.html",
                  {"form": form, "errors": errors, "headers": services.values.IMPORT_HEADERS}, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE)
def plan_import(request):
    form = PlanImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if too_large := request_too_large(request):
            form.add_error("file", too_large)
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = services.plan_import_create(name=upload.name, data=upload.read(),
                                                     title=form.cleaned_data["title"], by=request.user)
            except PlanDocumentError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("indicators:plan-import-review", pk=record.pk)
        status = 400
    return render(request, "indicators/plan_import.html",
                  {"form": form, "imports": PlanImport.objects.select_related("plan")[:20]}, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE)
def plan_import_review(request, pk):
    record = get_object_or_404(PlanImport, pk=pk)
    years = [p["year"] for p in record.proposals if p.get("year")]
    period = PERIOD_IN_TITLE.search(record.title)
    initial = {"title": record.title,
               "period_start": int(period[1]) if period else min(years, default=timezone.localdate().year),
               "period_end": int(period[2]) if period else max(years, default=timezone.localdate().year)}
    form = PlanAcceptForm(request.POST or None, initial=initial)
    errors, status = [], 200
    if request.method == "POST" and form.is_valid():
        accepted = proposals_from_post(request.POST, len(record.proposals))
        try:
            plan = services.plan_create_from_import(plan_import=record, accepted=accepted, by=request.user,
                                                    **form.cleaned_data)
        except ValidationError as exc:
            errors = [f"{k}: {'；'.join(v)}" for k, v in exc.message_dict.items()]
        else:
            messages.success(request, _("已创建规划，共 %(count)s 项目标") % {"count": len(accepted)})
            return redirect("indicators:plan-detail", code=plan.code)
    if request.method == "POST":
        status = 400
    return render(request, "indicators/plan_import_review.html", {
        "record": record, "form": form, "errors": errors, "comparators": COMPARATOR_CHOICES,
        "domains": DOMAIN_CHOICES,
    }, status=status)
