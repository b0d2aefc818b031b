from rest_framework import serializers

from qcity.assessment import selectors
from qcity.assessment.models import AssessmentResult, AssessmentScheme, SchemeGroup, SchemeItem
from qcity.core.fields import BoundedIntegerField, CleanTextField


class SchemeItemSerializer(serializers.ModelSerializer):
    """`weight`: a base item's own points inside its group (null: an equal share), a bonus item's cap."""

    class Meta:
        model = SchemeItem
        fields = ["id", "kind", "group", "indicator", "name", "weight", "rule", "description", "position"]


class SchemeGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchemeGroup
        fields = ["id", "name", "weight", "position"]


class SchemeWeightsSerializer(serializers.Serializer):
    """The scheme editor's save: keys are group / item ids; the groups must still add up to 100."""

    groups = serializers.DictField(child=serializers.CharField(max_length=20), required=False, default=dict)
    items = serializers.DictField(child=serializers.CharField(max_length=20, allow_blank=True, allow_null=True),
                                  required=False, default=dict)
    rules = serializers.DictField(child=serializers.CharField(max_length=20), required=False, default=dict)
    moves = serializers.DictField(child=serializers.CharField(max_length=20), required=False, default=dict,
                                  help_text="item id → the id of the group it moves to")

    def validate(self, data):
        for name in ("groups", "items", "rules", "moves"):
            bad = [key for key in data[name] if not str(key).isdigit()]
            if bad:
                raise serializers.ValidationError({name: f"{bad[0]!r}"})
            data[name] = {int(key): value for key, value in data[name].items()}
        return data


class AssessmentSchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentScheme
        fields = ["id", "year", "name", "status", "assess_districts", "assess_departments", "excellent_from",
                  "good_from", "pass_from", "last_run_at"]


class AssessmentSchemeDetailSerializer(AssessmentSchemeSerializer):
    groups = SchemeGroupSerializer(many=True, read_only=True)
    items = SchemeItemSerializer(many=True, read_only=True)

    class Meta(AssessmentSchemeSerializer.Meta):
        fields = [*AssessmentSchemeSerializer.Meta.fields, "groups", "items"]


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
