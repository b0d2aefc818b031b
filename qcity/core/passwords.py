import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of: lower-case, upper-case, digits, symbols (等保 password complexity)."""

    classes = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def validate(self, password, user=None):
        if sum(bool(re.search(p, password)) for p in self.classes) < 3:
            raise ValidationError(_("密码须包含大写字母、小写字母、数字、符号中的至少三类。"),
                                  code="password_too_simple")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少三类。")
