"""Public pages of double-random inspections (一公开): published results and published draw records.

Only published data; no credit risk class (DOMAIN §3: internal), so the selection is listed in
enterprise order without its stratum; inspectors appear as badge number and masked name.
"""

from django.shortcuts import get_object_or_404, render

from qcity.core.pagination import CappedPaginator
from qcity.core.permissions import public_page
from qcity.inspections.filters import PublicResultFilter
from qcity.inspections.records import draw_record
from qcity.inspections.selectors import draw_published_list, result_published_list


@public_page
def inspection_results(request):
    filterset = PublicResultFilter(request.GET, queryset=result_published_list())
    results = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = CappedPaginator(results, 50).get_page(request.GET.get("page"))
    return render(request, "portal/inspections/result_list.html", {"filter": filterset, "results": page})


@public_page
def inspection_draws(request):
    page = CappedPaginator(draw_published_list(), 50).get_page(request.GET.get("page"))
    return render(request, "portal/inspections/draw_list.html", {"draws": page})


@public_page
def inspection_draw_detail(request, pk):
    draw = get_object_or_404(draw_published_list(), pk=pk)
    record = draw_record(draw, full=False)
    selection = CappedPaginator(record["selection"], 100).get_page(request.GET.get("page"))
    return render(request, "portal/inspections/draw_detail.html",
                  {"draw": draw, "record": record, "selection": selection})


# mounted at /public/inspections/ by qcity/portal/urls.py (names in the `portal` namespace)
