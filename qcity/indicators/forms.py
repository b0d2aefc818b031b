import math

from django import forms
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import BoundedIntegerFormField, CleanTextFormField, parse_int
from qcity.core.forms import style_widgets
from qcity.core.models import OrgUnit
from qcity.core.text import normalize_number
from qcity.core.uploads import ATTACHMENT_TYPES, XLSX_TYPES, UploadValidator

from .choices import (
    IndicatorComparator,
    IndicatorDecomposition,
    IndicatorDomain,
    IndicatorSource,
    ReportingPeriodKind,
)
from .extraction import QUALITATIVE
from .models import Indicator, Plan, StatusRule
from .selectors import indicator_choices, last_approved_value, reporter_org_units
from .services.decomposition import UnitTargetInput


class ReportedValueForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("指标"), queryset=Indicator.objects.filter(source=IndicatorSource.REPORTED).select_related("plan"),
        widget=forms.Select(attrs={"data-searchable": ""}),
        help_text=_("可输入编号或名称搜索；当前规划的指标排在前面"))
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
        style_widgets(self)
        units = self.fields["org_unit"].queryset = reporter_org_units(user=user)
        only = list(units[:2])
        if len(only) == 1:  # a district officer reports for their one district: chosen already
            self.fields["org_unit"].initial = only[0].pk
            self.fields["org_unit"].empty_label = None
        # grouped by plan, the current plan first, each labelled with its code (read when rendered)
        self.fields["indicator"].choices = lambda: [("", "---------"), *indicator_choices()]

    @staticmethod
    def initial_from(value) -> dict:
        """The form's initial data for resubmitting `value` (a returned one)."""
        return {"indicator": value.indicator_id, "org_unit": value.org_unit_id, "period_kind": value.period_kind,
                "year": value.year, "period_number": value.period_number, "value": f"{value.value.normalize():f}",
                "note": value.note}

    def _chosen(self, name: str):
        raw = self[name].value()
        pk = parse_int(raw.pk if hasattr(raw, "pk") else raw)
        return self.fields[name].queryset.filter(pk=pk).first() if pk else None

    def last_approved_value(self):
        """The last approved value of the chosen indicator for the chosen unit (before the chosen period):
        None until both are chosen. The unit must be one the user reports for."""
        indicator, org_unit = self._chosen("indicator"), self._chosen("org_unit")
        if indicator is None or org_unit is None:
            return None
        year = parse_int(self["year"].value(), minimum=1990, maximum=2100)
        number = parse_int(self["period_number"].value(), minimum=0, maximum=12)
        kind = self["period_kind"].value()
        before = (year, kind, number or 0) if year and kind in ReportingPeriodKind.values else None
        return last_approved_value(indicator=indicator, org_unit=org_unit, before=before)


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
    """The reviewed proposals: rows the person ticked, with the fields as they edited them; a qualitative
    row (hidden kind=qualitative) carries its wording instead of numbers."""
    accepted = []
    for index in range(count):
        prefix = f"p{index}-"
        if data.get(prefix + "accept") != "on":
            continue
        year = (data.get(prefix + "year") or "").strip()
        parsed_year = parse_int(year, minimum=0)
        if data.get(prefix + "kind") == QUALITATIVE:
            accepted.append({
                "kind": QUALITATIVE, "name": (data.get(prefix + "name") or "").strip(),
                "qualitative": (data.get(prefix + "qualitative") or "").strip(),
                "comparator": data.get(prefix + "comparator"), "unit": "",
                "year": year if parsed_year is None else parsed_year,
                "domain": data.get(prefix + "domain"), "quote": data.get(prefix + "quote") or "",
            })
            continue
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
# A qualitative target is better above (高于全省平均水平) or below (低于全国平均水平) its reference.
QUALITATIVE_COMPARATOR_CHOICES = [(c.value, c.label) for c in (IndicatorComparator.AT_LEAST, IndicatorComparator.AT_MOST)]


class StatusRuleForm(forms.Form):
    """The office's grading parameters: both are shares of the whole way from the start point to the target
    (0.05 = 5 %); the service checks 0 ≤ tolerance ≤ at-risk share ≤ 1 again."""

    on_track_tolerance = forms.DecimalField(
        label=StatusRule._meta.get_field("on_track_tolerance").verbose_name, min_value=0, max_value=1,
        max_digits=5, decimal_places=4, help_text=StatusRule._meta.get_field("on_track_tolerance").help_text)
    at_risk_share = forms.DecimalField(
        label=StatusRule._meta.get_field("at_risk_share").verbose_name, min_value=0, max_value=1,
        max_digits=5, decimal_places=4, help_text=StatusRule._meta.get_field("at_risk_share").help_text)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        data = super().clean()
        tolerance, share = data.get("on_track_tolerance"), data.get("at_risk_share")
        if tolerance is not None and share is not None and share < tolerance:
            self.add_error("at_risk_share", _("存在风险界限不能小于进度正常容差"))
        return data


class TargetDecompositionForm(forms.Form):
    """One indicator's decomposition for a target year: its kind, a target per district and per
    department (blank: none), and a note. The rules are the service's; errors come back per unit."""

    decomposition = forms.ChoiceField(label=_("分解方式"), choices=IndicatorDecomposition.choices)
    note = CleanTextFormField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, districts, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {}
        for unit in districts:
            self.fields[f"org_unit_{unit.pk}"] = forms.CharField(label=unit.name, max_length=40, required=False)
            self.units[f"org_unit_{unit.pk}"] = ("org_unit", unit)
        for department in departments:
            self.fields[f"department_{department.pk}"] = forms.CharField(
                label=department.short_name or department.name, max_length=40, required=False)
            self.units[f"department_{department.pk}"] = ("department", department)
        style_widgets(self)

    def unit_fields(self, kind: str):
        return [self[name] for name, (unit_kind, _unit) in self.units.items() if unit_kind == kind]

    def target_inputs(self) -> tuple[list, list[str]]:
        """The entered targets for the service, and the form field of each (to put its error back)."""
        inputs, names = [], []
        for name, (kind, unit) in self.units.items():
            raw = (self.cleaned_data.get(name) or "").strip()
            if raw:
                inputs.append(UnitTargetInput(value=raw, **{kind: unit}))
                names.append(name)
        return inputs, names


class TargetDecompositionImportForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("规划"), queryset=Plan.objects.defer("text"),
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    file = forms.FileField(label=_("xlsx 文件"), validators=[UploadValidator(XLSX_TYPES)])
