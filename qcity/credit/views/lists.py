"""The abnormal-operations list, the serious-violation list and the red list (officers, in scope)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core import access
from qcity.core.forms import add_service_errors, service_error_text
from qcity.core.permissions import role_required

from .. import exports, selectors, services
from ..choices import CreditListKind
from ..forms import ListEntryForm, ListRemoveForm, PublishForm
from ..models import CreditEvent
from ..selectors import OFFICE_ROLES, OFFICER_ROLES
from .files import page_of


def _kind(list_kind: str) -> str:
    kind = list_kind.replace("-", "_")
    if kind not in CreditListKind.values:
        raise Http404
    return kind


def _list(request, kind, *, form=None, status=200, error=""):
    listed = request.GET.get("status", "listed") != "all"
    queryset = selectors.list_entries(user=request.user, list_kind=kind, listed_only=listed)
    context = {"kind": kind, "kind_label": CreditListKind(kind).label, "page": page_of(queryset, request),
               "listed_only": listed, "today": timezone.localdate(), "error": error,
               "can_enter": kind != CreditListKind.RED or access.has_role(request.user, *OFFICE_ROLES),
               "is_office": access.has_role(request.user, *OFFICE_ROLES),
               "form": form or ListEntryForm(list_kind=kind, initial={"decided_on": timezone.localdate()}),
               "publish_form": PublishForm(initial={"published_on": timezone.localdate()}),
               "remove_form": ListRemoveForm()}
    return render(request, "credit/list.html", context, status=status)


@role_required(*OFFICER_ROLES)
def list_view(request, list_kind):
    kind = _kind(list_kind)
    if request.GET.get("format") == "xlsx":
        return _export(request, kind)
    return _list(request, kind)


def _export(request, kind):
    listed = request.GET.get("status", "listed") != "all"
    queryset = selectors.list_entries(user=request.user, list_kind=kind, listed_only=listed)
    return exports.list_entries_xlsx(queryset, kind=kind, by=request.user)


@role_required(*OFFICER_ROLES)
@require_POST
def list_entry_create(request, list_kind):
    kind = _kind(list_kind)
    form = ListEntryForm(request.POST, list_kind=kind)
    if form.is_valid():
        data = dict(form.cleaned_data)
        enterprise = selectors.credit_file_search(user=request.user).filter(uscc=data.pop("uscc").strip().upper()).first()
        try:
            if enterprise is None:
                raise ValidationError({"uscc": [_("没有该统一社会信用代码的企业，或不在您的管辖范围内")]})
            if kind == CreditListKind.SERIOUS_VIOLATION:
                penalty = CreditEvent.objects.filter(enterprise=enterprise, pk=data.pop("penalty_event")).first()
                services.serious_list_enter(enterprise=enterprise, penalty_event=penalty, by=request.user, **data)
            elif kind == CreditListKind.ABNORMAL_OPERATIONS:
                services.abnormal_list_enter(enterprise=enterprise, by=request.user, **data)
            else:
                services.red_list_enter(enterprise=enterprise, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已列入"))
            return redirect("credit:list", list_kind=kind)
    return _list(request, kind, form=form, status=400)


@role_required(*OFFICER_ROLES)
@require_POST
def list_entry_publish(request, pk):
    entry = selectors.list_entry_get(user=request.user, pk=pk)
    form = PublishForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"published_on": [_("请填写公示日期")]})
        services.list_entry_publish(entry=entry, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _list(request, entry.list_kind, status=400, error=service_error_text(exc))
    messages.success(request, _("已公示"))
    return redirect("credit:list", list_kind=entry.list_kind)


@role_required(*OFFICE_ROLES)
@require_POST
def list_entry_remove(request, pk):
    entry = selectors.list_entry_get(user=request.user, pk=pk)
    form = ListRemoveForm(request.POST)
    try:
        services.red_list_remove(entry=entry, note=request.POST.get("note", "") if form.is_valid() else "",
                                 by=request.user)
    except ValidationError as exc:
        return _list(request, entry.list_kind, status=400, error=service_error_text(exc))
    messages.success(request, _("已移出"))
    return redirect("credit:list", list_kind=entry.list_kind)
