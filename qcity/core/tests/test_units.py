"""Numbers carry their unit's precision on pages and documents (`qcity.core.units`); the data keeps all."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from qcity.core.units import amount_display, count_approximate_display, quantity_display, unit_decimals


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (D("1.99"), "件", "2件"),  # a count is a whole number: rounded half up
    (D("0.28"), "个", "0个"),
    (D("643.0000"), "家", "643家"),
    (D("2.5"), "项", "3项"),
    (D("97.7300"), "%", "97.73%"),  # a percentage: two decimals at most, trailing zeros dropped
    (D("98.0000"), "%", "98%"),
    (D("97.735"), "%", "97.74%"),
    (D("1.5"), "万户", "1.5万户"),  # ten-thousands are not a count of whole things
    (D("12.3456"), "亿元", "12.35亿元"),
    (D("600"), "", "600"),
    (98.5, "%", "98.5%"),  # the cockpit's JSON-ready floats
    (None, "%", "—"),
])
def test_values_are_shown_with_their_units_precision(value, unit, shown):
    assert quantity_display(value, unit) == shown


def test_a_ratio_in_a_count_unit_keeps_its_decimals():
    # 每万人足球场数量 0.9–1 个 and 每万人全科医生数量 2.6 人 are ratios, not counts of whole things
    assert quantity_display(D("0.9"), "个", "每万人足球场数量") == "0.9个"
    assert amount_display(D("2.6"), "人", "每万人全科医生数量") == "2.6"
    assert amount_display(D("2.6"), "人", "新增质量技术人才") == "3"
    template = Template("{% load units %}{{ v|amount:i }}")
    assert template.render(Context({"v": D("0.9"), "i": SimpleNamespace(unit="个", name="每万人足球场数量")})) == "0.9"


def test_rounding_never_shows_a_negative_zero_or_an_exponent():
    assert amount_display(D("-0.2"), "件") == "0"
    assert amount_display(D("1E+3"), "个") == "1000"
    assert amount_display(D("0.0000"), "%") == "0"


def test_counts_have_no_decimals_and_other_units_two():
    assert [unit_decimals(u) for u in ("件", "个", "家", "户", "项", "人", "次", "所", "座", "台", "批", "条")] == [0] * 12
    assert [unit_decimals(u) for u in ("%", "亿元", "万平方米", "", None)] == [2] * 5


def test_template_filters_write_the_number_and_the_translated_unit():
    template = Template("{% load units %}{{ v|quantity:u }}|{{ v|amount:u }}|{{ u|unit }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"v": D("1.99"), "u": "件"})) == "2件|2|件"


def test_count_approximate_display():
    with translation.override("zh-hans"):
        assert [count_approximate_display(n) for n in (40, 9_600, 10_000, 13_000, 440_000, 1_500_000)] == \
            ["40", "9600", "1万", "1.3万", "44万", "150万"]
    with translation.override("en"):
        assert count_approximate_display(440_000) == "440,000"
