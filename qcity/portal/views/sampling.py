"""Public pages of published sampling results (no login): enterprise, product, batch, conclusion and the
failed items. Nothing about the samplers or the internal workflow is shown."""

from django.shortcuts import render

from qcity.core.pagination import CappedPaginator
from qcity.core.permissions import public_page
from qcity.sampling.filters import PublishedSampleFilter
from qcity.sampling.selectors import sample_published_get, sample_published_list


@public_page
def result_list(request):
    filterset = PublishedSampleFilter(request.GET, queryset=sample_published_list())
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = CappedPaginator(queryset, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/sampling/result_list.html",
                  {"filter": filterset, "page": page, "query": query.urlencode()})


@public_page
def result_detail(request, pk):
    sample = sample_published_get(pk=pk)
    failed = [item for item in sample.items.all() if not item.conforming] if sample.conclusion == "fail" else []
    return render(request, "portal/sampling/result_detail.html", {"sample": sample, "failed_items": failed})


# Mounted by qcity/portal/urls.py under /public/sampling/ (names in the `portal` namespace).
