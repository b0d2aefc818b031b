"""The one table base of the back-office list pages (django-tables2).

Columns are sortable by default; `?sort=` names a column, so only the declared columns (their `order_by`)
can reach ORDER BY, and an unknown name is ignored rather than an error. The table template renders the
platform's one pager (`core/partials/pager.html`), which keeps the filter and sort parameters.
"""

from functools import cached_property

import django_tables2 as tables
from django.core.paginator import EmptyPage
from django.db.models import QuerySet
from django.template import Context, Template

from .pagination import CappedPaginator, page_number

TABLE_CLASS = "table table-sm table-hover align-middle"


class TemplateColumn(tables.TemplateColumn):
    """django-tables2's TemplateColumn compiles its `template_code` again for every cell (a 300-row board
    parsed 1,200 templates per request); this one compiles it once per column and renders it per cell."""

    @cached_property
    def _compiled(self) -> Template:
        return Template(self.template_code)

    def render(self, record, table, value, bound_column, **kwargs):
        if not self.template_code:
            return super().render(record=record, table=table, value=value, bound_column=bound_column, **kwargs)
        parent_context = getattr(table, "context", Context())
        context = self.get_context_data(record=record, table=table, value=value, bound_column=bound_column,
                                        **kwargs)
        with parent_context.update(context):
            parent_context["request"] = getattr(table, "request", None)
            return self._compiled.render(parent_context)


class QcityTable(tables.Table):
    class Meta:
        template_name = "core/partials/table.html"
        attrs = {"class": TABLE_CLASS}
        orderable = True

    @property
    def order_by(self):
        return tables.Table.order_by.fget(self)

    @order_by.setter
    def order_by(self, value):
        """A sorted column rarely has unique values: the primary key breaks ties, so that no row shows up
        on two pages or on none."""
        tables.Table.order_by.fset(self, value)
        queryset = getattr(self.data, "data", None)
        if value and isinstance(queryset, QuerySet) and queryset.query.order_by:
            self.data.data = queryset.order_by(*queryset.query.order_by, "pk")


def table_configure(request, table: tables.Table, *, per_page: int = 50) -> tables.Table:
    """Sort and paginate `table` from the query string (`sort`, `page`), counting at most COUNT_CAP rows.

    Unlike django-tables2's RequestConfig, the page size is the view's, not a `per_page` parameter (a
    client cannot ask for a million rows), and an unusable page number shows the first page."""
    table.request = request
    if order_by := request.GET.getlist(table.prefixed_order_by_field):
        table.order_by = order_by
    try:
        table.paginate(paginator_class=CappedPaginator, per_page=per_page,
                       page=page_number(request.GET.get(table.prefixed_page_field)))
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
    return table
