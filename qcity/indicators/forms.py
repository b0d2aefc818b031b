import math

from django import forms
from django.utils.translation import gettext_lazy as _

from qcity.core import access
from qcity.core.fields import BoundedIntegerFormField, CleanTextFormField, parse_int
from qcity.core.models import OrgUnit
from qcity.core.roles import PROGRAMME
from qcity.core.text import normalize_number
from qcity.core.uploads import ATTACHMENT_TYPES, XLSX_TYPES, UploadValidator

from .choices import IndicatorComparator, IndicatorDomain, IndicatorSource, ReportingPeriodKind
from .models import Indicator, Plan


class ReportedValueForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("指标"), queryset=Indicator.objects.filter(source=IndicatorSource.REPORTED).select_related("plan")
        .order_by("-plan__period_end", "plan__code", "position"))
    org_unit = forms.ModelChoiceField(label=_("行政单元"), queryset=OrgUnit.objects.none())
    period_kind = forms.ChoiceField(label=_("周期"), choices=ReportingPeriodKind.choices, initial=ReportingPeriodKind.YEAR)
    year = BoundedIntegerFormField(label=_("年度"), min_value=1990, max_value=2100)
    period_number = BoundedIntegerFormField(label=_("期次"), min_value=0, max_value=12, initial=0,
                                            help_text=_("年度填 0，季度 1–4，月份 1–12"))
    value = forms.CharField(label=_("数值"), max_length=40, help_text=_("百分比填数字，98 表示 98%"))
    note = forms.CharField(label=_("说明"), max_length=500, required=False)
    evidence = forms.FileField(label=_("佐证材料"), required=False, validators=[UploadValidator(ATTACHMENT_TYPES)],
                               help_text=_("图片、PDF 或办公文档（Word、Excel、PowerPoint、WPS、OFD）"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = access.covered_org_units(user, PROGRAMME).order_by("path", "sort_order")
        # the same name can appear in several plans: show the plan and the indicator's code
        self.fields["indicator"].label_from_instance = lambda i: f"{i.plan.title} · {i.code} {i.name}"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)


class ValueImportForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("规划"), queryset=Plan.objects.defer("text"),
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    file = forms.FileField(label=_("xlsx 文件"), validators=[UploadValidator(XLSX_TYPES)])


class PlanImportForm(forms.Form):
    title = CleanTextFormField(label=_("规划名称"), max_length=200, required=False,
                               help_text=_("留空则取文件第一行"))
    file = forms.FileField(label=_("规划文件"), help_text=_(".txt、.md 或 .docx"))


class PlanAcceptForm(forms.Form):
    code = forms.SlugField(label=_("规划代码"), max_length=60)
    title = CleanTextFormField(label=_("规划名称"), max_length=200)
    issuing_body = CleanTextFormField(label=_("发文机关"), max_length=100, required=False)
    document_number = CleanTextFormField(label=_("文号"), max_length=60, required=False)
    period_start = BoundedIntegerFormField(label=_("起始年"), min_value=1990, max_value=2100)
    period_end = BoundedIntegerFormField(label=_("终止年"), min_value=1990, max_value=2100)


def _number(data, key: str):
    raw = (data.get(key) or "").strip()
    try:
        value = float(normalize_number(raw)) if raw else None
    except ValueError:
        return raw  # kept as text so the service names it in its error
    mantissa = raw.lower().partition("e")[0]
    if value is not None and (not math.isfinite(value) or (value == 0 and any(c in "123456789" for c in mantissa))):
        return raw  # 1e999 (infinite) or 1e-999 (stored as 0): refused by the service like any other text
    return value


def proposals_from_post(data, count: int) -> list[dict]:
    """The reviewed proposals: rows the person ticked, with the fields as they edited them."""
    accepted = []
    for index in range(count):
        prefix = f"p{index}-"
        if data.get(prefix + "accept") != "on":
            continue
        year = (data.get(prefix + "year") or "").strip()
        parsed_year = parse_int(year, minimum=0)
        accepted.append({
            "name": (data.get(prefix + "name") or "").strip(),
            "comparator": data.get(prefix + "comparator"),
            "value": _number(data, prefix + "value"), "low": _number(data, prefix + "low"),
            "high": _number(data, prefix + "high"), "unit": (data.get(prefix + "unit") or "").strip(),
            "year": year if parsed_year is None else parsed_year,
            "domain": data.get(prefix + "domain"), "quote": data.get(prefix + "quote") or "",
        })
    return accepted


COMPARATOR_CHOICES = IndicatorComparator.choices
DOMAIN_CHOICES = IndicatorDomain.choices
