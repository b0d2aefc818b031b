from django import template

from ..units import quantity_text, uom_label

register = template.Library()


@register.filter
def quantity(value) -> str:
    return quantity_text(value)


@register.filter
def uom(code: str) -> str:
    return uom_label(code or "")
