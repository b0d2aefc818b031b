from rest_framework import serializers

from qcity.core.deadlines import provisional_year_of
from qcity.core.fields import BoundedDateField, BoundedIntegerField, CleanTextField
from qcity.core.models import (
    AuditEvent,
    DeadlineChange,
    DeadlineRecomputation,
    Department,
    LegalDuration,
    OrgUnit,
)


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

    start = BoundedDateField()
    days = BoundedIntegerField(required=False, min_value=-3650, max_value=3650)
    end = BoundedDateField(required=False)

    def validate(self, attrs):
        if ("days" in attrs) == ("end" in attrs):
            raise serializers.ValidationError({"days": ["give exactly one of `days` or `end`"]})
        return attrs


class ProvisionalField(serializers.BooleanField):
    """`<deadline>_provisional`: true when a stored deadline was counted on a provisional holiday calendar
    (a year whose official schedule is not entered yet); `<deadline>_provisional_year` names that year."""

    def __init__(self, deadline_field: str, **kwargs):
        self.deadline_field = deadline_field
        kwargs.setdefault("help_text", f"{deadline_field} was counted on a provisional holiday calendar (暂定)")  # i18n-ignore: API schema, English
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return provisional_year_of(instance, self.deadline_field) is not None


class WorkingDaysResultSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    end = serializers.DateField()
    provisional = serializers.BooleanField(help_text="counted across a year without an official holiday schedule")
    provisional_year = serializers.IntegerField(allow_null=True)


class DeadlineQuerySerializer(serializers.Serializer):
    start = BoundedDateField()


class DeadlineResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    start = serializers.DateField()
    deadline = serializers.DateField()
    provisional = serializers.BooleanField(help_text="counted across a year without an official holiday schedule")
    provisional_year = serializers.IntegerField(allow_null=True)
    duration = LegalDurationSerializer()


class HolidayScheduleDaySerializer(serializers.Serializer):
    date = BoundedDateField()
    type = serializers.ChoiceField(choices=["休", "班"], help_text="休 = day off, 班 = adjusted working day")  # i18n-ignore: API tokens
    name = serializers.CharField(max_length=50, allow_blank=True, required=False, default="")


class HolidayScheduleSerializer(serializers.Serializer):
    """A year's official schedule as JSON; an xlsx or JSON file may be sent instead as multipart `file`."""

    year = BoundedIntegerField(min_value=2000, max_value=2100)
    source = CleanTextField(max_length=200)
    days = HolidayScheduleDaySerializer(many=True, required=False)
    correction = serializers.BooleanField(required=False, default=False)


class HolidayYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    official = serializers.BooleanField()
    source = serializers.CharField(allow_blank=True)
    days = serializers.ListField(child=serializers.DictField())


class DeadlineRecomputationSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadlineRecomputation
        fields = ["id", "year", "trigger", "requested_by", "started_at", "finished_at", "checked", "moved"]


class DeadlineChangeSerializer(serializers.ModelSerializer):
    recomputation = DeadlineRecomputationSerializer()

    class Meta:
        model = DeadlineChange
        fields = ["id", "recomputation", "field", "field_label", "object_type", "object_id", "object_repr", "object_url",
                  "org_unit", "old_on", "new_on", "old_provisional_year", "new_provisional_year"]
