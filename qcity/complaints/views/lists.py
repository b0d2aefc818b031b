"""The back office's complaint list (with its tabs: all in scope, mine, the triage queue, overdue) and the
complaint detail page, for the complaint handlers in their units and the enterprise users (the complaints
against their own enterprise, the person masked, no evidence files, no reports)."""

from django.shortcuts import render
from django.utils import timezone

from qcity.core import access
from qcity.core.downloads import attachment_response
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.permissions import role_required
from qcity.core.roles import COMPLAINT_HANDLERS, COMPLAINT_HANDLERS_AND_ENTERPRISES, MARKET_OFFICERS
from qcity.core.tables import table_configure

from .. import exports, selectors
from ..deadlines import COMPUTE
from ..filters import ComplaintFilter
from ..models import Complaint
from ..tables import ComplaintTable, deadline_cell

# The tabs of the list page, each a filter of ComplaintFilter (so the API offers the same).
TABS = ("mine", "triage", "overdue")


def _filtered(request) -> ComplaintFilter:
    """The list as the page shows it: what the page displays is what its xlsx export holds."""
    return ComplaintFilter.for_page(request.GET, queryset=selectors.complaint_list(user=request.user),
                                    request=request)


@role_required(*COMPLAINT_HANDLERS_AND_ENTERPRISES)
@export_view
def complaint_list(request):
    filterset = _filtered(request)
    if wants_export(request):
        return xlsx_export(request, exports.COMPLAINTS, filterset.qs)
    table = table_configure(request, ComplaintTable(filterset.qs))
    data = filterset.form.cleaned_data
    context = {"filter": filterset, "table": table,
               "tab": next((tab for tab in TABS if data.get(tab) == "yes"), "all"),
               "is_handler": selectors.is_handler(request.user),
               "triage_visible": selectors.triage_visible(request.user)}
    template = "complaints/partials/complaint_table.html" if request.htmx else "complaints/complaint_list.html"
    return render(request, template, context)


def _deadlines(complaint: Complaint, today, *, handling: bool) -> list[tuple[str, str]]:
    """Each deadline the complaint has (label, cell); the one it works against now with its countdown. Outside
    the handling scope, not those of an investigation."""
    current = getattr(complaint, "current_deadline_field", None)
    return [(Complaint._meta.get_field(field).verbose_name,
             deadline_cell(complaint, field, today=today, explain=True, running=field == current))
            for field in COMPUTE if getattr(complaint, field) is not None
            and (handling or field not in selectors.INTERNAL_DEADLINES)]


def complaint_detail_render(request, complaint: Complaint, *, forms: dict | None = None, status: int = 200):
    """The detail page. A step view re-renders it with its bound form (`forms={key: form}`, 400) through
    `core.steps.step_run`; the include slots of the steps, transfer and classification read `forms`."""
    user = request.user
    today = timezone.localdate()
    handling = selectors.personal_data_visible(user=user, complaint=complaint)
    context = {
        "complaint": complaint, "today": today, "forms": forms or {},
        "handling": handling,
        "is_handler": selectors.is_handler(user),
        "person": selectors.person_shown(user=user, complaint=complaint),
        "deadlines": _deadlines(complaint, today, handling=handling),
        "facts": selectors.text_shown(user=user, complaint=complaint, text=complaint.facts),
        "request_text": selectors.text_shown(user=user, complaint=complaint, text=complaint.request),
        "steps": selectors.complaint_available_steps(complaint=complaint, user=user),
        "events": selectors.complaint_event_list(user=user, complaint=complaint),
        "attachments": complaint.attachments.all() if handling else [],
        # the credit file is the market officers' page; a complaint handler alone sees the name only
        "credit_file_linked": complaint.respondent_id is not None and access.has_role(user, *MARKET_OFFICERS),
    }
    return render(request, "complaints/complaint_detail.html", context, status=status)


@role_required(*COMPLAINT_HANDLERS_AND_ENTERPRISES)
def complaint_detail(request, pk):
    return complaint_detail_render(request, selectors.complaint_get(user=request.user, pk=pk))


@role_required(*COMPLAINT_HANDLERS)
def attachment_download(request, pk):
    """An evidence file: the handling scope only (it is the complainant's personal data)."""
    attachment = selectors.complaint_attachment_get(user=request.user, pk=pk)
    return attachment_response(attachment.file, attachment.original_name)
