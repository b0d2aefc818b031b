"""Back-office pages of supervision sampling: officers in their org units, the office city-wide,
enterprise users their own served samples."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core import access
from qcity.core.downloads import attachment_response
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.forms import add_service_errors
from qcity.core.notifications import notification_open, request_reads
from qcity.core.permissions import role_required
from qcity.core.roles import MARKET_OFFICERS, MARKET_OFFICERS_AND_ENTERPRISES
from qcity.core.steps import button_step_run, step_run
from qcity.core.tables import table_configure

from . import exports, selectors, services
from .choices import PassRateGroup
from .filters import FollowupFilter, SampleFilter, SamplingPlanFilter
from .forms import (
    ConcludeForm,
    FollowupAnnounceForm,
    FollowupOrderForm,
    FollowupReinspectForm,
    FollowupReportForm,
    FollowupTransferForm,
    ItemForm,
    PassRateForm,
    PublishForm,
    RetestForm,
    SampleForm,
    SamplingObjectionForm,
    SamplingPlanForm,
    ServeForm,
)
from .models import TestItemResult
from .pass_rates import PassRateRow, pass_rates
from .services.samples import computed_conclusion
from .tables import FollowupTable, PassRateTable, SampleTable, SamplingPlanTable

# --- samples -----------------------------------------------------------------------------------------

def _filtered_samples(request):
    filterset = SampleFilter(request.GET, queryset=selectors.sample_list(user=request.user))
    return filterset, (filterset.qs if filterset.is_valid() else filterset.queryset.none())


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@export_view
def sample_list(request):
    filterset, queryset = _filtered_samples(request)
    if wants_export(request):
        return xlsx_export(request, exports.SAMPLES, queryset.order_by("-sampling_date", "-id"))
    table = SampleTable(queryset)
    table_configure(request, table)
    is_officer = access.has_role(request.user, *MARKET_OFFICERS)
    context = {"filter": filterset, "table": table, "is_officer": is_officer, "enterprise_only": not is_officer}
    template = "sampling/partials/sample_table.html" if request.htmx else "sampling/sample_list.html"
    return render(request, template, context)


@role_required(*MARKET_OFFICERS)
def sample_create(request):
    plans = selectors.sampling_plan_list(user=request.user)
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
    steps = selectors.sample_available_steps(sample=sample, user=user, today=today)
    expected = computed_conclusion(sample) if "conclude" in steps else None
    defaults = {
        "results": lambda: ItemForm(prefix="results"),
        "conclude": lambda: ConcludeForm(prefix="conclude", initial={"conclusion": expected, "concluded_on": today}),
        "serve": lambda: ServeForm(prefix="serve", initial={"served_on": today}),
        "objection": lambda: SamplingObjectionForm(prefix="objection", initial={"applied_on": today}),
        "retest": lambda: RetestForm(prefix="retest", initial={"retested_on": today}),
        "publish": lambda: PublishForm(prefix="publish", initial={"published_on": today}),
        "followup_order": lambda: FollowupOrderForm(prefix="followup_order", initial={"ordered_on": today}),
        "report": lambda: FollowupReportForm(prefix="report", initial={"received_on": today}),
        "reinspect": lambda: FollowupReinspectForm(prefix="reinspect", initial={"reinspected_on": today}),
        "announce": lambda: FollowupAnnounceForm(prefix="announce", initial={"announced_on": today}),
        "transfer": lambda: FollowupTransferForm(prefix="transfer", initial={"transferred_on": today}),
    }
    action_forms = {key: forms.get(key) or make() for key, make in defaults.items() if key in steps or key in forms}
    context = {"sample": sample, "today": today, "can_act": can_act, "followup": followup, "objection": objection,
               "is_final": final, "expected": expected, "forms": action_forms,
               "followup_overdue": followup is not None and followup.is_overdue(today),
               "evidence": selectors.objection_evidence_list(user=request.user, sample=sample) if objection else [],
               "service_proof": (selectors.sample_service_proof(sample=sample, user=request.user)
                                 if sample.served_on else [])}
    return render(request, "sampling/sample_detail.html", context, status=status)


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
def sample_detail(request, pk):
    sample = selectors.sample_get(user=request.user, pk=pk)
    served = selectors.sample_unread_service(user=request.user, sample=sample)
    # opening the served result is reading it (the proof of service shows when); not a prefetch, nor a
    # request another site caused
    if served is not None and request_reads(request):
        notification_open(notification=served, by=request.user)
    return _detail(request, sample)


def _act(request, pk, key, form_class, call, success):
    """One workflow step on a sample: `call(sample, form)` is its service (see `qcity.core.steps`)."""
    sample = selectors.sample_get(user=request.user, pk=pk)
    return step_run(request, form_class(request.POST, prefix=key), lambda form: call(sample, form), success=success,
                    done=reverse("sampling:sample-detail", args=[sample.pk]),
                    detail=lambda form: _detail(request, selectors.sample_get(user=request.user, pk=pk),
                                                forms={key: form}))


@role_required(*MARKET_OFFICERS)
@require_POST
def sample_results(request, pk):
    return _act(request, pk, "results", ItemForm, lambda s, f: services.test_results_record(
        sample=s, items=[f.item()], by=request.user), _("已录入检验项目"))


@role_required(*MARKET_OFFICERS)
@require_POST
def item_delete(request, pk):
    item = get_object_or_404(TestItemResult, pk=pk, sample__in=selectors.sample_list(user=request.user).values("pk"))
    return button_step_run(request, lambda: services.test_item_delete(item=item, by=request.user), success=None,
                           done=reverse("sampling:sample-detail", args=[item.sample_id]))


@role_required(*MARKET_OFFICERS)
@require_POST
def sample_conclude(request, pk):
    return _act(request, pk, "conclude", ConcludeForm, lambda s, f: services.sample_conclude(
        sample=s, by=request.user, **f.cleaned_data), _("已确认检验结论"))


@role_required(*MARKET_OFFICERS)
@require_POST
def sample_serve(request, pk):
    return _act(request, pk, "serve", ServeForm, lambda s, f: services.sample_serve(
        sample=s, by=request.user, **f.cleaned_data), _("已登记送达"))


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@require_POST
def sample_objection(request, pk):
    """The retest application, with its evidence files (multipart)."""
    sample = selectors.sample_get(user=request.user, pk=pk)
    form = SamplingObjectionForm(request.POST, request.FILES, prefix="objection")
    return step_run(request, form, lambda f: services.sampling_objection_apply(
        sample=sample, by=request.user, **f.cleaned_data), success=_("已提交复检申请"),
        done=reverse("sampling:sample-detail", args=[sample.pk]),
        detail=lambda f: _detail(request, selectors.sample_get(user=request.user, pk=pk), forms={"objection": f}))


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
def objection_evidence_download(request, pk):
    """An objection's evidence file: the objecting enterprise and the officers covering the sample."""
    evidence = selectors.objection_evidence_get(user=request.user, pk=pk)
    return attachment_response(evidence.file, evidence.original_name)


@role_required(*MARKET_OFFICERS)
@require_POST
def sample_retest(request, pk):
    return _act(request, pk, "retest", RetestForm, lambda s, f: services.retest_conclude(
        sample=s, by=request.user, **f.cleaned_data), _("已登记复检结果"))


@role_required(*MARKET_OFFICERS)
@require_POST
def sample_publish(request, pk):
    return _act(request, pk, "publish", PublishForm, lambda s, f: services.sample_publish(
        sample=s, by=request.user, **f.cleaned_data), _("已公布抽检结果"))


@role_required(*MARKET_OFFICERS)
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


@role_required(*MARKET_OFFICERS)
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
    return SamplingPlanFilter.for_page(request.GET, queryset=selectors.sampling_plan_list(user=request.user))


def _plan_page(request, form):
    filterset = _plans(request)
    return render(request, "sampling/plan_list.html", {
        "filter": filterset, "table": table_configure(request, SamplingPlanTable(filterset.qs)),
        "form": form or SamplingPlanForm(user=request.user)})


@role_required(*MARKET_OFFICERS)
@export_view
def sampling_plan_list(request):
    if wants_export(request):
        return xlsx_export(request, exports.SAMPLING_PLANS, _plans(request).qs)
    if request.method == "POST":
        return step_run(request, SamplingPlanForm(request.POST, user=request.user),
                        lambda form: services.sampling_plan_create(by=request.user, **form.cleaned_data),
                        success=lambda plan: _("已创建抽检计划：%(title)s") % {"title": plan.title},
                        done=reverse("sampling:sampling-plan-list"), detail=lambda form: _plan_page(request, form))
    return _plan_page(request, None)


def _followups(request):
    return FollowupFilter.for_page(request.GET, queryset=selectors.followup_list(user=request.user))


@role_required(*MARKET_OFFICERS)
@export_view
def followup_list(request):
    today = timezone.localdate()
    filterset = _followups(request)
    if wants_export(request):
        return xlsx_export(request, exports.followup_columns(today), filterset.qs)
    return render(request, "sampling/followup_list.html",
                  {"filter": filterset, "table": table_configure(request, FollowupTable(filterset.qs, today=today))})


def _rates(request):
    form = PassRateForm(request.GET or None)
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    group = values.get("group") or PassRateGroup.CATEGORY
    rows = pass_rates(samples=selectors.sample_list(user=request.user), group=group,
                      date_from=values.get("date_from"), date_to=values.get("date_to"))
    return form, group, rows


@role_required(*MARKET_OFFICERS)
@export_view
def pass_rate_list(request):
    form, group, rows = _rates(request)
    if wants_export(request):
        return xlsx_export(request, exports.pass_rate_columns(str(PassRateGroup(group).label)), rows)
    total = sum(r.total for r in rows)
    failed = sum(r.failed for r in rows)
    overall = PassRateRow(key="", label="", total=total, passed=total - failed, failed=failed) if rows else None
    table = PassRateTable(rows, group_label=PassRateGroup(group).label, overall=overall)
    return render(request, "sampling/pass_rates.html", {"form": form, "table": table_configure(request, table)})

