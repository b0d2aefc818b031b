from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files import File
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from qcity.core import access
from qcity.core.audit import audit_record
from qcity.core.choices import ENTERPRISE_EDITOR_ROLES, AuditAction
from qcity.core.exports import xlsx_response
from qcity.core.models import OrgUnit
from qcity.core.pagination import CappedPaginator
from qcity.core.permissions import role_required

from . import exports, imports, selectors, services
from .filters import EnterpriseFilter
from .forms import EnterpriseForm, EnterpriseImportForm
from .models import EnterpriseImport
from .selectors import VIEWER_ROLES
from .tables import EnterpriseTable


def _editable_org_units(user):
    prefixes = access.org_unit_scope(user, ENTERPRISE_EDITOR_ROLES)
    units = OrgUnit.objects.all()
    if prefixes is None:
        return units
    return units.filter(pk__in=[u.pk for u in units if any(u.path.startswith(p) for p in prefixes)])


@role_required(*VIEWER_ROLES)
def enterprise_list(request):
    filterset = EnterpriseFilter(request.GET, queryset=selectors.enterprise_list(user=request.user))
    table = EnterpriseTable(filterset.qs if filterset.is_valid() else filterset.queryset.none())
    RequestConfig(request, paginate={"per_page": 50, "paginator_class": CappedPaginator}).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "can_edit": access.has_role(request.user, *ENTERPRISE_EDITOR_ROLES),
    }
    template = "enterprises/partials/enterprise_table.html" if request.htmx else "enterprises/enterprise_list.html"
    return render(request, template, context)


@role_required(*VIEWER_ROLES)
def enterprise_detail(request, pk):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise,
        "can_edit": selectors.enterprise_can_edit(user=request.user, enterprise=enterprise),
        "today": timezone.localdate(),
    })


def _form_view(request, *, instance=None):
    form = EnterpriseForm(request.POST or None, instance=instance,
                          org_units=_editable_org_units(request.user))
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if not (instance and k == "uscc")}
        try:
            if instance is None:
                enterprise = services.enterprise_create(by=request.user, **fields)
            else:
                enterprise = services.enterprise_update(enterprise=instance, by=request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存：%(name)s") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": instance},
                  status=status)


@role_required(*ENTERPRISE_EDITOR_ROLES)
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    return _form_view(request)


@role_required(*ENTERPRISE_EDITOR_ROLES)
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    services.require_edit_scope(request.user, enterprise.org_unit, action="update enterprise", obj=enterprise)
    return _form_view(request, instance=enterprise)


@role_required(*ENTERPRISE_EDITOR_ROLES)
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    record = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = imports.enterprise_import_run(upload=upload, by=request.user,
                                                       skip_bad_rows=form.cleaned_data["skip_bad_rows"])
            except ValidationError as exc:
                form.add_error("file", exc.message_dict.get("file", exc.messages))
            else:
                status = 200 if record.status == record.status.IMPORTED else 400
                if record.errors and not record.skip_bad_rows:
                    upload.seek(0)
                    record.stored_file.save(upload.name, upload, save=True)
    return render(request, "enterprises/enterprise_import.html", {"form": form, "record": record},
                  status=status)


@role_required(*ENTERPRISE_EDITOR_ROLES)
@require_POST
def enterprise_import_good_rows(request, pk):
    """The user saw the bad rows and chose to import the good ones from the same file."""
    previous = get_object_or_404(EnterpriseImport, pk=pk, created_by=request.user, stored_file__gt="")
    try:
        with previous.stored_file.open("rb") as stored:
            upload = File(stored, name=previous.file_name)
            record = imports.enterprise_import_run(upload=upload, by=request.user, skip_bad_rows=True)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("enterprises:import")
    return render(request, "enterprises/enterprise_import.html",
                  {"form": EnterpriseImportForm(), "record": record})


@role_required(*VIEWER_ROLES)
def enterprise_export(request):
    filterset = EnterpriseFilter(request.GET, queryset=selectors.enterprise_list(user=request.user))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    content = exports.enterprise_export(queryset)
    audit_record(action=AuditAction.EXPORT, by=request.user, object_type="enterprises.enterprise",
                 object_repr="enterprise list", message=f"exported with filters {request.GET.urlencode()}"[:500])
    return xlsx_response(content, f"enterprises-{timezone.localdate():%Y%m%d}.xlsx")
