"""The regulator's handling steps, one short view per step (services/handling.py holds the rules).

A step with input has its own page: GET shows the form, POST runs the service and returns to the
complaint, or shows the form again with the refusal (400). A step without input is a button on the
complaint's page (`partials/steps.html`). The complaint is looked up in the user's scope: outside it, 404.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qcity.core.permissions import role_required
from qcity.core.roles import COMPLAINT_HANDLERS
from qcity.core.steps import button_step_run, step_run

from .. import forms, selectors
from ..services import handling

GET_POST = require_http_methods(["GET", "POST"])


def _step(request, pk, step, form_class, call, *, title, success):
    """One handling step with a form: `call(complaint, data)` is its service, `data` the cleaned form."""
    complaint = selectors.complaint_get(user=request.user, pk=pk)

    def page(form, status=200):
        context = {"complaint": complaint, "form": form, "title": title, "step": step}
        return render(request, "complaints/steps/step.html", context, status=status)

    if request.method == "GET":
        return page(form_class(prefix=step, complaint=complaint))
    return step_run(request, form_class(request.POST, prefix=step, complaint=complaint),
                    lambda form: call(complaint, form.cleaned_data), success=success,
                    done=reverse("complaints:complaint-detail", args=[complaint.pk]), detail=page)


def _button(request, pk, call, *, success):
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    return button_step_run(request, lambda: call(complaint), success=success,
                           done=reverse("complaints:complaint-detail", args=[complaint.pk]))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_assign(request, pk):
    return _step(request, pk, "assign", forms.AssignForm, lambda c, d: handling.complaint_assign(
        complaint=c, by=request.user, **d), title=_("指定承办人"), success=_("已指定承办人"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_accept(request, pk):
    return _step(request, pk, "accept", forms.AcceptForm, lambda c, d: handling.complaint_accept(
        complaint=c, by=request.user, **d), title=_("受理"), success=_("已受理"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_decline(request, pk):
    return _step(request, pk, "decline", forms.DeclineForm, lambda c, d: handling.complaint_decline(
        complaint=c, by=request.user, **d), title=_("不予受理"), success=_("已决定不予受理"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_mediation_start(request, pk):
    return _step(request, pk, "mediation-start", forms.MediationStartForm,
                 lambda c, d: handling.complaint_mediation_start(complaint=c, by=request.user, **d),
                 title=_("开始调解"), success=_("已开始调解"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_recusal(request, pk):
    return _step(request, pk, "recusal", forms.RecusalForm, lambda c, d: handling.complaint_recusal(
        complaint=c, by=request.user, **d), title=_("调解人员回避"), success=_("已办理回避"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_suspend(request, pk):
    return _step(request, pk, "suspend", forms.SuspendForm, lambda c, d: handling.complaint_suspend(
        complaint=c, by=request.user, **d), title=_("中止调解"), success=_("已中止调解"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_resume(request, pk):
    return _step(request, pk, "resume", forms.ResumeForm, lambda c, d: handling.complaint_resume(
        complaint=c, by=request.user, **d), title=_("恢复调解"), success=_("已恢复调解，调解期限已顺延"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_extend(request, pk):
    return _step(request, pk, "extend", forms.ExtendForm, lambda c, d: handling.complaint_extend(
        complaint=c, by=request.user, **d), title=_("延长调解期限"), success=_("已延长调解期限"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_clue_record(request, pk):
    return _step(request, pk, "clue-record", forms.ClueRecordForm, lambda c, d: handling.complaint_clue_record(
        complaint=c, by=request.user, **d), title=_("登记违法线索"), success=_("已登记违法线索"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_clue_extend(request, pk):
    return _step(request, pk, "clue-extend", forms.ReasonForm, lambda c, d: handling.complaint_clue_extend(
        complaint=c, by=request.user, **d), title=_("延长线索核查期限"), success=_("已延长线索核查期限"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_clue_verify(request, pk):
    return _step(request, pk, "clue-verify", forms.ClueVerifyForm, lambda c, d: handling.complaint_clue_verify(
        complaint=c, by=request.user, **d), title=_("违法线索核查结果"), success=_("已登记线索核查结果"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_close(request, pk):
    return _step(request, pk, "close", forms.CloseForm, lambda c, d: handling.complaint_close(
        complaint=c, by=request.user, **d), title=_("办结"), success=_("已办结"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_terminate(request, pk):
    return _step(request, pk, "terminate", forms.TerminateForm, lambda c, d: handling.complaint_terminate(
        complaint=c, by=request.user, **d), title=_("终止调解"), success=_("已终止调解"))


@role_required(*COMPLAINT_HANDLERS)
@require_POST
def complaint_verify_start(request, pk):
    return _button(request, pk, lambda c: handling.report_tip_verify_start(complaint=c, by=request.user),
                   success=_("已开始立案核查"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_check_extend(request, pk):
    return _step(request, pk, "check-extend", forms.ReasonForm, lambda c, d: handling.report_tip_check_extend(
        complaint=c, by=request.user, **d), title=_("延长立案核查期限"), success=_("已延长立案核查期限"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_decide(request, pk):
    return _step(request, pk, "decide", forms.ReportTipDecideForm, lambda c, d: handling.report_tip_decide(
        complaint=c, by=request.user, **d), title=_("立案决定"), success=_("已作出立案决定"))


@role_required(*COMPLAINT_HANDLERS)
@require_POST
def complaint_reporter_notify(request, pk):
    return _button(request, pk, lambda c: handling.report_tip_reporter_notify(complaint=c, by=request.user),
                   success=_("已告知举报人"))


@role_required(*COMPLAINT_HANDLERS)
@GET_POST
def complaint_report_close(request, pk):
    return _step(request, pk, "report-close", forms.ReportTipCloseForm, lambda c, d: handling.report_tip_close(
        complaint=c, by=request.user, **d), title=_("举报办结"), success=_("已办结"))


# The step name in the URL (complaints:complaint-<step>) → its view; urls.py adds them all.
STEP_VIEWS = {
    "assign": complaint_assign,
    "accept": complaint_accept,
    "decline": complaint_decline,
    "mediation-start": complaint_mediation_start,
    "recusal": complaint_recusal,
    "suspend": complaint_suspend,
    "resume": complaint_resume,
    "extend": complaint_extend,
    "clue-record": complaint_clue_record,
    "clue-extend": complaint_clue_extend,
    "clue-verify": complaint_clue_verify,
    "close": complaint_close,
    "terminate": complaint_terminate,
    "verify-start": complaint_verify_start,
    "check-extend": complaint_check_extend,
    "decide": complaint_decide,
    "reporter-notify": complaint_reporter_notify,
    "report-close": complaint_report_close,
}
# Steps without input: a button on the complaint's page, no page of their own.
BUTTON_STEPS = frozenset({"verify-start", "reporter-notify"})
