"""Recall pages (召回): the list, opening a recall of a lot, one recall with its holders (their status steps and
the xlsx of holders), and closing it. Market officers over the recall's unit; opening and closing: managers."""

from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.permissions import role_required
from qcity.core.roles import MARKET_MANAGERS, MARKET_OFFICERS
from qcity.core.steps import button_step_run, step_run
from qcity.core.tables import table_configure

from .. import exports, selectors
from ..choices import RecallHolderStatus, RecallStatus
from ..filters import RecallFilter
from ..forms import RecallCloseForm, RecallOpenForm
from ..services import recalls as services
from ..tables import RecallHolderTable, RecallTable


def _recalls(request):
    return RecallFilter.for_page(request.GET, queryset=selectors.recall_list(user=request.user))


@role_required(*MARKET_OFFICERS)
@export_view
def recall_list(request):
    filterset = _recalls(request)
    if wants_export(request):
        return xlsx_export(request, exports.RECALLS, filterset.qs)
    return render(request, "trace/recall_list.html", {
        "filter": filterset, "table": table_configure(request, RecallTable(filterset.qs)),
        "can_open": selectors.recall_can_open(user=request.user)})


def _open_page(request, form):
    return render(request, "trace/recall_open.html", {"form": form})


@role_required(*MARKET_MANAGERS)
def recall_open(request):
    if request.method == "POST":
        return step_run(request, RecallOpenForm(request.POST),
                        lambda form: services.recall_open(lot=form.cleaned_data["lot"], kind=form.cleaned_data["kind"],
                                                          reason=form.cleaned_data["reason"], by=request.user),
                        success=lambda recall: _("已启动召回：%(lot)s") % {"lot": recall.lot},
                        done=lambda recall: reverse("trace:recall-detail", args=[recall.pk]),
                        detail=lambda form: _open_page(request, form))
    return _open_page(request, RecallOpenForm())


def _holders(recall):
    holders = list(selectors.recall_holder_list(recall=recall))
    for holder in holders:
        holder.recall = recall
        holder.next_statuses = selectors.recall_holder_next_statuses(holder=holder)
    return holders


def _detail(request, recall, *, close_form=None, status=200):
    holders = _holders(recall)
    done = sum(h.status in (RecallHolderStatus.RETURNED, RecallHolderStatus.DESTROYED) for h in holders)
    context = {"recall": recall, "table": table_configure(request, RecallHolderTable(holders)),
               "holder_count": len(holders), "done_count": done,
               "can_close": recall.status == RecallStatus.OPEN and selectors.recall_can_open(user=request.user),
               "close_form": close_form or RecallCloseForm()}
    return render(request, "trace/recall_detail.html", context, status=status)


@role_required(*MARKET_OFFICERS)
@export_view
def recall_detail(request, pk):
    recall = selectors.recall_get(user=request.user, pk=pk)
    if wants_export(request):
        return xlsx_export(request, exports.RECALL_HOLDERS, selectors.recall_holder_list(recall=recall))
    return _detail(request, recall)


@role_required(*MARKET_MANAGERS)
@require_POST
def recall_close(request, pk):
    recall = selectors.recall_get(user=request.user, pk=pk)
    return step_run(request, RecallCloseForm(request.POST),
                    lambda form: services.recall_close(recall=recall, by=request.user, reason=form.cleaned_data["reason"]),
                    success=_("召回已结束"), done=reverse("trace:recall-detail", args=[recall.pk]),
                    detail=lambda form: _detail(request, selectors.recall_get(user=request.user, pk=pk),
                                                close_form=form))


@role_required(*MARKET_OFFICERS)
@require_POST
def recall_holder_advance(request, pk, status):
    holder = selectors.recall_holder_get(user=request.user, pk=pk)
    return button_step_run(
        request, lambda: services.recall_holder_advance(holder=holder, status=status, by=request.user),
        success=lambda h: _("%(party)s 已更新为“%(status)s”") % {"party": h.party, "status": h.get_status_display()},
        done=reverse("trace:recall-detail", args=[holder.recall_id]))


urlpatterns = [
    path("recalls/", recall_list, name="recall-list"),
    path("recalls/new/", recall_open, name="recall-open"),
    path("recalls/<int:pk>/", recall_detail, name="recall-detail"),
    path("recalls/<int:pk>/close/", recall_close, name="recall-close"),
    path("recall-holders/<int:pk>/<slug:status>/", recall_holder_advance, name="recall-holder-advance"),
]
