from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def number(value) -> str:
    """A Decimal without trailing zeros or exponent (100, 98.5), for targets and reported values."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)
