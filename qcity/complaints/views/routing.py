"""Routing pages: the transfer step on the complaint's detail page, and the gazetteer the city keeps."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.forms import add_service_errors
from qcity.core.permissions import role_required
from qcity.core.roles import COMPLAINT_HANDLERS
from qcity.core.steps import step_run
from qcity.core.tables import table_configure

from .. import exports, selectors
from ..filters import GazetteerEntryFilter
from ..forms import GazetteerEntryForm, TransferForm
from ..services import gazetteer as gazetteer_services
from ..services.routing import complaint_transfer
from ..tables import GazetteerEntryTable
from .lists import complaint_detail_render


@role_required(*COMPLAINT_HANDLERS)
def complaint_transfer_page(request, pk):
    """GET opens the detail page with the transfer form; POST runs the step."""
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    if request.method != "POST":
        return complaint_detail_render(request, complaint, forms={"transfer": TransferForm(prefix="transfer")})

    def done(moved):
        # the unit that handed it on may no longer see it: back to the list then
        still_seen = selectors.complaint_list(user=request.user).filter(pk=moved.pk).exists()
        return reverse("complaints:complaint-detail", args=[moved.pk]) if still_seen else reverse(
            "complaints:complaint-list")

    return step_run(request, TransferForm(request.POST, prefix="transfer"),
                    lambda form: complaint_transfer(complaint=complaint, by=request.user, **form.cleaned_data),
                    success=lambda moved: _("已移送至%(unit)s") % {"unit": moved.org_unit.name}, done=done,
                    detail=lambda form: complaint_detail_render(request, complaint, forms={"transfer": form}))


# --- gazetteer (地名库) ---------------------------------------------------------------------------------------


@role_required(*COMPLAINT_HANDLERS)
@export_view
def gazetteer_list(request):
    filterset = GazetteerEntryFilter.for_page(request.GET, queryset=selectors.gazetteer_entry_list())
    if wants_export(request):
        return xlsx_export(request, exports.GAZETTEER, filterset.qs)
    return render(request, "complaints/gazetteer_list.html",
                  {"filter": filterset, "table": table_configure(request, GazetteerEntryTable(filterset.qs))})


def _entry_form_page(request, *, entry=None):
    """Create or edit one entry; the service checks the city level and audits."""
    initial = ({"name": entry.name, "kind": entry.kind, "org_unit": entry.org_unit, "note": entry.note,
                "active": entry.active} if entry else {"active": True})
    form = GazetteerEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                gazetteer_services.gazetteer_entry_create(by=request.user, **form.cleaned_data)
            else:
                gazetteer_services.gazetteer_entry_update(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("地名库已保存"))
            return redirect("complaints:gazetteer-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/gazetteer_form.html", {"form": form, "entry": entry}, status=status)


@role_required(*COMPLAINT_HANDLERS)
def gazetteer_entry_create(request):
    return _entry_form_page(request)


@role_required(*COMPLAINT_HANDLERS)
def gazetteer_entry_edit(request, pk):
    return _entry_form_page(request, entry=get_object_or_404(selectors.gazetteer_entry_list(), pk=pk))

