"""Input validation for the credit pages; the rules are in the services."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import BoundedDateFormField, CleanTextFormField, IdFormField
from qcity.core.forms import DateInput, StyledForm
from qcity.core.parsers import JSONTooDeep, json_loads

from .choices import ABNORMAL_REASONS, RED_REASONS, CreditEventKind, CreditListEntryReason, CreditRepairKind


class CreditEventForm(StyledForm):
    kind = forms.ChoiceField(label=_("信用事项类别"), choices=CreditEventKind.choices)
    occurred_on = BoundedDateFormField(label=_("形成日期"), widget=DateInput())
    source_authority = CleanTextFormField(label=_("来源机关"), max_length=100)
    decision_number = CleanTextFormField(label=_("决定书文号"), max_length=100, required=False,
                                         help_text=_("如 郑市监罚〔2026〕12号；同一企业的文号不得重复"))
    summary = forms.CharField(label=_("内容摘要（内部）"), widget=forms.Textarea(attrs={"rows": 3}))
    public_summary = forms.CharField(
        label=_("公示内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("公众看到的内容；留空则以内容摘要为草稿。公示时检查：不得含有身份证号、电话、银行卡号、电子邮箱或个人姓名"))
    minor_penalty = forms.BooleanField(label=_("通报批评或较低数额罚款（公示期3个月）"), required=False)
    published_on = BoundedDateFormField(label=_("公示日期（已公示时填写）"), required=False,
                                        widget=DateInput())
    confirm_legal_representative = forms.BooleanField(
        label=_("确认公示内容中的法定代表人姓名依法需要公示"), required=False)


class PublishForm(StyledForm):
    published_on = BoundedDateFormField(label=_("公示日期"), widget=DateInput())
    public_summary = forms.CharField(
        label=_("公示内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("不得含有身份证号、电话、银行卡号、电子邮箱或个人姓名；留空则保持原公示内容"))
    confirm_legal_representative = forms.BooleanField(
        label=_("确认公示内容中的法定代表人姓名依法需要公示（仅限被处罚企业的法定代表人）"), required=False)


class WithdrawForm(StyledForm):
    reason = forms.CharField(label=_("撤销原因"), max_length=300)


def _reason_choices(reasons):
    return [(value, label) for value, label in CreditListEntryReason.choices if value in reasons]


class ListEntryForm(StyledForm):
    """One form for the three lists; the view removes the fields a list does not use."""

    uscc = CleanTextFormField(label=_("统一社会信用代码"), max_length=18)
    reason = forms.ChoiceField(label=_("列入事由"), choices=CreditListEntryReason.choices)
    penalty_event = IdFormField(label=_("所依据的较重行政处罚（信用事项编号）"))
    decided_on = BoundedDateFormField(label=_("决定日期"), widget=DateInput())
    decision_authority = CleanTextFormField(label=_("作出决定机关"), max_length=100)
    decision_number = CleanTextFormField(label=_("决定书文号"), max_length=100, required=False)
    detail = forms.CharField(label=_("事实与依据"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, list_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if list_kind == "serious_violation":
            del self.fields["reason"]
        else:
            del self.fields["penalty_event"]
            reasons = ABNORMAL_REASONS if list_kind == "abnormal_operations" else RED_REASONS
            self.fields["reason"].choices = _reason_choices(reasons)


class ListRemoveForm(StyledForm):
    note = forms.CharField(label=_("移出说明"), max_length=300)


# The documents are checked (type by content, size, required) by the services, which name the field.
DOCUMENT_ACCEPT = {"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}


class CreditRepairForm(StyledForm):
    kind = forms.ChoiceField(label=_("修复类别"), choices=CreditRepairKind.choices)
    target = forms.CharField(widget=forms.HiddenInput)  # "entry:<pk>" or "event:<pk>"
    compliance_proof = forms.CharField(label=_("已履行义务、纠正失信行为的证明"), widget=forms.Textarea(attrs={"rows": 3}))
    compliance_proof_file = forms.FileField(label=_("证明文件（PDF、JPG 或 PNG，必传）"), required=False,
                                            widget=forms.ClearableFileInput(attrs=DOCUMENT_ACCEPT))
    commitment_letter = forms.CharField(label=_("信用承诺书"), widget=forms.Textarea(attrs={"rows": 3}))
    commitment_letter_file = forms.FileField(label=_("签章的信用承诺书（PDF、JPG 或 PNG，必传）"), required=False,
                                             widget=forms.ClearableFileInput(attrs=DOCUMENT_ACCEPT))


class CreditObjectionForm(StyledForm):
    target = forms.CharField(widget=forms.HiddenInput)  # "entry:<pk>" or "event:<pk>"
    grounds = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("证明材料"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("证明材料文件（PDF、JPG 或 PNG，可选）"), required=False,
                                    widget=forms.ClearableFileInput(attrs=DOCUMENT_ACCEPT))


class DecideForm(StyledForm):
    decision = forms.ChoiceField(label=_("决定"), choices=[("yes", _("同意")), ("no", _("不同意"))])
    note = forms.CharField(label=_("处理意见"), max_length=500, required=False)

    @property
    def yes(self) -> bool:
        return self.cleaned_data["decision"] == "yes"


class ScoringModelForm(StyledForm):
    parameters = forms.CharField(label=_("模型参数（JSON）"), widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace"}))
    note = forms.CharField(label=_("修订说明"), max_length=300)

    def clean_parameters(self):
        try:
            return json_loads(self.cleaned_data["parameters"])
        except JSONTooDeep as error:
            raise forms.ValidationError(str(error)) from error
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("不是有效的JSON：第%(line)s行第%(col)s列") % {"line": error.lineno, "col": error.colno}) from error
