"""Text hygiene for names, codes and numbers typed by people.

Names and codes (enterprise and person names, USCC, licence, sample, report and decision numbers,
org unit and department names) are shown to the public, printed on documents and matched against
registers, so they must look like what they are: a bidi override (U+202A–U+202E, U+2066–U+2069) can
make "ABC" display as "CBA", a zero-width character (U+200B–U+200D, U+FEFF) makes two equal-looking
USCCs differ, and control characters break exports. `validate_clean_text` refuses them; it is the one
validator for names and codes, attached to the model fields listed in `NAME_AND_CODE_FIELDS` (so every
ModelForm, ModelSerializer and `full_clean` applies it) and used by `CleanTextField` in plain forms and
serializers.

Numbers: full-width digits (１２３, common with Chinese input methods) are accepted after NFKC
normalisation by `normalize_number`; digits of other scripts (e.g. ٣) stay invalid.
"""

import re
import unicodedata

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_FORBIDDEN = re.compile(f"[{BIDI_CONTROLS}{ZERO_WIDTH}\x00-\x1f\x7f-\x9f]")

# (app_label.Model, field) of every name and code column; validate_clean_text is attached at start-up.
NAME_AND_CODE_FIELDS = [
    ("core.OrgUnit", "name"), ("core.OrgUnit", "short_name"), ("core.OrgUnit", "division_code"),
    ("core.Department", "name"), ("core.Department", "short_name"), ("core.User", "full_name"),
    ("core.User", "username"),
    ("enterprises.Enterprise", "uscc"), ("enterprises.Enterprise", "name"),
    ("enterprises.Enterprise", "industry_code"), ("enterprises.Enterprise", "legal_representative"),
    ("enterprises.Licence", "number"), ("enterprises.Certification", "certificate_number"),
    ("enterprises.ChiefQualityOfficer", "name"),
    ("credit.CreditEvent", "decision_number"), ("credit.CreditListEntry", "decision_number"),
    ("inspections.InspectionItem", "code"), ("inspections.InspectionItem", "name"),
    ("inspections.Inspector", "badge_number"), ("inspections.InspectionPlan", "name"),
    ("sampling.ProductCategory", "code"), ("sampling.ProductCategory", "name"),
    ("sampling.SamplingPlan", "title"), ("sampling.Sample", "number"),
    ("sampling.Sample", "manufacturer_name"), ("sampling.Sample", "product_name"),
    ("sampling.Sample", "batch_number"), ("sampling.Sample", "test_report_number"),
    ("indicators.Indicator", "code"), ("indicators.Indicator", "name"),
    ("workplan.PlanTask", "code"), ("workplan.PlanTask", "title"), ("assessment.AssessmentScheme", "name"),
]


def validate_clean_text(value) -> None:
    if not isinstance(value, str):
        return
    match = _FORBIDDEN.search(value)
    if match:
        raise ValidationError(
            _("含有不可见的控制字符（U+%(code)s），请删除后重新输入") % {"code": f"{ord(match.group()):04X}"},
            code="invisible_character")


def normalize_number(text: str) -> str:
    """NFKC (full-width digits, signs and points become ASCII), stripped."""
    return unicodedata.normalize("NFKC", text).strip()


def attach_name_and_code_validators() -> None:
    """Add validate_clean_text to the fields' validators at start-up, not to their definitions.

    The rule is about input, not storage: keeping it out of the field definition keeps it out of the
    migrations, so the list above can grow without a schema change in every app."""
    for label, name in NAME_AND_CODE_FIELDS:
        field = apps.get_model(label)._meta.get_field(name)
        validators = field.validators  # cached list: default validators plus the declared ones
        if validate_clean_text not in validators:
            validators.append(validate_clean_text)
