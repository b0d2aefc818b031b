"""`{% deadline obj "field" %}`: a stored deadline with its 暂定 mark (and why) when it is provisional."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

from qcity.core.deadlines import provisional_note, provisional_reason, provisional_year_of

register = template.Library()


@register.simple_tag
def deadline(obj, field: str, explain: bool = False, empty: str = "—"):
    """The date with a 暂定 mark and, under it, why: in a table row the short reason (the whole sentence is
    the mark's tooltip), on a detail page (`explain=True`) the whole sentence."""
    value = getattr(obj, field, None)
    if value is None:
        return empty
    year = provisional_year_of(obj, field)
    text = date_format(value, "Y-m-d")
    if not year:
        return format_html('<span class="text-nowrap">{}</span>', text)
    reason = provisional_reason(year)
    shown = reason if explain else provisional_note(year)
    return format_html('<span class="text-nowrap">{} <span class="badge text-bg-warning provisional-mark" title="{}">'
                       '{}</span></span><small class="d-block qc-muted provisional-reason">{}</small>',
                       text, reason, gettext("暂定"), shown)
