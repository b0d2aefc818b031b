"""Direct settlement (在线消费纠纷解决) pages: the enterprise answers the complaints sent to it and decides
for itself whether to take part; the officers see which enterprises take part."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core.choices import Role
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.permissions import role_required
from qcity.core.roles import COMPLAINT_HANDLERS
from qcity.core.steps import button_step_run, step_run
from qcity.core.tables import table_configure

from .. import exports, selectors
from ..choices import ComplaintStatus
from ..filters import DirectSettlementMembershipFilter
from ..forms import SettlementAnswerForm
from ..services import routing as services
from ..tables import DirectSettlementMembershipTable


def _settlement_page(request, *, forms=None, status=200):
    """The enterprise's page: its complaints in (or past) direct settlement, the answer forms of the open ones,
    and its own membership. The person is masked: the enterprise talks to the consumer through the platform."""
    complaints = list(selectors.settlement_complaint_list(user=request.user))
    forms = forms or {}
    rows = [{"complaint": c, "person": selectors.person_masked(c),
             "facts": selectors.text_shown(user=request.user, complaint=c, text=c.facts),
             "request_text": selectors.text_shown(user=request.user, complaint=c, text=c.request),
             "form": forms.get(c.pk) or (SettlementAnswerForm(prefix=f"answer-{c.pk}")
                                         if c.status == ComplaintStatus.DIRECT_SETTLEMENT else None)}
            for c in complaints]
    context = {"rows": rows, "today": timezone.localdate(),
               "membership": selectors.direct_settlement_membership_get(request.user.enterprise_id)}
    return render(request, "complaints/settlement_list.html", context, status=status)


@role_required(Role.ENTERPRISE_USER)
def settlement_list(request):
    return _settlement_page(request)


@role_required(Role.ENTERPRISE_USER)
@require_POST
def settlement_answer(request, pk):
    complaint = get_object_or_404(selectors.settlement_complaint_list(user=request.user), pk=pk)
    return step_run(request, SettlementAnswerForm(request.POST, prefix=f"answer-{pk}"),
                    lambda form: services.settlement_answer(complaint=complaint, by=request.user, **form.cleaned_data),
                    success=_("已答复和解结果"), done=reverse("complaints:settlement-list"),
                    detail=lambda form: _settlement_page(request, forms={pk: form}))


@role_required(Role.ENTERPRISE_USER)
@require_POST
def direct_settlement_join(request):
    return button_step_run(request, lambda: services.direct_settlement_join(enterprise=request.user.enterprise,
                                                                            by=request.user),
                           success=_("已加入在线纠纷解决"), done=reverse("complaints:settlement-list"))


@role_required(Role.ENTERPRISE_USER)
@require_POST
def direct_settlement_leave(request):
    return button_step_run(request, lambda: services.direct_settlement_leave(enterprise=request.user.enterprise,
                                                                             by=request.user),
                           success=_("已退出在线纠纷解决"), done=reverse("complaints:settlement-list"))


@role_required(*COMPLAINT_HANDLERS)
@export_view
def direct_settlement_members(request):
    filterset = DirectSettlementMembershipFilter.for_page(
        request.GET, queryset=selectors.direct_settlement_membership_list(user=request.user))
    if wants_export(request):
        return xlsx_export(request, exports.DIRECT_SETTLEMENT_MEMBERSHIPS, filterset.qs)
    return render(request, "complaints/direct_settlement_members.html", {
        "filter": filterset, "table": table_configure(request, DirectSettlementMembershipTable(filterset.qs))})
