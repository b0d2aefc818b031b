"""Pagination that stays fast on millions of rows: counting stops at a cap.

Page numbers come from the query string; a number no page can have (negative, zero, beyond
MAX_PAGE_NUMBER, not ASCII digits after NFKC) is treated like a missing one: the first page on list
pages, a 404 on the API (as DRF does for a page past the end). An offset is never computed from it.
"""

from functools import partial

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .fields import parse_int

COUNT_CAP = 10_000
MAX_PAGE_NUMBER = 1_000_000  # 50 rows a page: far beyond any table, far below an SQL offset's limit


def page_number(raw) -> int:
    """The 1-based page number from a query string, 1 when missing or unusable."""
    return parse_int(raw, minimum=1, maximum=MAX_PAGE_NUMBER) or 1


class _ReadPage(Page):
    """A page of an estimated list: whether a next page exists was read, not computed from the count."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows; beyond that the page shows "10000+" instead of an exact total.

    `estimate`, when the caller has one (a frequent search term), stands for the count without counting;
    `cap=None` counts every row (a user's "exact count" request)."""

    def __init__(self, *args, estimate: int | None = None, cap: int | None = COUNT_CAP, **kwargs):
        super().__init__(*args, **kwargs)
        self.estimate = estimate
        self.cap = cap

    @cached_property
    def count(self) -> int:
        if self.estimate is not None:
            return self.estimate
        items = self.object_list
        # django-tables2 hands over its BoundRows; the queryset is two wrappers down
        queryset = getattr(getattr(items, "data", None), "data", items)
        if isinstance(queryset, QuerySet):
            queryset = queryset.order_by()
            return (queryset if self.cap is None else queryset[: self.cap + 1]).count()
        return len(items)

    def page(self, number):
        """A first page with room to spare holds every row: it is read, and its length is the count, without
        a COUNT query (a lookup by code, a rare term).

        With an estimated count the pages are read rather than computed: a page holds what the list has at
        that place, and it has a next page when one more row follows. So an estimate that is a little low
        hides no rows from a client following `next`, and one a little high gives an empty last page, not an
        error."""
        if self.estimate is not None:
            number = self._number_at_least_one(number)
            bottom = (number - 1) * self.per_page
            rows = list(self.object_list[bottom: bottom + self.per_page + 1])
            return _ReadPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)
        if str(number) == "1" and not self.orphans and "count" not in self.__dict__:
            rows = list(self.object_list[: self.per_page])
            if len(rows) < self.per_page:
                self.__dict__["count"] = len(rows)
            return self._get_page(rows, 1, self)
        return super().page(number)

    def _number_at_least_one(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    @property
    def count_is_capped(self) -> bool:
        return self.estimate is None and self.cap is not None and self.count > self.cap


class StandardPagination(PageNumberPagination):
    """The API's pages. `count_exact` says whether `count` is exact: false when counting stopped at the cap
    (`count` is then COUNT_CAP + 1) or when it is an estimate a view gave (`view.count_estimate`, a frequent
    search term; `next` is then read, not computed); `?count=exact` asks a signed-in caller's exact count."""

    django_paginator_class = CappedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        # an uncapped COUNT for signed-in callers only: the public lists' counts stay capped
        exact = request.query_params.get("count") == "exact" and request.user.is_authenticated
        estimate = None if exact else getattr(view, "count_estimate", None)
        self.django_paginator_class = partial(CappedPaginator, estimate=estimate, cap=None if exact else COUNT_CAP)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": paginator.count,
            "count_exact": paginator.estimate is None and not paginator.count_is_capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_schema_operation_parameters(self, view):
        return [*super().get_schema_operation_parameters(view), {
            "name": "count", "required": False, "in": "query",
            "description": "`exact`: count every row (signed-in callers), not at most 10,001 nor an estimate",
            "schema": {"type": "string", "enum": ["exact"]}}]

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        properties = answer["properties"]
        answer["properties"] = {"count": properties["count"], "count_exact": {
            "type": "boolean", "description": "false: `count` is an estimate, or counting stopped at 10,001 rows "
                                              "(`?count=exact` counts every row)"},
            **{k: v for k, v in properties.items() if k != "count"}}
        answer["required"] = [*answer.get("required", []), "count_exact"]
        return answer

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or 1
        if raw in self.last_page_strings:
            return raw
        if parse_int(raw, minimum=1, maximum=MAX_PAGE_NUMBER) is None:
            raise NotFound(self.invalid_page_message.format(page_number=str(raw)[:30], message=_("页码无效")))
        return raw
