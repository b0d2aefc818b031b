"""Pagination that stays fast on millions of rows: counting stops at a cap."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows; beyond that the page shows "10000+" instead of an exact total."""

    @cached_property
    def count(self) -> int:
        items = self.object_list
        # django-tables2 hands over its BoundRows; the queryset is two wrappers down
        queryset = getattr(getattr(items, "data", None), "data", items)
        if isinstance(queryset, QuerySet):
            return queryset.order_by()[: COUNT_CAP + 1].count()
        return len(items)

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_CAP


class StandardPagination(PageNumberPagination):
    django_paginator_class = CappedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
