"""`{% form_token %}`: the one-time token every POST form carries beside `{% csrf_token %}`.

A built-in tag (settings TEMPLATES builtins), so no `{% load %}` is needed. The idempotency middleware
lets each token through once: a double-click or a resent form records nothing twice
(qcity/core/idempotency.py); test_form_tokens.py fails on a POST form without it.
"""

from django import template
from django.utils.html import format_html

from qcity.core.idempotency import FORM_FIELD, new_form_token

register = template.Library()


@register.simple_tag
def form_token():
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, new_form_token())
