"""The trace and recall tables write quantities as people do: no trailing zeros, no exponent."""

import datetime
from decimal import Decimal

from qcity.trace.models import RecallHolder
from qcity.trace.tables import RecallHolderTable, TraceHolderTable, TraceStepTable

MOMENT = datetime.datetime(2026, 6, 10, 8, 0, tzinfo=datetime.UTC)


def test_a_step_quantity_is_normalised_and_a_missing_one_is_a_dash():
    # given two steps, one with a quantity in the database's three decimals, one without
    rows = [{"event_time": MOMENT, "biz_step": "", "identifier": "x", "role": "", "quantity": Decimal("1000.000"),
             "uom": "KGM"},
            {"event_time": MOMENT, "biz_step": "", "identifier": "y", "role": "", "quantity": None, "uom": ""}]
    # when the table renders them
    table = TraceStepTable(rows)
    # then 1000.000 reads 1000 (not 1E+3) and no quantity reads —
    assert [row.get_cell("quantity") for row in table.rows] == ["1000", "—"]


def test_holder_quantities_keep_their_significant_decimals():
    # given a holder of the forward trace
    rows = [{"party": "p", "received": Decimal("2165.500"), "shipped": Decimal("0.000"), "held": Decimal("2165.500"),
             "uom": "KGM", "last_location": "", "last_seen_at": MOMENT}]
    # when the table renders it
    row = TraceHolderTable(rows).rows[0]
    # then
    assert [row.get_cell(name) for name in ("received", "shipped", "held")] == ["2165.5", "0", "2165.5"]


def test_recall_holder_quantities_are_normalised():
    # given a recall's holder (unsaved: only its numbers are read)
    holder = RecallHolder(quantity_received=Decimal("1200.000"), quantity_held=Decimal("12.345"), uom="EA")
    # when the table renders it
    row = RecallHolderTable([holder]).rows[0]
    # then
    assert (row.get_cell("quantity_received"), row.get_cell("quantity_held")) == ("1200", "12.345")
