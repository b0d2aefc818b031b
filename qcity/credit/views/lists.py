"""The abnormal-operations list, the serious-violation list and the red list (officers, in scope)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core import access
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.forms import form_error_text
from qcity.core.permissions import role_required
from qcity.core.roles import MARKET_OFFICERS, OFFICE
from qcity.core.steps import step_run
from qcity.core.tables import table_configure

from .. import exports, selectors, services
from ..choices import CreditListEntryStatus, CreditListKind
from ..filters import CreditListEntryFilter
from ..forms import ListEntryForm, ListRemoveForm, PublishForm
from ..models import CreditEvent
from ..tables import CreditListEntryTable


def _kind(list_kind: str) -> str:
    kind = list_kind.replace("-", "_")
    if kind not in CreditListKind.values:
        raise Http404
    return kind


def _filtered(request, kind) -> CreditListEntryFilter:
    """The list as the page shows it: what the page displays is what its xlsx export holds."""
    return CreditListEntryFilter.for_page(request.GET, defaults={"status": CreditListEntryStatus.LISTED},
                                          queryset=selectors.credit_list_entry_list(user=request.user, list_kind=kind))


def _list(request, kind, *, form=None, status=200, error=""):
    filterset = _filtered(request, kind)
    context = {"kind": kind, "kind_label": CreditListKind(kind).label, "table": table_configure(request, CreditListEntryTable(filterset.qs)),
               "listed_only": filterset.form.cleaned_data["status"] != "all", "filter": filterset, "today": timezone.localdate(), "error": error,
               "can_enter": kind != CreditListKind.RED or access.has_role(request.user, *OFFICE),
               "is_office": access.has_role(request.user, *OFFICE),
               "form": form or ListEntryForm(list_kind=kind, initial={"decided_on": timezone.localdate()}),
               "publish_form": PublishForm(initial={"published_on": timezone.localdate()}),
               "remove_form": ListRemoveForm()}
    return render(request, "credit/list.html", context, status=status)


@role_required(*MARKET_OFFICERS)
@export_view
def list_view(request, list_kind):
    kind = _kind(list_kind)
    if wants_export(request):
        return xlsx_export(request, exports.list_entry_columns(kind), _filtered(request, kind).qs)
    return _list(request, kind)


@role_required(*MARKET_OFFICERS)
@require_POST
def list_entry_create(request, list_kind):
    kind = _kind(list_kind)

    def enter(form):
        data = dict(form.cleaned_data)
        enterprise = selectors.credit_file_list(user=request.user).filter(uscc=data.pop("uscc").strip().upper()).first()
        if enterprise is None:
            raise ValidationError({"uscc": [_("没有该统一社会信用代码的企业，或不在您的管辖范围内")]})
        if kind == CreditListKind.SERIOUS_VIOLATION:
            penalty = CreditEvent.objects.filter(enterprise=enterprise, pk=data.pop("penalty_event")).first()
            return services.serious_list_enter(enterprise=enterprise, penalty_event=penalty, by=request.user, **data)
        if kind == CreditListKind.ABNORMAL_OPERATIONS:
            return services.abnormal_list_enter(enterprise=enterprise, by=request.user, **data)
        return services.red_list_enter(enterprise=enterprise, by=request.user, **data)

    return step_run(request, ListEntryForm(request.POST, list_kind=kind), enter, success=_("已列入"),
                    done=reverse("credit:list", kwargs={"list_kind": kind}),
                    detail=lambda form: _list(request, kind, form=form))


@role_required(*MARKET_OFFICERS)
@require_POST
def list_entry_publish(request, pk):
    entry = selectors.credit_list_entry_get(user=request.user, pk=pk)
    return step_run(request, PublishForm(request.POST),
                    lambda form: services.list_entry_publish(entry=entry, by=request.user,
                                                             published_on=form.cleaned_data["published_on"]),
                    success=_("已公示"), done=reverse("credit:list", kwargs={"list_kind": entry.list_kind}),
                    detail=lambda form: _list(request, entry.list_kind, error=form_error_text(form)))


@role_required(*OFFICE)
@require_POST
def list_entry_remove(request, pk):
    entry = selectors.credit_list_entry_get(user=request.user, pk=pk)
    return step_run(request, ListRemoveForm(request.POST),
                    lambda form: services.red_list_remove(entry=entry, note=form.cleaned_data["note"], by=request.user),
                    success=_("已移出"), done=reverse("credit:list", kwargs={"list_kind": entry.list_kind}),
                    detail=lambda form: _list(request, entry.list_kind, error=form_error_text(form)))
