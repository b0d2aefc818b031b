"""Validation messages that several apps raise, written once so they are one catalogue entry each.

Pass the translated field label: ``not_in_future(_("公示日期"))`` reads "公示日期不能晚于今天" in Chinese and
"Publication date cannot be later than today" in English.
"""

from django.utils.translation import gettext as _


def not_in_future(field: str) -> str:
    """A date of something that has already happened (a decision, a sampling, an inspection) is not after today."""
    return _("%(field)s不能晚于今天") % {"field": field}
