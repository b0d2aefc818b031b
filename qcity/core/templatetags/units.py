"""`{{ indicator.unit|unit }}`: a stored unit as the reader's language writes it after a number."""

from django import template

from qcity.core.units import unit_display

register = template.Library()


@register.filter
def unit(value) -> str:
    return unit_display(value)
