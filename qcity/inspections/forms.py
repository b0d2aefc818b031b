"""Input shapes for the pages; the rules are the services'."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import (
    BoundedDateFormField,
    BoundedDecimalFormField,
    BoundedIntegerFormField,
    CleanTextFormField,
)
from qcity.core.forms import DateInput, StyledForm
from qcity.core.models import Department, OrgUnit, User
from qcity.enterprises.choices import EnterpriseStatus, EntityType
from qcity.enterprises.models import Enterprise

from .choices import InspectionOutcome
from .models import InspectionItem, TargetPool

DATE = DateInput()


class ItemForm(StyledForm):
    code = CleanTextFormField(label=_("事项编号"), max_length=40)
    name = CleanTextFormField(label=_("事项名称"), max_length=200)
    legal_basis = forms.CharField(label=_("检查依据"), widget=forms.Textarea(attrs={"rows": 2}))
    org_unit = forms.ModelChoiceField(label=_("实施单位"), queryset=OrgUnit.objects.none())
    department = forms.ModelChoiceField(label=_("实施部门"), queryset=Department.objects.all(), required=False)
    method = CleanTextFormField(label=_("检查方式"), max_length=100, required=False)
    industry_codes = forms.CharField(label=_("适用行业代码前缀（逗号分隔，留空为全部行业）"), required=False, max_length=200)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.all()

    def clean_industry_codes(self):
        return [c.strip() for c in self.cleaned_data["industry_codes"].replace("，", ",").split(",") if c.strip()]


class InspectorForm(StyledForm):
    username = CleanTextFormField(label=_("账号（用户名）"), max_length=150)
    badge_number = CleanTextFormField(label=_("执法证号"), max_length=40)
    org_unit = forms.ModelChoiceField(label=_("所属单位"), queryset=OrgUnit.objects.none())
    qualifications = forms.ModelMultipleChoiceField(label=_("可检查事项"), queryset=InspectionItem.objects.all(),
                                                    required=False,
                                                    widget=forms.SelectMultiple(attrs={"size": 6, "data-searchable": ""}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.all()

    def clean_username(self):
        user = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError(_("没有这个账号"))
        return user


class InspectorUpdateForm(StyledForm):
    active = forms.BooleanField(label=_("在岗"), required=False)
    qualifications = forms.ModelMultipleChoiceField(label=_("可检查事项"), queryset=InspectionItem.objects.all(),
                                                    required=False,
                                                    widget=forms.SelectMultiple(attrs={"size": 6, "data-searchable": ""}))


class ConflictForm(StyledForm):
    uscc = CleanTextFormField(label=_("企业统一社会信用代码"), max_length=18)
    reason = forms.CharField(label=_("回避事由"), max_length=200)

    def clean_uscc(self):
        enterprise = Enterprise.objects.filter(uscc=self.cleaned_data["uscc"].strip().upper()).first()
        if enterprise is None:
            raise forms.ValidationError(_("没有这个统一社会信用代码的企业"))
        return enterprise


class PoolForm(StyledForm):
    name = CleanTextFormField(label=_("名称"), max_length=100)
    org_unit = forms.ModelChoiceField(label=_("管理单位"), queryset=OrgUnit.objects.none())
    filter_org_units = forms.ModelMultipleChoiceField(label=_("所属区域（留空为全部）"), queryset=OrgUnit.objects.none(),
                                                      required=False)
    industry_codes = forms.CharField(label=_("行业代码前缀（逗号分隔，留空为全部）"), required=False)
    entity_types = forms.MultipleChoiceField(label=_("主体类型（留空为全部）"), choices=EntityType.choices, required=False)
    statuses = forms.MultipleChoiceField(label=_("登记状态"), choices=EnterpriseStatus.choices, required=False,
                                         initial=[EnterpriseStatus.ACTIVE])

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units if units is not None else OrgUnit.objects.all()
        self.fields["org_unit"].queryset = units
        self.fields["filter_org_units"].queryset = units

    def clean_industry_codes(self):
        return [c.strip() for c in self.cleaned_data["industry_codes"].replace("，", ",").split(",") if c.strip()]


class InspectionPlanForm(StyledForm):
    name = CleanTextFormField(label=_("计划名称"), max_length=200)
    org_unit = forms.ModelChoiceField(label=_("实施单位"), queryset=OrgUnit.objects.none())
    year = BoundedIntegerFormField(label=_("年度"), min_value=2000, max_value=2100)
    period_start = BoundedDateFormField(label=_("检查开始"), widget=DATE)
    period_end = BoundedDateFormField(label=_("检查结束"), widget=DATE)
    pool = forms.ModelChoiceField(label=_("检查对象名录库"), queryset=TargetPool.objects.none())
    items = forms.ModelMultipleChoiceField(label=_("抽查事项（仅已公开）"),
                                           widget=forms.SelectMultiple(attrs={"size": 6, "data-searchable": ""}),
                                           queryset=InspectionItem.objects.filter(published=True))
    item_ratios = forms.CharField(label=_("事项检查比例（每行：事项编号 比例%，未列出的为100%）"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("事项检查比例：抽中对象中检查该事项的比例"))
    ratio_a = BoundedDecimalFormField(label=_("A类抽查比例（%）"), min_value=0, max_value=100, initial=3)
    ratio_b = BoundedDecimalFormField(label=_("B类抽查比例（%）"), min_value=0, max_value=100, initial=5)
    ratio_c = BoundedDecimalFormField(label=_("C类抽查比例（%）"), min_value=0, max_value=100, initial=20)
    ratio_d = BoundedDecimalFormField(label=_("D类抽查比例（%）"), min_value=0, max_value=100, initial=60)
    count_a = BoundedIntegerFormField(label=_("A类抽取数（可选，优先于比例）"), min_value=0, required=False)
    count_b = BoundedIntegerFormField(label=_("B类抽取数（可选）"), min_value=0, required=False)
    count_c = BoundedIntegerFormField(label=_("C类抽取数（可选）"), min_value=0, required=False)
    count_d = BoundedIntegerFormField(label=_("D类抽取数（可选）"), min_value=0, required=False)
    inspectors_per_target = BoundedIntegerFormField(label=_("每户检查人员数"), min_value=2, initial=2)

    def __init__(self, *args, units=None, pools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.all()
        self.fields["pool"].queryset = pools if pools is not None else TargetPool.objects.all()

    def clean(self):
        data = super().clean()
        ratios = {}
        for number, line in enumerate((data.get("item_ratios") or "").splitlines(), start=1):
            parts = line.replace("%", " ").split()
            if not parts:
                continue
            try:
                ratios[parts[0]] = Decimal(parts[1])
            except (IndexError, InvalidOperation):
                self.add_error("item_ratios", _("第%(n)d行格式错误") % {"n": number})
        items = data.get("items") or []
        unknown = set(ratios) - {i.code for i in items}
        if unknown:
            self.add_error("item_ratios", _("未选择的事项：%(codes)s") % {"codes": ", ".join(sorted(unknown))})
        data["plan_items"] = [(i, ratios.get(i.code, Decimal(100))) for i in items]
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "org_unit": data["org_unit"], "year": data["year"],
                "period_start": data["period_start"], "period_end": data["period_end"], "pool": data["pool"],
                "items": data["plan_items"], "inspectors_per_target": data["inspectors_per_target"],
                "ratios": {s: data[f"ratio_{s}"] for s in "abcd"}, "counts": {s: data[f"count_{s}"] for s in "abcd"}}


class DrawConfirmForm(StyledForm):
    """The confirmation step of the irreversible draw: the preview was seen and the draw is wanted."""

    confirm = forms.BooleanField(label=_("已核对上述抽取数量，确认随机抽取（抽取后不可撤销、不可重抽）"),
                                 error_messages={"required": _("请先核对预览并勾选确认，再抽取")})


class ResultForm(StyledForm):
    item = forms.ModelChoiceField(label=_("抽查事项"), queryset=InspectionItem.objects.none(),
                                  widget=forms.Select(attrs={"data-searchable": ""}))
    outcome = forms.ChoiceField(label=_("检查结果"), choices=InspectionOutcome.choices)
    inspected_on = BoundedDateFormField(label=_("检查完成日期"), widget=DATE)
    findings = forms.CharField(label=_("检查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_case_lead = forms.BooleanField(label=_("移送案件线索"), required=False)
    case_lead_note = forms.CharField(label=_("线索说明"), max_length=300, required=False)

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        # every item, not only the target's: an item not drawn for it is the service's 400, not a form error
        self.fields["item"].queryset = items if items is not None else InspectionItem.objects.all()
