"""Input shapes of the sampling pages; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qcity.core import access
from qcity.core.fields import (
    BoundedDateFormField,
    BoundedDecimalFormField,
    BoundedIntegerFormField,
    CleanTextFormField,
)
from qcity.core.forms import DateInput, StyledForm
from qcity.core.models import RoleAssignment, User
from qcity.core.roles import MARKET_OFFICERS
from qcity.core.uploads import UploadValidator
from qcity.enterprises.models import Enterprise

from .choices import SamplingConclusion, SamplingPlace, SamplingPlanLevel
from .models import ProductCategory
from .services.retests import EVIDENCE_TYPES

DATE = DateInput()
VERDICTS = (("", _("按限量自动判定")), ("yes", _("合格")), ("no", _("不合格")))


class SamplingPlanForm(StyledForm):
    title = CleanTextFormField(label=_("计划名称"), max_length=200)
    level = forms.ChoiceField(label=_("计划层级"), choices=SamplingPlanLevel.choices)
    org_unit = forms.ModelChoiceField(label=_("组织实施单位"), queryset=None)
    period_start = BoundedDateFormField(label=_("开始日期"), widget=DATE)
    period_end = BoundedDateFormField(label=_("结束日期"), widget=DATE)
    categories = forms.ModelMultipleChoiceField(label=_("产品类别"), queryset=ProductCategory.objects.all(),
                                                widget=forms.SelectMultiple(attrs={"size": 8, "data-searchable": ""}))
    planned_batches = BoundedIntegerFormField(label=_("计划批次"), min_value=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = access.covered_org_units(user, MARKET_OFFICERS)


def _officers(user):
    """Officers of the units the user covers: the people who can be named as samplers."""
    units = access.covered_org_units(user, MARKET_OFFICERS)
    ids = RoleAssignment.objects.filter(role__in=MARKET_OFFICERS, org_unit__in=units).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


class _EnterpriseByCode(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        enterprise = Enterprise.objects.filter(uscc=value.strip().upper()).select_related("org_unit").first()
        if enterprise is None:
            raise forms.ValidationError(_("没有该统一社会信用代码的企业"))
        return enterprise


class SampleForm(StyledForm):
    plan = forms.ModelChoiceField(label=_("抽检计划"), queryset=None)
    category = forms.ModelChoiceField(label=_("产品类别"), queryset=ProductCategory.objects.all(),
                                      widget=forms.Select(attrs={"data-searchable": ""}))
    enterprise = _EnterpriseByCode(label=_("被抽样单位（统一社会信用代码）"), max_length=18)
    manufacturer = _EnterpriseByCode(label=_("标称生产企业（本市，信用代码）"), max_length=18, required=False)
    manufacturer_name = CleanTextFormField(label=_("标称生产企业（外地，名称）"), max_length=200, required=False)
    product_name = CleanTextFormField(label=_("产品名称"), max_length=200)
    brand = CleanTextFormField(label=_("商标"), max_length=100, required=False)
    specification = CleanTextFormField(label=_("规格型号"), max_length=100, required=False)
    batch_number = CleanTextFormField(label=_("生产批号"), max_length=100)
    production_date = BoundedDateFormField(label=_("生产日期"), required=False, widget=DATE)
    sampling_date = BoundedDateFormField(label=_("抽样日期"), widget=DATE)
    sampling_place = forms.ChoiceField(label=_("抽样场所"), choices=SamplingPlace.choices)
    samplers = forms.ModelMultipleChoiceField(label=_("抽样人员（至少2名）"), queryset=None,
                                              widget=forms.SelectMultiple(attrs={"size": 5, "data-searchable": ""}))
    quantity = BoundedIntegerFormField(label=_("抽样数量"), min_value=1)
    backup_quantity = BoundedIntegerFormField(label=_("备用样品数量"), min_value=0)
    quantity_unit = CleanTextFormField(label=_("计量单位"), max_length=20, initial="件")  # i18n-ignore: stored unit, shown through core.units
    backup_sealed = forms.BooleanField(label=_("备用样品已封存"), required=False, initial=True)
    number = CleanTextFormField(label=_("抽样单编号"), max_length=40, required=False, help_text=_("留空自动编号"))

    def __init__(self, *args, user, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["samplers"].queryset = _officers(user)
        self.fields["samplers"].label_from_instance = lambda u: f"{u.display_name}（{u.username}）"


class ItemForm(StyledForm):
    item_name = CleanTextFormField(label=_("检验项目"), max_length=200)
    standard = CleanTextFormField(label=_("检验依据/方法"), max_length=200, required=False)
    limit_min = BoundedDecimalFormField(label=_("下限"), required=False, max_digits=16, decimal_places=6)
    limit_max = BoundedDecimalFormField(label=_("上限"), required=False, max_digits=16, decimal_places=6)
    limit_text = forms.CharField(label=_("标准要求（文字）"), max_length=200, required=False)
    measured_value = BoundedDecimalFormField(label=_("实测值"), required=False, max_digits=16, decimal_places=6)
    measured_text = forms.CharField(label=_("实测结果（文字）"), max_length=200, required=False)
    unit = CleanTextFormField(label=_("单位"), max_length=30, required=False)
    conforming = forms.ChoiceField(label=_("单项判定"), choices=VERDICTS, required=False)

    def item(self) -> dict:
        data = dict(self.cleaned_data)
        data["conforming"] = {"yes": True, "no": False}.get(data["conforming"])
        return data


class ConcludeForm(StyledForm):
    conclusion = forms.ChoiceField(label=_("检验结论"), choices=SamplingConclusion.choices)
    test_report_number = CleanTextFormField(label=_("检验报告编号"), max_length=60)
    test_agency = CleanTextFormField(label=_("检验机构"), max_length=200, required=False)
    concluded_on = BoundedDateFormField(label=_("结论日期"), widget=DATE)


class ServeForm(StyledForm):
    served_on = BoundedDateFormField(label=_("送达日期"), widget=DATE)


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _EvidenceField(forms.FileField):
    """Several files in one input; each is checked by content and size (`core.uploads`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _MultipleFileInput(attrs={"accept": ",".join(EVIDENCE_TYPES)}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(_EvidenceField, self).clean(f, initial) for f in files if f]


class SamplingObjectionForm(StyledForm):
    applied_on = BoundedDateFormField(label=_("申请日期"), widget=DATE)
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 2}))
    applicant = CleanTextFormField(label=_("申请人"), max_length=200, required=False)
    evidence = _EvidenceField(label=_("证据材料（PDF/JPG/PNG，可多选）"), required=False,
                              validators=[UploadValidator(EVIDENCE_TYPES)])


class RetestForm(StyledForm):
    retest_conclusion = forms.ChoiceField(label=_("复检结论"), choices=SamplingConclusion.choices)
    retest_report_number = CleanTextFormField(label=_("复检报告编号"), max_length=60)
    retest_agency = CleanTextFormField(label=_("复检机构"), max_length=200, required=False)
    retested_on = BoundedDateFormField(label=_("复检日期"), widget=DATE)


class PublishForm(StyledForm):
    published_on = BoundedDateFormField(label=_("公布日期"), widget=DATE)


class FollowupOrderForm(StyledForm):
    ordered_on = BoundedDateFormField(label=_("责令整改日期"), widget=DATE)
    rectification_deadline = BoundedDateFormField(label=_("整改期限"), widget=DATE)


class FollowupReportForm(StyledForm):
    received_on = BoundedDateFormField(label=_("整改报告日期"), widget=DATE)
    text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 2}))


class FollowupReinspectForm(StyledForm):
    reinspected_on = BoundedDateFormField(label=_("复查日期"), widget=DATE)
    conforming = forms.TypedChoiceField(label=_("复查结果"), choices=(("1", _("合格")), ("0", _("不合格"))),
                                        coerce=lambda v: v == "1")
    note = forms.CharField(label=_("复查说明"), max_length=500, required=False)


class FollowupAnnounceForm(StyledForm):
    announced_on = BoundedDateFormField(label=_("公告日期"), widget=DATE)


class FollowupTransferForm(StyledForm):
    transferred_on = BoundedDateFormField(label=_("移送日期"), widget=DATE)
    transferred_to = CleanTextFormField(label=_("移送单位"), max_length=200)
    case_number = CleanTextFormField(label=_("立案编号"), max_length=60, required=False)


class PassRateForm(StyledForm):
    group = forms.ChoiceField(label=_("分组"), choices=(("category", _("产品类别")), ("kind", _("产品大类")),
                                                      ("district", _("区县"))), required=False)
    date_from = BoundedDateFormField(label=_("抽样日期自"), required=False, widget=DATE)
    date_to = BoundedDateFormField(label=_("至"), required=False, widget=DATE)
