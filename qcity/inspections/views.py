"""Pages: the item list, the two directories, plans (build, draw, assignments, results, publication),
results, and an inspector's own assignments. Every list exports to xlsx with ?export=xlsx."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core import access, deadlines
from qcity.core.choices import Role
from qcity.core.exports import xlsx_export
from qcity.core.forms import add_service_errors, service_error_text
from qcity.core.pagination import CappedPaginator
from qcity.core.permissions import role_required

from . import selectors, services
from .draw import canonical_bytes
from .filters import InspectionItemFilter, InspectionPlanFilter, InspectionResultFilter
from .forms import ConflictForm, InspectorForm, InspectorUpdateForm, ItemForm, PlanForm, PoolForm, ResultForm
from .models import InspectionItem, PoolSnapshot
from .records import draw_record, draw_verify
from .selectors import MANAGER_ROLES, SNAPSHOT_ROLES, VIEWER_ROLES


def _units(user):
    return access.covered_org_units(user, MANAGER_ROLES)


def _is_manager(user) -> bool:
    return access.has_role(user, *MANAGER_ROLES)


def _xlsx(request, name: str, headings, rows):
    return xlsx_export(by=request.user, name=name, sheet=name, headings=headings, rows=rows,
                       object_type=f"inspections.{name}")


def _wants_xlsx(request) -> bool:
    return request.GET.get("export") == "xlsx"


def _page(request, queryset, per_page=50):
    return CappedPaginator(queryset, per_page).get_page(request.GET.get("page"))


# --- items ---------------------------------------------------------------------------------------------


def _item_page(request, *, form=None, status=200):
    filterset = InspectionItemFilter(request.GET, queryset=selectors.item_list(user=request.user))
    items = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if _wants_xlsx(request):
        return _xlsx(request, "inspection-items", ["事项编号", "事项名称", "检查依据", "实施单位", "实施部门", "检查方式", "公开日期"],
                     ([i.code, i.name, i.legal_basis, i.org_unit.name, i.department.short_name if i.department else "",
                       i.method, i.published_on] for i in items))
    is_manager = _is_manager(request.user)
    if is_manager and form is None:
        form = ItemForm(units=_units(request.user))
    return render(request, "inspections/item_list.html", {"filter": filterset, "items": _page(request, items),
                                                          "form": form, "is_manager": is_manager}, status=status)


@role_required(*VIEWER_ROLES)
def item_list(request):
    return _item_page(request)


@role_required(*MANAGER_ROLES)
@require_POST
def item_create(request):
    form = ItemForm(request.POST, units=_units(request.user))
    if form.is_valid():
        try:
            item = services.item_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加抽查事项 %(code)s") % {"code": item.code})
            return redirect("inspections:item-list")
    return _item_page(request, form=form, status=400)


@role_required(*MANAGER_ROLES)
@require_POST
def item_publish(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    try:
        services.item_publish(item=item, by=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("事项 %(code)s 已公开") % {"code": item.code})
    return redirect("inspections:item-list")


# --- inspectors and conflicts ----------------------------------------------------------------------------------


def _inspector_page(request, *, form=None, status=200):
    inspectors = selectors.inspector_list(user=request.user)
    if _wants_xlsx(request):
        return _xlsx(request, "inspectors", ["执法证号", "姓名", "账号", "所属单位", "可检查事项", "在岗", "回避申报数"],
                     ([i.badge_number, i.user.full_name, i.user.username, i.org_unit.name,
                       "、".join(q.code for q in i.qualifications.all()), "是" if i.active else "否", i.conflict_count]
                      for i in inspectors))
    form = form or InspectorForm(units=_units(request.user))
    return render(request, "inspections/inspector_list.html",
                  {"inspectors": _page(request, inspectors), "form": form}, status=status)


@role_required(*MANAGER_ROLES)
def inspector_list(request):
    return _inspector_page(request)


@role_required(*MANAGER_ROLES)
@require_POST
def inspector_create(request):
    form = InspectorForm(request.POST, units=_units(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            inspector = services.inspector_create(by=request.user, user=data["username"],
                                                  badge_number=data["badge_number"], org_unit=data["org_unit"],
                                                  qualifications=list(data["qualifications"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
            if "user" in exc.message_dict:
                form.add_error("username", exc.message_dict["user"])
        else:
            messages.success(request, _("已加入名录库：%(name)s") % {"name": inspector})
            return redirect("inspections:inspector-detail", pk=inspector.pk)
    return _inspector_page(request, form=form, status=400)


def _inspector_detail(request, inspector, *, forms=None, status=200):
    forms = forms or {}
    conflicts = inspector.conflicts.select_related("enterprise")
    if _wants_xlsx(request):
        return _xlsx(request, "inspector-conflicts", ["执法证号", "企业", "统一社会信用代码", "回避事由", "申报日期"],
                     ([inspector.badge_number, c.enterprise.name, c.enterprise.uscc, c.reason, c.declared_on]
                      for c in conflicts))
    context = {
        "inspector": inspector, "conflicts": conflicts,
        "update_form": forms.get("update") or InspectorUpdateForm(initial={
            "active": inspector.active, "qualifications": list(inspector.qualifications.all())}),
        "conflict_form": forms.get("conflict") or ConflictForm(),
    }
    return render(request, "inspections/inspector_detail.html", context, status=status)


@role_required(*MANAGER_ROLES)
def inspector_detail(request, pk):
    return _inspector_detail(request, selectors.inspector_get(user=request.user, pk=pk))


@role_required(*MANAGER_ROLES)
@require_POST
def inspector_update(request, pk):
    inspector = selectors.inspector_get(user=request.user, pk=pk)
    form = InspectorUpdateForm(request.POST)
    if form.is_valid():
        services.inspector_update(inspector=inspector, by=request.user, active=form.cleaned_data["active"],
                                  qualifications=list(form.cleaned_data["qualifications"]))
        messages.success(request, _("已保存"))
        return redirect("inspections:inspector-detail", pk=pk)
    return _inspector_detail(request, inspector, forms={"update": form}, status=400)


@role_required(*MANAGER_ROLES)
@require_POST
def conflict_declare(request, pk):
    inspector = selectors.inspector_get(user=request.user, pk=pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(inspector=inspector, enterprise=form.cleaned_data["uscc"],
                                      reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            if "enterprise" in exc.message_dict:
                form.add_error("uscc", exc.message_dict["enterprise"])
        else:
            messages.success(request, _("已登记回避"))
            return redirect("inspections:inspector-detail", pk=pk)
    return _inspector_detail(request, inspector, forms={"conflict": form}, status=400)


@role_required(*MANAGER_ROLES)
@require_POST
def conflict_withdraw(request, pk):
    conflict = get_object_or_404(selectors.conflict_list(user=request.user), pk=pk)
    services.conflict_withdraw(conflict=conflict, by=request.user)
    messages.success(request, _("已撤回回避申报"))
    return redirect("inspections:inspector-detail", pk=conflict.inspector_id)


# --- pools -------------------------------------------------------------------------------------------------


def _pool_page(request, *, form=None, status=200):
    pools = selectors.pool_list(user=request.user)
    rows = [(pool, pool.snapshots.defer("data").order_by("-id").first()) for pool in pools[:200]]
    if _wants_xlsx(request):
        return _xlsx(request, "target-pools", ["名称", "管理单位", "所属区域", "行业代码", "主体类型", "登记状态", "对象数",
                                               "快照时间", "快照哈希"],
                     ([p.name, p.org_unit.name, "、".join(u.name for u in p.filter_org_units.all()),
                       ",".join(p.industry_codes), ",".join(p.entity_types), ",".join(p.statuses),
                       s.size if s else None, timezone.localtime(s.built_at).replace(tzinfo=None) if s else None,
                       s.sha256 if s else ""] for p, s in rows))
    form = form or PoolForm(units=_units(request.user))
    return render(request, "inspections/pool_list.html", {"rows": rows, "form": form}, status=status)


@role_required(*MANAGER_ROLES)
def pool_list(request):
    return _pool_page(request)


@role_required(*MANAGER_ROLES)
@require_POST
def pool_create(request):
    form = PoolForm(request.POST, units=_units(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            pool = services.pool_create(by=request.user, name=data["name"], org_unit=data["org_unit"],
                                        filter_org_units=list(data["filter_org_units"]),
                                        industry_codes=data["industry_codes"], entity_types=data["entity_types"],
                                        statuses=data["statuses"])
            services.pool_snapshot_build(pool=pool, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已建立名录库并生成快照"))
            return redirect("inspections:pool-list")
    return _pool_page(request, form=form, status=400)


@role_required(*MANAGER_ROLES)
@require_POST
def pool_build(request, pk):
    pool = selectors.pool_get(user=request.user, pk=pk)
    snapshot = services.pool_snapshot_build(pool=pool, by=request.user)
    messages.success(request, _("已生成快照：%(n)s 户") % {"n": snapshot.size})
    return redirect("inspections:pool-list")


@role_required(*SNAPSHOT_ROLES)
def snapshot_download(request, pk):
    """Reveals risk classes (DOMAIN §3): officers of the pool's unit and the audit administrator."""
    scope = selectors.unit_scope(request.user, SNAPSHOT_ROLES, "pool__org_unit")
    snapshot = get_object_or_404(PoolSnapshot.objects.all() if scope is None else PoolSnapshot.objects.filter(scope),
                                 pk=pk)
    response = HttpResponse(canonical_bytes(bytes(snapshot.data)), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="pool-snapshot-{snapshot.sha256[:16]}.bin"'
    return response


# --- plans ----------------------------------------------------------------------------------------------


@role_required(*VIEWER_ROLES)
def plan_list(request):
    filterset = InspectionPlanFilter(request.GET, queryset=selectors.plan_list(user=request.user))
    plans = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if _wants_xlsx(request):
        return _xlsx(request, "inspection-plans", ["年度", "计划名称", "实施单位", "检查开始", "检查结束", "事项", "A类%", "B类%",
                                                   "C类%", "D类%", "状态", "抽取时间", "抽中户数"],
                     ([p.year, p.name, p.org_unit.name, p.period_start, p.period_end,
                       "、".join(f"{pi.item.code}({pi.ratio}%)" for pi in p.plan_items.all()),
                       p.ratio_a, p.ratio_b, p.ratio_c, p.ratio_d, p.get_status_display(),
                       timezone.localtime(p.draw.drawn_at).replace(tzinfo=None) if hasattr(p, "draw") else None,
                       sum(p.draw.sample_sizes.values()) if hasattr(p, "draw") else None] for p in plans))
    return render(request, "inspections/plan_list.html", {"filter": filterset, "plans": _page(request, plans),
                                                          "is_manager": _is_manager(request.user)})


def _plan_form_page(request, form, status=200):
    return render(request, "inspections/plan_form.html", {"form": form}, status=status)


@role_required(*MANAGER_ROLES)
def plan_create(request):
    units, pools = _units(request.user), selectors.pool_list(user=request.user)
    if request.method != "POST":
        today = timezone.localdate()
        return _plan_form_page(request, PlanForm(units=units, pools=pools, initial={
            "year": today.year, "period_start": today, "period_end": today.replace(month=12, day=31)}))
    form = PlanForm(request.POST, units=units, pools=pools)
    if form.is_valid():
        try:
            plan = services.plan_create(by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已建立抽查计划"))
            return redirect("inspections:plan-detail", pk=plan.pk)
    return _plan_form_page(request, form, status=400)


def _plan_detail(request, plan, *, status=200, error=""):
    draw = getattr(plan, "draw", None) if hasattr(plan, "draw") else None
    targets = selectors.target_list(user=request.user, draw=draw).order_by("enterprise_id") if draw else []
    item_codes = {pi.item_id: pi.item.code for pi in plan.plan_items.all()}
    if _wants_xlsx(request):
        return _xlsx(request, "inspection-assignments", ["统一社会信用代码", "企业", "所属区域", "检查事项", "检查人员", "已录入结果"],
                     ([t.enterprise.uscc, t.enterprise.name, t.enterprise.org_unit.name,
                       "、".join(item_codes.get(i, str(i)) for i in t.item_ids),
                       "、".join(f"{a.inspector.user.full_name}({a.inspector.badge_number})" for a in t.assignments.all()),
                       len(t.results.all())] for t in targets))
    context = {"plan": plan, "draw": draw, "targets": _page(request, targets) if draw else None,
               "item_codes": item_codes, "progress": selectors.plan_progress(plan=plan),
               "is_manager": access.covers(request.user, plan.org_unit, MANAGER_ROLES),
               "may_download": access.has_role(request.user, *SNAPSHOT_ROLES), "error": error,
               "today": timezone.localdate()}
    return render(request, "inspections/plan_detail.html", context, status=status)


@role_required(*VIEWER_ROLES)
def plan_detail(request, pk):
    return _plan_detail(request, selectors.plan_get(user=request.user, pk=pk))


@role_required(*MANAGER_ROLES)
@require_POST
def plan_draw(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    try:
        draw = services.draw_run(plan=plan, by=request.user)
    except ValidationError as exc:
        return _plan_detail(request, selectors.plan_get(user=request.user, pk=pk), status=400, error=service_error_text(exc))
    messages.success(request, _("已抽取 %(n)s 户，随机种子 %(seed)s") % {"n": sum(draw.sample_sizes.values()),
                                                                      "seed": draw.seed})
    return redirect("inspections:plan-detail", pk=pk)


@role_required(*MANAGER_ROLES)
@require_POST
def draw_publish(request, pk):
    draw = selectors.draw_get(user=request.user, pk=pk)
    try:
        services.draw_publish(draw=draw, by=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("抽取记录已公开"))
    return redirect("inspections:plan-detail", pk=draw.plan_id)


@role_required(*SNAPSHOT_ROLES)
def draw_record_download(request, pk):
    """The full record (draw order per stratum, declared conflicts): officers and the audit admin."""
    draw = selectors.draw_get(user=request.user, pk=pk, roles=SNAPSHOT_ROLES)
    response = HttpResponse(json.dumps(draw_record(draw, full=True), ensure_ascii=False, indent=1),
                            content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}-record.json"'
    return response


@role_required(*VIEWER_ROLES, Role.AUDIT_ADMIN)
def draw_verify_page(request, pk):
    draw = selectors.draw_get(user=request.user, pk=pk, roles=(*VIEWER_ROLES, Role.AUDIT_ADMIN))
    return render(request, "inspections/draw_verify.html", {"draw": draw, "verification": draw_verify(draw)})


@role_required(*MANAGER_ROLES)
@require_POST
def plan_results_publish(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    count = services.plan_results_publish(plan=plan, by=request.user)
    messages.success(request, _("已公示 %(n)s 条检查结果") % {"n": count})
    return redirect("inspections:plan-detail", pk=pk)


# --- targets and results -------------------------------------------------------------------------------------


def _target_page(request, target, *, form=None, status=200):
    items = InspectionItem.objects.filter(pk__in=target.item_ids)
    can_enter = selectors.target_can_enter_result(user=request.user, target=target)
    form = form or ResultForm(items=items, initial={"inspected_on": timezone.localdate()})
    return render(request, "inspections/target_detail.html",
                  {"target": target, "items": items, "results": target.results.all(), "form": form,
                   "can_enter": can_enter, "today": timezone.localdate(),
                   "is_manager": access.covers(request.user, target.draw.plan.org_unit, MANAGER_ROLES)}, status=status)


@role_required(*VIEWER_ROLES)
def target_detail(request, pk):
    return _target_page(request, selectors.target_get(user=request.user, pk=pk))


@role_required(*VIEWER_ROLES)
@require_POST
def result_enter(request, pk):
    target = selectors.target_get(user=request.user, pk=pk)
    form = ResultForm(request.POST, items=InspectionItem.objects.all())
    if form.is_valid():
        try:
            services.result_enter(plan=target.draw.plan, enterprise=target.enterprise, by=request.user,
                                  **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已录入检查结果"))
            return redirect("inspections:target-detail", pk=pk)
    return _target_page(request, target, form=form, status=400)


@role_required(*VIEWER_ROLES)
def result_list(request):
    filterset = InspectionResultFilter(request.GET, queryset=selectors.result_list(user=request.user))
    results = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if _wants_xlsx(request):
        today = timezone.localdate()
        return _xlsx(request, "inspection-results", ["计划", "统一社会信用代码", "企业", "事项", "检查结果", "检查情况", "检查完成日期",
                                                     "公示期限", "公示期限暂定", "公示日期", "逾期", "案件线索"],
                     ([r.target.draw.plan.name, r.target.enterprise.uscc, r.target.enterprise.name, r.item.code,
                       r.get_outcome_display(), r.findings, r.inspected_on, r.publish_by,
                       deadlines.export_mark(r, "publish_by"), r.published_on,
                       "是" if r.is_overdue(today) else "", "是" if r.is_case_lead else ""] for r in results))
    return render(request, "inspections/result_list.html",
                  {"filter": filterset, "results": _page(request, results), "today": timezone.localdate(),
                   "overdue_count": selectors.result_overdue_list(user=request.user).count(),
                   "is_manager": _is_manager(request.user)})


@role_required(*MANAGER_ROLES)
@require_POST
def result_publish(request, pk):
    result = get_object_or_404(selectors.result_list(user=request.user), pk=pk)
    try:
        services.result_publish(result=result, by=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("检查结果已公示"))
    return redirect(request.POST.get("next") or "inspections:result-list")


@role_required(*MANAGER_ROLES)
@require_POST
def result_case_lead(request, pk):
    result = get_object_or_404(selectors.result_list(user=request.user), pk=pk)
    try:
        services.result_mark_case_lead(result=result, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("已移送案件线索"))
    return redirect(request.POST.get("next") or "inspections:result-list")


@role_required(Role.INSPECTOR)
def my_assignments(request):
    targets = selectors.my_assignments(user=request.user)
    if _wants_xlsx(request):
        return _xlsx(request, "my-assignments", ["计划", "统一社会信用代码", "企业", "所属区域", "检查人员", "已录入结果数"],
                     ([t.draw.plan.name, t.enterprise.uscc, t.enterprise.name, t.enterprise.org_unit.name,
                       "、".join(a.inspector.user.full_name for a in t.assignments.all()), len(t.results.all())]
                      for t in targets))
    return render(request, "inspections/my_assignments.html", {"targets": _page(request, targets)})
