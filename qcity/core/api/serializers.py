from rest_framework import serializers

from qcity.core.models import AuditEvent, Department, OrgUnit


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
