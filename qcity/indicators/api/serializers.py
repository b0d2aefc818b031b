from rest_framework import serializers

from qcity.core.fields import BoundedIntegerField, CleanTextField
from qcity.core.models import Department, OrgUnit
from qcity.indicators.choices import (
    IndicatorComparator,
    IndicatorDecomposition,
    IndicatorDomain,
    PlanProposalKind,
    ReportingPeriodKind,
)
from qcity.indicators.models import (
    Indicator,
    Plan,
    PlanImport,
    ReportedValue,
    Target,
    TargetDecomposition,
    UnitTarget,
)


class PlanSerializer(serializers.ModelSerializer):
    indicator_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "code", "title", "issuing_body", "document_number", "period_start", "period_end",
                  "is_builtin", "indicator_count"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["year", "value", "low", "high", "quote", "quote_start"]


class IndicatorSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    departments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "plan", "code", "name", "domain", "unit", "comparator", "attribute", "accumulation",
                  "baseline_year", "baseline_value", "section", "departments", "quote", "quote_start", "source",
                  "computed_key", "decomposition", "targets"]


class ReportedValueSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)

    class Meta:
        model = ReportedValue
        fields = ["id", "indicator", "indicator_name", "org_unit", "org_unit_name", "period_kind", "year",
                  "period_number", "period", "value", "note", "status", "status_note", "source", "submitted_at",
                  "reviewed_at", "approved_at"]


class ReportedValueInputSerializer(serializers.Serializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.select_related("plan"))
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    period_kind = serializers.ChoiceField(choices=ReportingPeriodKind.choices, default=ReportingPeriodKind.YEAR)
    year = BoundedIntegerField(min_value=1990, max_value=2100)
    period_number = BoundedIntegerField(min_value=0, max_value=12, default=0)
    value = serializers.CharField(max_length=40, help_text="a number; 98 for 98 %")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class IndicatorStatusSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator.pk")
    indicator_name = serializers.CharField(source="indicator.name")
    domain = serializers.CharField(source="indicator.domain")
    org_unit = serializers.IntegerField(source="org_unit.pk")
    org_unit_name = serializers.CharField(source="org_unit.name")
    year = serializers.IntegerField()
    status = serializers.CharField()
    reason = serializers.CharField(help_text="why the status is not_applicable (a city title; no confirmed share)")
    actual = serializers.DecimalField(source="result.actual", max_digits=18, decimal_places=4, allow_null=True)
    expected = serializers.DecimalField(source="result.expected", max_digits=18, decimal_places=4, allow_null=True)
    target_year = serializers.IntegerField(source="result.milestone.year", allow_null=True, default=None)
    attainment = serializers.DecimalField(source="result.attainment", max_digits=6, decimal_places=4,
                                          allow_null=True)


class ProposalSerializer(serializers.Serializer):
    name = CleanTextField(max_length=200)
    comparator = serializers.ChoiceField(choices=IndicatorComparator.choices)
    value = serializers.FloatField(allow_null=True, required=False, default=None)
    low = serializers.FloatField(allow_null=True, required=False, default=None)
    high = serializers.FloatField(allow_null=True, required=False, default=None)
    unit = CleanTextField(max_length=30, allow_blank=True, required=False, default="")
    year = BoundedIntegerField(min_value=1990, max_value=2100)
    domain = serializers.ChoiceField(choices=IndicatorDomain.choices)
    quote = serializers.CharField(allow_blank=True, required=False, default="")
    # a qualitative proposal (高于全省平均水平) becomes an indicator without a numeric target
    kind = serializers.ChoiceField(choices=PlanProposalKind.choices, required=False,
                                   default=PlanProposalKind.QUANTITATIVE)
    qualitative = CleanTextField(max_length=100, allow_blank=True, required=False, default="")


class PlanImportSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PlanImport
        fields = ["id", "title", "original_name", "proposals", "plan", "created_at"]


class PlanAcceptSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=60)
    title = CleanTextField(max_length=200)
    issuing_body = CleanTextField(max_length=100, required=False, allow_blank=True, default="")
    document_number = CleanTextField(max_length=60, required=False, allow_blank=True, default="")
    period_start = BoundedIntegerField(min_value=1990, max_value=2100)
    period_end = BoundedIntegerField(min_value=1990, max_value=2100)
    accepted = ProposalSerializer(many=True)


class UnitTargetSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True, default=None)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)

    class Meta:
        model = UnitTarget
        fields = ["org_unit", "org_unit_name", "department", "department_name", "value"]


class TargetDecompositionSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="indicator.plan.code", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    decomposition = serializers.CharField(source="indicator.decomposition", read_only=True)
    unit_targets = UnitTargetSerializer(many=True, read_only=True)

    class Meta:
        model = TargetDecomposition
        fields = ["id", "plan", "indicator", "indicator_code", "decomposition", "year", "status", "note",
                  "unit_targets", "updated_at", "confirmed_at"]


class UnitTargetInputSerializer(serializers.Serializer):
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True,
                                                  default=None)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False,
                                                    allow_null=True, default=None)
    value = serializers.CharField(max_length=40, help_text="a non-negative number")


class TargetDecompositionInputSerializer(serializers.Serializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.select_related("plan"))
    year = BoundedIntegerField(min_value=1990, max_value=2100)
    targets = UnitTargetInputSerializer(many=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TargetDecompositionSavedSerializer(serializers.Serializer):
    decomposition = TargetDecompositionSerializer()
    changed = serializers.BooleanField()
    warnings = serializers.ListField(child=serializers.CharField())


class IndicatorDecompositionInputSerializer(serializers.Serializer):
    decomposition = serializers.ChoiceField(choices=IndicatorDecomposition.choices)
