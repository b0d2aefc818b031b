from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core import access
from qcity.core.downloads import attachment_response
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.forms import form_error_text
from qcity.core.permissions import role_required
from qcity.core.roles import OFFICE, PROGRAMME
from qcity.core.steps import button_step_run, step_run
from qcity.core.tables import table_configure
from qcity.core.uploads import request_too_large

from . import exports, selectors, services
from .choices import SupervisionStatus
from .filters import NoticeFilter, PlanTaskFilter, SupervisionFilter
from .forms import CompleteForm, NoticeForm, ProgressForm, ResolveForm, SupervisionOpenForm
from .models import TaskProgress
from .tables import NoticeTable, PlanTaskTable, SupervisionTable


@role_required(*PROGRAMME)
@export_view
def plan_task_list(request):
    today = timezone.localdate()
    queryset = selectors.plan_task_list(user=request.user)
    filterset = PlanTaskFilter(request.GET, queryset=queryset)
    tasks = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if wants_export(request):
        return xlsx_export(request, exports.plan_task_columns(today), tasks.order_by("plan__code", "code", "pk"))
    table = PlanTaskTable(tasks, today=today)
    table_configure(request, table)
    context = {"filter": filterset, "table": table,
               "overdue_count": selectors.plan_task_overdue_list(user=request.user, today=today).count()}
    template = "workplan/partials/task_table.html" if request.htmx else "workplan/task_list.html"
    return render(request, template, context)


def _detail(request, task, *, forms=None, status=200, error=""):
    today = timezone.localdate()
    forms = forms or {}
    user = request.user
    can_report = selectors.plan_task_can_report(user=user, task=task)
    is_office = access.has_role(user, *OFFICE)
    context = {
        "task": task, "today": today, "is_overdue": task.is_overdue(today), "days_late": task.days_late(today),
        "progress_reports": task.progress_reports.select_related("department", "reported_by"),
        "supervisions": task.supervisions.select_related("opened_by"),
        "open_supervision": selectors.supervision_open_for(task=task),
        "can_report": can_report, "can_complete": selectors.plan_task_can_complete(user=user, task=task),
        "is_office": is_office, "error": error,
        "progress_form": forms.get("progress") or ProgressForm(initial={"percent": task.progress}),
        "complete_form": forms.get("complete") or CompleteForm(),
        "supervise_form": forms.get("supervise") or SupervisionOpenForm(),
    }
    return render(request, "workplan/task_detail.html", context, status=status)


@role_required(*PROGRAMME)
def plan_task_detail(request, pk):
    return _detail(request, selectors.plan_task_get(user=request.user, pk=pk))


@role_required(*PROGRAMME)
@require_POST
def plan_task_progress(request, pk):
    task = selectors.plan_task_get(user=request.user, pk=pk)
    too_big = request_too_large(request)
    if too_big:
        return _detail(request, task, status=400, error=too_big)
    return step_run(request, ProgressForm(request.POST, request.FILES),
                    lambda form: services.plan_task_progress_report(task=task, by=request.user, **form.cleaned_data),
                    success=_("已报送进展"), done=reverse("workplan:plan-task-detail", args=[task.pk]),
                    detail=lambda form: _detail(request, task, forms={"progress": form}))


@role_required(*PROGRAMME)
@require_POST
def plan_task_complete(request, pk):
    task = selectors.plan_task_get(user=request.user, pk=pk)
    return step_run(request, CompleteForm(request.POST),
                    lambda form: services.plan_task_complete(task=task, by=request.user, note=form.cleaned_data["note"]),
                    success=_("任务已标记为完成"), done=reverse("workplan:plan-task-detail", args=[task.pk]),
                    detail=lambda form: _detail(request, task, forms={"complete": form}))


@role_required(*OFFICE)
@require_POST
def plan_task_supervise(request, pk):
    task = selectors.plan_task_get(user=request.user, pk=pk)
    return step_run(request, SupervisionOpenForm(request.POST),
                    lambda form: services.supervision_open(task=task, by=request.user, reason=form.cleaned_data["reason"]),
                    success=_("已发起督办"), done=reverse("workplan:plan-task-detail", args=[task.pk]),
                    detail=lambda form: _detail(request, task, forms={"supervise": form}))


@role_required(*PROGRAMME)
def progress_attachment(request, pk):
    """Attachments are served through the task's scope, never from a public media URL."""
    report = get_object_or_404(TaskProgress, pk=pk, task__in=selectors.plan_task_list(user=request.user).values("pk"))
    if not report.attachment:
        raise Http404
    return attachment_response(report.attachment, report.attachment.name.rsplit("/", 1)[-1])


def _supervision_filter(request):
    """The list's filter and the supervisions it keeps: the open ones when the query names no status (a bare
    `?export=xlsx` exports what the bare page shows; "全部" is an explicit empty status)."""
    filterset = SupervisionFilter.for_page(request.GET, defaults={"status": SupervisionStatus.OPEN},
                                           queryset=selectors.supervision_list(user=request.user))
    return filterset, filterset.qs


def _supervision_page(request, *, error=""):
    filterset, supervisions = _supervision_filter(request)
    table = SupervisionTable(supervisions, today=timezone.localdate(), is_office=access.has_role(request.user, *OFFICE))
    context = {"filter": filterset, "table": table_configure(request, table), "error": error}
    template = "workplan/partials/supervision_table.html" if request.htmx else "workplan/supervision_list.html"
    return render(request, template, context)


@role_required(*PROGRAMME)
@export_view
def supervision_list(request):
    if wants_export(request):
        return xlsx_export(request, exports.supervision_columns(timezone.localdate()), _supervision_filter(request)[1])
    return _supervision_page(request)


def _supervision(request, pk):
    return get_object_or_404(selectors.supervision_list(user=request.user), pk=pk)


@role_required(*OFFICE)
@require_POST
def supervision_escalate(request, pk):
    supervision = _supervision(request, pk)
    return button_step_run(request, lambda: services.supervision_escalate(supervision=supervision, by=request.user),
                           success=lambda s: _("已升级为%(level)s") % {"level": s.get_level_display()},
                           done=reverse("workplan:supervision-list"))


@role_required(*OFFICE)
@require_POST
def supervision_resolve(request, pk):
    supervision = _supervision(request, pk)
    return step_run(request, ResolveForm(request.POST),
                    lambda form: services.supervision_resolve(supervision=supervision, by=request.user,
                                                              **form.cleaned_data),
                    success=_("督办已办结"), done=reverse("workplan:supervision-list"),
                    detail=lambda form: _supervision_page(
                        request, error=f"{supervision.task.code}: {form_error_text(form)}"))


def _notices(request):
    return NoticeFilter.for_page(request.GET, queryset=selectors.notice_list())


def _notice_page(request, *, form=None):
    is_office = access.has_role(request.user, *OFFICE)
    if is_office and form is None:
        form = NoticeForm(tasks=selectors.plan_task_list(user=request.user).order_by("deadline", "code"),
                          initial={"tasks": list(selectors.plan_task_overdue_list(user=request.user))})
    filterset = _notices(request)
    return render(request, "workplan/notice_list.html", {
        "filter": filterset, "table": table_configure(request, NoticeTable(filterset.qs)), "form": form,
        "is_office": is_office})


@role_required(*PROGRAMME)
@export_view
def notice_list(request):
    if wants_export(request):
        return xlsx_export(request, exports.NOTICES, _notices(request).qs)
    return _notice_page(request)


@role_required(*OFFICE)
@require_POST
def notice_issue(request):
    tasks = selectors.plan_task_list(user=request.user).order_by("deadline", "code")
    return step_run(request, NoticeForm(request.POST, tasks=tasks),
                    lambda form: services.notice_issue(by=request.user, **form.cleaned_data),
                    success=lambda notice: _("已生成通报 %(number)s") % {"number": notice.number},
                    done=reverse("workplan:notice-list"), detail=lambda form: _notice_page(request, form=form))


@role_required(*PROGRAMME)
def notice_download(request, pk):
    notice = get_object_or_404(selectors.notice_list(), pk=pk)
    if not notice.file:
        raise Http404
    return attachment_response(notice.file, f"{notice.number}.docx")
