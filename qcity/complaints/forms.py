"""Input shapes of the complaint pages; the rules are the services'."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import BoundedDateFormField, BoundedDecimalFormField, BoundedIntegerFormField
from qcity.core.forms import DateInput, StyledForm, style_widgets
from qcity.core.models import OrgUnit, RoleAssignment, User
from qcity.core.roles import COMPLAINT_HANDLERS

from .choices import (
    CaseGrade,
    CategoryGroup,
    ComplaintChannel,
    ComplaintKind,
    DeclineGround,
    GazetteerKind,
    MediationMode,
    MediationOutcome,
    Remedy,
    ReporterChannel,
    ReportTipDecision,
    SettlementAnswer,
    SuspensionReason,
    TerminationGround,
)
from .models import ComplaintCategory, ProblemType
from .services.handling import EXTENSION_MAX_WORKING_DAYS
from .services.intake import ATTACHMENT_TYPES as INTAKE_ATTACHMENT_TYPES
from .services.intake import BOTH as INTAKE_BOTH

DATE = DateInput()
NOTE = forms.Textarea(attrs={"rows": 3})
SEARCHABLE_SELECT = forms.Select(attrs={"data-searchable": ""})  # a district's officers: a long list (searchable.js)

# --- handling steps (services/handling.py) -------------------------------------------------------------------


def handlers_covering(org_unit: OrgUnit | None) -> QuerySet[User]:
    """Active complaint handlers whose role covers `org_unit` (held over it or a unit above it)."""
    if org_unit is None:
        return User.objects.none()
    above = [int(pk) for pk in org_unit.path.strip("/").split("/") if pk]
    ids = RoleAssignment.objects.filter(role__in=COMPLAINT_HANDLERS, org_unit_id__in=above).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


class StepForm(StyledForm):
    """A handling step's form, made for one complaint: an officer it names (handler, mediator) is chosen
    among the handlers of the complaint's unit."""

    officer_fields: tuple[str, ...] = ()

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.officer_fields:
            self.fields[name].queryset = handlers_covering(complaint.org_unit)


class AssignForm(StepForm):
    officer_fields = ("handler",)
    handler = forms.ModelChoiceField(label=_("承办人"), queryset=User.objects.none(), widget=SEARCHABLE_SELECT)


class AcceptForm(StepForm):
    officer_fields = ("handler",)
    handler = forms.ModelChoiceField(label=_("承办人"), queryset=User.objects.none(), required=False,
                                     widget=SEARCHABLE_SELECT)
    accepted_on = BoundedDateFormField(label=_("受理日期"), widget=DATE, required=False,
                                       help_text=_("不填为今天"))


class DeclineForm(StepForm):
    ground = forms.ChoiceField(label=_("不予受理理由"), choices=[("", "---------"), *DeclineGround.choices])
    note = forms.CharField(label=_("决定说明"), max_length=2000, required=False, widget=NOTE)


class MediationStartForm(StepForm):
    officer_fields = ("mediator",)
    mode = forms.ChoiceField(label=_("调解方式"), choices=MediationMode.choices)
    mediator = forms.ModelChoiceField(label=_("调解人员"), queryset=User.objects.none(), widget=SEARCHABLE_SELECT)


class RecusalForm(StepForm):
    officer_fields = ("new_mediator",)
    reason = forms.CharField(label=_("回避理由"), max_length=500, widget=NOTE)
    new_mediator = forms.ModelChoiceField(label=_("新的调解人员"), queryset=User.objects.none(), required=False,
                                          widget=SEARCHABLE_SELECT,
                                          help_text=_("暂未确定的，调解中止至指定新的调解人员"))


class SuspendForm(StepForm):
    reason = forms.ChoiceField(label=_("中止原因"), choices=[
        (value, label) for value, label in SuspensionReason.choices if value != SuspensionReason.RECUSAL])
    note = forms.CharField(label=_("说明"), max_length=500, required=False, widget=NOTE)
    on = BoundedDateFormField(label=_("中止日期"), widget=DATE, required=False, help_text=_("不填为今天"))


class ResumeForm(StepForm):
    on = BoundedDateFormField(label=_("恢复日期"), widget=DATE, required=False, help_text=_("不填为今天"))


class ExtendForm(StepForm):
    working_days = BoundedIntegerFormField(label=_("延长工作日"), min_value=1, max_value=EXTENSION_MAX_WORKING_DAYS)
    reason = forms.CharField(label=_("延长理由"), max_length=300, widget=NOTE)


class ClueRecordForm(StepForm):
    note = forms.CharField(label=_("线索情况"), max_length=1000, widget=NOTE)


class ReasonForm(StepForm):
    """An extension that needs only its reason (clue verification, the report's case-opening check)."""

    reason = forms.CharField(label=_("延长理由"), max_length=300, widget=NOTE)


class ClueVerifyForm(StepForm):
    substantiated = forms.BooleanField(label=_("线索属实"), required=False)
    note = forms.CharField(label=_("核查情况"), max_length=1000, required=False, widget=NOTE)


class CloseForm(StepForm):
    outcome = forms.ChoiceField(label=_("调解结果"), choices=MediationOutcome.choices)
    remedy = forms.ChoiceField(label=_("处理方式"), choices=Remedy.choices)
    amount_recovered = BoundedDecimalFormField(label=_("挽回经济损失（元）"), max_digits=12, decimal_places=2,
                                               min_value=0, required=False)
    substantiated = forms.BooleanField(label=_("查证属实"), required=False)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, widget=NOTE)


class TerminateForm(StepForm):
    ground = forms.ChoiceField(label=_("终止调解理由"), choices=TerminationGround.choices)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, widget=NOTE)


class ReportTipDecideForm(StepForm):
    decision = forms.ChoiceField(label=_("立案决定"), choices=ReportTipDecision.choices)
    case_number = forms.CharField(label=_("案件编号"), max_length=50, required=False)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, widget=NOTE)


class ReportTipCloseForm(StepForm):
    substantiated = forms.BooleanField(label=_("查证属实"), required=False)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, widget=NOTE)


# --- intake and the public's tracking page (services/intake.py, selectors.complaint_track) --------------------


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _AttachmentsField(forms.FileField):
    """Several files in one input; the service checks each by content and size and counts them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _MultipleFileInput(attrs={"accept": ",".join(INTAKE_ATTACHMENT_TYPES)}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(_AttachmentsField, self).clean(f, initial) for f in files if f]


INTAKE_KIND_CHOICES = [
    (ComplaintKind.COMPLAINT, _("投诉：与经营者发生消费纠纷，请求市场监管部门调解")),
    (ComplaintKind.REPORT_TIP, _("举报：反映经营者涉嫌违法的线索，请求依法查处（可匿名）")),
    (INTAKE_BOTH, _("投诉并举报：既要求调解纠纷，又举报违法行为（将拆分为一件投诉和一件举报分别办理）")),
]


class _PublicForm(forms.Form):
    """A form the public fills in on a phone: full-size controls (a phone zooms into text under 16 px), and
    radio lists styled as such."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self, small=False)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"


class IntakeForm(_PublicForm):
    """The public's form (网上登记); the officer's form adds the channel. Required-ness that depends on the kind
    (a name and phone unless an anonymous report) and every length and format rule are the service's."""

    kind = forms.ChoiceField(label=_("类别"), choices=INTAKE_KIND_CHOICES, widget=forms.RadioSelect,
                             initial=ComplaintKind.COMPLAINT)
    anonymous = forms.BooleanField(label=_("匿名举报（仅限举报；不留姓名，留电话可查询进度）"), required=False)
    person_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    person_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                                   help_text=_("查询进度时需要核对电话号码后四位"))
    person_id_number = forms.CharField(label=_("身份证号码（选填）"), max_length=18, required=False)
    person_address = forms.CharField(label=_("联系地址（选填）"), max_length=200, required=False)
    reporter_channel = forms.ChoiceField(label=_("举报处理结果告知方式"), choices=ReporterChannel.choices,
                                         initial=ReporterChannel.SMS, required=False)
    respondent_name = forms.CharField(label=_("被投诉举报方名称"), max_length=200,
                                      help_text=_("营业执照上的名称或店铺名称"))
    respondent_uscc = forms.CharField(label=_("统一社会信用代码（选填）"), max_length=18, required=False)
    respondent_address = forms.CharField(label=_("被投诉举报方地址"), max_length=300, required=False,
                                         help_text=_("经营场所地址，用于确定承办的市场监管部门"))
    platform_name = forms.CharField(label=_("交易平台名称（网购的填写）"), max_length=100, required=False)
    product = forms.CharField(label=_("商品或服务名称"), max_length=100, required=False)
    amount = BoundedDecimalFormField(label=_("涉及金额（元）"), max_digits=12, decimal_places=2, min_value=0,
                                     required=False)
    harm_known_on = BoundedDateFormField(label=_("知道权益受侵害日期"), widget=DATE, required=False)
    subject = forms.CharField(label=_("标题"), max_length=100)
    facts = forms.CharField(label=_("事实和理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    request = forms.CharField(label=_("诉求"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachments = _AttachmentsField(label=_("证据材料（PDF、JPG、PNG，最多5个，每个不超过10MB）"), required=False)
    consent = forms.BooleanField(label=_("我已阅读并同意：所填个人信息仅用于办理本件投诉举报，依法保密，"
                                         "不向被投诉举报方公开"))

    def submit_arguments(self) -> dict:
        """The service's keyword arguments (the consent is the page's, not the service's)."""
        data = dict(self.cleaned_data)
        data.pop("consent", None)
        data["reporter_channel"] = data["reporter_channel"] or ReporterChannel.SMS
        return data


class OfficerIntakeForm(IntakeForm):
    """The hotline or counter officer's transcription: the same fields, the channel, no consent box (the
    officer tells the caller how the data is used)."""

    channel = forms.ChoiceField(label=_("来源渠道"), choices=[(ComplaintChannel.HOTLINE, ComplaintChannel.HOTLINE.label),
                                                           (ComplaintChannel.OFFICER, ComplaintChannel.OFFICER.label)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["consent"]
        self.order_fields(["channel"])


class TrackForm(_PublicForm):
    tracking_number = forms.CharField(label=_("查询编号"), max_length=20,
                                      widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    phone_last4 = forms.RegexField(label=_("登记电话后四位"), regex=r"^\d{4}$", max_length=4,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                                   error_messages={"invalid": _("请输入4位数字")})


class RatingForm(_PublicForm):
    satisfaction = forms.TypedChoiceField(label=_("满意度"), coerce=int, widget=forms.RadioSelect, choices=[
        (5, _("很满意")), (4, _("满意")), (3, _("一般")), (2, _("不满意")), (1, _("很不满意"))])
    comment = forms.CharField(label=_("评价意见（选填）"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


# --- routing, transfer and direct settlement (services/routing.py, services/gazetteer.py) ----------------------


def units_below_city() -> QuerySet[OrgUnit]:
    """The units a complaint can be handled in: the districts, counties and development zones."""
    return OrgUnit.objects.filter(parent__isnull=False).order_by("path", "sort_order")


class TransferForm(StyledForm):
    to_unit = forms.ModelChoiceField(label=_("移入单位"), queryset=OrgUnit.objects.none())
    reason = forms.CharField(label=_("移送理由"), max_length=500, widget=NOTE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units_below_city()


class SettlementAnswerForm(StyledForm):
    answer = forms.ChoiceField(label=_("和解结果"), choices=SettlementAnswer.choices)
    note = forms.CharField(label=_("答复说明"), max_length=2000, widget=NOTE,
                           help_text=_("与消费者协商的经过和结果，将向投诉人公开"))


class GazetteerEntryForm(StyledForm):
    name = forms.CharField(label=_("地名"), max_length=60)
    kind = forms.ChoiceField(label=_("类别"), choices=GazetteerKind.choices)
    org_unit = forms.ModelChoiceField(label=_("所属区域"), queryset=OrgUnit.objects.none())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_below_city()


# --- rewards for reports (services/rewards.py) ---------------------------------------------------------------


class RewardProposeForm(StyledForm):
    grade = forms.ChoiceField(label=_("案件等级"), choices=CaseGrade.choices)
    fine_amount = BoundedDecimalFormField(label=_("罚没款金额（元）"), max_digits=14, decimal_places=2, min_value=0)
    penalty_decision_number = forms.CharField(label=_("处罚决定书文号"), max_length=80)


class RewardDecideForm(StyledForm):
    approve = forms.TypedChoiceField(label=_("审批结果"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("批准奖励")), ("no", _("不予奖励"))])
    amount = BoundedDecimalFormField(label=_("奖励金额（元）"), max_digits=12, decimal_places=2, min_value=0,
                                     required=False, help_text=_("留空按奖励标准计算的金额"))
    note = forms.CharField(label=_("审批意见"), max_length=500, required=False, widget=NOTE)


class RewardPayForm(StyledForm):
    paid_on = BoundedDateFormField(label=_("发放日期"), widget=DATE)
    payment_ref = forms.CharField(label=_("发放凭证号"), max_length=80)


class RewardRuleForm(StyledForm):
    fine_to = BoundedDecimalFormField(label=_("罚没款上限（元，不含）"), max_digits=14, decimal_places=2, min_value=0,
                                      required=False, help_text=_("留空为不设上限"))
    rate_percent = BoundedDecimalFormField(label=_("奖励比例（%）"), max_digits=5, decimal_places=2, min_value=0,
                                           max_value=100)
    minimum = BoundedDecimalFormField(label=_("最低奖励（元）"), max_digits=12, decimal_places=2, min_value=0)
    cap = BoundedDecimalFormField(label=_("最高奖励（元）"), max_digits=12, decimal_places=2, min_value=0)


# --- classification (services/classification.py) ------------------------------------------------------------


class ClassifyForm(StyledForm):
    """The handler's confirmation: the active categories and problem types, the suggestion preselected."""

    category = forms.ModelChoiceField(label=_("商品或服务类别"), queryset=ComplaintCategory.objects.none())
    problem_type = forms.ModelChoiceField(label=_("问题类型"), queryset=ProblemType.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ComplaintCategory.objects.filter(active=True)
        self.fields["problem_type"].queryset = ProblemType.objects.filter(active=True)


class ComplaintCategoryForm(StyledForm):
    """Create (with its code) or edit (the code fixed: it is the classifier's label) a category."""

    code = forms.SlugField(label=_("代码"), max_length=40, help_text=_("英文小写和连字符，创建后不可修改"))
    name = forms.CharField(label=_("名称"), max_length=60)
    group = forms.ChoiceField(label=_("大类"), choices=CategoryGroup.choices)
    sort_order = BoundedIntegerFormField(label=_("排序"), min_value=0, max_value=32767, initial=0)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class ProblemTypeForm(ComplaintCategoryForm):
    group = None
