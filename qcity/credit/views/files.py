"""Credit files: search, one enterprise's file, the panel on the enterprise page, event entry."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core.fields import parse_int
from qcity.core.forms import add_service_errors, service_error_text
from qcity.core.pagination import CappedPaginator
from qcity.core.permissions import role_required
from qcity.enterprises.search import filter_by_text
from qcity.enterprises.selectors import VIEWER_ROLES

from .. import exports, selectors, services
from ..forms import CreditEventForm, ObjectionForm, PublishForm, RepairForm, WithdrawForm
from ..scoring import contributions
from ..selectors import FILE_ROLES, OFFICER_ROLES
from ..services.access import require_officer


@role_required(*FILE_ROLES)
def file_search(request):
    """Officers search the credit files in their scope; an enterprise user goes to its own file."""
    if not selectors.is_officer(request.user):
        if not request.user.enterprise_id:
            raise Http404
        return redirect("credit:file", pk=request.user.enterprise_id)
    q = request.GET.get("q", "").strip()
    queryset = selectors.credit_file_search(user=request.user).order_by("-id")
    if len(q) == 18 and q.isalnum():
        queryset = queryset.filter(uscc=q.upper())
    elif q:
        queryset = filter_by_text(queryset, q)
    risk = request.GET.get("risk_class", "")
    if risk in ("a", "b", "c", "d"):
        queryset = queryset.filter(risk_class=risk)
    if request.GET.get("format") == "xlsx":
        return exports.credit_files_xlsx(queryset, by=request.user)
    context = {"page": page_of(queryset, request), "q": q, "risk_class": risk}
    if request.htmx:  # the rows only; the overdue count is in the page header
        return render(request, "credit/partials/file_rows.html", context)
    context["overdue_count"] = selectors.overdue_publications(user=request.user, today=timezone.localdate()).count()
    return render(request, "credit/file_search.html", context)


@role_required(*OFFICER_ROLES)
def overdue_publications(request):
    """Items past their legal publication deadline, oldest deadline first (DOMAIN §2.3, §2.2, §5)."""
    queryset = selectors.overdue_publications(user=request.user, today=timezone.localdate()).order_by(
        "publication_due_on", "id")
    if request.GET.get("format") == "xlsx":
        return exports.overdue_publications_xlsx(queryset, by=request.user)
    return render(request, "credit/overdue_publications.html", {"page": page_of(queryset, request)})


def page_of(queryset, request, size=50):
    return CappedPaginator(queryset, size).get_page(request.GET.get("page"))


def _classification_context(enterprise):
    classification = selectors.classification_of(enterprise)
    parameters = services.scoring_model_in_force().parameters
    return {
        "classification": classification,
        "risk_class": classification.risk_class if classification else "b",
        "contributions": contributions(classification.reasons, parameters) if classification else [],
        "history": selectors.class_history(enterprise),
    }


def _file(request, enterprise, *, forms=None, status=200, error=""):
    user, today = request.user, timezone.localdate()
    officer = selectors.is_officer(user)
    events = list(selectors.credit_events(user=user).filter(enterprise=enterprise))
    entries = list(selectors.list_entries(user=user).filter(enterprise=enterprise))
    context = {
        "enterprise": enterprise, "today": today, "officer": officer, "error": error,
        "events": [(e, e.is_public_on(today), e.is_publication_overdue(today)) for e in events],
        "entries": entries,
        "repairs": selectors.repairs(user=user).filter(enterprise=enterprise),
        "objections": selectors.objections(user=user).filter(enterprise=enterprise),
        "publish_form": PublishForm(initial={"published_on": today}),
        "withdraw_form": WithdrawForm(),
        "repair_form": (forms or {}).get("repair") or RepairForm(),
        "objection_form": (forms or {}).get("objection") or ObjectionForm(),
    }
    if officer:  # platform rule: the class is internal; the enterprise does not see it
        context |= _classification_context(enterprise)
    return render(request, "credit/file.html", context, status=status)


@role_required(*FILE_ROLES)
def file(request, pk):
    return _file(request, selectors.credit_file_enterprise(user=request.user, pk=pk))


@role_required(*VIEWER_ROLES)
def panel(request, pk):
    """The credit panel on the enterprise page (loaded by HTMX, so enterprises does not import credit).
    Every registry viewer may load the page; only market-regulation officers see the class."""
    if not selectors.is_officer(request.user):
        return HttpResponse("")
    enterprise = selectors.credit_file_enterprise(user=request.user, pk=pk)
    context = {"enterprise": enterprise, **_classification_context(enterprise),
               "event_count": selectors.credit_events(user=request.user).filter(enterprise=enterprise).count(),
               "listed": selectors.list_entries(user=request.user, listed_only=True).filter(enterprise=enterprise)}
    return render(request, "credit/partials/panel.html", context)


@role_required(*OFFICER_ROLES)
def event_create(request, pk):
    enterprise = selectors.credit_file_enterprise(user=request.user, pk=pk)
    require_officer(request.user, enterprise, action="record a credit event")
    form = CreditEventForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["confirm_names"] = _confirmed(enterprise, data.pop("confirm_legal_representative"))
        try:
            services.credit_event_record(enterprise=enterprise, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记信用事项"))
            return redirect("credit:file", pk=enterprise.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "credit/event_form.html", {"enterprise": enterprise, "form": form}, status=status)


def _confirmed(enterprise, confirm: bool) -> list[str]:
    """The page's checkbox confirms the legal representative's name (the only name that can be confirmed)."""
    return [enterprise.legal_representative] if confirm and enterprise.legal_representative else []


@role_required(*OFFICER_ROLES)
def event_publish(request, pk):
    """GET: the publication form (public summary, confirmation); POST: publish. A refusal (personal data in
    the public summary) shows the form again with the error on the field."""
    event = selectors.credit_event_get(user=request.user, pk=pk)
    require_officer(request.user, event.enterprise, action="publish a credit event")
    if request.method != "POST":
        form = PublishForm(initial={"published_on": timezone.localdate(), "public_summary": event.public_summary})
        return render(request, "credit/event_publish.html", {"event": event, "form": form})
    form = PublishForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["confirm_names"] = _confirmed(event.enterprise, data.pop("confirm_legal_representative"))
        try:
            services.credit_event_publish_item(event=event, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已公示"))
            return redirect("credit:file", pk=event.enterprise_id)
    if not form.data.get("public_summary"):
        form.data = form.data.copy()
        form.data["public_summary"] = event.public_summary
    return render(request, "credit/event_publish.html", {"event": event, "form": form}, status=400)


@role_required(*OFFICER_ROLES)
@require_POST
def event_withdraw(request, pk):
    event = selectors.credit_event_get(user=request.user, pk=pk)
    require_officer(request.user, event.enterprise, action="withdraw a credit event")
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": [_("请填写撤销原因")]})
        services.credit_event_withdraw_item(event=event, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _file(request, event.enterprise, status=400, error=service_error_text(exc))
    messages.success(request, _("已撤销"))
    return redirect("credit:file", pk=event.enterprise_id)


def _target(user, value: str):
    """"entry:<pk>" / "event:<pk>" from a form, inside the user's scope."""
    kind, _sep, raw = (value or "").partition(":")
    pk = parse_int(raw)
    if pk is None:
        return None, None
    if kind == "entry":
        return selectors.list_entries(user=user).filter(pk=pk).first(), None
    if kind == "event":
        return None, selectors.credit_events(user=user).filter(pk=pk).first()
    return None, None


@role_required(*FILE_ROLES)
@require_POST
def objection_create(request, pk):
    enterprise = selectors.credit_file_enterprise(user=request.user, pk=pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        entry, event = _target(request.user, form.cleaned_data["target"])
        try:
            services.objection_file(list_entry=entry, credit_event=event, grounds=form.cleaned_data["grounds"],
                                    evidence=form.cleaned_data["evidence"], by=request.user)
        except ValidationError as exc:
            return _file(request, enterprise, status=400, error=service_error_text(exc), forms={"objection": form})
        messages.success(request, _("已提出异议"))
        return redirect("credit:file", pk=enterprise.pk)
    return _file(request, enterprise, status=400, error=_("请填写异议理由"), forms={"objection": form})


@role_required(*FILE_ROLES)
@require_POST
def repair_create(request, pk):
    enterprise = selectors.credit_file_enterprise(user=request.user, pk=pk)
    form = RepairForm(request.POST)
    if form.is_valid():
        entry, event = _target(request.user, form.cleaned_data["target"])
        try:
            services.repair_apply(enterprise=enterprise, kind=form.cleaned_data["kind"], list_entry=entry,
                                  credit_event=event, compliance_proof=form.cleaned_data["compliance_proof"],
                                  commitment_letter=form.cleaned_data["commitment_letter"], by=request.user)
        except ValidationError as exc:
            return _file(request, enterprise, status=400, error=service_error_text(exc), forms={"repair": form})
        messages.success(request, _("已提交信用修复申请"))
        return redirect("credit:file", pk=enterprise.pk)
    return _file(request, enterprise, status=400, error=_("请提交证明材料和信用承诺书"), forms={"repair": form})


