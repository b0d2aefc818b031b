from django import forms
from django.utils.translation import gettext_lazy as _

from qcity.core.forms import DateInput, StyledModelForm
from qcity.core.uploads import XLSX_TYPES, UploadValidator

from .models import Certification, ChiefQualityOfficer, Enterprise, Licence


class EnterpriseForm(StyledModelForm):
    """Input shape only; the rules (code checksum, duplicates, scope) are in services."""

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "entity_type", "industry_code", "org_unit", "address",
                  "legal_representative", "registered_capital", "established_on", "status"]
        widgets = {"established_on": DateInput()}

    def __init__(self, *args, org_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if org_units is not None:
            self.fields["org_unit"].queryset = org_units
        if self.instance.pk:
            self.fields["uscc"].disabled = True

    def validate_unique(self):
        """Uniqueness of the code is the service's check, with its own message."""


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(label=_("xlsx 文件"), help_text=_("第1行为表头，可先导出一份作为模板"),
                           validators=[UploadValidator(XLSX_TYPES)])
    skip_bad_rows = forms.BooleanField(label=_("跳过错误行，只导入正确的行"), required=False)


class LicenceForm(StyledModelForm):
    class Meta:
        model = Licence
        fields = ["kind", "number", "issued_by", "valid_from", "valid_to"]
        widgets = {"valid_from": DateInput(),
                   "valid_to": DateInput()}


class CertificationForm(StyledModelForm):
    class Meta:
        model = Certification
        fields = ["kind", "certificate_number", "issuer", "valid_from", "valid_to"]
        widgets = {"valid_from": DateInput(),
                   "valid_to": DateInput()}


class ChiefQualityOfficerForm(StyledModelForm):
    class Meta:
        model = ChiefQualityOfficer
        fields = ["name", "title", "phone", "appointed_on", "trained"]
        widgets = {"appointed_on": DateInput()}
