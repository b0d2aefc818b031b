"""Classification pages: the handler's classify step on the complaint's page, and the two reference lists
(categories, problem types) the office keeps."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core import access
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.forms import add_service_errors
from qcity.core.permissions import role_required
from qcity.core.roles import COMPLAINT_HANDLERS, OFFICE
from qcity.core.steps import button_step_run, step_run
from qcity.core.tables import table_configure

from .. import classification, exports, selectors
from ..filters import ComplaintCategoryFilter, ProblemTypeFilter
from ..forms import ClassifyForm, ComplaintCategoryForm, ProblemTypeForm
from ..models import ComplaintCategory, ProblemType
from ..services import classification as services
from ..tables import ComplaintCategoryTable, ProblemTypeTable
from .lists import complaint_detail_render


def _opened(complaint) -> tuple[ClassifyForm, list[tuple[str, list[tuple[str, float]]]]]:
    """The form as first opened, and the classifier's three likeliest of each list (active rows only, by name
    with their probability). The form preselects the confirmed or stored classification, else the best."""
    suggestion = classification.suggest(f"{complaint.subject}\n{complaint.facts}")
    initial = selectors.classification_initial(complaint)
    shown = []
    for label, field, model, codes, scores in (
            (_("类别"), "category", ComplaintCategory, suggestion.category_codes, suggestion.category_scores),
            (_("问题类型"), "problem_type", ProblemType, suggestion.problem_type_codes,
             suggestion.problem_type_scores)):
        active = {row.code: row for row in model.objects.filter(active=True, code__in=codes)}
        options = [(active[code], score) for code, score in zip(codes, scores, strict=False) if code in active]
        initial[field] = initial[field] or (options[0][0].pk if options else None)
        shown.append((label, [(row.name, score) for row, score in options]))
    return ClassifyForm(prefix="classify", initial=initial), shown


@role_required(*COMPLAINT_HANDLERS)
def complaint_classify(request, pk):
    """GET opens the detail page with the form and the classifier's top three; POST runs the step."""
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    if request.method != "POST":
        form, suggested = _opened(complaint)
        return complaint_detail_render(request, complaint, forms={"classify": form, "classify_suggested": suggested})
    return step_run(request, ClassifyForm(request.POST, prefix="classify"),
                    lambda form: services.complaint_classify(complaint=complaint, by=request.user,
                                                             **form.cleaned_data),
                    success=_("分类已确认"), done=reverse("complaints:complaint-detail", args=[complaint.pk]),
                    detail=lambda form: complaint_detail_render(request, complaint, forms={"classify": form}))


# --- reference lists ----------------------------------------------------------------------------------------

# One set of pages for both lists: (model, form, selector, filter, table, export columns, create, update,
# delete, list URL, title).
KINDS = {
    "category": dict(model=ComplaintCategory, form=ComplaintCategoryForm, rows=selectors.complaint_category_list,
                     filter=ComplaintCategoryFilter, table=ComplaintCategoryTable,
                     columns=exports.COMPLAINT_CATEGORIES,
                     create=services.complaint_category_create, update=services.complaint_category_update,
                     delete=services.complaint_category_delete, arg="category", url="complaints:category-list",
                     title=_("商品或服务类别")),
    "problem-type": dict(model=ProblemType, form=ProblemTypeForm, rows=selectors.problem_type_list,
                         filter=ProblemTypeFilter, table=ProblemTypeTable, columns=exports.PROBLEM_TYPES,
                         create=services.problem_type_create, update=services.problem_type_update,
                         delete=services.problem_type_delete, arg="problem_type", url="complaints:problem-type-list",
                         title=_("问题类型")),
}


def _list(request, kind: str):
    spec = KINDS[kind]
    filterset = spec["filter"].for_page(request.GET, queryset=spec["rows"]())
    if wants_export(request):
        return xlsx_export(request, spec["columns"], filterset.qs)
    can_edit = access.has_role(request.user, *OFFICE)
    return render(request, "complaints/classification_list.html", {
        "kind": kind, "title": spec["title"], "filter": filterset, "can_edit": can_edit,
        "table": table_configure(request, spec["table"](filterset.qs, can_edit=can_edit)),
    })


def _form_page(request, kind: str, pk: int | None = None):
    """Create or edit one row; the service checks the office role, validates and audits."""
    spec = KINDS[kind]
    row = get_object_or_404(spec["model"], pk=pk) if pk is not None else None
    initial = {"active": True, "sort_order": 0}
    if row is not None:
        initial = {name: getattr(row, name) for name in ("name", "sort_order", "active")}
        initial |= {"group": row.group} if kind == "category" else {}
    form = spec["form"](request.POST or None, initial=initial, editing=row is not None)
    if request.method == "POST" and form.is_valid():
        try:
            if row is None:
                spec["create"](by=request.user, **form.cleaned_data)
            else:
                spec["update"](**{spec["arg"]: row}, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect(spec["url"])
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/classification_form.html",
                  {"kind": kind, "title": spec["title"], "form": form, "row": row}, status=status)


def _delete(request, kind: str, pk: int):
    spec = KINDS[kind]
    row = get_object_or_404(spec["model"], pk=pk)
    return button_step_run(request, lambda: spec["delete"](**{spec["arg"]: row}, by=request.user),
                           success=_("已删除"), done=reverse(spec["url"]))


@role_required(*COMPLAINT_HANDLERS)
@export_view
def category_list(request):
    return _list(request, "category")


@role_required(*OFFICE)
def category_create(request):
    return _form_page(request, "category")


@role_required(*OFFICE)
def category_edit(request, pk):
    return _form_page(request, "category", pk)


@role_required(*OFFICE)
@require_POST
def category_delete(request, pk):
    return _delete(request, "category", pk)


@role_required(*COMPLAINT_HANDLERS)
@export_view
def problem_type_list(request):
    return _list(request, "problem-type")


@role_required(*OFFICE)
def problem_type_create(request):
    return _form_page(request, "problem-type")


@role_required(*OFFICE)
def problem_type_edit(request, pk):
    return _form_page(request, "problem-type", pk)


@role_required(*OFFICE)
@require_POST
def problem_type_delete(request, pk):
    return _delete(request, "problem-type", pk)
