"""The one table base of the back-office list pages (django-tables2).

Columns are sortable by default; `?sort=` names a column, so only the declared columns (their `order_by`)
can reach ORDER BY, and an unknown name is ignored rather than an error. The table template renders the
platform's one pager (`core/partials/pager.html`), which keeps the filter and sort parameters.
"""

from functools import cached_property
from typing import NamedTuple
from urllib.parse import quote_plus, urlencode

import django_tables2 as tables
from django.core.paginator import EmptyPage
from django.db import models
from django.db.models import QuerySet
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from .masking import mask_text
from .models import AuditEvent, DeadlineChange, Department, LegalDuration, OrgUnit, User
from .pagination import COUNT_CAP, CappedPaginator, page_number
from .selectors import org_unit_label

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


class UnitColumn(tables.Column):
    """An org unit by its label (`selectors.org_unit_label`) from the key alone (`accessor="org_unit_id"`):
    the units are not read again for every list page. Sorted in tree order."""

    def __init__(self, *args, accessor: str = "org_unit_id", **kwargs):
        kwargs.setdefault("order_by", (accessor.removesuffix("_id") + "__path",))
        super().__init__(*args, accessor=accessor, **kwargs)

    def render(self, value):
        return org_unit_label(value)


_PLAIN_COLUMNS = (tables.Column, UnitColumn, tables.DateColumn, tables.DateTimeColumn)  # exactly these


class _PlainCell:
    """One column's cells written as django-tables2 writes them for a plain, unit, date or date-time column: the
    accessor's value on the row's model instance (a field with choices by its label), the column's default when
    empty, a date in the column's format, wrapped in the column's link. django-tables2 inspects the render
    function's signature, parses the accessor and (for a date) compiles a template again for every cell: about
    0.1 ms a cell, 40 ms of a 50-row page of eight columns. A row that is not a model instance, or an accessor
    that does not resolve by attributes alone, is left to django-tables2."""

    def __init__(self, table: tables.Table, bound_column):
        self.table = table
        self.bound_column = bound_column
        self.column = bound_column.column
        self.bits = tuple(bound_column.accessor.bits) if bound_column.accessor else ()
        # django-tables2's date columns keep their format only in their template, `{{ value|date:"<format>"… }}`
        self.date_format = (self.column.template_code.split('"')[1]
                            if isinstance(self.column, tables.DateColumn | tables.DateTimeColumn) else None)
        self.labels: dict[type, dict | None] = {}  # per model: the field's choices, when the accessor ends on one

    def __call__(self, row):
        record = row.record
        if not self.bits or not isinstance(record, models.Model):
            return row.get_cell(self.bound_column.name)
        owner, value = None, record
        try:
            for bit in self.bits:
                if not isinstance(value, models.Model):
                    return row.get_cell(self.bound_column.name)
                owner, value = value, getattr(value, bit)
                if callable(value):
                    if getattr(value, "alters_data", False) or getattr(value, "do_not_call_in_templates", False):
                        return row.get_cell(self.bound_column.name)
                    value = value()
                if value is None:
                    break
        except Exception:  # noqa: BLE001 - as django-tables2: a value that does not resolve is left to it
            return row.get_cell(self.bound_column.name)
        if value is not None and owner is not None and (labels := self._labels(record)) is not None:
            value = force_str(labels.get(value, value), strings_only=True)  # as get_<field>_display()
        if value in self.column.empty_values:
            return self.bound_column.default
        if self.date_format is not None:
            content = date_filter(template_localtime(value), self.date_format) or self.bound_column.default
        else:
            content = self.column.render(value)  # Column's and UnitColumn's take the value alone
        if self.bound_column.link:
            return self.bound_column.link(content, record=record, value=value, column=self.column,
                                          bound_column=self.bound_column, bound_row=row, table=self.table)
        return content

    def _labels(self, record: models.Model) -> dict | None:
        """The choices of the field the accessor ends on, value → label (Django's get_<field>_display makes
        every label hashable, and so translates every label, for each cell)."""
        model = type(record)
        if model not in self.labels:
            field = self.bound_column.accessor.get_field(model)
            self.labels[model] = dict(field.flatchoices) if getattr(field, "choices", None) else None
        return self.labels[model]


class _ColumnParts(NamedTuple):
    name: str
    th: str  # the opening <th …>
    header: str  # escaped
    sort: str | None  # the sort its header link asks for; None: not sortable
    td: str  # the opening <td …>


_COLUMN_PARTS: dict[tuple, tuple[_ColumnParts, ...]] = {}  # QcityTable._column_parts


class QcityTable(tables.Table):
    class Meta:
        template_name = "core/partials/table.html"
        attrs = {"class": TABLE_CLASS}
        orderable = True

    def head_html(self) -> SafeString:
        """The header's `<th>`s, written in one pass like `rows_html`: a sortable column's header links to the
        same page sorted by it, the other parameters kept (django-tables2's `querystring_replace`)."""
        request = getattr(self, "request", None)
        sort = self.prefixed_order_by_field
        kept = urlencode([(k, v) for k, v in request.GET.lists() if k != sort], doseq=True) if request else ""
        prefix = f"?{kept}&{sort}=" if kept else f"?{sort}="
        return mark_safe("".join(  # noqa: S308 - the parts are escaped (`_column_parts`, `escape`)
            f"{c.th}{c.header}</th>" if c.sort is None
            else f'{c.th}<a href="{escape(prefix + quote_plus(c.sort))}">{c.header}</a></th>'
            for c in self._column_parts))

    def rows_html(self) -> SafeString:
        """The page's `<tr>`s, written in one pass (`core/partials/table.html`). django-tables2's template
        computes a column's cell attributes again for every cell and walks every cell through the template
        engine: most of a 50-row page's time. Here a cell's attributes are computed once per column (no qcity
        column varies them by record; a row's own attributes still may), and each cell is localised and
        escaped as `{{ cell }}` would be."""
        rows = list(self.paginated_rows)
        if not rows:
            return (format_html('<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text)
                    if self.empty_text else mark_safe(""))
        columns = [(c.td, c.name) for c in self._column_parts]
        return mark_safe("".join(  # noqa: S308 - every part is escaped by format_html / conditional_escape
            format_html("<tr {}>", row.attrs.as_html())
            + "".join(f"{td}{conditional_escape(localize(template_localtime(self.cell(row, name))))}</td>"
                      for td, name in columns)
            + "</tr>"
            for row in rows))

    @cached_property
    def _column_parts(self) -> tuple[_ColumnParts, ...]:
        """What the header and the rows write for each column that does not depend on the query string or the
        rows, computed once per table class, language, order, the table's own cell attributes and its columns
        (a header set per instance included): django-tables2 computes a column's attributes afresh each time.
        Read once per table (the order's setter forgets it)."""
        key = (type(self), get_language(), self.order_by, self.orderable,
               *(repr(self.attrs.get(cell)) for cell in ("th", "td", "cell")),
               tuple((c.name, None if c.column.verbose_name is None else str(c.column.verbose_name))
                     for c in self.columns))
        parts = _COLUMN_PARTS.get(key)
        if parts is None:
            parts = tuple(_ColumnParts(
                name=column.name, th=format_html('<th {} scope="col">', (attrs := column.attrs)["th"].as_html()),
                header=conditional_escape(column.header), td=format_html("<td {}>", attrs["td"].as_html()),
                sort=column.order_by_alias.next if column.orderable else None) for column in self.columns)
            if len(_COLUMN_PARTS) >= 1_000:  # headers set per instance could grow it without bound
                _COLUMN_PARTS.clear()
            _COLUMN_PARTS[key] = parts
        return parts

    def cell(self, row, name: str):
        """One cell's content as django-tables2 gives it (its `render_<name>`, links, defaults, choices' labels);
        a table whose rows are not model rows may write its cells more directly."""
        plain = self._plain_cells.get(name)
        return plain(row) if plain is not None else row.get_cell(name)

    @cached_property
    def _plain_cells(self) -> dict[str, _PlainCell]:
        """The columns written by `_PlainCell`: plain, unit, date and date-time columns without a
        `render_<name>` (nor an accessor called with arguments); django-tables2 writes the others."""
        return {column.name: _PlainCell(self, column) for column in self.columns.iterall()
                if type(column.column) in _PLAIN_COLUMNS and not hasattr(self, f"render_{column.name}")
                and not (column.accessor and (column.accessor.callable_args or column.accessor.callable_kwargs))}

    @property
    def order_by(self):
        return tables.Table.order_by.fget(self)

    @order_by.setter
    def order_by(self, value):
        """A sorted column rarely has unique values: the primary key breaks ties, so that no row shows up
        on two pages or on none."""
        tables.Table.order_by.fset(self, value)
        self.__dict__.pop("_column_parts", None)  # the headers' sort links and classes follow the order
        queryset = getattr(self.data, "data", None)
        if value and isinstance(queryset, QuerySet) and queryset.query.order_by:
            self.data.data = queryset.order_by(*queryset.query.order_by, "pk")


def table_configure(request, table: tables.Table, *, per_page: int = 50, estimate: int | None = None) -> tables.Table:
    """Sort and paginate `table` from the query string (`sort`, `page`), counting at most COUNT_CAP rows,
    or giving `estimate` as the count; `count=exact` counts every row.

    Unlike django-tables2's RequestConfig, the page size is the view's, not a `per_page` parameter (a
    client cannot ask for a million rows), and an unusable page number shows the first page."""
    table.request = request
    if order_by := request.GET.getlist(table.prefixed_order_by_field):
        table.order_by = order_by
    exact = request.GET.get("count") == "exact"
    try:
        table.paginate(paginator_class=CappedPaginator, per_page=per_page,
                       page=page_number(request.GET.get(table.prefixed_page_field)),
                       estimate=None if exact else estimate, cap=None if exact else COUNT_CAP)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
    return table


# --- API tokens, service accounts, notification deliveries


class ApiTokenTable(QcityTable):
    """A user's own tokens: the key's prefix only (the key itself is never stored), a revoke form per row."""

    name = tables.Column(verbose_name=_("名称"))
    prefix = TemplateColumn('<code>{{ record.token_key|slice:":8" }}…</code>', verbose_name=_("前缀"),
                            orderable=False)
    created = tables.DateTimeColumn(verbose_name=_("创建时间"), format="Y-m-d H:i")
    expiry = TemplateColumn(
        '{% load i18n %}{{ value|date:"Y-m-d" }}{% if value and value <= now %} '
        '<span class="badge text-bg-secondary">{% translate "已过期" %}</span>{% endif %}',
        verbose_name=_("到期时间"), extra_context=lambda table: {"now": table.now})
    last_used_at = tables.DateTimeColumn(verbose_name=_("最近使用时间"), format="Y-m-d H:i", default="—")
    revoke = TemplateColumn(
        '{% load i18n %}<form method="post" action="{% url "api-token-revoke" record.pk %}">{% csrf_token %}'
        '{% form_token %}<button class="btn btn-link btn-sm p-0 text-danger" type="submit" data-confirm="'
        '{% translate "确定撤销该令牌？使用它的程序将立即无法调用接口。" %}">{% translate "撤销" %}</button></form>',
        verbose_name="", orderable=False)

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS + " text-nowrap mb-0", "id": "api-token-table"}
        empty_text = _("还没有令牌")

    def __init__(self, *args, now, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now


class ServiceAccountTable(QcityTable):
    username = tables.Column(verbose_name=_("账号名"), accessor="user__username",
                             linkify=("core:service-account-detail", {"pk": tables.A("pk")}))
    full_name = tables.Column(verbose_name=_("名称"), accessor="user__full_name")
    purpose = tables.Column(verbose_name=_("用途"))
    rate = tables.Column(verbose_name=_("调用频率上限"))
    status = TemplateColumn(
        '{% load i18n %}{% if record.user.is_active %}{% translate "启用" %}{% else %}'
        '<span class="badge text-bg-secondary">{% translate "停用" %}</span>{% endif %}',
        verbose_name=_("状态"), order_by=("-user__is_active",))

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "service-account-table"}
        empty_text = _("还没有服务账号")


class NotificationDeliveryTable(QcityTable):
    """Failed and long-pending deliveries: the address masked (also not sortable, so its order tells nothing),
    the message by kind and number only, a retry form per row."""

    created_at = tables.DateTimeColumn(verbose_name=_("创建时间"), format="Y-m-d H:i",
                                       attrs={"td": {"class": "text-nowrap"}})
    channel = tables.Column(verbose_name=_("渠道"))
    address = tables.Column(verbose_name=_("地址"), orderable=False)
    notification = TemplateColumn('{{ record.notification.get_kind_display }} #{{ record.notification_id }}',
                                  verbose_name=_("消息"), order_by=("notification__kind", "notification_id"),
                                  attrs={"td": {"class": "small"}})
    status = tables.Column(verbose_name=_("状态"))
    attempts = tables.Column(verbose_name=_("尝试次数"))
    last_error = tables.Column(verbose_name=_("最后错误"), attrs={"td": {"class": "small"}})
    retry = TemplateColumn(
        '{% load i18n %}<form method="post" action="{% url "core:notification-delivery-retry" record.pk %}">'
        '{% csrf_token %}{% form_token %}<button class="btn btn-sm btn-outline-danger" type="submit">'
        '{% translate "重新发送" %}</button></form>', verbose_name="", orderable=False)

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS + " mb-2", "id": "delivery-table"}
        row_attrs = {"data-delivery": lambda record: record.pk}
        empty_text = _("无记录")

    def render_address(self, value):
        return mask_text(value)


# --- back-office lists (core/views/__init__.py)


class OrgUnitTable(QcityTable):
    """The org units in tree order (the selector's `path`) until a column is sorted."""

    name = tables.Column()
    kind = tables.Column()
    division_code = tables.Column(default="—")
    parent = tables.Column(order_by=("parent__name",), default="—")

    class Meta(QcityTable.Meta):
        model = OrgUnit
        fields = ("name", "kind", "division_code", "parent")
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "org-unit-table"}
        empty_text = _("无记录")

    def render_name(self, record, value):
        return format_html("&nbsp;&nbsp;└ {}", value) if record.parent_id else value


class DepartmentTable(QcityTable):
    name = tables.Column()
    short_name = tables.Column()
    code = tables.Column()

    class Meta(QcityTable.Meta):
        model = Department
        fields = ("name", "short_name", "code")
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "department-table"}
        empty_text = _("无记录")

    def render_code(self, value):
        return format_html("<code>{}</code>", value)


class LegalDurationTable(QcityTable):
    """The edit link is the system administrator's (`can_edit`)."""

    name = tables.Column()
    value = tables.Column(verbose_name=_("期限"), order_by=("unit", "value"))
    legal_source = tables.Column(attrs={"td": {"class": "small"}})
    effective_from = tables.DateColumn(verbose_name=_("生效"), format="Y-m-d")
    effective_to = tables.DateColumn(verbose_name=_("失效"), format="Y-m-d", default="—")
    confirmed = tables.Column(verbose_name=_("核实"))
    edit = TemplateColumn('{% load i18n %}<a href="{% url "core:legal-duration-edit" record.pk %}">'
                          '{% translate "编辑" %}</a>', verbose_name="", orderable=False)

    class Meta(QcityTable.Meta):
        model = LegalDuration
        fields = ("name", "value", "legal_source", "effective_from", "effective_to", "confirmed", "edit")
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "legal-duration-table"}
        empty_text = _("无记录")

    def __init__(self, *args, can_edit: bool, **kwargs):
        super().__init__(*args, exclude=() if can_edit else ("edit",), **kwargs)

    def render_name(self, record):
        return format_html('{}<div class="small qc-muted"><code>{}</code></div>', record.name, record.code)

    def render_value(self, record):
        return f"{record.value} {record.get_unit_display()}"

    def render_confirmed(self, value):
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("已核实"))
        return format_html('<span class="badge text-bg-warning">{}</span>', _("待核实"))


class DeadlineChangeTable(QcityTable):
    """Deadlines a recomputation moved, newest run first (the selector's order) until a column is sorted."""

    object_repr = tables.Column(verbose_name=_("事项"))
    field_label = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    org_unit = tables.Column(order_by=("org_unit__path",), default="—", attrs={"td": {"class": "text-nowrap"}})
    change = TemplateColumn(
        '{% load i18n %}<span class="text-decoration-line-through qc-muted">{{ record.old_on|date:"Y-m-d" }}</span>'
        '{% if record.old_provisional_year %} <span class="badge text-bg-warning">{% translate "暂定" %}</span>'
        '{% endif %} → <strong>{{ record.new_on|date:"Y-m-d" }}</strong>{% if record.new_provisional_year %} '
        '<span class="badge text-bg-warning">{% translate "暂定" %}</span>{% endif %}',
        verbose_name=_("原期限 → 新期限"), order_by=("new_on",),
        attrs={"th": {"class": "text-nowrap"}, "td": {"class": "text-nowrap"}})
    recomputation = TemplateColumn(
        '{{ record.recomputation.trigger }}<div class="small qc-muted text-nowrap">'
        '{{ record.recomputation.started_at|date:"Y-m-d H:i" }}</div>',
        verbose_name=_("起因"), order_by=("recomputation__started_at",))

    class Meta(QcityTable.Meta):
        model = DeadlineChange
        fields = ("object_repr", "field_label", "org_unit", "change", "recomputation")
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "deadline-change-table"}
        row_attrs = {"class": "deadline-change"}
        empty_text = _("没有因节假日安排而变动的期限")

    def render_object_repr(self, record, value):
        return format_html('<a href="{}">{}</a>', record.object_url, value) if record.object_url else value


class UserTable(QcityTable):
    """Users with their roles; the security administrator's grant and revoke forms (`can_grant`), the system
    administrator's password reset (`can_reset_password`). The page's `grant_form` gives the choices."""

    username = tables.Column(verbose_name=_("用户名"))
    full_name = tables.Column()
    roles = TemplateColumn(template_name="core/partials/user_roles.html", verbose_name=_("角色"),
                           orderable=False)
    grant = TemplateColumn(template_name="core/partials/user_role_grant.html", verbose_name=_("授予角色"),
                           orderable=False)
    password = TemplateColumn(template_name="core/partials/user_password.html", verbose_name=_("密码"),
                              orderable=False)

    class Meta(QcityTable.Meta):
        model = User
        fields = ("username", "full_name", "roles", "grant", "password")
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "user-table"}
        empty_text = _("无记录")

    def __init__(self, *args, can_grant: bool, can_reset_password: bool, **kwargs):
        exclude = [name for name, shown in (("grant", can_grant), ("password", can_reset_password)) if not shown]
        super().__init__(*args, exclude=exclude, **kwargs)


class LoginLockoutTable(QcityTable):
    """Computed rows (`selectors.login_lockout_list`, dicts), sorted in memory; a release form per row."""

    username = tables.Column(verbose_name=_("用户名"))
    kind = tables.Column(verbose_name=_("锁定范围"), order_by=("kind", "ip_address"))
    failures = tables.Column(verbose_name=_("失败次数"), attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}})
    last = TemplateColumn('{{ record.last|date:"Y-m-d H:i" }}', verbose_name=_("最近失败"), order_by=("last",))
    until = TemplateColumn('{{ record.until|date:"Y-m-d H:i"|default:"—" }}', verbose_name=_("自动解除"),
                           order_by=("until",))
    release = TemplateColumn(template_name="core/partials/login_lockout_release.html", verbose_name="",
                             orderable=False)

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "lockout-table"}
        empty_text = _("当前没有被锁定的登录")

    def render_kind(self, record):
        if record["kind"] != "username":
            return record["ip_address"]
        n = record["addresses"]
        return format_html('<span class="badge text-bg-danger">{}</span> {}', _("用户名（所有地址）"),
                           ngettext("%(n)s 个地址", "%(n)s 个地址", n) % {"n": n})


class AuditEventTable(QcityTable):
    """Sortable on the time, the actor, the action and the object (the message and the changes are not: a
    sort over millions of long texts)."""

    at = TemplateColumn('{{ record.at|date:"Y-m-d H:i:s" }}', verbose_name=_("时间"), order_by=("at",),
                        attrs={"td": {"class": "text-nowrap"}})
    actor_name = tables.Column(verbose_name=_("操作人"))
    source = TemplateColumn('{{ record.source_ip|default:"" }} {{ record.channel }}', verbose_name=_("来源"),
                            orderable=False, attrs={"td": {"class": "small"}})
    action = tables.Column()
    object = TemplateColumn('{{ record.object_type }} #{{ record.object_id }}<br>{{ record.object_repr }}',
                            verbose_name=_("对象"), order_by=("object_type", "object_id"),
                            attrs={"td": {"class": "small"}})
    message = tables.Column(orderable=False, attrs={"td": {"class": "small"}})
    change = TemplateColumn(
        '{% if record.before %}<div class="text-danger">− {{ record.before }}</div>{% endif %}'
        '{% if record.after %}<div class="text-success">+ {{ record.after }}</div>{% endif %}',
        verbose_name=_("变更"), orderable=False, attrs={"td": {"class": "small"}})

    class Meta(QcityTable.Meta):
        model = AuditEvent
        fields = ("at", "actor_name", "source", "action", "object", "message", "change")
        attrs = {"class": TABLE_CLASS + " mb-2", "id": "audit-table"}
        empty_text = _("无记录")
