"""QR codes (追溯码): the public pages a scanned code opens, and the back office that issues the codes.

Public (site root, namespace "trace-public", no login): the GS1 Digital Link resolver `01/<gtin>[/10/<lot>|
/21/<serial>]` (the scan page: product, producer, the chain from farm to table, published results, any recall),
a merchant's page `m/<id>/` and a delivery's page `t/<token>/`. A phone camera opens them, so they are light
and fast; they show companies and products, never a person, and only what is published. A code that cannot be
read is a 400 page saying what is wrong, an unknown product a 404 page: never a server error.

Back office (under /trace/codes/): issue a code, see it, download it as SVG or PNG, the list of issued codes.
"""

from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qcity.core.downloads import attachment_response
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.permissions import public_page, role_required
from qcity.core.roles import MARKET_OFFICERS_AND_ENTERPRISES
from qcity.core.steps import step_run
from qcity.core.tables import table_configure

from .. import codes, exports, selectors
from ..filters import TraceCodeFilter
from ..forms import TraceCodeIssueForm
from ..services.codes import trace_code_issue
from ..tables import TraceCodeTable

# --- public pages ----------------------------------------------------------------------------------


def _scan_error(request, message: str, *, status: int):
    return render(request, "trace/scan_error.html", {"message": message}, status=status)


@public_page
def scan(request, **_path):
    """The scan page of a product, a lot or one item: whatever the path, read as a Digital Link."""
    try:
        link = codes.parse(quote(request.path, safe="/%"))
    except codes.DigitalLinkError as exc:
        return _scan_error(request, exc.message, status=400)
    try:
        product = selectors.scan_product_get(gtin=link.gtin)
    except Http404:
        return _scan_error(request, _("没有找到商品条码为 %(gtin)s 的产品，该商品可能尚未登记追溯信息。")
                           % {"gtin": link.gtin}, status=404)
    lot = selectors.scan_lot_get(product=product, lot_number=link.lot)
    producer = product.producer
    enterprise = producer.enterprise if producer is not None and producer.enterprise_id else None
    context = {
        "link": link, "product": product, "lot": lot, "producer": producer, "enterprise": enterprise,
        "producer_name": selectors.public_text(enterprise.name if enterprise else (producer.name if producer else "")),
        "district": (enterprise.org_unit if enterprise else (producer.org_unit if producer else None)),
        "chain": selectors.scan_chain(epc=link.uri) if (link.lot or link.serial) else [],
        "recalls": selectors.scan_recalls(product=product, lot=lot if link.lot else None),
        "failed_samples": selectors.scan_failed_samples(product=product, lot_number=link.lot) if link.lot else [],
        "record": (selectors.enterprise_public_record(enterprise=enterprise, today=timezone.localdate())
                   if enterprise else None),
    }
    return render(request, "trace/scan.html", context)


@public_page
def merchant(request, pk: int):
    enterprise = selectors.merchant_public_get(pk=pk)
    context = {"enterprise": enterprise, "products": selectors.merchant_products(enterprise=enterprise),
               "recalls": selectors.merchant_recalls(enterprise=enterprise),
               "record": selectors.enterprise_public_record(enterprise=enterprise, today=timezone.localdate())}
    return render(request, "trace/merchant.html", context)


@public_page
def transaction(request, token: str):
    try:
        delivery = selectors.delivery_public_get(token=token)
    except Http404:
        return _scan_error(request, _("该交易码无效或已失效。"), status=404)
    return render(request, "trace/transaction.html", {"delivery": delivery})


# A GS1 Digital Link has no trailing slash: the pattern takes it with or without one, so a scan opens the
# page at once (no redirect); anything else under 01/ reaches the same view and gets a 400 naming the fault.
public_patterns = [
    re_path(r"^01/(?P<gtin>[^/]+)/?$", scan, name="scan-product"),
    re_path(r"^01/(?P<gtin>[^/]+)/10/(?P<lot>[^/]+)/?$", scan, name="scan-lot"),
    re_path(r"^01/(?P<gtin>[^/]+)/21/(?P<serial>[^/]+)/?$", scan, name="scan-serial"),
    re_path(r"^01/(?P<rest>.*)$", scan, name="scan-other"),
    path("m/<int:pk>/", merchant, name="merchant"),
    path("t/<str:token>/", transaction, name="transaction"),
]


# --- back office ------------------------------------------------------------------------------------


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@export_view
def code_list(request):
    filterset = TraceCodeFilter.for_page(request.GET, queryset=selectors.trace_code_list(user=request.user))
    if wants_export(request):
        return xlsx_export(request, exports.TRACE_CODES, filterset.qs)
    return render(request, "trace/code_list.html",
                  {"filter": filterset, "table": table_configure(request, TraceCodeTable(filterset.qs))})


def _issue(form, user):
    data = form.cleaned_data
    return trace_code_issue(kind=data["kind"], by=user, product=data["product"], lot=data["lot"],
                            enterprise=data["enterprise"], biz_transaction=data.get("biz_transaction", ""))


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@require_http_methods(["GET", "POST"])
def code_issue(request):
    if request.method == "GET":
        return render(request, "trace/code_issue.html", {"form": TraceCodeIssueForm(initial=request.GET.dict())})
    return step_run(request, TraceCodeIssueForm(request.POST), lambda form: _issue(form, request.user),
                    success=_("已生成追溯码"), done=lambda code: reverse("trace:code-detail", args=[code.pk]),
                    detail=lambda form: render(request, "trace/code_issue.html", {"form": form}))


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
def code_detail(request, pk: int):
    code = selectors.trace_code_get(user=request.user, pk=pk)
    content = codes.code_content(code, base=codes.site_base(request))
    svg = codes.qr_svg(content, title=content).decode()
    return render(request, "trace/code_detail.html", {"code": code, "content": content, "svg": svg})


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
def code_image(request, pk: int, fmt: str):
    """The QR as a file to print: SVG (scales without loss) or PNG."""
    code = selectors.trace_code_get(user=request.user, pk=pk)
    content = codes.code_content(code, base=codes.site_base(request))
    if fmt == "svg":
        return attachment_response(codes.qr_svg(content), f"trace-code-{code.pk}.svg", content_type="image/svg+xml")
    if fmt == "png":
        return attachment_response(codes.qr_png(content), f"trace-code-{code.pk}.png", content_type="image/png")
    return HttpResponse(status=404)


urlpatterns = [
    path("codes/", code_list, name="code-list"),
    path("codes/new/", code_issue, name="code-issue"),
    path("codes/<int:pk>/", code_detail, name="code-detail"),
    path("codes/<int:pk>/qr.<str:fmt>", code_image, name="code-image"),
]
