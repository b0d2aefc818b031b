"""Quantities and units as people read them."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from qcity.trace.units import quantity_text, uom_label


def test_a_quantity_has_no_trailing_zeros_and_no_exponent():
    assert [quantity_text(Decimal(v)) for v in ("1000.000", "2165.500", "0.250", "0")] == ["1000", "2165.5", "0.25",
                                                                                            "0"]


def test_a_unit_reads_by_its_name_in_the_readers_language_and_an_unknown_code_as_sent():
    with translation.override("zh-hans"):
        assert (uom_label("KGM"), uom_label("EA"), uom_label("XYZ"), uom_label("")) == ("千克", "件", "XYZ", "")
    with translation.override("en"):
        assert uom_label("KGM") == "kg"


def test_the_template_filters():
    rendered = Template("{% load trace_units %}{{ q|quantity }} {{ u|uom }}").render(
        Context({"q": Decimal("300.000"), "u": "LTR"}))
    with translation.override("zh-hans"):
        assert Template("{% load trace_units %}{{ q|quantity }} {{ u|uom }}").render(
            Context({"q": Decimal("300.000"), "u": "LTR"})) == "300 升"
    assert rendered.startswith("300 ")
