"""The scoring model page: officers read it, the leadership office saves new versions and reclassifies."""

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core import access
from qcity.core.permissions import role_required
from qcity.core.roles import MARKET_OFFICERS, OFFICE
from qcity.core.steps import step_run

from .. import services
from ..forms import ScoringModelForm
from ..models import ScoringModel


def _page(request, *, form=None, status=200):
    model = services.scoring_model_in_force()
    is_office = access.has_role(request.user, *OFFICE)
    context = {"model": model, "parameters_json": json.dumps(model.parameters, ensure_ascii=False, indent=2),
               "versions": ScoringModel.objects.select_related("created_by")[:20], "is_office": is_office,
               "form": form or ScoringModelForm(initial={"parameters": json.dumps(model.parameters, ensure_ascii=False,
                                                                                  indent=2)})}
    return render(request, "credit/scoring_model.html", context, status=status)


@role_required(*MARKET_OFFICERS)
def scoring_model(request):
    if request.method == "POST":
        return scoring_model_save(request)
    return _page(request)


@role_required(*OFFICE)
def scoring_model_save(request):
    return step_run(request, ScoringModelForm(request.POST),
                    lambda form: services.scoring_model_save(by=request.user, **form.cleaned_data),
                    success=lambda row: _("已保存评分模型 v%(version)s；下次重新分类时生效") % {"version": row.version},
                    done=reverse("credit:scoring-model"), detail=lambda form: _page(request, form=form))


@role_required(*OFFICE)
@require_POST
def reclassify(request):
    outcome = services.credit_reclassify_all(by=request.user)
    messages.success(request, _("已重新分类 %(n)s 户企业，%(c)s 户分类变化（%(s).1f 秒）") % {
        "n": outcome.enterprises, "c": outcome.changed, "s": outcome.seconds})
    return redirect("credit:scoring-model")
