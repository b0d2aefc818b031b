"""Assessment pages: schemes, their items and adjustments, runs, results with breakdowns, the quality index.

Managing (create, edit, adjust, run, publish) is the leadership office's; district officers and
department reporters read published rankings and their own breakdown (rules in selectors).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.exports import XLSX_CONTENT_TYPE, export_response, export_view, wants_export, xlsx_export
from qcity.core.fields import parse_int
from qcity.core.forms import service_error_text
from qcity.core.models import OrgUnit
from qcity.core.permissions import role_required
from qcity.core.roles import OFFICE, PROGRAMME
from qcity.core.selectors import org_root_and_children
from qcity.core.steps import step_run
from qcity.core.tables import table_configure

from . import exports, scoring, selectors, services
from .choices import AssessmentSchemeStatus, AssessmentSubjectKind, SchemeItemKind, SchemeItemScoringRule
from .filters import QualityIndexFilter
from .forms import AdjustmentForm, SchemeCreateForm, SchemeGroupForm, SchemeSettingsForm
from .models import Adjustment
from .tables import QualityIndexTable, SchemeTable


def _scheme_list_page(request, form):
    table = table_configure(request, SchemeTable(selectors.scheme_list(user=request.user)))
    return render(request, "assessment/scheme_list.html", {
        "table": table, "can_manage": selectors.is_manager(request.user), "form": form or SchemeCreateForm()})


@role_required(*PROGRAMME)
def scheme_list(request):
    return _scheme_list_page(request, None)


@role_required(*OFFICE)
@require_POST
def scheme_create(request):
    return step_run(request, SchemeCreateForm(request.POST),
                    lambda form: services.scheme_create_default(year=form.cleaned_data["year"],
                                                                name=form.cleaned_data["name"], by=request.user),
                    success=lambda scheme: _("已生成考核方案：%(name)s") % {"name": scheme.name},
                    done=lambda scheme: reverse("assessment:scheme-detail", args=[scheme.pk]),
                    detail=lambda form: _scheme_list_page(request, form))


def _detail(request, scheme, *, adjustment_form=None, settings_form=None, errors=None, status=200):
    can_manage = selectors.is_manager(request.user)
    items = list(scheme.items.select_related("indicator__plan"))
    groups = selectors.scheme_groups(scheme=scheme, items=items)
    adjustments = (Adjustment.objects.filter(item__scheme=scheme).select_related("item", "org_unit", "department")
                   if can_manage else Adjustment.objects.none())
    context = {
        "scheme": scheme, "groups": groups, "can_manage": can_manage,
        "extra_items": [i for i in items if i.group_id is None],
        "group_total": sum((g.weight for g in groups), 0),
        "weight_problems": services.scheme_weight_problems(scheme) if errors is None else {},
        "editable": can_manage and scheme.status == AssessmentSchemeStatus.DRAFT,
        "weights": {"bonus": sum((i.weight for i in items if i.kind == SchemeItemKind.BONUS), 0)},
        "rules": SchemeItemScoringRule.choices, "adjustments": adjustments, "errors": errors or {},
        "result_count": scheme.results.count(),
    }
    if can_manage:
        context["adjustment_form"] = adjustment_form or AdjustmentForm(scheme=scheme)
        context["settings_form"] = settings_form or SchemeSettingsForm(initial={
            f: getattr(scheme, f) for f in SchemeSettingsForm.base_fields})
    return render(request, "assessment/scheme_detail.html", context, status=status)


@role_required(*PROGRAMME)
def scheme_detail(request, pk):
    return _detail(request, selectors.scheme_get(user=request.user, pk=pk))


@role_required(*OFFICE)
@require_POST
def scheme_settings(request, pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    form = SchemeSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.scheme_update(scheme=scheme, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("方案设置已保存"))
            return redirect("assessment:scheme-detail", pk=scheme.pk)
    scheme.refresh_from_db()
    return _detail(request, scheme, settings_form=form, status=400)


@role_required(*OFFICE)
@require_POST
def scheme_items_save(request, pk):
    """The grouped editor posts group_<id> (group weights), weight_<id> (an item's own points, empty for an
    equal share), rule_<id> and move_<id> (the item's group); all are saved or none, and the groups must
    add up to 100."""
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    fields: dict[str, dict[int, str]] = {"group": {}, "weight": {}, "rule": {}, "move": {}}
    for key, value in request.POST.items():
        name, _sep, item_id = key.partition("_")
        if name in fields and (number := parse_int(item_id)) is not None:
            fields[name][number] = value.strip()
    try:
        changed = services.scheme_items_update(scheme=scheme, by=request.user, weights=fields["weight"],
                                               rules=fields["rule"], groups=fields["group"], moves=fields["move"])
    except ValidationError as exc:
        return _detail(request, scheme, errors=exc.message_dict, status=400)
    messages.success(request, _("已保存 %(n)s 个考核项的修改") % {"n": changed})
    return redirect("assessment:scheme-detail", pk=scheme.pk)


@role_required(*OFFICE)
@require_POST
def scheme_group_add(request, pk):
    """A new, empty group of weight 0; items are moved into it and the weights rebalanced afterwards."""
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    form = SchemeGroupForm(request.POST)
    if form.is_valid():
        try:
            group = services.scheme_group_create(scheme=scheme, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as exc:
            return _detail(request, scheme, errors=exc.message_dict, status=400)
        messages.success(request, _("已新增分组：%(group)s") % {"group": group.name})
        return redirect("assessment:scheme-detail", pk=scheme.pk)
    return _detail(request, scheme, errors={"name": list(form.errors["name"])}, status=400)


@role_required(*OFFICE)
@require_POST
def adjustment_add(request, pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    form = AdjustmentForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            services.adjustment_create(item=form.cleaned_data["item"], by=request.user,
                                       reason=form.cleaned_data["reason"], points=form.cleaned_data["points"] or 0,
                                       evidence=form.cleaned_data["evidence"], **form.subject_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记，重新测算后计入结果"))
            return redirect("assessment:scheme-detail", pk=scheme.pk)
    return _detail(request, scheme, adjustment_form=form, status=400)


@role_required(*OFFICE)
@require_POST
def adjustment_remove(request, pk, adjustment_pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    adjustment = get_object_or_404(Adjustment, pk=adjustment_pk, item__scheme=scheme)
    services.adjustment_delete(adjustment=adjustment, by=request.user)
    messages.success(request, _("已删除，重新测算后生效"))
    return redirect("assessment:scheme-detail", pk=scheme.pk)


@role_required(*OFFICE)
@require_POST
def scheme_run(request, pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    results = services.assessment_run(scheme=scheme, by=request.user)
    messages.success(request, _("测算完成：%(n)s 个考核对象") % {"n": len(results)})
    return redirect("assessment:scheme-results", pk=scheme.pk)


@role_required(*OFFICE)
@require_POST
def scheme_publish(request, pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    try:
        services.scheme_publish(scheme=scheme, by=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("方案已发布"))
    return redirect("assessment:scheme-detail", pk=scheme.pk)


@role_required(*PROGRAMME)
@export_view
def scheme_results(request, pk):
    if wants_export(request, "xlsx") or wants_export(request, "docx"):
        return _scheme_export(request, pk, request.GET["export"])
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    results = list(selectors.result_list(user=request.user, scheme=scheme).defer("breakdown"))
    return render(request, "assessment/scheme_results.html", {
        "scheme": scheme, "can_manage": selectors.is_manager(request.user),
        "districts": [r for r in results if r.subject_kind == AssessmentSubjectKind.DISTRICT],
        "departments": [r for r in results if r.subject_kind == AssessmentSubjectKind.DEPARTMENT],
        "openable": selectors.own_results(user=request.user, results=results),
    })


def _scheme_export(request, pk, fmt):
    """The ranking and every breakdown: for the office only (a file holds every subject's breakdown)."""
    if not selectors.is_manager(request.user):
        raise access.deny(request.user, action="export assessment results")
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    results = list(selectors.result_list(user=request.user, scheme=scheme))
    if not results:
        raise Http404(_("尚未测算"))
    if fmt == "xlsx":
        content, content_type = exports.results_xlsx(scheme, results), XLSX_CONTENT_TYPE
    else:
        content, content_type = exports.results_docx(scheme, results), exports.DOCX_CONTENT_TYPE
    return export_response(request, content, f"assessment-{scheme.year}-{scheme.pk}.{fmt}",
                           what=f"assessment results {fmt}", obj=scheme, rows=len(results), content_type=content_type)


@role_required(*PROGRAMME)
def result_detail(request, pk):
    result = selectors.result_get(user=request.user, pk=pk)
    lines = result.breakdown
    return render(request, "assessment/result_detail.html", {
        "result": result, "scheme": result.scheme,
        "base_lines": [line for line in lines
                       if line["kind"] in (SchemeItemKind.INDICATOR, SchemeItemKind.TASKS) and not line.get("excluded")],
        "left_out_lines": [line for line in lines if line.get("excluded")],
        "note_lines": [line for line in lines if line["kind"] in scoring.NOTE_KINDS],
        "extra_lines": [line for line in lines if line["kind"] in (SchemeItemKind.BONUS, SchemeItemKind.VETO)],
    })


# --- quality index ------------------------------------------------------------------------------------------


def index_years() -> range:
    """The years with approved values (at most the last ten), for the year picker and the trend."""
    return selectors.quality_index_years()


@role_required(*PROGRAMME)
@export_view
def quality_index_page(request):
    city, children = org_root_and_children()
    units = [city, *children]
    params = QualityIndexFilter.for_page(request.GET, queryset=OrgUnit.objects.none()).form.cleaned_data
    own = next((u for u in units if u.parent_id and access.covers(request.user, u, [Role.DISTRICT_OFFICER])), None)
    unit_id = params.get("org_unit") or (own or city).pk
    unit = next((u for u in units if u.pk == unit_id), city)
    index = selectors.quality_index_view(year=params.get("year"), units=units, unit=unit)
    years, year, rows, trend = index.years, index.year, index.rows, index.trend
    if wants_export(request):
        return xlsx_export(request, exports.QUALITY_INDEX, rows)
    table = table_configure(request, QualityIndexTable(rows, highlight=unit.pk))
    chart = {
        "unit": unit.name, "years": list(years),
        "series": [{"key": key, "name": str(label), "values": [_float(getattr(r, key)) for r in trend]}
                   for key, label in INDEX_SERIES],
    }
    return render(request, "assessment/quality_index.html", {
        "years": years, "year": year, "units": units, "unit": unit, "rows": rows, "chart": chart, "table": table,
        "series": INDEX_SERIES,
    })


INDEX_SERIES = [("total", gettext_lazy("总指数")), ("product", gettext_lazy("产品质量")),
                ("engineering", gettext_lazy("工程质量")), ("service", gettext_lazy("服务质量")),
                ("environment", gettext_lazy("环境质量"))]


def _float(value):
    return float(value) if value is not None else None


@role_required(*PROGRAMME)
@require_http_methods(["GET"])
def scheme_redirect_latest(request):
    scheme = selectors.scheme_list(user=request.user).filter(status=AssessmentSchemeStatus.PUBLISHED).first()
    if scheme is None:
        return redirect("assessment:scheme-list")
    return redirect("assessment:scheme-results", pk=scheme.pk)
