"""The message centre (every user with an account: their own messages and channel choices) and the
system administrator's list of deliveries that did not go out."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import notifications
from ..choices import Role
from ..exports import NOTIFICATION_DELIVERIES, export_view, wants_export, xlsx_export
from ..filters import NotificationDeliveryFilter, NotificationFilter
from ..forms import NotificationPreferenceForm
from ..models import NotificationDelivery
from ..permissions import login_page, role_required
from ..steps import button_step_run
from ..tables import NotificationDeliveryTable, table_configure

PER_PAGE = 30


@login_page
def notification_list(request):
    filterset = NotificationFilter.for_page(request.GET, queryset=notifications.notification_list(user=request.user))
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    template = "core/partials/notification_table.html" if request.htmx else "core/notification_list.html"
    return render(request, template, {"filter": filterset, "page": page})


@login_page
@require_http_methods(["GET", "POST"])
def notification_open(request, pk):
    """Opening a message records that it was read, then goes where it points (a page of this site only).
    A request another site caused, or a prefetch, goes there too but reads nothing (`request_reads`)."""
    notification = notifications.notification_get(user=request.user, pk=pk)
    if notifications.request_reads(request):
        notifications.notification_open(notification=notification, by=request.user)
    if notifications.is_site_url(notification.url):
        return redirect(notification.url)
    return redirect("core:notifications")


@login_page
@require_POST
def notification_read_all(request):
    count = notifications.notifications_read_all(by=request.user)
    messages.success(request, _("已将 %(n)s 条消息标为已读") % {"n": count})
    return redirect("core:notifications")


@login_page
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    rows = notifications.notification_preference_list(request.user)
    form = NotificationPreferenceForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if form.is_valid():
            notifications.notification_preferences_save(user=request.user, choices=form.choices(), by=request.user)
            messages.success(request, _("已保存消息订阅"))
            return redirect("core:notification-preferences")
        response = render(request, "core/notification_preferences.html", {"form": form})
        response.status_code = 400
        return response
    return render(request, "core/notification_preferences.html", {"form": form})


@role_required(Role.SYSTEM_ADMIN)
@export_view
def notification_delivery_list(request):
    """Failed and long-pending e-mail/SMS deliveries, addresses masked, each with a retry button."""
    filterset = NotificationDeliveryFilter.for_page(request.GET,
                                                    queryset=notifications.notification_delivery_problem_list())
    if wants_export(request):
        return xlsx_export(request, NOTIFICATION_DELIVERIES, filterset.qs)
    table = table_configure(request, NotificationDeliveryTable(filterset.qs), per_page=PER_PAGE)
    template = ("core/partials/notification_delivery_table.html" if request.htmx
                else "core/notification_delivery_list.html")
    return render(request, template, {"filter": filterset, "table": table})


@role_required(Role.SYSTEM_ADMIN)
@require_POST
def notification_delivery_retry(request, pk):
    delivery = get_object_or_404(NotificationDelivery, pk=pk)
    return button_step_run(request, lambda: notifications.notification_delivery_retry(delivery=delivery,
                                                                                         by=request.user),
                           success=_("已重新排队发送"), done=reverse("core:notification-deliveries"))
