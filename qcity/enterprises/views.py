from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qcity.core import access
from qcity.core.access import require_scope
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.permissions import role_required
from qcity.core.roles import MARKET_OFFICERS, STAFF
from qcity.core.tables import table_configure
from qcity.core.uploads import request_too_large

from . import exports, imports, selectors, services
from .choices import EnterpriseImportStatus
from .filters import EnterpriseFilter
from .forms import (
    CertificationForm,
    ChiefQualityOfficerForm,
    EnterpriseForm,
    EnterpriseImportForm,
    LicenceForm,
)
from .models import EnterpriseImport
from .tables import EnterpriseTable


@role_required(*STAFF)
@export_view
def enterprise_list(request):
    filterset = EnterpriseFilter(request.GET, queryset=selectors.enterprise_list(user=request.user))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if wants_export(request):
        return xlsx_export(request, exports.ENTERPRISES, queryset.select_related("org_unit").order_by("id"))
    table = EnterpriseTable(queryset)
    table_configure(request, table)
    context = {
        "filter": filterset,
        "table": table,
        "can_edit": access.has_role(request.user, *MARKET_OFFICERS),
    }
    template = "enterprises/partials/enterprise_table.html" if request.htmx else "enterprises/enterprise_list.html"
    return render(request, template, context)


def _detail(request, enterprise, *, forms=None, status=200):
    can_edit = selectors.enterprise_can_edit(user=request.user, enterprise=enterprise)
    officer = getattr(enterprise, "chief_quality_officer", None)
    forms = forms or {}
    context = {"enterprise": enterprise, "can_edit": can_edit, "today": timezone.localdate()}
    if can_edit:
        context |= {
            "licence_form": forms.get("licence") or LicenceForm(prefix="licence"),
            "certification_form": forms.get("certification") or CertificationForm(prefix="certification"),
            "officer_form": forms.get("officer") or ChiefQualityOfficerForm(prefix="officer", instance=officer),
        }
    return render(request, "enterprises/enterprise_detail.html", context, status=status)


@role_required(*STAFF)
def enterprise_detail(request, pk):
    return _detail(request, selectors.enterprise_get(user=request.user, pk=pk))


# Licences, certifications and the chief quality officer are added from the detail page; each form
# posts to its own short view that calls its own service.
_ATTACHMENTS = {
    "licence": (LicenceForm, services.licence_add, _("已添加许可证")),
    "certification": (CertificationForm, services.certification_add, _("已添加认证")),
    "officer": (ChiefQualityOfficerForm, services.chief_quality_officer_set, _("已保存首席质量官")),
}


@role_required(*MARKET_OFFICERS)
@require_POST
def enterprise_attachment_add(request, pk, kind):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form_class, service, done = _ATTACHMENTS[kind]
    form = form_class(request.POST, prefix=kind)
    if form.is_valid():
        try:
            service(enterprise=enterprise, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return redirect("enterprises:detail", pk=enterprise.pk)
    return _detail(request, enterprise, forms={kind: form}, status=400)


def _form_view(request, *, instance=None):
    form = EnterpriseForm(request.POST or None, instance=instance,
                          org_units=access.covered_org_units(request.user, MARKET_OFFICERS))
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


@role_required(*MARKET_OFFICERS)
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    return _form_view(request)


@role_required(*MARKET_OFFICERS)
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    require_scope(request.user, enterprise.org_unit, roles=MARKET_OFFICERS, action="update enterprise", obj=enterprise)
    return _form_view(request, instance=enterprise)


@role_required(*MARKET_OFFICERS)
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    """Upload: the file as a whole is checked at once (400 with the reason); its rows in a background job."""
    too_big = request.method == "POST" and request_too_large(request)
    if too_big:  # answered from the Content-Length, without reading the body
        return render(request, "enterprises/enterprise_import.html",
                      {"form": EnterpriseImportForm(), "upload_error": too_big}, status=400)
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = imports.enterprise_import_submit(upload=form.cleaned_data["file"], by=request.user,
                                                      skip_bad_rows=form.cleaned_data["skip_bad_rows"])
        except ValidationError as exc:
            form.add_error("file", exc.message_dict.get("file", exc.messages))
        else:
            return redirect("enterprises:import-detail", pk=record.pk)
    recent = EnterpriseImport.objects.filter(created_by=request.user)[:10]
    return render(request, "enterprises/enterprise_import.html", {"form": form, "recent": recent},
                  status=400 if form.errors else 200)


@role_required(*MARKET_OFFICERS)
def enterprise_import_detail(request, pk):
    """An import's outcome; while it is queued or running, the page polls this view with HTMX."""
    record = get_object_or_404(EnterpriseImport, pk=pk, created_by=request.user)
    template = "enterprises/partials/import_result.html" if request.htmx else "enterprises/enterprise_import.html"
    status = 400 if record.status in (EnterpriseImportStatus.REJECTED, EnterpriseImportStatus.FAILED) and not request.htmx else 200
    return render(request, template, {"record": record, "form": EnterpriseImportForm()}, status=status)


@role_required(*MARKET_OFFICERS)
@require_POST
def enterprise_import_good_rows(request, pk):
    previous = get_object_or_404(EnterpriseImport, pk=pk, created_by=request.user)
    try:
        record = imports.enterprise_import_good_rows(previous=previous, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("enterprises:import-detail", pk=previous.pk)
    return redirect("enterprises:import-detail", pk=record.pk)
