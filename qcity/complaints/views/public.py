"""The public's pages (no login): file a complaint or a report, and follow it with the tracking number and the
last four digits of the phone. They show only what the person typed and the public steps of its history,
never an officer's name; every POST carries the number and the digits again, checked before anything is
done (a bare id is never acted on)."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qcity.core.client_address import client_ip
from qcity.core.forms import add_service_errors
from qcity.core.idempotency import FORM_FIELD
from qcity.core.permissions import public_page

from .. import selectors
from ..choices import FINISHED_STATUSES, ComplaintChannel, ComplaintKind, ComplaintStatus, SettlementAnswer
from ..forms import IntakeForm, RatingForm, TrackForm
from ..services.handling import complaint_rate
from ..services.intake import complaint_submit
from ..services.routing import settlement_confirm


def _page(request, template: str, context: dict, *, status: int = 200, retry_after: int | None = None):
    """Personal data and tracking answers are never cached by a browser or a proxy."""
    response = render(request, template, context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


@public_page
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    """网上登记: the form, then a page with the tracking number(s). A form sent twice (its one-time token) is
    registered once and answered with the same numbers."""
    if request.method == "GET":
        return _page(request, "complaints/public/new.html", {"form": IntakeForm()})
    form = IntakeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rows = complaint_submit(channel=ComplaintChannel.PORTAL, form_token=request.POST.get(FORM_FIELD),
                                    by=None, **form.submit_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _page(request, "complaints/public/submitted.html", {"rows": rows})
    return _page(request, "complaints/public/new.html", {"form": form}, status=400)


def _tracked(request, form: TrackForm):
    """The complaint the form's number and digits open, or the page's answer (not found, throttled)."""
    if not form.is_valid():
        return None, _page(request, "complaints/public/track.html", {"form": form}, status=400)
    try:
        complaint = selectors.complaint_track(client_ip=client_ip(request), **form.cleaned_data)
    except selectors.TrackingThrottled as exc:
        form.add_error(None, _("查询失败次数过多，请%(minutes)s分钟后再试") % {"minutes": -(-exc.wait_seconds // 60)})
        return None, _page(request, "complaints/public/track.html", {"form": form}, status=429,
                           retry_after=exc.wait_seconds)
    if complaint is None:
        form.add_error(None, _("查询编号或电话后四位不正确，请核对后重新输入"))
        return None, _page(request, "complaints/public/track.html", {"form": form}, status=404)
    return complaint, None


def _status_page(request, complaint, *, rating_form=None, error: str = "", status: int = 200):
    context = {
        "complaint": complaint,
        "events": selectors.complaint_public_event_list(complaint),
        "track": {"tracking_number": complaint.tracking_number, "phone_last4": complaint.phone_last4},
        "settlement_open": (complaint.status == ComplaintStatus.DIRECT_SETTLEMENT
                            and complaint.settlement_answer == SettlementAnswer.SETTLED),
        "rating_open": complaint.status in FINISHED_STATUSES and complaint.satisfaction is None
                       and complaint.kind == ComplaintKind.COMPLAINT,
        "rating_form": rating_form or RatingForm(),
        "error": error,
    }
    return _page(request, "complaints/public/status.html", context, status=status)


@public_page
@require_http_methods(["GET", "POST"])
def complaint_track(request):
    """进度查询: the number and the last four phone digits (posted, so they stay out of addresses and logs)."""
    if request.method == "GET":
        return _page(request, "complaints/public/track.html", {"form": TrackForm()})
    complaint, refusal = _tracked(request, TrackForm(request.POST))
    return refusal or _status_page(request, complaint)


@public_page
@require_POST
def complaint_track_settlement(request):
    """The complainant confirms or denies the settlement the enterprise reported."""
    complaint, refusal = _tracked(request, TrackForm(request.POST))
    if refusal:
        return refusal
    settled = request.POST.get("settled")
    if settled not in ("yes", "no"):
        return _status_page(request, complaint, error=_("请选择是否已和解"), status=400)
    try:
        complaint = settlement_confirm(complaint=complaint, settled=settled == "yes", by=None)
    except ValidationError as exc:
        return _status_page(request, complaint, error="；".join(exc.messages), status=400)
    return _status_page(request, complaint)


@public_page
@require_POST
def complaint_track_rating(request):
    """The complainant's satisfaction with a finished complaint (once)."""
    complaint, refusal = _tracked(request, TrackForm(request.POST))
    if refusal:
        return refusal
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            complaint = complaint_rate(complaint=complaint, by=None, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _status_page(request, complaint)
    return _status_page(request, complaint, rating_form=form, status=400)
