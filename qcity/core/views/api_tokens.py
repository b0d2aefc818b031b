"""Pages for API credentials: a person's own tokens, and the service accounts of the system administrator.

A new key is shown once, in the answer to the create itself (a POST with its one-time form token), marked
no-store: the key is never in the session, the idempotency table or a cache. The form token stays spent
with a redirect to the list as its remembered answer, so a double-click or a resubmitted form makes no
second token and shows no key (it says the form was already processed).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .. import api_tokens
from ..choices import Role
from ..fields import CleanTextFormField
from ..filters import ApiTokenFilter, ServiceAccountFilter
from ..forms import StyledForm, add_service_errors
from ..idempotency import idempotency_complete
from ..models import Department, OrgUnit, User
from ..permissions import role_required
from ..roles import BUSINESS
from ..tables import ApiTokenTable, ServiceAccountTable, table_configure

# --- forms (used by these pages only) --------------------------------------------------------------

class ApiTokenCreateForm(StyledForm):
    name = CleanTextFormField(label=gettext_lazy("名称"), max_length=100,
                              help_text=gettext_lazy("写明用途，如“部门数据报送脚本”"))
    days = forms.TypedChoiceField(label=gettext_lazy("有效期"), coerce=int, initial=90,
                                  choices=lambda: [(d, _("%(days)s 天") % {"days": d}) for d in api_tokens.EXPIRY_DAYS])


class AllowedPathsField(forms.CharField):
    """One API path prefix per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        return [line.strip() for line in (super().to_python(value) or "").splitlines() if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


class ServiceAccountForm(StyledForm):
    purpose = CleanTextFormField(label=gettext_lazy("用途"), max_length=200,
                                 help_text=gettext_lazy("如“市卫健委数据报送系统”"))
    allowed_paths = AllowedPathsField(label=gettext_lazy("可调用的接口"), max_length=5000,
                                      help_text=gettext_lazy("每行一个接口路径前缀，如 /api/reported-values/"))
    rate = forms.CharField(label=gettext_lazy("调用频率上限"), max_length=20, initial=api_tokens.DEFAULT_RATE,
                           help_text=gettext_lazy("如 120/min、5000/hour、10000/day"))


class ServiceAccountCreateForm(ServiceAccountForm):
    username = CleanTextFormField(label=gettext_lazy("账号名"), max_length=150)
    full_name = CleanTextFormField(label=gettext_lazy("名称"), max_length=50)
    org_unit = forms.ModelChoiceField(label=gettext_lazy("所属行政单元"), queryset=OrgUnit.objects.all(),
                                      required=False)
    department = forms.ModelChoiceField(label=gettext_lazy("所属部门"), queryset=Department.objects.all(),
                                        required=False)
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("所属企业（统一社会信用代码）"), required=False, to_field_name="uscc",
        queryset=User._meta.get_field("enterprise").related_model.objects.all(), widget=forms.TextInput,
        help_text=gettext_lazy("企业的追溯系统等：填写企业的统一社会信用代码，并请安全管理员授予“企业用户”角色"))

    field_order = ["username", "full_name", "purpose", "org_unit", "department", "enterprise", "allowed_paths",
                   "rate"]


class ServiceAccountUpdateForm(ServiceAccountForm):
    is_active = forms.BooleanField(label=gettext_lazy("启用"), required=False)


# --- personal tokens -------------------------------------------------------------------------------

@role_required(*BUSINESS)
@require_http_methods(["GET", "POST"])
def api_token_list(request):
    """The caller's own tokens and the form to create one. The separated administrators get no personal
    tokens: their work is interactive, session-timed and lockout-protected; automation uses service accounts."""
    form = ApiTokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = api_tokens.api_token_create(user=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _new_key_page(request, key=key, back=reverse("api-token-list"), template_context={})
    filterset = ApiTokenFilter.for_page(request.GET, queryset=api_tokens.api_token_list(user=request.user))
    table = table_configure(request, ApiTokenTable(filterset.qs, now=timezone.now()))
    return render(request, "core/api_token_list.html", {"filter": filterset, "table": table, "form": form},
                  status=400 if form.errors else 200)


def _new_key_page(request, *, key: str, back: str, template_context: dict):
    """The create's own answer: the new key, once. Its form token is answered (for any repeat) by a
    redirect to `back`, never by this page: the idempotency middleware forgets a no-store answer, which
    would let a resubmitted form create a second token."""
    claimed = getattr(request, "_idempotency_claim", None)  # set by core.idempotency for a form token
    if claimed is not None:
        record, _page = claimed
        idempotency_complete(record, HttpResponseRedirect(back), page=True)
        request._idempotency_claim = None
    response = render(request, "core/api_token_created.html", {
        **template_context, "key": key, "back": back,
        "api_url": request.build_absolute_uri(reverse("api-org-units")),
    })
    add_never_cache_headers(response)  # neither the browser's history nor a proxy keeps the key
    return response


@role_required(*BUSINESS)
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(api_tokens.api_token_list(user=request.user), pk=pk)
    api_tokens.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("已撤销令牌“%(name)s”") % {"name": token.name})
    return redirect("api-token-list")


# --- service accounts ------------------------------------------------------------------------------

@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def service_account_list(request):
    form = ServiceAccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = api_tokens.service_account_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建服务账号 %(u)s；请安全管理员在“用户与角色”中授予其业务角色")
                             % {"u": account.user.username})
            return redirect("core:service-account-detail", pk=account.pk)
    filterset = ServiceAccountFilter.for_page(request.GET, queryset=api_tokens.service_account_list())
    return render(request, "core/service_account_list.html", {
        "filter": filterset, "table": table_configure(request, ServiceAccountTable(filterset.qs)), "form": form,
    }, status=400 if form.errors else 200)


@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def service_account_detail(request, pk):
    account = get_object_or_404(api_tokens.service_account_list().prefetch_related("user__role_assignments"), pk=pk)
    initial = {"purpose": account.purpose, "allowed_paths": account.allowed_paths, "rate": account.rate,
               "is_active": account.user.is_active}
    form = ServiceAccountUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            api_tokens.service_account_update(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("core:service-account-detail", pk=account.pk)
    return render(request, "core/service_account_detail.html", {
        "account": account, "form": form, "token_form": ApiTokenCreateForm(),
        "tokens": api_tokens.service_account_token_list(account=account),
    }, status=400 if form.errors else 200)


@role_required(Role.SYSTEM_ADMIN)
@require_POST
def service_account_token_issue(request, pk):
    account = get_object_or_404(api_tokens.service_account_list(), pk=pk)
    form = ApiTokenCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("令牌名称或有效期无效"))
        return redirect("core:service-account-detail", pk=account.pk)
    try:
        token, key = api_tokens.service_account_token_issue(account=account, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("core:service-account-detail", pk=account.pk)
    return _new_key_page(request, key=key, template_context={"account": account},
                         back=reverse("core:service-account-detail", kwargs={"pk": account.pk}))


@role_required(Role.SYSTEM_ADMIN)
@require_POST
def service_account_token_revoke(request, pk, token_pk):
    account = get_object_or_404(api_tokens.service_account_list(), pk=pk)
    token = get_object_or_404(api_tokens.service_account_token_list(account=account), pk=token_pk)
    api_tokens.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("已撤销令牌“%(name)s”") % {"name": token.name})
    return redirect("core:service-account-detail", pk=account.pk)
