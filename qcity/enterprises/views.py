from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qcity.core import access
from qcity.core.access import require_scope
from qcity.core.authentication import SESSION_BACKEND
from qcity.core.choices import Role
from qcity.core.client_address import client_ip
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.forms import add_service_errors
from qcity.core.permissions import public_page, role_required
from qcity.core.roles import MARKET_MANAGERS, MARKET_OFFICERS, STAFF
from qcity.core.steps import button_step_run, step_run
from qcity.core.tables import table_configure
from qcity.core.uploads import request_too_large

from . import accounts, exports, imports, selectors, services
from .choices import EnterpriseAccountRole, EnterpriseAccountStatus, EnterpriseImportStatus
from .filters import EnterpriseAccountFilter, EnterpriseFilter
from .forms import (
    AccountRevokeForm,
    CertificationForm,
    ChiefQualityOfficerForm,
    EnterpriseForm,
    EnterpriseImportForm,
    InvitationAcceptForm,
    InvitationForm,
    LicenceForm,
    RegistrationCodeForm,
    RegistrationForm,
)
from .models import EnterpriseImport
from .tables import EnterpriseAccountTable, EnterpriseTable


@role_required(*STAFF)
@export_view
def enterprise_list(request):
    filterset = EnterpriseFilter(request.GET, queryset=selectors.enterprise_list(user=request.user))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if wants_export(request):
        return xlsx_export(request, exports.ENTERPRISES, queryset.select_related("org_unit").order_by("id"))
    table = EnterpriseTable(queryset)
    table_configure(request, table, estimate=filterset.count_estimate)
    context = {
        "filter": filterset,
        "table": table,
        "can_edit": access.has_role(request.user, *MARKET_OFFICERS),
    }
    template = "enterprises/partials/enterprise_table.html" if request.htmx else "enterprises/enterprise_list.html"
    return render(request, template, context)


def _detail(request, enterprise, *, forms=None, status=200):
    """The enterprise's page. The forms that add a licence, a certification or the chief quality officer sit
    folded; each is fetched when opened (`enterprise_attachment_form`), except one that was refused (`forms`)."""
    can_edit = selectors.enterprise_can_edit(user=request.user, enterprise=enterprise)
    context = {"enterprise": enterprise, "can_edit": can_edit, "today": timezone.localdate()}
    if can_edit:
        context |= {f"{kind}_form": form for kind, form in (forms or {}).items()}
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
@require_GET
def enterprise_attachment_form(request, pk, kind):
    """One of the detail page's folded forms, fetched when the officer opens it (an HTMX partial)."""
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    require_scope(request.user, enterprise.org_unit, roles=MARKET_OFFICERS, action=f"open {kind} form", obj=enterprise)
    form_class = _ATTACHMENTS[kind][0]
    officer = getattr(enterprise, "chief_quality_officer", None) if kind == "officer" else None
    form = form_class(prefix=kind, instance=officer)
    return render(request, "enterprises/partials/attachment_form.html",
                  {"enterprise": enterprise, "kind": kind, "form": form})


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


# --- enterprise accounts ------------------------------------------------------------------------------
# Registration (public), the enterprise administrator's colleagues page, invitations (public link) and the
# district's list with its confirm / revoke steps. The rules are in `accounts`. An account just created here
# logs in through the session backend (axes' own backend only counts failures).


def _registration_page(request, form, *, status=200, sent_to="", retry_after=None):
    response = render(request, "enterprises/registration.html", {"form": form, "sent_to": sent_to},
                      status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


@public_page
@require_http_methods(["GET", "POST"])
def enterprise_registration(request):
    """Step 2 (and the page itself): the code and the account; success logs the new administrator in (an
    unconfirmed account: no enterprise data until the district confirms it). A repeat of a registration that
    succeeded goes to the login page, whose lockout counts wrong passwords: nobody is logged in by a repeat."""
    if request.method == "GET":
        return _registration_page(request, RegistrationForm())
    form = RegistrationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            account = accounts.enterprise_account_register(
                uscc=data["uscc"], legal_representative=data["legal_representative"], phone=data["phone"],
                code=data["code"], username=data["username"], password=data["password1"], email=data["email"],
                client_ip=client_ip(request))
        except accounts.AlreadyRegistered:
            messages.info(request, _("该企业已注册，请登录"))
            return redirect("login")
        except accounts.PhoneVerificationThrottled as exc:
            add_service_errors(form, exc)
            return _registration_page(request, form, status=429, retry_after=exc.wait_seconds)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            login(request, account.user, backend=SESSION_BACKEND)
            messages.success(request, _("注册成功：您已成为%(name)s的企业管理员，账号待区县确认")
                             % {"name": account.enterprise.name})
            return redirect("enterprises:account-mine")
    return _registration_page(request, form, status=400)


@public_page
@require_POST
def enterprise_registration_code(request):
    """Step 1: check the registry and text a code; the page comes back with what was typed in."""
    form = RegistrationCodeForm(request.POST)
    page_form = RegistrationForm(initial={k: request.POST.get(k, "") for k in ("uscc", "legal_representative",
                                                                                 "phone", "username", "email")})
    if form.is_valid():
        try:
            verification = accounts.registration_code_send(client_ip=client_ip(request), **form.cleaned_data)
        except accounts.PhoneVerificationThrottled as exc:
            add_service_errors(form, exc)
            return _registration_page(request, _with_errors(page_form, form), status=429,
                                      retry_after=exc.wait_seconds)
        except accounts.SmsUnavailable as exc:  # the gateway is down: try later, nothing was counted
            add_service_errors(form, exc)
            return _registration_page(request, _with_errors(page_form, form), status=503, retry_after=60)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _registration_page(request, page_form, sent_to=accounts.masked_mobile(verification.phone))
    return _registration_page(request, _with_errors(page_form, form), status=400)


def _with_errors(page_form, code_form):
    """The full registration form, unbound, carrying the step-1 form's errors (and its typed values)."""
    page_form._errors = code_form.errors
    return page_form


def _mine(request, *, invite_form=None, status=200):
    account = accounts.enterprise_account_of(request.user)
    context = {"account": account}
    if account is not None:
        is_admin = account.role == EnterpriseAccountRole.ADMIN
        context |= {
            "colleagues": accounts.colleague_list(account=account),
            "is_admin": is_admin,
            "invitations": ([(i, accounts.invitation_send_failed(i))
                             for i in accounts.pending_invitation_list(account=account)] if is_admin else []),
            "invite_form": invite_form or (InvitationForm(prefix="invite") if is_admin else None),
        }
    return render(request, "enterprises/account_mine.html", context, status=status)


@role_required(Role.ENTERPRISE_USER)
def enterprise_account_mine(request):
    """本企业账号: every enterprise user sees their colleagues; the administrator also invites and removes."""
    return _mine(request)


def _accept_url(request) -> str:
    return request.build_absolute_uri(reverse("enterprise-invitation", args=["TOKEN"])).replace("TOKEN", "%(token)s")


def _own_account(request):
    account = accounts.enterprise_account_of(request.user)
    if account is None:
        raise access.deny(request.user, action="manage enterprise accounts without an enterprise account")
    return account


@role_required(Role.ENTERPRISE_USER)
@require_POST
def enterprise_invitation_create(request):
    account = _own_account(request)
    return step_run(
        request, InvitationForm(request.POST, prefix="invite"),
        lambda form: accounts.enterprise_invitation_create(enterprise=account.enterprise, by=request.user,
                                                           accept_url=_accept_url(request), **form.cleaned_data),
        success=lambda sent: _("已创建给 %(email)s 的邀请，链接7天内有效") % {"email": sent.invitation.email},
        done=reverse("enterprises:account-mine"),
        detail=lambda form: _mine(request, invite_form=form))


@role_required(Role.ENTERPRISE_USER)
@require_POST
def enterprise_invitation_resend(request, pk):
    """重新发送: a new link for a pending invitation of the administrator's enterprise, queued for mailing."""
    account = _own_account(request)
    invitation = get_object_or_404(accounts.pending_invitation_list(account=account), pk=pk)
    return button_step_run(
        request, lambda: accounts.enterprise_invitation_resend(invitation=invitation, by=request.user,
                                                               accept_url=_accept_url(request)),
        success=_("已重新发送给 %(email)s 的邀请，链接7天内有效") % {"email": invitation.email},
        done=reverse("enterprises:account-mine"))


@role_required(Role.ENTERPRISE_USER)
@require_POST
def enterprise_colleague_remove(request, pk):
    account = _own_account(request)
    colleague = accounts.colleague_get(account=account, pk=pk)
    return button_step_run(request, lambda: accounts.enterprise_account_remove(account=colleague, by=request.user),
                           success=_("已移除：%(name)s") % {"name": colleague.user.display_name},
                           done=reverse("enterprises:account-mine"))


@public_page
@require_http_methods(["GET", "POST"])
def enterprise_invitation_accept(request, token):
    """The invited colleague's page: set a username and password (a used or expired link says so, 400)."""
    try:
        invitation = accounts.enterprise_invitation_get(token=token)
    except ValidationError as exc:
        response = render(request, "enterprises/invitation_accept.html", {"refusal": "；".join(exc.messages)},
                          status=404 if exc.code == "unknown" else 400)
        add_never_cache_headers(response)
        return response
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = accounts.enterprise_invitation_accept(token=token, username=form.cleaned_data["username"],
                                                            password=form.cleaned_data["password1"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            login(request, account.user, backend=SESSION_BACKEND)
            messages.success(request, _("账号已开通"))
            return redirect("enterprises:account-mine")
    response = render(request, "enterprises/invitation_accept.html", {"invitation": invitation, "form": form},
                      status=400 if request.method == "POST" else 200)
    add_never_cache_headers(response)
    return response


def _account_list(request, *, revoke_forms=None, status=200):
    filterset = EnterpriseAccountFilter.for_page(request.GET, defaults={"status": EnterpriseAccountStatus.UNCONFIRMED},
                                                 queryset=accounts.enterprise_account_list(user=request.user))
    table = EnterpriseAccountTable(filterset.qs)
    table_configure(request, table)
    return render(request, "enterprises/account_list.html",
                  {"filter": filterset, "table": table, "revoke_forms": revoke_forms or {}}, status=status)


@role_required(*MARKET_MANAGERS)
def enterprise_account_list(request):
    """企业账号: the accounts of enterprises in the officer's unit, filtered by status."""
    return _account_list(request)


@role_required(*MARKET_MANAGERS)
@require_POST
def enterprise_account_confirm(request, pk):
    account = accounts.enterprise_account_get(user=request.user, pk=pk)
    return button_step_run(request, lambda: accounts.enterprise_account_confirm(account=account, by=request.user),
                           success=_("已确认：%(name)s") % {"name": account.enterprise.name},
                           done=reverse("enterprises:account-list"))


@role_required(*MARKET_MANAGERS)
@require_POST
def enterprise_account_revoke(request, pk):
    account = accounts.enterprise_account_get(user=request.user, pk=pk)
    return step_run(
        request, AccountRevokeForm(request.POST, prefix=f"revoke-{account.pk}"),
        lambda form: accounts.enterprise_account_revoke(account=account, by=request.user, **form.cleaned_data),
        success=_("已撤销：%(name)s") % {"name": account.user.display_name},
        done=reverse("enterprises:account-list"),
        detail=lambda form: _account_list(request, revoke_forms={account.pk: form}))
