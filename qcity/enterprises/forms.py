from django import forms
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import CleanTextFormField
from qcity.core.forms import DateInput, StyledForm, StyledModelForm
from qcity.core.uploads import XLSX_TYPES, UploadValidator

from .choices import EnterpriseAccountRole
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


# --- enterprise accounts: registration, invitations, the district's confirmation ------------------------
# Input shape only: the registry match, the SMS code, duplicates and who may do what are in `accounts`.


class RegistrationCodeForm(StyledForm):
    """Step 1 of the registration: who registers, and the mobile the code goes to."""

    uscc = CleanTextFormField(label=_("统一社会信用代码"), max_length=30)
    legal_representative = CleanTextFormField(label=_("法定代表人姓名"), max_length=50)
    phone = CleanTextFormField(label=_("手机号码"), max_length=20, help_text=_("用于接收短信验证码"),
                               widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))


class PasswordPairMixin:
    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致"))
        return cleaned


class RegistrationForm(PasswordPairMixin, RegistrationCodeForm):
    """Step 2: the code, and the administrator account's sign-in."""

    code = CleanTextFormField(label=_("短信验证码"), max_length=6, min_length=6, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    username = CleanTextFormField(label=_("用户名"), max_length=150,
                                  widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password1 = forms.CharField(label=_("密码"), strip=False, help_text=_("至少10位，包含大写字母、小写字母、数字、符号中的至少三类"),
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("确认密码"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    email = forms.EmailField(label=_("电子邮箱（选填）"), required=False)


class InvitationForm(StyledForm):
    full_name = CleanTextFormField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("电子邮箱"))
    role = forms.ChoiceField(label=_("企业内角色"), choices=EnterpriseAccountRole.choices,
                             initial=EnterpriseAccountRole.STAFF)


class InvitationAcceptForm(PasswordPairMixin, StyledForm):
    username = CleanTextFormField(label=_("用户名"), max_length=150)
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput(render_value=False), strip=False,
                                help_text=_("至少10位，包含大写字母、小写字母、数字、符号中的至少三类"))
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput(render_value=False), strip=False)


class AccountRevokeForm(StyledForm):
    reason = CleanTextFormField(label=_("撤销原因"), max_length=200)
