import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qcity.core import access
from qcity.core.downloads import attachment_response
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.forms import add_service_errors
from qcity.core.models import Department, OrgUnit
from qcity.core.permissions import role_required
from qcity.core.roles import OFFICE, PROGRAMME, STAFF
from qcity.core.selectors import org_root_and_children
from qcity.core.steps import button_step_run, next_url, step_run
from qcity.core.tables import table_configure
from qcity.core.uploads import request_too_large

from . import exports, quotes, selectors, services
from .choices import IndicatorDomain, IndicatorSource, ReportedValueStatus, TargetStatus
from .decomposition import decomposition_warnings, fmt_decimal
from .documents import PlanDocumentError
from .extraction import QUALITATIVE
from .filters import IndicatorFilter, IndicatorStatusFilter, ReportedValueFilter
from .forms import (
    COMPARATOR_CHOICES,
    DOMAIN_CHOICES,
    QUALITATIVE_COMPARATOR_CHOICES,
    PlanAcceptForm,
    PlanImportForm,
    ReasonForm,
    ReportedValueForm,
    StatusRuleForm,
    TargetDecompositionForm,
    TargetDecompositionImportForm,
    ValueImportForm,
    proposals_from_post,
)
from .models import Plan, PlanImport, ValueEvidence
from .services.decomposition import FIXED_HEADERS
from .services.values import Period
from .tables import ReportedValueTable, StatusBoardTable

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
    """The root and the units under it that the user may see values of, in display order: those the user
    covers, and in a province the city of a district officer. Staff outside the programme (inspectors,
    complaint handlers) open the board too: they see the root's progress."""
    root, children = org_root_and_children()
    prefixes = access.org_unit_scope(user, PROGRAMME)
    if prefixes is None:
        return [root, *children]
    return [unit for unit in children if any(p.startswith(unit.path) for p in prefixes)] or [root]


@role_required(*STAFF)
def indicator_detail(request, pk):
    indicator = get_object_or_404(selectors.indicator_list(), pk=pk)
    params = IndicatorStatusFilter.for_page(request.GET, queryset=Plan.objects.none()).form.cleaned_data
    year = params.get("year") or min(timezone.localdate().year - 1, indicator.plan.period_end)
    units = _scope_units(request.user)
    statuses = selectors.indicator_statuses(indicators=[indicator], org_units=units, year=year)
    history = selectors.indicator_value_history(indicators=[indicator], org_units=units,
                                                years=selectors.history_years(plans=[indicator.plan], year=year))
    trends = [(s, history.get((indicator.pk, s.org_unit.pk), [])) for s in statuses]
    values = (selectors.reported_value_list(user=request.user).filter(indicator=indicator).prefetch_related("evidence")
              .order_by("-year", "org_unit__path", "period_kind", "period_number")[:200])
    can_report = (indicator.source == IndicatorSource.REPORTED
                  and access.has_role(request.user, *PROGRAMME))
    resubmittable = {v.pk for v in values if selectors.reported_value_may_resubmit(value=v, user=request.user)}
    return render(request, "indicators/indicator_detail.html", {
        "indicator": indicator, "year": year, "statuses": statuses, "trends": trends, "values": values, "resubmittable": resubmittable,
        "years": range(indicator.plan.period_start, indicator.plan.period_end + 1), "can_report": can_report,
    })


DEFAULT_PLAN = "zz-2021-14th-fyp"


@role_required(*STAFF)
@export_view
def status_board(request):
    """Every indicator's status for one unit and year: sortable, filtered by domain, indicator and status,
    exported as xlsx; beside it the districts' ranking over the whole plan and the grading rule in force."""
    plans = list(selectors.plan_list())
    filterset = IndicatorStatusFilter.for_page(request.GET, queryset=selectors.indicator_list())
    params = filterset.form.cleaned_data
    plan = next((p for p in plans if p.code == params.get("plan")), None) or next(
        (p for p in plans if p.code == DEFAULT_PLAN), plans[0] if plans else None)
    if plan is None:
        raise Http404("no plans loaded")
    if plan.code != params.get("plan"):  # no plan or an unknown one: the default plan's indicators
        data = request.GET.copy()
        data["plan"] = plan.code
        filterset = IndicatorStatusFilter.for_page(data, queryset=selectors.indicator_list())
        params = filterset.form.cleaned_data
    year = params.get("year") or min(timezone.localdate().year - 1, plan.period_end)
    units = _scope_units(request.user)
    unit = next((u for u in units if u.pk == params.get("org_unit")), units[0])
    rule = selectors.status_rule_get()
    board = selectors.status_board_get(plan=plan, year=year, units=units, unit=unit, rule=rule)
    shown = set(filterset.qs.prefetch_related(None).values_list("pk", flat=True))
    mine = [row for row in board.rows if row.indicator.pk in shown]
    wanted_status = params.get("status") or ""
    rows = [row for row in mine if not wanted_status or row.status == wanted_status]
    if wants_export(request):
        return xlsx_export(request, exports.STATUS_BOARD, rows)
    table = table_configure(request, StatusBoardTable(rows), per_page=100)
    context = {
        "plans": plans, "plan": plan, "year": year, "years": range(plan.period_start, plan.period_end + 1),
        "units": units, "unit": unit, "table": table, "ranking": board.ranking, "statuses": TargetStatus.choices,
        "wanted_status": wanted_status, "filter": filterset, "rule": rule, "domains": IndicatorDomain.choices,
        "counts": selectors.status_counts(row.item for row in mine), "total": len(rows),
        "can_edit_rule": access.has_role(request.user, *OFFICE),
    }
    template = "indicators/partials/status_rows.html" if request.htmx else "indicators/status_board.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE)
def status_rule_edit(request):
    """The office's grading parameters (`services.status_rule_update`): a bad value is a 400 naming the field."""
    rule = selectors.status_rule_get()
    initial = {"on_track_tolerance": rule.on_track_tolerance, "at_risk_share": rule.at_risk_share}
    form = StatusRuleForm(request.POST or None, initial=initial)

    def page(bound_form):
        return render(request, "indicators/status_rule.html", {"form": bound_form, "rule": rule})

    if request.method == "POST":
        return step_run(request, form, lambda f: services.status_rule_update(by=request.user, **f.cleaned_data),
                        success=_("评价规则已保存"), done=reverse("indicators:status"), detail=page)
    return page(form)


@role_required(*PROGRAMME)
@export_view
def reported_value_list(request):
    """The values queue: sortable, filtered by status, year, unit and indicator (every link keeps the
    filters), with who reported each value and when."""
    default = ReportedValueStatus.SUBMITTED if access.has_role(request.user, *OFFICE) else ""
    filterset = ReportedValueFilter.for_page(request.GET, defaults={"status": default},
                                             queryset=selectors.reported_value_list(user=request.user))
    values = filterset.qs.prefetch_related("indicator__departments").order_by("-submitted_at", "pk")
    if wants_export(request):
        return xlsx_export(request, exports.REPORTED_VALUES, values)
    table = table_configure(request, ReportedValueTable(values, user=request.user,
                                                        can_approve=access.has_role(request.user, *OFFICE)))
    context = {"table": table, "filter": filterset}
    template = "indicators/partials/value_rows.html" if request.htmx else "indicators/value_list.html"
    return render(request, template, context)


def _value_form_page(request, form, *, returned=None, status=200):
    return render(request, "indicators/value_form.html", {
        "form": form, "returned": returned, "last_value": form.last_approved_value()}, status=status)


def _value_submit(request, form, *, returned=None):
    """Validate the value form and submit through the service (a returned value: the same period's row,
    so the service moves it back to submitted); 400 with the errors on the form."""
    if form.is_valid():
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
    return _value_form_page(request, form, returned=returned, status=400)


@require_http_methods(["GET", "POST"])
@role_required(*PROGRAMME)
def reported_value_create(request):
    if request.method == "POST" and (too_large := request_too_large(request)):
        messages.error(request, too_large)
        return redirect("indicators:value-create")
    initial = {"indicator": request.GET.get("indicator"), "year": timezone.localdate().year - 1}
    form = ReportedValueForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST":
        return _value_submit(request, form)
    return _value_form_page(request, form)


@require_http_methods(["GET", "POST"])
@role_required(*PROGRAMME)
def reported_value_resubmit(request, pk):
    """A returned value opened again in the form, pre-filled, with the return reason; only for those
    who may report it (`selectors.reported_value_may_resubmit`), else 404 like a value out of scope."""
    returned = get_object_or_404(selectors.reported_value_list(user=request.user), pk=pk)
    if not selectors.reported_value_may_resubmit(value=returned, user=request.user):
        raise Http404("not a returned value the user may report")
    if request.method == "POST" and (too_large := request_too_large(request)):
        messages.error(request, too_large)
        return redirect("indicators:value-resubmit", pk=pk)
    form = ReportedValueForm(request.POST or None, request.FILES or None, user=request.user,
                             initial=ReportedValueForm.initial_from(returned))
    if request.method == "POST":
        return _value_submit(request, form, returned=returned)
    return _value_form_page(request, form, returned=returned)


@role_required(*PROGRAMME)
def reported_value_last(request):
    """HTMX partial of the value form: the last approved value of the indicator and unit chosen."""
    form = ReportedValueForm(request.GET, user=request.user)
    return render(request, "indicators/partials/last_value.html", {"last_value": form.last_approved_value()})


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
        table = ReportedValueTable(selectors.reported_value_list(user=request.user).filter(pk=value.pk),
                                   user=request.user, can_approve=True)
        return render(request, "indicators/partials/value_row.html", {"table": table}, status=status)
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
        "domains": DOMAIN_CHOICES, "qualitative_comparators": QUALITATIVE_COMPARATOR_CHOICES,
        "qualitative_count": sum(p.get("kind") == QUALITATIVE for p in record.proposals),
    }, status=status)


# --- target decomposition (指标分解): the office's table, edit, confirm, import ----------------------------

def _decomposition_plan_year(request) -> tuple[Plan, int, list[int]]:
    """The plan (`?plan=` code, else the current 14th-FYP plan) and target year (`?year=`, else its last)."""
    plans = list(selectors.plan_list())
    params = IndicatorStatusFilter.for_page(request.GET, queryset=Plan.objects.none()).form.cleaned_data
    plan = next((p for p in plans if p.code == params.get("plan")), None) or next(
        (p for p in plans if p.code == DEFAULT_PLAN), plans[0] if plans else None)
    if plan is None:
        raise Http404("no plans loaded")
    years = selectors.decomposition_years(plan=plan)
    year = params.get("year") if params.get("year") in years else (years[-1] if years else plan.period_end)
    return plan, year, years


@export_view
@role_required(*OFFICE)
def target_decomposition_table(request):
    """Rows = the plan's indicators with a target in the year, columns = the districts; departments' shares,
    the remainder and the status per row; `?export=xlsx` takes the table out in the import's layout."""
    plan, year, years = _decomposition_plan_year(request)
    _city, districts = org_root_and_children()
    rows = selectors.target_decomposition_table(plan=plan, year=year, districts=districts)
    departments = sorted({d for row in rows for d, _v in row.department_values}, key=lambda d: (d.sort_order, d.pk))
    if wants_export(request):
        return xlsx_export(request, exports.target_decomposition_columns(districts=districts, departments=departments),
                           rows)
    return render(request, "indicators/decomposition_table.html", {
        "plan": plan, "plans": selectors.plan_list(), "year": year, "years": years, "districts": districts,
        "rows": rows, "confirmed": sum(1 for r in rows if r.decomposition and r.decomposition.is_confirmed),
    })


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE)
def target_decomposition_edit(request, pk, year):
    indicator = get_object_or_404(selectors.indicator_list(), pk=pk)
    target = next((t for t in indicator.targets.all() if t.year == year), None)
    if target is None:
        raise Http404("no target in this year")
    _city, districts = org_root_and_children()
    departments = list(Department.objects.order_by("sort_order", "pk"))
    current = selectors.target_decomposition_list().filter(indicator=indicator, year=year).first()
    initial = {"decomposition": indicator.decomposition, "note": current.note if current else ""}
    for unit_target in current.unit_targets.all() if current else []:
        key = f"org_unit_{unit_target.org_unit_id}" if unit_target.org_unit_id else f"department_{unit_target.department_id}"
        initial[key] = fmt_decimal(unit_target.value)
    form = TargetDecompositionForm(request.POST or None, initial=initial, districts=districts, departments=departments)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            inputs, names = form.target_inputs()
            try:
                with transaction.atomic():
                    services.indicator_decomposition_set(indicator=indicator, kind=form.cleaned_data["decomposition"],
                                                         by=request.user)
                    saved = services.target_decomposition_save(indicator=indicator, year=year, targets=inputs,
                                                               note=form.cleaned_data["note"], by=request.user)
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    index = int(key[len("targets["):-1]) if key.startswith("targets[") else None
                    form.add_error(names[index] if index is not None and index < len(names) else None, errors)
            else:
                for warning in saved.warnings:
                    messages.warning(request, warning)
                messages.success(request, _("已保存为草稿") if saved.changed else _("没有变化"))
                return redirect(f"{reverse('indicators:decomposition-table')}?plan={indicator.plan.code}&year={year}")
    return render(request, "indicators/decomposition_form.html", {
        "indicator": indicator, "target": target, "year": year, "form": form, "decomposition": current,
        "warnings": decomposition_warnings(
            indicator=indicator, target=target,
            district_values=[u.value for u in current.unit_targets.all() if u.org_unit_id] if current else [],
            department_values=[u.value for u in current.unit_targets.all() if u.department_id] if current else []),
    }, status=status)


@require_POST
@role_required(*OFFICE)
def target_decomposition_confirm(request, pk):
    decomposition = get_object_or_404(selectors.target_decomposition_list(), pk=pk)
    done = f"{reverse('indicators:decomposition-table')}?plan={decomposition.indicator.plan.code}&year={decomposition.year}"
    return button_step_run(request, lambda: services.target_decomposition_confirm(decomposition=decomposition,
                                                                                  by=request.user),
                           success=_("已确认指标分解"), done=done)


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE)
def target_decomposition_import(request):
    form = TargetDecompositionImportForm(request.POST or None, request.FILES or None,
                                         initial={"plan": _decomposition_plan_year(request)[0]})
    errors, status = [], 200
    if request.method == "POST":
        status = 400
        if too_large := request_too_large(request):
            errors = [too_large]
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            plan = form.cleaned_data["plan"]
            try:
                saved = services.target_decompositions_import(plan=plan, data=upload.read(), by=request.user,
                                                              name=upload.name)
            except ValidationError as exc:
                errors = exc.messages
            else:
                for item in saved:
                    for warning in item.warnings:
                        messages.warning(request, f"{item.decomposition.indicator.code}：{warning}")
                messages.success(request, _("已导入 %(count)s 行，均保存为草稿") % {"count": len(saved)})
                return redirect(f"{reverse('indicators:decomposition-table')}?plan={plan.code}")
    return render(request, "indicators/decomposition_import.html",
                  {"form": form, "errors": errors, "headers": FIXED_HEADERS}, status=status)
