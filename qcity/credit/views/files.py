"""Credit files: search, one enterprise's file, the panel on the enterprise page, event entry."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qcity.core.access import require_scope
from qcity.core.downloads import attachment_response
from qcity.core.exports import export_view, wants_export, xlsx_export
from qcity.core.fields import parse_int
from qcity.core.forms import form_error_text
from qcity.core.permissions import role_required
from qcity.core.roles import MARKET_OFFICERS, MARKET_OFFICERS_AND_ENTERPRISES, STAFF
from qcity.core.steps import step_run
from qcity.core.tables import table_configure

from .. import exports, selectors, services
from ..filters import CreditFileFilter
from ..forms import CreditEventForm, CreditObjectionForm, CreditRepairForm, PublishForm, WithdrawForm
from ..scoring import contributions, risk_class_or_default
from ..tables import CreditFileTable, CreditOverdueTable


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@export_view
def file_search(request):
    """Officers search the credit files in their scope; an enterprise user goes to its own file."""
    if not selectors.is_officer(request.user):
        if not request.user.enterprise_id:
            raise Http404
        return redirect("credit:file", pk=request.user.enterprise_id)
    filterset = CreditFileFilter.for_page(request.GET, queryset=selectors.credit_file_list(user=request.user).order_by("-id"))
    queryset = filterset.qs
    if wants_export(request):
        return xlsx_export(request, exports.CREDIT_FILES, queryset)
    context = {"table": table_configure(request, CreditFileTable(queryset)), "filter": filterset, "q": filterset.form.cleaned_data.get("q", ""),
               "risk_class": filterset.form.cleaned_data.get("risk_class", "")}
    if request.htmx:  # the rows only; the overdue count is in the page header
        return render(request, "credit/partials/file_rows.html", context)
    context["overdue_count"] = selectors.credit_event_overdue_list(user=request.user, today=timezone.localdate()).count()
    return render(request, "credit/file_search.html", context)


@role_required(*MARKET_OFFICERS)
@export_view
def overdue_publications(request):
    """Items past their legal publication deadline, oldest deadline first (DOMAIN §2.3, §2.2, §5)."""
    queryset = selectors.credit_event_overdue_list(user=request.user, today=timezone.localdate()).order_by(
        "publication_due_on", "id")
    if wants_export(request):
        return xlsx_export(request, exports.OVERDUE_PUBLICATIONS, queryset)
    return render(request, "credit/overdue_publications.html",
                  {"table": table_configure(request, CreditOverdueTable(queryset))})


def _classification_context(enterprise):
    classification = selectors.credit_classification_get(enterprise)
    parameters = services.scoring_model_in_force().parameters
    return {
        "classification": classification,
        "risk_class": risk_class_or_default(classification),
        "contributions": contributions(classification.reasons, parameters) if classification else [],
        "history": selectors.credit_class_change_list(enterprise),
    }


def _file(request, enterprise, *, forms=None, status=200, error=""):
    user, today = request.user, timezone.localdate()
    officer = selectors.is_officer(user)
    events = list(selectors.credit_event_list(user=user).filter(enterprise=enterprise))
    entries = list(selectors.credit_list_entry_list(user=user).filter(enterprise=enterprise))
    context = {
        "enterprise": enterprise, "today": today, "officer": officer, "error": error,
        "events": [(e, e.is_public_on(today), e.is_publication_overdue(today)) for e in events],
        "entries": entries,
        "repairs": selectors.credit_repair_list(user=user).filter(enterprise=enterprise).prefetch_related("attachments"),
        "objections": selectors.credit_objection_list(user=user).filter(enterprise=enterprise).prefetch_related(
            "attachments"),
        "publish_form": PublishForm(initial={"published_on": today}),
        "withdraw_form": WithdrawForm(),
        "repair_form": (forms or {}).get("repair") or CreditRepairForm(),
        "objection_form": (forms or {}).get("objection") or CreditObjectionForm(),
    }
    if officer:  # platform rule: the class is internal; the enterprise does not see it
        context |= _classification_context(enterprise)
    return render(request, "credit/file.html", context, status=status)


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
def file(request, pk):
    return _file(request, selectors.credit_file_get(user=request.user, pk=pk))


@role_required(*STAFF)
def panel(request, pk):
    """The credit panel on the enterprise page (loaded by HTMX, so enterprises does not import credit).
    Every registry viewer may load the page; only market-regulation officers see the class."""
    if not selectors.is_officer(request.user):
        return HttpResponse("")
    enterprise = selectors.credit_file_get(user=request.user, pk=pk)
    context = {"enterprise": enterprise, **_classification_context(enterprise),
               "event_count": selectors.credit_event_list(user=request.user).filter(enterprise=enterprise).count(),
               "listed": selectors.credit_list_entry_list(user=request.user, listed_only=True).filter(enterprise=enterprise)}
    return render(request, "credit/partials/panel.html", context)


@role_required(*MARKET_OFFICERS)
def event_create(request, pk):
    enterprise = selectors.credit_file_get(user=request.user, pk=pk)
    require_scope(request.user, enterprise.org_unit, roles=MARKET_OFFICERS, action="record a credit event")
    page = lambda form: render(request, "credit/event_form.html", {"enterprise": enterprise, "form": form})  # noqa: E731
    if request.method != "POST":
        return page(CreditEventForm(initial={"occurred_on": timezone.localdate()}))

    def record(form):
        data = dict(form.cleaned_data)
        data["confirm_names"] = _confirmed(enterprise, data.pop("confirm_legal_representative"))
        return services.credit_event_record(enterprise=enterprise, by=request.user, **data)

    return step_run(request, CreditEventForm(request.POST, initial={"occurred_on": timezone.localdate()}), record,
                    success=_("已登记信用事项"), done=reverse("credit:file", args=[enterprise.pk]), detail=page)


def _confirmed(enterprise, confirm: bool) -> list[str]:
    """The page's checkbox confirms the legal representative's name (the only name that can be confirmed)."""
    return [enterprise.legal_representative] if confirm and enterprise.legal_representative else []


def _publish_page(request, event, form):
    """The publication form; a refused one (sent from the file page's row, with a date only) shows the
    event's current public summary to edit."""
    if form.is_bound and not form.data.get("public_summary"):
        form.data = form.data.copy()
        form.data["public_summary"] = event.public_summary
    return render(request, "credit/event_publish.html", {"event": event, "form": form})


@role_required(*MARKET_OFFICERS)
def event_publish(request, pk):
    """GET: the publication form (public summary, confirmation); POST: publish. A refusal (personal data in
    the public summary) shows the form again with the error on the field."""
    event = selectors.credit_event_get(user=request.user, pk=pk)
    require_scope(request.user, event.enterprise.org_unit, roles=MARKET_OFFICERS, action="publish a credit event")
    if request.method != "POST":
        return _publish_page(request, event, PublishForm(initial={"published_on": timezone.localdate(),
                                                                  "public_summary": event.public_summary}))

    def publish(form):
        data = dict(form.cleaned_data)
        data["confirm_names"] = _confirmed(event.enterprise, data.pop("confirm_legal_representative"))
        return services.credit_event_publish_item(event=event, by=request.user, **data)

    return step_run(request, PublishForm(request.POST), publish, success=_("已公示"),
                    done=reverse("credit:file", args=[event.enterprise_id]),
                    detail=lambda form: _publish_page(request, event, form))


@role_required(*MARKET_OFFICERS)
@require_POST
def event_withdraw(request, pk):
    event = selectors.credit_event_get(user=request.user, pk=pk)
    require_scope(request.user, event.enterprise.org_unit, roles=MARKET_OFFICERS, action="withdraw a credit event")
    return step_run(request, WithdrawForm(request.POST),
                    lambda form: services.credit_event_withdraw_item(event=event, by=request.user, **form.cleaned_data),
                    success=_("已撤销"), done=reverse("credit:file", args=[event.enterprise_id]),
                    detail=lambda form: _file(request, event.enterprise, error=form_error_text(form)))


def _target(user, value: str):
    """"entry:<pk>" / "event:<pk>" from a form, inside the user's scope."""
    kind, _sep, raw = (value or "").partition(":")
    pk = parse_int(raw)
    if pk is None:
        return None, None
    if kind == "entry":
        return selectors.credit_list_entry_list(user=user).filter(pk=pk).first(), None
    if kind == "event":
        return None, selectors.credit_event_list(user=user).filter(pk=pk).first()
    return None, None


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@require_POST
def objection_create(request, pk):
    enterprise = selectors.credit_file_get(user=request.user, pk=pk)

    def file_objection(form):
        data = form.cleaned_data
        entry, event = _target(request.user, data["target"])
        return services.credit_objection_file(list_entry=entry, credit_event=event, grounds=data["grounds"],
                                              evidence=data["evidence"], evidence_file=data["evidence_file"],
                                              by=request.user)

    return step_run(request, CreditObjectionForm(request.POST, request.FILES), file_objection,
                    success=_("已提出异议"), done=reverse("credit:file", args=[enterprise.pk]),
                    detail=lambda form: _file(request, enterprise, error=form_error_text(form), forms={"objection": form}))


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
@require_POST
def repair_create(request, pk):
    enterprise = selectors.credit_file_get(user=request.user, pk=pk)

    def apply(form):
        data = form.cleaned_data
        entry, event = _target(request.user, data["target"])
        return services.credit_repair_apply(enterprise=enterprise, kind=data["kind"], list_entry=entry,
                                            credit_event=event, compliance_proof=data["compliance_proof"],
                                            commitment_letter=data["commitment_letter"],
                                            compliance_proof_file=data["compliance_proof_file"],
                                            commitment_letter_file=data["commitment_letter_file"], by=request.user)

    return step_run(request, CreditRepairForm(request.POST, request.FILES), apply,
                    success=_("已提交信用修复申请"), done=reverse("credit:file", args=[enterprise.pk]),
                    detail=lambda form: _file(request, enterprise, error=form_error_text(form), forms={"repair": form}))


@role_required(*MARKET_OFFICERS_AND_ENTERPRISES)
def attachment_download(request, pk):
    """A repair or objection document: the enterprise itself and the officers over its unit (others 404)."""
    attachment = selectors.credit_attachment_get(user=request.user, pk=pk)
    return attachment_response(attachment.file, attachment.original_name)
