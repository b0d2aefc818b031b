"""Input validation for the assessment pages; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import BoundedDecimalFormField, BoundedIntegerFormField, CleanTextFormField
from qcity.core.models import Department, OrgUnit
from qcity.core.selectors import org_root_and_children

from .choices import SchemeItemKind

SELECT = {"class": "form-select form-select-sm"}
SEARCHABLE = {**SELECT, "data-searchable": ""}  # a long select (searchable.js)
INPUT = {"class": "form-control form-control-sm"}


class SchemeCreateForm(forms.Form):
    year = BoundedIntegerFormField(label=_("考核年度"), min_value=2000, max_value=2100,
                                   widget=forms.NumberInput(attrs=INPUT))
    name = CleanTextFormField(label=_("方案名称"), max_length=200, required=False, help_text=_("留空则自动命名"),
                              widget=forms.TextInput(attrs=INPUT))


class SchemeSettingsForm(forms.Form):
    name = CleanTextFormField(label=_("方案名称"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    excellent_from = BoundedDecimalFormField(label=_("优秀 ≥"), max_digits=7, decimal_places=2, min_value=0,
                                             widget=forms.NumberInput(attrs=INPUT))
    good_from = BoundedDecimalFormField(label=_("良好 ≥"), max_digits=7, decimal_places=2, min_value=0,
                                        widget=forms.NumberInput(attrs=INPUT))
    pass_from = BoundedDecimalFormField(label=_("合格 ≥"), max_digits=7, decimal_places=2, min_value=0,
                                        widget=forms.NumberInput(attrs=INPUT))
    assess_districts = forms.BooleanField(label=_("考核区县"), required=False)
    assess_departments = forms.BooleanField(label=_("考核部门"), required=False)


class SchemeGroupForm(forms.Form):
    name = CleanTextFormField(label=_("分组名称"), max_length=100, widget=forms.TextInput(attrs=INPUT))


class AdjustmentForm(forms.Form):
    """A bonus or veto: the subject is one select of districts and departments ("unit:3", "department:5")."""

    item = forms.ModelChoiceField(label=_("考核项"), queryset=None, widget=forms.Select(attrs=SEARCHABLE))
    subject = forms.ChoiceField(label=_("考核对象"), widget=forms.Select(attrs=SEARCHABLE))
    points = BoundedDecimalFormField(label=_("加分"), max_digits=7, decimal_places=2, min_value=0, required=False,
                                     help_text=_("一票否决项不填"), widget=forms.NumberInput(attrs=INPUT))
    reason = forms.CharField(label=_("事由"), max_length=300, widget=forms.TextInput(attrs=INPUT))
    evidence = forms.CharField(label=_("佐证说明"), max_length=500, required=False,
                               widget=forms.TextInput(attrs=INPUT))

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = scheme.items.filter(kind__in=[SchemeItemKind.BONUS, SchemeItemKind.VETO])
        _root, units = org_root_and_children()
        departments = Department.objects.filter(is_member_unit=True).order_by("sort_order")
        self.fields["subject"].choices = [
            (_("区县"), [(f"unit:{u.pk}", u.name) for u in units]),
            (_("部门"), [(f"department:{d.pk}", d.name) for d in departments]),
        ]

    def subject_kwargs(self) -> dict:
        kind, pk = self.cleaned_data["subject"].split(":")
        if kind == "unit":
            return {"org_unit": OrgUnit.objects.get(pk=pk)}
        return {"department": Department.objects.get(pk=pk)}
