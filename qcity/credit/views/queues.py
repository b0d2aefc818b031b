"""The objection queue and the credit-repair queue (officers, in scope)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.forms import form_error_text
from qcity.core.permissions import role_required
from qcity.core.roles import MARKET_OFFICERS
from qcity.core.steps import step_run
from qcity.core.tables import table_configure

from .. import exports, selectors, services
from ..filters import CreditObjectionFilter, CreditRepairFilter
from ..forms import DecideForm
from ..tables import CreditObjectionTable, CreditRepairTable


def _filtered(request, filterset_class, queryset):
    """The queue as the page shows it (open items unless asked otherwise); its xlsx export holds the same."""
    return filterset_class.for_page(request.GET, defaults={"status": "open"}, queryset=queryset)


def _queue(request, template, filterset_class, table_class, queryset, *, status=200, error=""):
    filterset = _filtered(request, filterset_class, queryset)
    context = {"table": table_configure(request, table_class(filterset.qs)), "today": timezone.localdate(), "form": DecideForm(),
               "open_only": filterset.form.cleaned_data["status"] == "open", "filter": filterset, "error": error}
    return render(request, template, context, status=status)


def _objections(request, **kw):
    return _queue(request, "credit/objection_queue.html", CreditObjectionFilter, CreditObjectionTable,
                  selectors.credit_objection_list(user=request.user).prefetch_related("attachments"), **kw)


def _repairs(request, **kw):
    return _queue(request, "credit/repair_queue.html", CreditRepairFilter, CreditRepairTable,
                  selectors.credit_repair_list(user=request.user).prefetch_related("attachments"), **kw)


@role_required(*MARKET_OFFICERS)
@export_view
def objection_queue(request):
    if wants_export(request):
        return xlsx_export(request, exports.OBJECTIONS, _filtered(
            request, CreditObjectionFilter, selectors.credit_objection_list(user=request.user)).qs)
    return _objections(request)


@role_required(*MARKET_OFFICERS)
@require_POST
def credit_objection_decide(request, pk):
    objection = selectors.credit_objection_get(user=request.user, pk=pk)
    return step_run(request, DecideForm(request.POST),
                    lambda form: services.credit_objection_decide(objection=objection, upheld=form.yes,
                                                                  note=form.cleaned_data["note"], by=request.user),
                    success=_("异议已处理"), done=reverse("credit:objection-queue"),
                    detail=lambda form: _objections(request, error=form_error_text(form)))


@role_required(*MARKET_OFFICERS)
@export_view
def repair_queue(request):
    if wants_export(request):
        return xlsx_export(request, exports.REPAIRS, _filtered(
            request, CreditRepairFilter, selectors.credit_repair_list(user=request.user)).qs)
    return _repairs(request)


@role_required(*MARKET_OFFICERS)
@require_POST
def credit_repair_accept(request, pk):
    application = selectors.credit_repair_get(user=request.user, pk=pk)
    return step_run(request, DecideForm(request.POST),
                    lambda form: services.credit_repair_accept(application=application, accept=form.yes,
                                                               note=form.cleaned_data["note"], by=request.user),
                    success=_("已处理受理"), done=reverse("credit:repair-queue"),
                    detail=lambda form: _repairs(request, error=form_error_text(form)))


@role_required(*MARKET_OFFICERS)
@require_POST
def credit_repair_decide(request, pk):
    application = selectors.credit_repair_get(user=request.user, pk=pk)
    return step_run(request, DecideForm(request.POST),
                    lambda form: services.credit_repair_decide(application=application, approve=form.yes,
                                                               note=form.cleaned_data["note"], by=request.user),
                    success=_("已作出修复决定"), done=reverse("credit:repair-queue"),
                    detail=lambda form: _repairs(request, error=form_error_text(form)))
