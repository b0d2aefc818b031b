"""The abnormal-operations list, the serious-violation list and the red list (officers, in scope)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core import access
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.exports import xlsx_bytes, xlsx_response
from qcity.core.forms import add_service_errors
from qcity.core.permissions import role_required

from .. import selectors, services
from ..choices import CreditListKind
from ..forms import ListEntryForm, ListRemoveForm, PublishForm
from ..models import CreditEvent
from ..selectors import OFFICE_ROLES, OFFICER_ROLES
from .files import _page, error_text

EXPORT_LIMIT = 100_000
HEADINGS = ["统一社会信用代码", "企业名称", "所属区域", "列入事由", "决定日期", "作出决定机关", "决定书文号", "公示日期",
            "期满日期", "状态", "移出日期", "移出原因"]


def _kind(list_kind: str) -> str:
    kind = list_kind.replace("-", "_")
    if kind not in CreditListKind.values:
        raise Http404
    return kind


def _list(request, kind, *, form=None, status=200, error=""):
    listed = request.GET.get("status", "listed") != "all"
    queryset = selectors.list_entries(user=request.user, list_kind=kind, listed_only=listed)
    context = {"kind": kind, "kind_label": CreditListKind(kind).label, "page": _page(queryset, request),
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
    queryset = selectors.list_entries(user=request.user, list_kind=kind, listed_only=listed)[:EXPORT_LIMIT]
    rows = ([e.enterprise.uscc, e.enterprise.name, e.enterprise.org_unit.name, e.get_reason_display(), e.decided_on,
             e.decision_authority, e.decision_number, e.published_on, e.ends_on, e.get_status_display(), e.removed_on,
             e.get_removal_reason_display()] for e in queryset.iterator(chunk_size=2000))
    content = xlsx_bytes(str(CreditListKind(kind).label), HEADINGS, rows)
    audit_record(action=AuditAction.EXPORT, by=request.user, object_type="credit.creditlistentry",
                 object_repr=str(CreditListKind(kind).label), message=f"exported the {kind} list")
    return xlsx_response(content, f"credit-{kind}-{timezone.localdate():%Y%m%d}.xlsx")


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
        return _list(request, entry.list_kind, status=400, error=error_text(exc))
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
        return _list(request, entry.list_kind, status=400, error=error_text(exc))
    messages.success(request, _("已移出"))
    return redirect("credit:list", list_kind=entry.list_kind)
