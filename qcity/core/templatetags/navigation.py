"""`{% menu_entries nav_badges request.path %}`: the back-office menu's entries; `{% notification_badge count %}`:
the header's unread-message count, an empty place for the badges' request without one (`qcity.core.navigation`)."""

from django import template

from qcity.core.navigation import menu_html, notification_badge_html

register = template.Library()


@register.simple_tag
def menu_entries(badges, path: str):
    return menu_html(badges, path)


@register.simple_tag
def notification_badge(count=None):
    return notification_badge_html(count)
