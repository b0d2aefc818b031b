"""`{% portal_site as site %}`: who runs the public portal (settings.QCITY_PORTAL), for its header and footer."""

from django import template
from django.conf import settings

register = template.Library()

FIELDS = ("authority", "contact", "icp", "site_code")


@register.simple_tag
def portal_site() -> dict:
    """The four entries of settings.QCITY_PORTAL; one a deployment left out is shown as empty, not an error."""
    configured = getattr(settings, "QCITY_PORTAL", {})
    return {field: configured.get(field, "") for field in FIELDS}
