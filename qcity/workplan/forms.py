from django import forms
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import BoundedIntegerFormField, CleanTextFormField
from qcity.core.forms import StyledForm
from qcity.core.uploads import ATTACHMENT_TYPES, UploadValidator

from .choices import NoticeKind
from .models import PlanTask


class ProgressForm(StyledForm):
    """Input shape only; who may report and on which task is the service's rule."""

    percent = BoundedIntegerFormField(label=_("完成进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("附件"), required=False, validators=[UploadValidator(ATTACHMENT_TYPES)],
                                 help_text=_("图片、PDF 或办公文档（Word、Excel、PowerPoint、WPS、OFD）"))


class CompleteForm(StyledForm):
    note = forms.CharField(label=_("完成说明"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"placeholder": _("完成说明（可选）")}))


class SupervisionOpenForm(StyledForm):
    reason = forms.CharField(label=_("督办事由"), required=False, max_length=500,
                             help_text=_("逾期任务可留空，系统按逾期情况生成"))


class ResolveForm(StyledForm):
    resolution = forms.CharField(label=_("办结情况"), max_length=500)


class NoticeForm(StyledForm):
    kind = forms.ChoiceField(label=_("类别"), choices=NoticeKind.choices)
    tasks = forms.ModelMultipleChoiceField(label=_("涉及任务"), queryset=PlanTask.objects.none(),
                                           widget=forms.SelectMultiple(attrs={"size": 10, "data-searchable": ""}))
    title = CleanTextFormField(label=_("标题"), required=False, max_length=200, help_text=_("留空按类别生成"))
    body = forms.CharField(label=_("正文"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("留空按所选任务生成"))

    def __init__(self, *args, tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tasks is not None:
            self.fields["tasks"].queryset = tasks
        self.fields["tasks"].label_from_instance = lambda t: f"{t.code} {t.title}（{t.lead_department.short_name}，{t.deadline:%Y-%m-%d}）"
