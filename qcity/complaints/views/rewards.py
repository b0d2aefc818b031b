"""Rewards for reports (有奖举报): the list (handlers in scope, the office city-wide), a reward's page with its
steps (decide and pay: the office; the phoned reporter: the handler), the proposal from the report's detail
page, and the reward table the office edits."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qcity.core import access
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.permissions import role_required
from qcity.core.roles import COMPLAINT_HANDLERS, OFFICE
from qcity.core.steps import button_step_run, step_run
from qcity.core.tables import table_configure

from .. import exports, selectors
from ..filters import RewardFilter
from ..forms import RewardDecideForm, RewardPayForm, RewardProposeForm, RewardRuleForm
from ..models import Reward
from ..services import rewards as services
from ..tables import RewardRuleTable, RewardTable
from .lists import complaint_detail_render


@role_required(*COMPLAINT_HANDLERS)
@export_view
def reward_list(request):
    filterset = RewardFilter.for_page(request.GET, queryset=selectors.reward_list(user=request.user),
                                      request=request)
    if wants_export(request):
        return xlsx_export(request, exports.REWARDS, filterset.qs)
    return render(request, "complaints/reward_list.html",
                  {"filter": filterset, "table": table_configure(request, RewardTable(filterset.qs))})


def _reward_page(request, reward: Reward, *, forms: dict | None = None, status: int = 200):
    steps = selectors.reward_available_steps(reward=reward, user=request.user)
    forms = forms or {}
    if "decide" in steps:
        forms.setdefault("decide", RewardDecideForm(prefix="decide", initial={"amount": reward.amount}))
    if "pay" in steps:
        forms.setdefault("pay", RewardPayForm(prefix="pay"))
    return render(request, "complaints/reward_detail.html",
                  {"reward": reward, "complaint": reward.complaint, "steps": steps, "forms": forms}, status=status)


@role_required(*COMPLAINT_HANDLERS)
def reward_detail(request, pk):
    return _reward_page(request, selectors.reward_get(user=request.user, pk=pk))


@role_required(*COMPLAINT_HANDLERS)
@require_POST
def reward_propose(request, pk):
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    return step_run(request, RewardProposeForm(request.POST, prefix="reward"),
                    lambda form: services.reward_propose(complaint=complaint, by=request.user, **form.cleaned_data),
                    success=_("已提出举报奖励，待质量强市办审批"),
                    done=lambda reward: reverse("complaints:reward-detail", args=[reward.pk]),
                    detail=lambda form: complaint_detail_render(request, complaint, forms={"reward": form}))


@role_required(*OFFICE)
@require_POST
def reward_decide(request, pk):
    reward = selectors.reward_get(user=request.user, pk=pk)
    return step_run(request, RewardDecideForm(request.POST, prefix="decide"),
                    lambda form: services.reward_decide(reward=reward, by=request.user, **form.cleaned_data),
                    success=_("已审批举报奖励"), done=reverse("complaints:reward-detail", args=[pk]),
                    detail=lambda form: _reward_page(request, reward, forms={"decide": form}))


@role_required(*OFFICE)
@require_POST
def reward_pay(request, pk):
    reward = selectors.reward_get(user=request.user, pk=pk)
    return step_run(request, RewardPayForm(request.POST, prefix="pay"),
                    lambda form: services.reward_pay(reward=reward, by=request.user, **form.cleaned_data),
                    success=_("已登记奖励发放"), done=reverse("complaints:reward-detail", args=[pk]),
                    detail=lambda form: _reward_page(request, reward, forms={"pay": form}))


@role_required(*COMPLAINT_HANDLERS)
@require_POST
def reward_reporter_notify(request, pk):
    reward = selectors.reward_get(user=request.user, pk=pk)
    return button_step_run(request, lambda: services.reward_reporter_notify(reward=reward, by=request.user),
                           success=_("已登记电话告知举报人"), done=reverse("complaints:reward-detail", args=[pk]))


# --- the reward table -------------------------------------------------------------------------------------


@role_required(*COMPLAINT_HANDLERS)
def reward_rule_list(request):
    editable = access.has_role(request.user, *OFFICE)
    table = RewardRuleTable(selectors.reward_rule_list(), exclude=() if editable else ("edit",))
    return render(request, "complaints/reward_rule_list.html",
                  {"table": table_configure(request, table), "editable": editable})


@role_required(*OFFICE)
@require_http_methods(["GET", "POST"])
def reward_rule_edit(request, pk):
    rule = get_object_or_404(selectors.reward_rule_list(), pk=pk)

    def page(form, status=200):
        return render(request, "complaints/reward_rule_edit.html", {"rule": rule, "form": form}, status=status)

    if request.method == "GET":
        return page(RewardRuleForm(initial={f: getattr(rule, f) for f in services.REWARD_RULE_FIELDS}))
    return step_run(request, RewardRuleForm(request.POST),
                    lambda form: services.reward_rule_update(rule=rule, by=request.user, **form.cleaned_data),
                    success=_("已修改奖励标准"), done=reverse("complaints:reward-rule-list"), detail=page)
