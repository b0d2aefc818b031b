"""Back-office pages of supervision sampling: officers in their org units, the office city-wide,
enterprise users their own served samples."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from qcity.core import access
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.exports import xlsx_response
from qcity.core.forms import add_service_errors, service_error_text
from qcity.core.pagination import CappedPaginator
from qcity.core.permissions import role_required

from . import exports, selectors, services
from .choices import Conclusion, FollowupStatus, PassRateGroup, SampleStatus
from .filters import FollowupFilter, PlanFilter, SampleFilter
from .forms import (
    ConcludeForm,
    FollowupAnnounceForm,
    FollowupOrderForm,
    FollowupReinspectForm,
    FollowupReportForm,
    FollowupTransferForm,
    ItemForm,
    ObjectionForm,
    PassRateForm,
    PlanForm,
    PublishForm,
    RetestForm,
    SampleForm,
    ServeForm,
)
from .models import TestItemResult
from .pass_rates import PassRateRow, pass_rates
from .selectors import OFFICER_ROLES, VIEWER_ROLES
from .services.samples import computed_conclusion
from .tables import SampleTable


def _export_audit(request, what: str) -> None:
    audit_record(action=AuditAction.EXPORT, by=request.user, object_type=f"sampling.{what}",
                 object_repr=f"{what} list", message=f"exported with filters {request.GET.urlencode()}"[:500])


# --- samples -----------------------------------------------------------------------------------------

def _filtered_samples(request):
    filterset = SampleFilter(request.GET, queryset=selectors.sample_list(user=request.user))
    return filterset, (filterset.qs if filterset.is_valid() else filterset.queryset.none())


@role_required(*VIEWER_ROLES)
def sample_list(request):
    filterset, queryset = _filtered_samples(request)
    table = SampleTable(queryset)
    RequestConfig(request, paginate={"per_page": 50, "paginator_class": CappedPaginator}).configure(table)
    is_officer = access.has_role(request.user, *OFFICER_ROLES)
    context = {"filter": filterset, "table": table, "is_officer": is_officer, "enterprise_only": not is_officer}
    template = "sampling/partials/sample_table.html" if request.htmx else "sampling/sample_list.html"
    return render(request, template, context)


@role_required(*VIEWER_ROLES)
def sample_export(request):
    _, queryset = _filtered_samples(request)
    content = exports.samples_xlsx(queryset)
    _export_audit(request, "sample")
    return xlsx_response(content, f"samples-{timezone.localdate():%Y%m%d}.xlsx")


@role_required(*OFFICER_ROLES)
def sample_create(request):
    plans = selectors.plan_list(user=request.user)
    if request.method == "POST":
        form = SampleForm(request.POST, user=request.user, plans=plans)
        if form.is_valid():
            try:
                sample = services.sample_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记样品 %(number)s") % {"number": sample.number})
                return redirect("sampling:sample-detail", pk=sample.pk)
        return render(request, "sampling/sample_form.html", {"form": form}, status=400)
    form = SampleForm(user=request.user, plans=plans, initial={"sampling_date": timezone.localdate()})
    return render(request, "sampling/sample_form.html", {"form": form})


def _detail(request, sample, *, forms=None, status=200):
    today = timezone.localdate()
    user = request.user
    forms = forms or {}
    can_act = selectors.sample_can_act(user=user, sample=sample)
    followup = getattr(sample, "followup", None)
    objection = getattr(sample, "objection", None)
    final = sample.is_final(today)
    show = {
        "results": can_act and sample.status == SampleStatus.SAMPLED,
        "conclude": can_act and sample.status == SampleStatus.SAMPLED and bool(sample.items.all()),
        "serve": can_act and sample.status == SampleStatus.CONCLUDED,
        "objection": (selectors.sample_can_object(user=user, sample=sample) and sample.status == SampleStatus.SERVED
                      and sample.conclusion == Conclusion.FAIL and sample.retest_window_open(today)),
        "retest": can_act and sample.status == SampleStatus.RETESTING,
        "publish": can_act and final and not sample.published_on,
        "followup_order": can_act and final and sample.conclusion == Conclusion.FAIL and followup is None,
        "report": can_act and followup is not None and followup.status == FollowupStatus.ORDERED,
        "reinspect": can_act and followup is not None and followup.status == FollowupStatus.REPORTED,
        "announce": can_act and followup is not None and (
            followup.status == FollowupStatus.REINSPECTION_FAILED or followup.is_overdue(today)),
        "transfer": can_act and followup is not None and followup.status not in (
            FollowupStatus.RECTIFIED, FollowupStatus.TRANSFERRED, FollowupStatus.CANCELLED),
    }
    expected = computed_conclusion(sample) if show["conclude"] else None
    defaults = {
        "results": lambda: ItemForm(prefix="results"),
        "conclude": lambda: ConcludeForm(prefix="conclude", initial={"conclusion": expected, "concluded_on": today}),
        "serve": lambda: ServeForm(prefix="serve", initial={"served_on": today}),
        "objection": lambda: ObjectionForm(prefix="objection", initial={"applied_on": today}),
        "retest": lambda: RetestForm(prefix="retest", initial={"retested_on": today}),
        "publish": lambda: PublishForm(prefix="publish", initial={"published_on": today}),
        "followup_order": lambda: FollowupOrderForm(prefix="followup_order", initial={"ordered_on": today}),
        "report": lambda: FollowupReportForm(prefix="report", initial={"received_on": today}),
        "reinspect": lambda: FollowupReinspectForm(prefix="reinspect", initial={"reinspected_on": today}),
        "announce": lambda: FollowupAnnounceForm(prefix="announce", initial={"announced_on": today}),
        "transfer": lambda: FollowupTransferForm(prefix="transfer", initial={"transferred_on": today}),
    }
    action_forms = {key: forms.get(key) or defaults[key]() for key, visible in show.items() if visible or key in forms}
    context = {"sample": sample, "today": today, "can_act": can_act, "followup": followup, "objection": objection,
               "is_final": final, "expected": expected, "forms": action_forms,
               "followup_overdue": followup is not None and followup.is_overdue(today)}
    return render(request, "sampling/sample_detail.html", context, status=status)


@role_required(*VIEWER_ROLES)
def sample_detail(request, pk):
    return _detail(request, selectors.sample_get(user=request.user, pk=pk))


def _act(request, pk, key, form_class, call, success):
    """One workflow step: validate the form, call its service, show its errors on the page (400)."""
    sample = selectors.sample_get(user=request.user, pk=pk)
    form = form_class(request.POST, prefix=key)
    if form.is_valid():
        try:
            call(sample, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("sampling:sample-detail", pk=sample.pk)
    return _detail(request, selectors.sample_get(user=request.user, pk=pk), forms={key: form}, status=400)


@role_required(*OFFICER_ROLES)
@require_POST
def sample_results(request, pk):
    return _act(request, pk, "results", ItemForm, lambda s, f: services.test_results_record(
        sample=s, items=[f.item()], by=request.user), _("已录入检验项目"))


@role_required(*OFFICER_ROLES)
@require_POST
def item_delete(request, pk):
    item = get_object_or_404(TestItemResult, pk=pk, sample__in=selectors.sample_list(user=request.user).values("pk"))
    sample_pk = item.sample_id
    try:
        services.test_item_delete(item=item, by=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    return redirect("sampling:sample-detail", pk=sample_pk)


@role_required(*OFFICER_ROLES)
@require_POST
def sample_conclude(request, pk):
    return _act(request, pk, "conclude", ConcludeForm, lambda s, f: services.sample_conclude(
        sample=s, by=request.user, **f.cleaned_data), _("已确认检验结论"))


@role_required(*OFFICER_ROLES)
@require_POST
def sample_serve(request, pk):
    return _act(request, pk, "serve", ServeForm, lambda s, f: services.sample_serve(
        sample=s, by=request.user, **f.cleaned_data), _("已登记送达"))


@role_required(*VIEWER_ROLES)
@require_POST
def sample_objection(request, pk):
    return _act(request, pk, "objection", ObjectionForm, lambda s, f: services.objection_apply(
        sample=s, by=request.user, **f.cleaned_data), _("已提交复检申请"))


@role_required(*OFFICER_ROLES)
@require_POST
def sample_retest(request, pk):
    return _act(request, pk, "retest", RetestForm, lambda s, f: services.retest_conclude(
        sample=s, by=request.user, **f.cleaned_data), _("已登记复检结果"))


@role_required(*OFFICER_ROLES)
@require_POST
def sample_publish(request, pk):
    return _act(request, pk, "publish", PublishForm, lambda s, f: services.sample_publish(
        sample=s, by=request.user, **f.cleaned_data), _("已公布抽检结果"))


@role_required(*OFFICER_ROLES)
@require_POST
def followup_order(request, pk):
    return _act(request, pk, "followup_order", FollowupOrderForm, lambda s, f: services.followup_order(
        sample=s, by=request.user, **f.cleaned_data), _("已责令整改"))


FOLLOWUP_STEPS = {
    "report": (FollowupReportForm, services.followup_report, _("已登记整改报告")),
    "reinspect": (FollowupReinspectForm, services.followup_reinspect, _("已登记复查结果")),
    "announce": (FollowupAnnounceForm, services.followup_announce, _("已登记公告")),
    "transfer": (FollowupTransferForm, services.followup_transfer, _("已登记立案移送")),
}


@role_required(*OFFICER_ROLES)
@require_POST
def followup_step(request, pk, step):
    if step not in FOLLOWUP_STEPS:
        raise Http404
    followup = get_object_or_404(selectors.followup_list(user=request.user), pk=pk)
    form_class, service, success = FOLLOWUP_STEPS[step]
    return _act(request, followup.sample_id, step, form_class,
                lambda s, f: service(followup=s.followup, by=request.user, **f.cleaned_data), success)


# --- plans, follow-ups, pass rates -------------------------------------------------------------------

def _plans(request):
    filterset = PlanFilter(request.GET, queryset=selectors.plan_list(user=request.user))
    return filterset, (filterset.qs if filterset.is_valid() else filterset.queryset.none())


@role_required(*OFFICER_ROLES)
def plan_list(request):
    form = None
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                plan = services.plan_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已创建抽检计划：%(title)s") % {"title": plan.title})
                return redirect("sampling:plan-list")
        status = 400
    filterset, plans = _plans(request)
    return render(request, "sampling/plan_list.html", {
        "filter": filterset, "plans": plans[:300], "form": form or PlanForm(user=request.user)}, status=status)


@role_required(*OFFICER_ROLES)
def plan_export(request):
    _, plans = _plans(request)
    content = exports.plans_xlsx(plans)
    _export_audit(request, "samplingplan")
    return xlsx_response(content, f"sampling-plans-{timezone.localdate():%Y%m%d}.xlsx")


def _followups(request):
    filterset = FollowupFilter(request.GET, queryset=selectors.followup_list(user=request.user))
    return filterset, (filterset.qs if filterset.is_valid() else filterset.queryset.none())


@role_required(*OFFICER_ROLES)
def followup_list(request):
    filterset, followups = _followups(request)
    return render(request, "sampling/followup_list.html",
                  {"filter": filterset, "followups": followups[:500], "today": timezone.localdate()})


@role_required(*OFFICER_ROLES)
def followup_export(request):
    _, followups = _followups(request)
    content = exports.followups_xlsx(followups, timezone.localdate())
    _export_audit(request, "followup")
    return xlsx_response(content, f"sampling-followups-{timezone.localdate():%Y%m%d}.xlsx")


def _rates(request):
    form = PassRateForm(request.GET or None)
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    group = values.get("group") or PassRateGroup.CATEGORY
    rows = pass_rates(samples=selectors.sample_list(user=request.user), group=group,
                      date_from=values.get("date_from"), date_to=values.get("date_to"))
    return form, group, rows


@role_required(*OFFICER_ROLES)
def pass_rate_list(request):
    form, group, rows = _rates(request)
    total = sum(r.total for r in rows)
    failed = sum(r.failed for r in rows)
    overall = PassRateRow(key="", label="", total=total, passed=total - failed, failed=failed)
    return render(request, "sampling/pass_rates.html", {
        "form": form, "rows": rows, "group_label": PassRateGroup(group).label, "overall": overall})


@role_required(*OFFICER_ROLES)
def pass_rate_export(request):
    _, group, rows = _rates(request)
    _export_audit(request, "pass_rate")
    return xlsx_response(exports.pass_rates_xlsx(rows, str(PassRateGroup(group).label)),
                         f"sampling-pass-rates-{timezone.localdate():%Y%m%d}.xlsx")
