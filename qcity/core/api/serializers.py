from rest_framework import serializers

from qcity.core.models import AuditEvent, Department, LegalDuration, OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "short_name", "kind", "division_code", "parent", "path"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "short_name", "org_unit", "is_member_unit"]


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "actor_name", "source_ip", "channel", "action", "object_type",
                  "object_id", "object_repr", "org_unit", "message", "before", "after"]


class LegalDurationSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalDuration
        fields = ["id", "code", "name", "value", "unit", "legal_source", "confirmed", "effective_from",
                  "effective_to"]


class WorkingDaysQuerySerializer(serializers.Serializer):
    """Either `days` (add working days to start) or `end` (count working days from start to end)."""

    start = serializers.DateField()
    days = serializers.IntegerField(required=False, min_value=-3650, max_value=3650)
    end = serializers.DateField(required=False)

    def validate(self, attrs):
        if ("days" in attrs) == ("end" in attrs):
            raise serializers.ValidationError({"days": ["give exactly one of `days` or `end`"]})
        return attrs


class WorkingDaysResultSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    end = serializers.DateField()


class DeadlineQuerySerializer(serializers.Serializer):
    start = serializers.DateField()


class DeadlineResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    start = serializers.DateField()
    deadline = serializers.DateField()
    duration = LegalDurationSerializer()
