"""The officer's transcription of a complaint or report received by the 12315 hotline or at the counter: the
public's form plus the channel; the officer lands on the new complaint's page (the first row of a split)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qcity.core.permissions import role_required
from qcity.core.roles import COMPLAINT_HANDLERS
from qcity.core.steps import step_run

from ..forms import OfficerIntakeForm
from ..services.intake import complaint_submit


def _form_page(request, form):
    return render(request, "complaints/intake.html", {"form": form})


@role_required(*COMPLAINT_HANDLERS)
@require_http_methods(["GET", "POST"])
def complaint_create(request):
    if request.method == "GET":
        return _form_page(request, OfficerIntakeForm())
    return step_run(
        request, OfficerIntakeForm(request.POST, request.FILES),
        lambda form: complaint_submit(by=request.user, **form.submit_arguments()),
        success=lambda rows: _("已登记：%(numbers)s") % {"numbers": "、".join(r.tracking_number for r in rows)},
        done=lambda rows: reverse("complaints:complaint-detail", args=[rows[0].pk]),
        detail=lambda form: _form_page(request, form))
