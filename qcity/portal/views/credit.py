"""Public credit pages (no login): lookup by credit code or name, an enterprise's public credit file, the
published lists. Only published items inside their publication period, each with its public summary
(personal data masked, qcity.core.masking); never the credit risk class (DOMAIN §3, platform rule)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from qcity.complaints.disclosure import complaint_received_count
from qcity.core.masking import mask_person_name
from qcity.core.pagination import page_number
from qcity.core.permissions import public_page
from qcity.credit import selectors
from qcity.credit.choices import CreditListKind
from qcity.enterprises.models import Enterprise
from qcity.enterprises.search import credit_code, filter_by_text

NAME_RESULTS = 20
PAGE_SIZE = 50


@public_page
def credit_lookup(request):
    q = request.GET.get("q", "").strip()
    results = []
    if code := credit_code(q):
        if Enterprise.objects.filter(uscc=code).exists():
            return redirect("portal:credit-file", uscc=code)
    elif len(q) >= 2:
        results = list(filter_by_text(Enterprise.objects.select_related("org_unit"), q)
                       .only("uscc", "name", "org_unit__name").order_by("id")[:NAME_RESULTS])
    return render(request, "portal/credit/lookup.html", {"q": q, "results": results, "searched": bool(q)})


@public_page
def credit_file(request, uscc):
    enterprise = selectors.credit_file_public_get(uscc)
    today = timezone.localdate()
    events = list(selectors.credit_event_public_list(enterprise, today))
    context = {"enterprise": enterprise, "legal_representative": mask_person_name(enterprise.legal_representative),
               "events": events, "entries": list(selectors.credit_list_entry_public_list(enterprise=enterprise)),
               "today": today, "complaints_received": complaint_received_count(enterprise=enterprise, today=today)}
    return render(request, "portal/credit/file.html", context)


@public_page
def credit_list(request, list_kind):
    kind = list_kind.replace("-", "_")
    if kind not in CreditListKind.values:
        raise Http404
    number = page_number(request.GET.get("page"))
    rows = list(selectors.credit_list_entry_public_list(list_kind=kind)[(number - 1) * PAGE_SIZE: number * PAGE_SIZE + 1])
    context = {"kind": kind, "kind_label": CreditListKind(kind).label, "rows": rows[:PAGE_SIZE], "number": number,
               "has_next": len(rows) > PAGE_SIZE, "kinds": selectors.PUBLIC_LIST_KINDS}
    return render(request, "portal/credit/list.html", context)


# Mounted at /public/credit/ from qcity/portal/urls.py (names in the portal namespace).
