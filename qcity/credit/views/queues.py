"""The objection queue and the credit-repair queue (officers, in scope)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core.forms import service_error_text
from qcity.core.permissions import role_required

from .. import exports, selectors, services
from ..forms import DecideForm
from ..selectors import OFFICER_ROLES
from .files import page_of


def _queue(request, template, queryset, *, status=200, error=""):
    context = {"page": page_of(queryset, request), "today": timezone.localdate(), "form": DecideForm(),
               "open_only": request.GET.get("status", "open") != "all", "error": error}
    return render(request, template, context, status=status)


def _objections(request, **kw):
    open_only = request.GET.get("status", "open") != "all"
    return _queue(request, "credit/objection_queue.html",
                  selectors.objections(user=request.user, open_only=open_only), **kw)


def _repairs(request, **kw):
    open_only = request.GET.get("status", "open") != "all"
    return _queue(request, "credit/repair_queue.html", selectors.repairs(user=request.user, open_only=open_only), **kw)


@role_required(*OFFICER_ROLES)
def objection_queue(request):
    if request.GET.get("format") == "xlsx":
        open_only = request.GET.get("status", "open") != "all"
        return exports.objections_xlsx(selectors.objections(user=request.user, open_only=open_only), by=request.user)
    return _objections(request)


@role_required(*OFFICER_ROLES)
@require_POST
def objection_decide(request, pk):
    objection = selectors.objection_get(user=request.user, pk=pk)
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"decision": [_("请选择决定")]})
        services.objection_decide(objection=objection, upheld=form.yes, note=form.cleaned_data["note"], by=request.user)
    except ValidationError as exc:
        return _objections(request, status=400, error=service_error_text(exc))
    messages.success(request, _("异议已处理"))
    return redirect("credit:objection-queue")


@role_required(*OFFICER_ROLES)
def repair_queue(request):
    if request.GET.get("format") == "xlsx":
        open_only = request.GET.get("status", "open") != "all"
        return exports.repairs_xlsx(selectors.repairs(user=request.user, open_only=open_only), by=request.user)
    return _repairs(request)


@role_required(*OFFICER_ROLES)
@require_POST
def repair_accept(request, pk):
    application = selectors.repair_get(user=request.user, pk=pk)
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"decision": [_("请选择决定")]})
        services.repair_accept(application=application, accept=form.yes, note=form.cleaned_data["note"],
                               by=request.user)
    except ValidationError as exc:
        return _repairs(request, status=400, error=service_error_text(exc))
    messages.success(request, _("已处理受理"))
    return redirect("credit:repair-queue")


@role_required(*OFFICER_ROLES)
@require_POST
def repair_decide(request, pk):
    application = selectors.repair_get(user=request.user, pk=pk)
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"decision": [_("请选择决定")]})
        services.repair_decide(application=application, approve=form.yes, note=form.cleaned_data["note"],
                               by=request.user)
    except ValidationError as exc:
        return _repairs(request, status=400, error=service_error_text(exc))
    messages.success(request, _("已作出修复决定"))
    return redirect("credit:repair-queue")
