"""The one table base (`qcity.core.tables.QcityTable`): its own writing of plain, date and date-time cells gives
exactly what django-tables2's per-cell path gives, whatever the row, the language and the time zone."""

import datetime

import django_tables2 as tables
import pytest
import time_machine
from django.test import RequestFactory
from django.utils import translation

from qcity.core.choices import AuditAction
from qcity.core.models import AuditEvent
from qcity.core.tables import QcityTable, UnitColumn, table_configure


class _EventTable(QcityTable):
    action = tables.Column()  # a field with choices: its label
    unit = tables.Column(accessor="org_unit__short_name", default="—")  # across a foreign key, null for one row
    unit_kind = tables.Column(accessor="org_unit__kind")  # choices across a foreign key
    unit_label = UnitColumn(default="—")  # the unit by its label, from its key alone
    label = tables.Column(accessor="get_action_display")  # a method, called
    at = tables.DateTimeColumn(format="Y-m-d H:i")  # shown in the local time zone
    day = tables.DateColumn(accessor="at", format="Y-m-d")  # a datetime in a date column: the local day
    object_id = tables.Column(linkify=lambda record: f"/events/{record.pk}/")  # wrapped in its link
    message = tables.Column(default="（无）")  # empty: the default
    nowhere = tables.Column(accessor="org_unit__no_such_attribute", default="?")  # does not resolve
    repr = tables.Column(accessor="object_repr", verbose_name="对象", orderable=False)

    def render_repr(self, value):  # a render_<name>: left to django-tables2
        return f"«{value}»"


def _table(rows) -> _EventTable:
    table = _EventTable(rows)
    table_configure(RequestFactory().get("/"), table)
    return table


@pytest.fixture
def events(city, district):
    with time_machine.travel(datetime.datetime(2026, 12, 6, 17, 30, tzinfo=datetime.UTC), tick=False):
        # 01:30 the next day in Zhengzhou
        AuditEvent.objects.bulk_create([
            AuditEvent(action=AuditAction.UPDATE, object_type="t", object_id="7", org_unit=district, message="改了"),
            AuditEvent(action=AuditAction.EXPORT, object_type="t", object_id="", org_unit=None, object_repr="<b>"),
            AuditEvent(action=AuditAction.CREATE, object_type="t", object_id="9", org_unit=city),
        ])
    return AuditEvent.objects.filter(object_type="t").select_related("org_unit").order_by("pk")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_plain_date_and_linked_cells_are_written_as_django_tables2_writes_them(events, language):
    with translation.override(language):
        table = _table(events)
        assert set(table._plain_cells) == {
            "action", "unit", "unit_kind", "unit_label", "label", "at", "day", "object_id", "message", "nowhere"}
        rows = list(table.paginated_rows)
        for row in rows:
            for column in table.columns:
                assert str(table.cell(row, column.name)) == str(row.get_cell(column.name)), column.name
        first, second = rows[0], rows[1]
        assert table.cell(first, "at") == "2026-12-07 01:30" and table.cell(first, "day") == "2026-12-07"
        assert table.cell(second, "unit") == "—" and table.cell(second, "message") == "（无）"
        assert table.cell(first, "unit_label") == "金水区" and table.cell(second, "unit_label") == "—"
        assert table.cell(first, "nowhere") == "?"
        assert str(table.cell(first, "action")) == str(AuditAction.UPDATE.label)
        assert table.cell(first, "object_id") == f'<a href="/events/{first.record.pk}/">7</a>'
        assert "&lt;b&gt;" in table.rows_html() and "<b>" not in table.rows_html()


def test_rows_that_are_not_model_instances_are_left_to_django_tables2():
    table = _table([{"action": "update", "org_unit__short_name": "金水", "at": None, "object_id": "1",
                     "message": "", "object_repr": "x"}])
    row = next(iter(table.paginated_rows))
    assert table.cell(row, "unit") == "金水" and table.cell(row, "message") == "（无）"
    assert table.cell(row, "action") == "update"  # no model, no choices


def _head(query: str, language: str = "zh-hans") -> str:
    with translation.override(language):
        table = _EventTable(AuditEvent.objects.none())
        table_configure(RequestFactory().get(f"/?{query}"), table)
        return table.head_html()


@pytest.mark.django_db
def test_the_header_links_keep_the_query_and_turn_the_order_round_per_request():
    plain = _head("q=a%26b&page=3")
    assert '<a href="?q=a%26b&amp;page=3&amp;sort=action">' in plain  # the other parameters kept, escaped
    assert '<th class="orderable" scope="col"><a href="?q=a%26b&amp;page=3&amp;sort=unit">' in plain
    assert 'scope="col">对象</th>' in plain  # not sortable: no link
    ordered = _head("sort=action&q=x")
    assert '<th class="asc orderable" scope="col"><a href="?q=x&amp;sort=-action">' in ordered
    assert '<a href="?q=x&amp;sort=unit">' in ordered and "page=3" not in ordered
    assert _head("sort=-action").count('class="desc orderable"') == 1 and '?sort=action"' in _head("sort=-action")
    assert _head("", "en") != _head("", "zh-hans")  # headers in the request's language
