"""Master data pages (under /trace/): the catalogue of products that must be traceable (重要产品追溯目录, with
its dates; the city's market managers add, edit and retire entries), and the parties, locations, products and
lots the events name. Market officers see all of them; an enterprise user sees and registers its own.
A product's page lists its lots, each with a link to its trace."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qcity.core import access
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.forms import add_service_errors
from qcity.core.permissions import role_required
from qcity.core.roles import BUSINESS, MARKET_MANAGERS, MARKET_OFFICERS, MARKET_OFFICERS_AND_ENTERPRISES
from qcity.core.steps import step_run
from qcity.core.tables import table_configure

from .. import exports, selectors
from ..filters import LocationFilter, LotFilter, PartyFilter, ProductFilter, TraceCategoryFilter
from ..forms import (
    LocationRegisterForm,
    PartyRegisterForm,
    ProductRegisterForm,
    TraceCategoryEditForm,
    TraceCategoryForm,
    TraceCategoryRetireForm,
)
from ..services import master as services
from ..tables import LocationTable, LotTable, PartyTable, ProductTable, TraceCategoryTable

# kind → (title, selector, filter, table, export columns, register form, register service, create URL name)
LISTS = {
    "category": (gettext_lazy("重要产品追溯目录"), None, TraceCategoryFilter, TraceCategoryTable, exports.TRACE_CATEGORIES,
                 None, None, "trace:category-create"),
    "party": (gettext_lazy("追溯主体"), selectors.party_list, PartyFilter, PartyTable, exports.PARTIES, PartyRegisterForm,
              services.party_register, "trace:party-create"),
    "location": (gettext_lazy("追溯地点"), selectors.location_list, LocationFilter, LocationTable, exports.LOCATIONS,
                 LocationRegisterForm, services.location_register, "trace:location-create"),
    "product": (gettext_lazy("追溯产品"), selectors.product_list, ProductFilter, ProductTable, exports.PRODUCTS, ProductRegisterForm,
                services.product_register, "trace:product-create"),
    "lot": (gettext_lazy("批次"), selectors.lot_list, LotFilter, LotTable, exports.LOTS, None, None, None),
}


def _can_register(user) -> bool:
    return access.has_role(user, *MARKET_OFFICERS) or bool(
        access.has_role(user, *MARKET_OFFICERS_AND_ENTERPRISES) and user.enterprise_id)


def _list(request, kind: str):
    title, rows, filter_class, table_class, columns, form, _service, create = LISTS[kind]
    queryset = selectors.trace_category_list() if rows is None else rows(user=request.user)
    filterset = filter_class.for_page(request.GET, queryset=queryset, request=request)
    if wants_export(request):
        return xlsx_export(request, columns, filterset.qs)
    can_create = (selectors.trace_category_can_edit(user=request.user) if kind == "category"
                  else form is not None and _can_register(request.user))
    return render(request, "trace/master_list.html", {
        "kind": kind, "title": title, "filter": filterset,
        "table": table_configure(request, table_class(filterset.qs, **(
            {"trace_url": _trace_url(request.user)} if kind == "lot" else {}))),
        "create_url": reverse(create) if create and can_create else "",
    })


def _register(request, kind: str):
    """Register a party, location or product: the service checks the role and scope, validates and audits; a key
    already registered is shown as it is (idempotent)."""
    title, _rows, _filter, _table, _columns, form_class, service, _create = LISTS[kind]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row, created = service(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记") if created else _("该编码已登记，未重复登记"))
            if kind == "product":
                return redirect("trace:product-detail", pk=row.pk)
            return redirect(f"trace:{kind}-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "trace/master_form.html", {"kind": kind, "title": title, "form": form,
                                                      "list_url": reverse(f"trace:{kind}-list")}, status=status)


# --- the catalogue ------------------------------------------------------------------------------------------


@role_required(*BUSINESS)
@export_view
def category_list(request):
    return _list(request, "category")


@role_required(*MARKET_MANAGERS)
def category_create(request):
    form = TraceCategoryForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            category = services.trace_category_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已列入目录"))
            return redirect("trace:category-detail", pk=category.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "trace/master_form.html", {"kind": "category", "title": _("重要产品追溯目录"),
                                                      "form": form, "list_url": reverse("trace:category-list")},
                  status=status)


def category_detail_render(request, category, *, forms: dict | None = None):
    can_edit = selectors.trace_category_can_edit(user=request.user)
    forms = forms or {}
    context = {"category": category, "can_edit": can_edit,
               "products": category.products.select_related("producer").order_by("gtin")[:50]}
    if can_edit:
        context["edit_form"] = forms.get("edit") or TraceCategoryEditForm(
            prefix="edit", initial={"keywords": category.keywords, "source": category.source})
        context["retire_form"] = forms.get("retire") or TraceCategoryRetireForm(
            prefix="retire", initial={"on": timezone.localdate()})
    return render(request, "trace/category_detail.html", context)


@role_required(*BUSINESS)
def category_detail(request, pk):
    return category_detail_render(request, selectors.trace_category_get(pk=pk))


@role_required(*MARKET_MANAGERS)
@require_POST
def category_edit(request, pk):
    category = selectors.trace_category_get(pk=pk)
    return step_run(request, TraceCategoryEditForm(request.POST, prefix="edit"),
                    lambda form: services.trace_category_update(category=category, by=request.user, **form.cleaned_data),
                    success=_("已保存"), done=reverse("trace:category-detail", args=[pk]),
                    detail=lambda form: category_detail_render(request, category, forms={"edit": form}))


@role_required(*MARKET_MANAGERS)
@require_POST
def category_retire(request, pk):
    category = selectors.trace_category_get(pk=pk)
    return step_run(request, TraceCategoryRetireForm(request.POST, prefix="retire"),
                    lambda form: services.trace_category_retire(category=category, by=request.user, **form.cleaned_data),
                    success=_("已移出目录"), done=reverse("trace:category-detail", args=[pk]),
                    detail=lambda form: category_detail_render(request, category, forms={"retire": form}))


# --- parties, locations, products, lots ---------------------------------------------------------------------


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@export_view
def party_list(request):
    return _list(request, "party")


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
def party_create(request):
    return _register(request, "party")


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@export_view
def location_list(request):
    return _list(request, "location")


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
def location_create(request):
    return _register(request, "location")


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@export_view
def product_list(request):
    return _list(request, "product")


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
def product_create(request):
    return _register(request, "product")


def _trace_url(user) -> str:
    """The trace page (a lot links to it with ?gtin=&lot=), for those who may open it; empty otherwise."""
    if not access.has_role(user, *MARKET_OFFICERS):
        return ""
    try:
        return reverse("trace:trace")
    except NoReverseMatch:
        return ""


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
def product_detail(request, pk):
    product = selectors.product_get(user=request.user, pk=pk)
    lots = LotTable(product.lots.select_related("product").order_by("-produced_on", "-lot_number"),
                    exclude=("product", "gtin"), trace_url=_trace_url(request.user))
    return render(request, "trace/product_detail.html", {"product": product, "lots": table_configure(request, lots)})


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@export_view
def lot_list(request):
    return _list(request, "lot")


urlpatterns = [
    path("categories/", category_list, name="category-list"),
    path("categories/new/", category_create, name="category-create"),
    path("categories/<int:pk>/", category_detail, name="category-detail"),
    path("categories/<int:pk>/edit/", category_edit, name="category-edit"),
    path("categories/<int:pk>/retire/", category_retire, name="category-retire"),
    path("parties/", party_list, name="party-list"),
    path("parties/new/", party_create, name="party-create"),
    path("locations/", location_list, name="location-list"),
    path("locations/new/", location_create, name="location-create"),
    path("products/", product_list, name="product-list"),
    path("products/new/", product_create, name="product-create"),
    path("products/<int:pk>/", product_detail, name="product-detail"),
    path("lots/", lot_list, name="lot-list"),
]
