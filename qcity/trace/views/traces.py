"""The back-office trace page (追溯查询): a lot (GTIN + lot number) or any identifier, traced backward to its
origins (farm to here) and forward to its holders, with the recall button for a registered lot."""

from django.shortcuts import render
from django.urls import path

from qcity.core.permissions import role_required
from qcity.core.roles import MARKET_OFFICERS
from qcity.core.tables import table_configure

from .. import selectors
from ..forms import RecallOpenForm, TraceForm
from ..tables import TraceHolderTable, TraceStepTable

STEPS_PER_PAGE = 200


@role_required(*MARKET_OFFICERS)
def trace(request):
    form = TraceForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        view = selectors.trace_view(epc=form.cleaned_data["root"])
        context.update(
            view=view, trace=view.trace, root_name=view.name(view.trace.root),
            backward=table_configure(request, TraceStepTable(view.step_rows(view.trace.backward), prefix="b-"),
                                     per_page=STEPS_PER_PAGE),
            forward=table_configure(request, TraceStepTable(view.step_rows(view.trace.forward), prefix="f-"),
                                    per_page=STEPS_PER_PAGE),
            holders=table_configure(request, TraceHolderTable(view.holder_rows(), prefix="h-"),
                                    per_page=STEPS_PER_PAGE),
            origins=[view.name(uri) for uri in view.trace.origins],
            suppliers=[view.name(uri) for uri in view.trace.suppliers],
            can_recall=view.lot is not None and selectors.recall_can_open(user=request.user),
        )
        if view.lot is not None:
            context["open_recall"] = selectors.recall_open_of(lot=view.lot)
            context["recall_form"] = RecallOpenForm(initial={"gtin": view.lot.product.gtin,
                                                             "lot_number": view.lot.lot_number})
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "trace/trace.html", context, status=status)


urlpatterns = [
    path("traces/", trace, name="trace"),
]
