from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .models import Department, LegalDuration, OrgUnit


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: errors on fields the form has go there, errors on
    others (a service names `status` or `period` too) become form-level errors."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def service_error_text(exc: ValidationError) -> str:
    """A service's ValidationError as one line for a flash message or a page's error banner."""
    return "；".join(exc.messages)


def style_widgets(form: forms.BaseForm, *, small: bool = True) -> None:
    """Give a form's widgets the Bootstrap classes, so templates can render `{{ field }}` as is."""
    size = " form-select-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select" + size
        else:
            css = "form-control" + (" form-control-sm" if small else "")
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class UserCreateForm(StyledForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput)
    org_unit = forms.ModelChoiceField(label=_("所属行政单元"), queryset=OrgUnit.objects.all(), required=False)
    department = forms.ModelChoiceField(label=_("所属部门"), queryset=Department.objects.all(), required=False)


class RoleGrantForm(StyledForm):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    org_unit = forms.ModelChoiceField(label=_("管辖范围"), queryset=OrgUnit.objects.all())


class LegalDurationForm(StyledModelForm):
    class Meta:
        model = LegalDuration
        fields = ["name", "value", "unit", "legal_source", "confirmed", "effective_from", "effective_to"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}),
                   "effective_to": forms.DateInput(attrs={"type": "date"})}


class HolidayYearForm(StyledForm):
    """A year's schedule as published: one line per day, `YYYY-MM-DD 休|班 名称`."""

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("来源"), max_length=200, initial="国务院办公厅关于节假日安排的通知")
    days = forms.CharField(label=_("节假日与调休上班日"), widget=forms.Textarea(attrs={"rows": 12}),
                           help_text=_("每行一天：日期 休/班 名称，例如 2027-01-01 休 元旦"))

    def clean(self):
        import datetime

        data = super().clean()
        parsed = []
        for number, line in enumerate((data.get("days") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split()
            try:
                day = datetime.date.fromisoformat(parts[0])
                kind = parts[1]
            except (IndexError, ValueError):
                raise forms.ValidationError({"days": _("第%(n)d行格式错误：%(line)s") % {"n": number, "line": line}}) from None
            if kind not in ("休", "班"):
                raise forms.ValidationError({"days": _("第%(n)d行：第二列应为“休”或“班”") % {"n": number}})
            parsed.append((day, kind == "班", " ".join(parts[2:])[:50]))
        if not parsed:
            raise forms.ValidationError({"days": _("至少录入一天")})
        data["parsed_days"] = parsed
        return data
