from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import access, selectors, services, todos, workdays
from ..choices import Role
from ..exports import (
    AUDIT_EVENTS,
    DEADLINE_CHANGES,
    DEPARTMENTS,
    LEGAL_DURATIONS,
    ORG_UNITS,
    USERS,
    export_view,
    wants_export,
    xlsx_export,
)
from ..fields import parse_year
from ..filters import (
    AuditEventFilter,
    DeadlineChangeFilter,
    DepartmentFilter,
    LegalDurationFilter,
    LoginLockoutFilter,
    OrgUnitFilter,
    UserFilter,
)
from ..forms import (
    HolidayYearForm,
    LegalDurationForm,
    LockoutReleaseForm,
    RoleGrantForm,
    UserCreateForm,
    add_service_errors,
    service_error_text,
    style_widgets,
)
from ..models import LegalDuration, RoleAssignment, User
from ..navigation import menu_for, notification_badge_html, todo_badge_html
from ..notifications import notification_unread_count
from ..permissions import login_page, role_required
from ..roles import STAFF_AND_ADMINS, STAFF_AND_SYSTEM_ADMIN
from ..tables import (
    AuditEventTable,
    DeadlineChangeTable,
    DepartmentTable,
    LegalDurationTable,
    LoginLockoutTable,
    OrgUnitTable,
    UserTable,
    table_configure,
)
from ..tasks import holiday_calendar_coverage
from ..uploads import request_too_large

HOME_TODO_ITEMS = 5  # per group on the home page: the nearest few (a phone screen stays short); the list has all


@login_page
def home(request):
    """Every role lands here on what needs it: its to-do groups, nearest deadline first, and its main pages.
    The office finds the cockpit as the first card (it used to be redirected there and lost its to-dos)."""
    user = request.user
    roles = access.roles_of(user)
    is_admin = bool(roles) and access.is_admin(user)
    groups = todos.todo_list(user, limit=HOME_TODO_ITEMS)
    # the role's main pages: the menu without home, and without the reference pages unless an administrator
    entries = [item for item in menu_for(user) if item.url_name != "home"
               and (is_admin or not item.url_name.startswith("core:"))]
    return render(request, "core/home.html", {
        "groups": groups,
        "todo_total": sum(group.count for group in groups),
        "entries": entries,
        "show_cockpit": Role.LEADERSHIP_OFFICE in roles,
        "assignments": access.assignments(user),
        "is_admin": is_admin,
        "calendar_warning": holiday_calendar_coverage() if Role.SYSTEM_ADMIN in roles else "",
    })


@login_page
def todo_badges(request):
    """The menu's to-do counts (from the short per-user cache of `todos.menu_counts`) and the header's unread
    messages, fetched by every page after it loaded (base.html), as out-of-band swaps of the badges."""
    counts = todos.menu_counts(request.user)
    badges = [todo_badge_html(item, counts.get(item.url_name, 0), oob=True) for item in menu_for(request.user)]
    badges.append(notification_badge_html(notification_unread_count(request.user), oob=True))
    return HttpResponse("".join(badges))


@role_required(*STAFF_AND_ADMINS)
@export_view
def org_unit_list(request):
    filterset = OrgUnitFilter.for_page(request.GET, queryset=selectors.org_unit_list())
    if wants_export(request):
        return xlsx_export(request, ORG_UNITS, filterset.qs)
    table = table_configure(request, OrgUnitTable(filterset.qs))
    return render(request, "core/org_unit_list.html", {"filter": filterset, "table": table})


@role_required(*STAFF_AND_ADMINS)
@export_view
def department_list(request):
    filterset = DepartmentFilter.for_page(request.GET, queryset=selectors.department_list())
    if wants_export(request):
        return xlsx_export(request, DEPARTMENTS, filterset.qs)
    table = table_configure(request, DepartmentTable(filterset.qs))
    return render(request, "core/department_list.html", {"filter": filterset, "table": table})


@role_required(*STAFF_AND_ADMINS)
@export_view
def legal_duration_list(request):
    filterset = LegalDurationFilter.for_page(request.GET, queryset=selectors.legal_duration_list())
    if wants_export(request):
        return xlsx_export(request, LEGAL_DURATIONS, filterset.qs)
    table = LegalDurationTable(filterset.qs, can_edit=access.has_role(request.user, Role.SYSTEM_ADMIN))
    return render(request, "core/legal_duration_list.html", {"filter": filterset,
                                                             "table": table_configure(request, table)})


@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def legal_duration_edit(request, pk):
    duration = get_object_or_404(LegalDuration, pk=pk)
    form = LegalDurationForm(request.POST or None, instance=duration)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_duration_update(duration=LegalDuration.objects.get(pk=pk), by=request.user,
                                           **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("core:legal-durations")
    return render(request, "core/legal_duration_form.html", {"form": form, "duration": duration},
                  status=400 if form.errors else 200)


@role_required(*STAFF_AND_ADMINS)
def holiday_calendar(request):
    today = timezone.localdate()
    years = selectors.holiday_calendar_years(today)
    year = parse_year(request.GET.get("year")) or today.year
    if year not in {y["year"] for y in years}:
        year = today.year
    is_admin = access.has_role(request.user, Role.SYSTEM_ADMIN)
    return render(request, "core/holiday_calendar.html", {
        "years": years, "year": year, "days": selectors.holiday_calendar_days(year),
        "official": workdays.is_official(year),
        "warning": holiday_calendar_coverage(today) if is_admin else "",
        "can_edit": is_admin,
        "recomputations": selectors.deadline_recomputations()[:5] if is_admin else [],
    })


@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def holiday_calendar_year_edit(request):
    too_large = request_too_large(request)
    form = HolidayYearForm(request.POST or None, request.FILES or None,
                           initial={"year": timezone.localdate().year + 1})
    if too_large:
        form.is_valid()
        form.add_error("file", too_large)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.holiday_calendar_year_set(year=data["year"], days=data["parsed_days"], source=data["source"],
                                               correction=data["correction"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(year)s 年正式节假日安排；受影响的暂定期限已重算，见“期限变动”")
                             % {"year": data["year"]})
            return redirect(f"{reverse('core:holiday-calendar')}?year={data['year']}")
    return render(request, "core/holiday_year_form.html", {"form": form}, status=400 if form.errors else 200)


@role_required(*STAFF_AND_SYSTEM_ADMIN)
@export_view
def deadline_changes(request):
    """Deadlines that moved when an official holiday schedule was entered: object, old → new."""
    filterset = DeadlineChangeFilter.for_page(request.GET, queryset=selectors.deadline_change_list(user=request.user))
    if wants_export(request):
        return xlsx_export(request, DEADLINE_CHANGES, filterset.qs)
    table = table_configure(request, DeadlineChangeTable(filterset.qs))
    return render(request, "core/deadline_changes.html", {"filter": filterset, "table": table})


@role_required(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
@export_view
@require_http_methods(["GET", "POST"])
def user_list(request):
    filterset = UserFilter.for_page(request.GET, queryset=selectors.user_list())
    if wants_export(request):
        return xlsx_export(request, USERS, filterset.qs)
    can_create = access.has_role(request.user, Role.SYSTEM_ADMIN)
    form = UserCreateForm(request.POST or None) if can_create else None
    if request.method == "POST":
        if form is None:
            raise access.deny(request.user, action="create user")
        if form.is_valid():
            try:
                services.user_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已创建用户 %(u)s") % {"u": form.cleaned_data["username"]})
                return redirect("core:users")
    grant_form = RoleGrantForm() if access.has_role(request.user, Role.SECURITY_ADMIN) else None
    table = UserTable(filterset.qs, can_grant=grant_form is not None, can_reset_password=can_create)
    return render(request, "core/user_list.html", {
        "filter": filterset, "table": table_configure(request, table), "form": form, "grant_form": grant_form,
    }, status=400 if form is not None and form.errors else 200)


@role_required(Role.SECURITY_ADMIN)
@require_POST
def role_grant(request, pk):
    user = get_object_or_404(User, pk=pk)
    form = RoleGrantForm(request.POST)
    if form.is_valid():
        try:
            services.role_grant(user=user, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已授予角色"))
    else:
        messages.error(request, _("角色或管辖范围无效"))
    return redirect("core:users")


@role_required(Role.SECURITY_ADMIN)
@require_POST
def role_revoke(request, pk):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user", "org_unit"), pk=pk)
    services.role_revoke(assignment=assignment, by=request.user)
    messages.success(request, _("已撤销角色"))
    return redirect("core:users")


_ONE_TIME_PASSWORD_KEY = "qcity.one_time_password"


@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def user_password_reset(request, pk):
    """POST gives the user a one-time password and redirects to GET, which shows it once: a reload or a
    resent form can then neither reset it again nor show it again (the session keeps it until shown)."""
    account = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        try:
            password = services.user_password_reset(user=account, by=request.user)
        except ValidationError as exc:
            messages.error(request, service_error_text(exc))
            return redirect("core:users")
        request.session[_ONE_TIME_PASSWORD_KEY] = {"user": account.pk, "password": password}
        return redirect("core:user-password-reset", pk=account.pk)
    shown = request.session.pop(_ONE_TIME_PASSWORD_KEY, None)
    if not shown or shown.get("user") != account.pk:
        messages.info(request, _("一次性密码只显示一次，已经显示过；如需新密码，请再次重置"))
        return redirect("core:users")
    response = render(request, "core/user_password_reset.html", {"account": account, "password": shown["password"]})
    add_never_cache_headers(response)  # neither the browser's history nor a proxy keeps the password
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user changes their own password here, and a user who must change it is sent here first."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        style_widgets(form, small=False)
        return form

    def form_valid(self, form):
        services.user_password_change(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)  # stay logged in here; other sessions end
        messages.success(self.request, _("密码已修改"))
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


password_change = login_page(PasswordChangeView.as_view())


@role_required(Role.SECURITY_ADMIN)
def login_lockouts(request):
    filterset = LoginLockoutFilter.for_page(request.GET)
    table = LoginLockoutTable(filterset.rows(selectors.login_lockout_list()))
    return render(request, "core/login_lockouts.html", {
        "filter": filterset, "table": table_configure(request, table),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "ceiling": settings.QCITY_LOGIN_USERNAME_CEILING,
    })


@role_required(Role.SECURITY_ADMIN)
@require_POST
def login_lockout_release(request):
    form = LockoutReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("用户名或地址无效"))
        return redirect("core:login-lockouts")
    try:
        services.login_lockout_release(by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("已解除 %(u)s 的登录锁定") % {"u": form.cleaned_data["username"]})
    return redirect("core:login-lockouts")


@role_required(Role.AUDIT_ADMIN)
@export_view
def audit_log(request):
    filterset = AuditEventFilter(request.GET, queryset=selectors.audit_event_list())
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if wants_export(request):
        return xlsx_export(request, AUDIT_EVENTS, queryset)
    table = table_configure(request, AuditEventTable(queryset))
    template = "core/partials/audit_table.html" if request.htmx else "core/audit_log.html"
    return render(request, template, {"filter": filterset, "table": table})

