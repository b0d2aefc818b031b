from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from markupsafe import escape

from . import holiday_schedule
from .choices import NotificationKind, Role
from .fields import BoundedIntegerFormField, CleanTextFormField
from .models import Department, LegalDuration, OrgUnit


class FormRenderer(Jinja2):
    """Widgets rendered by Django's own Jinja2 form templates, four times faster than its Django-template ones
    (every page draws a filter form), with qcity's select template (`core/jinja2`) ahead of them."""

    @cached_property
    def engine(self):
        return self.backend({"APP_DIRS": False, "NAME": "djangoforms", "OPTIONS": {},
                             "DIRS": [Path(__file__).parent / "jinja2", Path(forms.__file__).parent / "jinja2"]})


class DateInput(forms.DateInput):
    """A browser date picker. It accepts only ISO dates, so the value is rendered as YYYY-MM-DD whatever the
    language's date format (zh-hans would render 2026/12/05, which the picker drops as empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: errors on fields the form has go there, errors on
    others (a service names `status` or `period` too) become form-level errors."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def form_error_text(form: forms.BaseForm) -> str:
    """A refused step's errors as one line for the page's banner, for a form that sits in a table row (the
    same small form in every row) where the errors cannot be shown beside its fields. A field's own check
    names the field; a service's message (no error code) already says what is wrong and stands as it is."""
    parts = []
    for name, errors in form.errors.as_data().items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            text = "；".join(error.messages)
            parts.append(f"{label}：{text}" if label and error.code else text)
    return "；".join(parts)


def service_error_text(exc: ValidationError) -> str:
    """A service's ValidationError as one line for a flash message or a page's error banner."""
    return "；".join(exc.messages)


class Select(forms.Select):
    """Django's select with its options written here rather than by its template: Django makes a dictionary per
    option (`optgroups`) that the template then walks, 1.5 ms of a list page whose filter offers a province's
    180 units. The markup is the template's (`core/jinja2/.../select.html`), escaped as Jinja2 escapes;
    grouped choices are still drawn by the template. `style_widgets` gives every plain select this class."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = [choice for choice in self.choices]  # not list(): it asks a model field for a COUNT first
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        values = set(self.format_value(value))
        options, chosen = [], False
        for option_value, label in choices:
            option_value = "" if option_value is None else option_value
            selected = not chosen and str(option_value) in values  # one selected option, as Django's
            chosen |= selected
            options.append(f'\n  <option value="{escape(option_value)}"{" selected" if selected else ""}>'
                           f"{escape(label)}</option>")
        widget_attrs = "".join(
            f" {escape(key)}" if value is True else f' {escape(key)}="{escape(value)}"'
            for key, value in self.build_attrs(self.attrs, attrs).items() if value is not False)
        return mark_safe(f'<select name="{escape(name)}"{widget_attrs}>{"".join(options)}\n</select>')  # noqa: S308 - escaped


def style_widgets(form: forms.BaseForm, *, small: bool = True) -> None:
    """Give a form's widgets the Bootstrap classes, so templates can render `{{ field }}` as is; a plain select
    becomes qcity's `Select` (the same markup, written faster)."""
    size = " form-select-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            widget.__class__ = Select  # the form's own copy of the widget, its choices and attributes kept
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
    username = CleanTextFormField(label=_("用户名"), max_length=150)
    full_name = CleanTextFormField(label=_("姓名"), max_length=50)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput)
    org_unit = forms.ModelChoiceField(label=_("所属行政单元"), queryset=OrgUnit.objects.all(), required=False)
    department = forms.ModelChoiceField(label=_("所属部门"), queryset=Department.objects.all(), required=False)


class RoleGrantForm(StyledForm):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    org_unit = forms.ModelChoiceField(label=_("管辖范围"), queryset=OrgUnit.objects.all())


class LockoutReleaseForm(forms.Form):
    """Unlock one user name at one address, or (no address) the user name everywhere."""

    username = forms.CharField(label=_("用户名"), max_length=255)
    ip_address = forms.GenericIPAddressField(label=_("来源地址"), required=False)


class LegalDurationForm(StyledModelForm):
    class Meta:
        model = LegalDuration
        fields = ["name", "value", "unit", "legal_source", "confirmed", "effective_from", "effective_to"]
        widgets = {"effective_from": DateInput(), "effective_to": DateInput()}


class HolidayYearForm(StyledForm):
    """A year's schedule as the State Council published it: typed one day per line (`YYYY-MM-DD 休|班 名称`)
    or uploaded as xlsx (日期 | 类型 | 名称) or JSON. Parsing here; the checks of the whole year in the service."""

    year = BoundedIntegerFormField(label=_("年份"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("来源"), max_length=200, initial=_("国务院办公厅关于节假日安排的通知"))
    days = forms.CharField(label=_("节假日与调休上班日"), required=False, widget=forms.Textarea(attrs={"rows": 12}),
                           help_text=_("每行一天：日期 休/班 名称，例如 2027-01-01 休 元旦；放假期间的周末也可列出"))
    file = forms.FileField(label=_("或上传文件（xlsx / JSON）"), required=False,
                           help_text=_("xlsx 表头：日期 | 类型 | 名称；JSON：{\"year\": 2027, \"days\": [{\"date\": "
                                       "\"2027-01-01\", \"type\": \"休\", \"name\": \"元旦\"}]}"))
    correction = forms.BooleanField(label=_("更正已有的正式安排（将重算受影响的期限）"), required=False)

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("days") or "").strip()
        if bool(upload) == bool(text):
            raise forms.ValidationError(_("请逐行录入，或上传一个文件（二者选一）"))
        try:
            if upload:
                year, _source, parsed = holiday_schedule.read_upload(upload)
                if year is not None and data.get("year") is not None and year != data["year"]:
                    raise ValidationError(_("文件中的年份 %(file)s 与所填年份 %(form)s 不一致")
                                          % {"file": year, "form": data["year"]})
            else:
                parsed = holiday_schedule.parse_text(text)
        except ValidationError as exc:
            self.add_error("file" if upload else "days", exc)
            return data
        data["parsed_days"] = parsed
        return data


class NotificationPreferenceForm(forms.Form):
    """Per kind of message, e-mail and SMS on or off (`<kind>-email`, `<kind>-sms`); in-app is always on."""

    def __init__(self, *args, rows: list[tuple[str, str, bool, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for kind, label, email, text in rows:
            self.fields[f"{kind}-email"] = forms.BooleanField(label=_("%(kind)s：电子邮件") % {"kind": label},
                                                              required=False, initial=email)
            self.fields[f"{kind}-sms"] = forms.BooleanField(label=_("%(kind)s：短信") % {"kind": label},
                                                            required=False, initial=text)
        style_widgets(self)

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {kind: (data[f"{kind}-email"], data[f"{kind}-sms"]) for kind in NotificationKind.values}

    def kind_fields(self):
        """(label, e-mail field, SMS field) per kind, for the table on the page."""
        return [(label, self[f"{kind}-email"], self[f"{kind}-sms"]) for kind, label, _email, _sms in self.rows]
