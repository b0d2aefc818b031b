"""Units and the numbers before them, as the reader's language writes them (`qcity.core.units`).

`{{ indicator.unit|unit }}` the unit alone; `{{ value|amount:indicator }}` the number with its unit's
precision (a count is a whole number, a ratio in a count unit is not: the indicator's name tells);
`{{ value|quantity:indicator }}` both ("2件", "97.73%"). The argument is an indicator (anything with `unit`
and `name`) or a unit alone."""

from django import template

from qcity.core.units import amount_display, count_approximate_display, quantity_display, unit_display

register = template.Library()


@register.filter
def unit(value) -> str:
    return unit_display(value)


def _unit_and_name(of) -> tuple[str, str]:
    if hasattr(of, "unit"):
        return of.unit or "", getattr(of, "name", "") or ""
    return of or "", ""


@register.filter
def amount(value, of="") -> str:
    return amount_display(value, *_unit_and_name(of))


@register.filter
def quantity(value, of="") -> str:
    return quantity_display(value, *_unit_and_name(of))


@register.filter
def count_approximate(value) -> str:
    return count_approximate_display(value)
