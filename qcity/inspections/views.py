"""Pages: the item list, the two directories, plans (build, draw, assignments, results, publication),
results, and an inspector's own assignments. Every list exports to xlsx with ?export=xlsx."""

import json

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.downloads import attachment_response
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.permissions import role_required
from qcity.core.roles import (
    MARKET_MANAGERS,
    MARKET_MANAGERS_AND_AUDITOR,
    MARKET_OFFICERS,
    MARKET_OFFICERS_AND_AUDITOR,
)
from qcity.core.steps import button_step_run, next_url, step_run
from qcity.core.tables import table_configure

from . import exports, selectors, services
from .draw import canonical_bytes
from .filters import (
    CaseLeadFilter,
    DrawnTargetFilter,
    InspectionItemFilter,
    InspectionPlanFilter,
    InspectionResultFilter,
    MyAssignmentFilter,
)
from .forms import (
    ConflictForm,
    DrawConfirmForm,
    InspectionPlanForm,
    InspectorForm,
    InspectorUpdateForm,
    ItemForm,
    PoolForm,
    ResultForm,
)
from .models import InspectionItem, PoolSnapshot
from .records import draw_record, draw_verify
from .tables import (
    CaseLeadTable,
    DrawnTargetTable,
    InspectionItemTable,
    InspectionPlanTable,
    InspectionResultTable,
    InspectorTable,
    MyAssignmentTable,
    TargetPoolTable,
)


def _units(user):
    return access.covered_org_units(user, MARKET_MANAGERS)


def _is_manager(user) -> bool:
    return access.has_role(user, *MARKET_MANAGERS)


def _on_fields(exc: ValidationError, **fields: str) -> ValidationError:
    """A service's error on the form field that holds its input (the service's `user` is the form's `username`)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({fields.get(name, name): errors for name, errors in exc.message_dict.items()})


# --- items ---------------------------------------------------------------------------------------------


def _item_page(request, *, form=None, status=200):
    filterset = InspectionItemFilter(request.GET, queryset=selectors.item_list(user=request.user))
    items = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if wants_export(request):
        return xlsx_export(request, exports.ITEMS, items)
    is_manager = _is_manager(request.user)
    if is_manager and form is None:
        form = ItemForm(units=_units(request.user))
    return render(request, "inspections/item_list.html", {"filter": filterset, "table": table_configure(request, InspectionItemTable(items)),
                                                          "form": form, "is_manager": is_manager}, status=status)


@role_required(*MARKET_OFFICERS)
@export_view
def item_list(request):
    return _item_page(request)


@role_required(*MARKET_MANAGERS)
@require_POST
def item_create(request):
    return step_run(request, ItemForm(request.POST, units=_units(request.user)),
                    lambda form: services.item_create(by=request.user, **form.cleaned_data),
                    success=lambda item: _("已添加抽查事项 %(code)s") % {"code": item.code},
                    done=reverse("inspections:item-list"), detail=lambda form: _item_page(request, form=form))


@role_required(*MARKET_MANAGERS)
@require_POST
def item_publish(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    return button_step_run(request, lambda: services.item_publish(item=item, by=request.user),
                           success=_("事项 %(code)s 已公开") % {"code": item.code}, done=reverse("inspections:item-list"))


# --- inspectors and conflicts ----------------------------------------------------------------------------------


def _inspector_page(request, *, form=None, status=200):
    inspectors = selectors.inspector_list(user=request.user)
    if wants_export(request):
        return xlsx_export(request, exports.INSPECTORS, inspectors)
    form = form or InspectorForm(units=_units(request.user))
    return render(request, "inspections/inspector_list.html",
                  {"table": table_configure(request, InspectorTable(inspectors)), "form": form}, status=status)


@role_required(*MARKET_MANAGERS)
@export_view
def inspector_list(request):
    return _inspector_page(request)


@role_required(*MARKET_MANAGERS)
@require_POST
def inspector_create(request):
    def create(form):
        data = form.cleaned_data
        try:
            return services.inspector_create(by=request.user, user=data["username"], badge_number=data["badge_number"],
                                             org_unit=data["org_unit"], qualifications=list(data["qualifications"]))
        except ValidationError as exc:
            raise _on_fields(exc, user="username") from exc

    return step_run(request, InspectorForm(request.POST, units=_units(request.user)), create,
                    success=lambda inspector: _("已加入名录库：%(name)s") % {"name": inspector},
                    done=lambda inspector: reverse("inspections:inspector-detail", args=[inspector.pk]),
                    detail=lambda form: _inspector_page(request, form=form))


def _inspector_detail(request, inspector, *, forms=None, status=200):
    forms = forms or {}
    conflicts = inspector.conflicts.select_related("enterprise")
    if wants_export(request):
        return xlsx_export(request, exports.inspector_conflict_columns(inspector), conflicts)
    context = {
        "inspector": inspector, "conflicts": conflicts,
        "update_form": forms.get("update") or InspectorUpdateForm(initial={
            "active": inspector.active, "qualifications": list(inspector.qualifications.all())}),
        "conflict_form": forms.get("conflict") or ConflictForm(),
    }
    return render(request, "inspections/inspector_detail.html", context, status=status)


@role_required(*MARKET_MANAGERS)
@export_view
def inspector_detail(request, pk):
    return _inspector_detail(request, selectors.inspector_get(user=request.user, pk=pk))


@role_required(*MARKET_MANAGERS)
@require_POST
def inspector_update(request, pk):
    inspector = selectors.inspector_get(user=request.user, pk=pk)
    return step_run(request, InspectorUpdateForm(request.POST),
                    lambda form: services.inspector_update(inspector=inspector, by=request.user,
                                                           active=form.cleaned_data["active"],
                                                           qualifications=list(form.cleaned_data["qualifications"])),
                    success=_("已保存"), done=reverse("inspections:inspector-detail", args=[pk]),
                    detail=lambda form: _inspector_detail(request, inspector, forms={"update": form}))


@role_required(*MARKET_MANAGERS)
@require_POST
def conflict_declare(request, pk):
    inspector = selectors.inspector_get(user=request.user, pk=pk)

    def declare(form):
        try:
            return services.conflict_declare(inspector=inspector, enterprise=form.cleaned_data["uscc"],
                                             reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            raise _on_fields(exc, enterprise="uscc") from exc

    return step_run(request, ConflictForm(request.POST), declare, success=_("已登记回避"),
                    done=reverse("inspections:inspector-detail", args=[pk]),
                    detail=lambda form: _inspector_detail(request, inspector, forms={"conflict": form}))


@role_required(*MARKET_MANAGERS)
@require_POST
def conflict_withdraw(request, pk):
    conflict = get_object_or_404(selectors.conflict_list(user=request.user), pk=pk)
    return button_step_run(request, lambda: services.conflict_withdraw(conflict=conflict, by=request.user),
                           success=_("已撤回回避申报"), done=reverse("inspections:inspector-detail",
                                                                  args=[conflict.inspector_id]))


# --- pools -------------------------------------------------------------------------------------------------


def _pool_page(request, *, form=None, status=200):
    pools = selectors.pool_list(user=request.user)
    rows = [(pool, pool.snapshots.defer("data").order_by("-id").first()) for pool in pools[:200]]
    if wants_export(request):
        return xlsx_export(request, exports.TARGET_POOLS, rows)
    form = form or PoolForm(units=_units(request.user))
    table = TargetPoolTable([{"pool": pool, "snapshot": snapshot} for pool, snapshot in rows])
    return render(request, "inspections/pool_list.html", {"table": table_configure(request, table, per_page=200),
                                                          "form": form}, status=status)


@role_required(*MARKET_MANAGERS)
@export_view
def pool_list(request):
    return _pool_page(request)


@role_required(*MARKET_MANAGERS)
@require_POST
def pool_create(request):
    def create(form):
        data = form.cleaned_data
        pool = services.pool_create(by=request.user, name=data["name"], org_unit=data["org_unit"],
                                    filter_org_units=list(data["filter_org_units"]), industry_codes=data["industry_codes"],
                                    entity_types=data["entity_types"], statuses=data["statuses"])
        return services.pool_snapshot_build(pool=pool, by=request.user)

    return step_run(request, PoolForm(request.POST, units=_units(request.user)), create,
                    success=_("已建立名录库并生成快照"), done=reverse("inspections:pool-list"),
                    detail=lambda form: _pool_page(request, form=form))


@role_required(*MARKET_MANAGERS)
@require_POST
def pool_build(request, pk):
    pool = selectors.pool_get(user=request.user, pk=pk)
    return button_step_run(request, lambda: services.pool_snapshot_build(pool=pool, by=request.user),
                           success=lambda snapshot: _("已生成快照：%(n)s 户") % {"n": snapshot.size},
                           done=reverse("inspections:pool-list"))


@role_required(*MARKET_MANAGERS_AND_AUDITOR)
def snapshot_download(request, pk):
    """Reveals risk classes (DOMAIN §3): officers of the pool's unit and the audit administrator."""
    snapshots = access.scope_filter(PoolSnapshot.objects.all(), user=request.user, roles=MARKET_MANAGERS_AND_AUDITOR,
                                    field="pool__org_unit")
    snapshot = get_object_or_404(snapshots, pk=pk)
    return attachment_response(canonical_bytes(bytes(snapshot.data)), f"pool-snapshot-{snapshot.sha256[:16]}.bin")


# --- plans ----------------------------------------------------------------------------------------------


@role_required(*MARKET_OFFICERS)
@export_view
def inspection_plan_list(request):
    filterset = InspectionPlanFilter(request.GET, queryset=selectors.inspection_plan_list(user=request.user))
    plans = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if wants_export(request):
        return xlsx_export(request, exports.INSPECTION_PLANS, plans)
    return render(request, "inspections/plan_list.html", {"filter": filterset, "table": table_configure(request, InspectionPlanTable(plans)),
                                                          "is_manager": _is_manager(request.user)})


def _plan_form_page(request, form, status=200):
    return render(request, "inspections/plan_form.html", {"form": form}, status=status)


@role_required(*MARKET_MANAGERS)
@require_http_methods(["GET", "POST"])
def inspection_plan_create(request):
    """GET: the plan form; POST: save the draft plan. The irreversible draw is a later step with its own
    preview and confirmation (`plan_draw`)."""
    units, pools = _units(request.user), selectors.pool_list(user=request.user)
    if request.method != "POST":
        today = timezone.localdate()
        return _plan_form_page(request, InspectionPlanForm(units=units, pools=pools, initial={
            "year": today.year, "period_start": today, "period_end": today.replace(month=12, day=31)}))
    return step_run(request, InspectionPlanForm(request.POST, units=units, pools=pools),
                    lambda form: services.inspection_plan_create(by=request.user, **form.service_kwargs()),
                    success=_("已建立抽查计划"),
                    done=lambda plan: reverse("inspections:inspection-plan-detail", args=[plan.pk]),
                    detail=lambda form: _plan_form_page(request, form))


def _inspection_plan_detail(request, plan, *, status=200, error=""):
    draw = getattr(plan, "draw", None) if hasattr(plan, "draw") else None
    targets = selectors.target_list(user=request.user, draw=draw).order_by("enterprise_id") if draw else []
    item_codes = {pi.item_id: pi.item.code for pi in plan.plan_items.all()}
    filterset = DrawnTargetFilter.for_page(request.GET, queryset=targets) if draw else None
    if wants_export(request):
        return xlsx_export(request, exports.assignment_columns(item_codes), filterset.qs if draw else targets)
    table = table_configure(request, DrawnTargetTable(filterset.qs, item_codes=item_codes)) if draw else None
    context = {"plan": plan, "draw": draw, "filter": filterset, "table": table,
               "item_codes": item_codes, "progress": selectors.plan_progress(plan=plan),
               "is_manager": selectors.may_manage(request.user, plan.org_unit),
               "may_download": access.has_role(request.user, *MARKET_MANAGERS_AND_AUDITOR), "error": error,
               "today": timezone.localdate()}
    return render(request, "inspections/plan_detail.html", context, status=status)


@role_required(*MARKET_OFFICERS)
@export_view
def inspection_plan_detail(request, pk):
    return _inspection_plan_detail(request, selectors.inspection_plan_get(user=request.user, pk=pk))


def _draw_confirm_page(request, plan, form):
    return render(request, "inspections/draw_confirm.html", {
        "plan": plan, "form": form, "preview": services.draw_preview(plan=plan)})


@role_required(*MARKET_MANAGERS)
@require_http_methods(["GET", "POST"])
def plan_draw(request, pk):
    """The draw in two steps: GET shows the preview (how many targets per risk class, how many inspector
    assignments) and asks for confirmation; only the confirmed POST draws (once, irreversibly)."""
    plan = selectors.inspection_plan_get(user=request.user, pk=pk)
    if request.method == "GET":
        if not selectors.may_manage(request.user, plan.org_unit) or hasattr(plan, "draw"):
            return redirect("inspections:inspection-plan-detail", pk=pk)
        return _draw_confirm_page(request, plan, DrawConfirmForm())
    return step_run(
        request, DrawConfirmForm(request.POST), lambda form: services.draw_run(plan=plan, by=request.user),
        success=lambda draw: _("已抽取 %(n)s 户，随机种子 %(seed)s") % {"n": sum(draw.sample_sizes.values()),
                                                                    "seed": draw.seed},
        done=reverse("inspections:inspection-plan-detail", args=[pk]),
        detail=lambda form: _draw_confirm_page(request, plan, form))


@role_required(*MARKET_MANAGERS)
@require_POST
def draw_publish(request, pk):
    draw = selectors.draw_get(user=request.user, pk=pk)
    return button_step_run(request, lambda: services.draw_publish(draw=draw, by=request.user),
                           success=_("抽取记录已公开"), done=reverse("inspections:inspection-plan-detail",
                                                                args=[draw.plan_id]))


@role_required(*MARKET_MANAGERS_AND_AUDITOR)
def draw_record_download(request, pk):
    """The full record (draw order per stratum, declared conflicts): officers and the audit admin."""
    draw = selectors.draw_get(user=request.user, pk=pk, roles=MARKET_MANAGERS_AND_AUDITOR)
    return attachment_response(json.dumps(draw_record(draw, full=True), ensure_ascii=False, indent=1).encode(),
                               f"draw-{draw.pk}-record.json", content_type="application/json")


@role_required(*MARKET_OFFICERS_AND_AUDITOR)
def draw_verify_page(request, pk):
    draw = selectors.draw_get(user=request.user, pk=pk, roles=MARKET_OFFICERS_AND_AUDITOR)
    return render(request, "inspections/draw_verify.html", {"draw": draw, "verification": draw_verify(draw)})


@role_required(*MARKET_MANAGERS)
@require_POST
def plan_results_publish(request, pk):
    plan = selectors.inspection_plan_get(user=request.user, pk=pk)
    return button_step_run(request, lambda: services.plan_results_publish(plan=plan, by=request.user),
                           success=lambda count: _("已公示 %(n)s 条检查结果") % {"n": count},
                           done=reverse("inspections:inspection-plan-detail", args=[pk]))


# --- targets and results -------------------------------------------------------------------------------------


def _target_page(request, target, *, form=None, status=200):
    items = InspectionItem.objects.filter(pk__in=target.item_ids)
    can_enter = selectors.target_can_enter_result(user=request.user, target=target)
    form = form or ResultForm(items=items, initial={"inspected_on": timezone.localdate()})
    return render(request, "inspections/target_detail.html",
                  {"target": target, "items": items, "results": target.results.all(), "form": form,
                   "can_enter": can_enter, "today": timezone.localdate(),
                   "is_manager": selectors.may_manage(request.user, target.draw.plan.org_unit)}, status=status)


@role_required(*MARKET_OFFICERS)
def target_detail(request, pk):
    return _target_page(request, selectors.target_get(user=request.user, pk=pk))


@role_required(*MARKET_OFFICERS)
@require_POST
def result_enter(request, pk):
    target = selectors.target_get(user=request.user, pk=pk)
    return step_run(request, ResultForm(request.POST, items=InspectionItem.objects.all()),
                    lambda form: services.result_enter(plan=target.draw.plan, enterprise=target.enterprise,
                                                       by=request.user, **form.cleaned_data),
                    success=_("已录入检查结果"), done=reverse("inspections:target-detail", args=[pk]),
                    detail=lambda form: _target_page(request, target, form=form))


@role_required(*MARKET_OFFICERS)
@export_view
def result_list(request):
    filterset = InspectionResultFilter(request.GET, queryset=selectors.result_list(user=request.user))
    results = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if wants_export(request):
        today = timezone.localdate()
        return xlsx_export(request, exports.result_columns(today), results)
    return render(request, "inspections/result_list.html",
                  {"filter": filterset, "today": timezone.localdate(),
                   "table": table_configure(request, InspectionResultTable(results, today=timezone.localdate())),
                   "overdue_count": selectors.result_overdue_list(user=request.user).count(),
                   "is_manager": _is_manager(request.user)})


@role_required(*MARKET_MANAGERS)
@require_POST
def result_publish(request, pk):
    result = get_object_or_404(selectors.result_list(user=request.user), pk=pk)
    return button_step_run(request, lambda: services.result_publish(result=result, by=request.user),
                           success=_("检查结果已公示"), done=next_url(request, "inspections:result-list"))


@role_required(*MARKET_MANAGERS)
@require_POST
def result_case_lead(request, pk):
    result = get_object_or_404(selectors.result_list(user=request.user), pk=pk)
    return button_step_run(request, lambda: services.result_mark_case_lead(
        result=result, by=request.user, note=request.POST.get("note", "")),
        success=_("已移送案件线索"), done=next_url(request, "inspections:result-list"))


@role_required(Role.INSPECTOR)
@export_view
def my_assignments(request):
    filterset = MyAssignmentFilter.for_page(request.GET, queryset=selectors.my_assignments(user=request.user))
    if wants_export(request):
        return xlsx_export(request, exports.MY_ASSIGNMENTS, filterset.qs)
    return render(request, "inspections/my_assignments.html",
                  {"filter": filterset, "table": table_configure(request, MyAssignmentTable(filterset.qs))})


# --- case leads -------------------------------------------------------------------------------------------


@role_required(*MARKET_OFFICERS)
@export_view
def case_lead_list(request):
    filterset = CaseLeadFilter.for_page(request.GET, queryset=selectors.case_lead_list(user=request.user))
    if wants_export(request):
        return xlsx_export(request, exports.CASE_LEADS, filterset.qs)
    return render(request, "inspections/case_lead_list.html",
                  {"filter": filterset, "table": table_configure(request, CaseLeadTable(filterset.qs)),
                   "is_manager": _is_manager(request.user)})


@role_required(*MARKET_OFFICERS)
@require_POST
def case_lead_close(request, pk):
    lead = selectors.case_lead_get(user=request.user, pk=pk)
    return button_step_run(request, lambda: services.case_lead_close(
        case_lead=lead, note=request.POST.get("note", ""), by=request.user),
        success=_("已登记线索处理结果"), done=next_url(request, "inspections:case-lead-list"))
