from rest_framework import serializers

from qcity.assessment import selectors
from qcity.assessment.models import AssessmentResult, AssessmentScheme, SchemeItem
from qcity.core.fields import BoundedIntegerField, CleanTextField


class SchemeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchemeItem
        fields = ["id", "kind", "indicator", "name", "weight", "rule", "description", "position"]


class AssessmentSchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentScheme
        fields = ["id", "year", "name", "status", "assess_districts", "assess_departments", "excellent_from",
                  "good_from", "pass_from", "last_run_at"]


class AssessmentSchemeDetailSerializer(AssessmentSchemeSerializer):
    items = SchemeItemSerializer(many=True, read_only=True)

    class Meta(AssessmentSchemeSerializer.Meta):
        fields = [*AssessmentSchemeSerializer.Meta.fields, "items"]


class AssessmentSchemeCreateSerializer(serializers.Serializer):
    year = BoundedIntegerField(min_value=2000, max_value=2100)
    name = CleanTextField(max_length=200, required=False, allow_blank=True, default="")


class AssessmentResultSerializer(serializers.ModelSerializer):
    """A ranking row; `breakdown` only where the caller may read it (else null)."""

    subject = serializers.CharField(source="subject.__str__", read_only=True)
    breakdown = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentResult
        fields = ["id", "scheme", "subject_kind", "org_unit", "department", "subject", "score", "grade", "rank",
                  "vetoed", "computed_at", "breakdown"]

    def get_breakdown(self, result) -> list | None:
        request = self.context.get("request")
        if request is None or selectors.may_see_breakdown(request.user, result):
            return result.breakdown
        return None


class QualityIndexRowSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField(source="org_unit.pk")
    org_unit_name = serializers.CharField(source="org_unit.name")
    year = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    product = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    engineering = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    service = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    environment = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
