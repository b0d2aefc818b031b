from django.utils.translation import gettext as _
from rest_framework import serializers

from qcity.core.api.serializers import ProvisionalField
from qcity.core.fields import (
    BoundedDateField,
    BoundedDecimalField,
    BoundedIntegerField,
    CleanTextField,
    IdField,
)
from qcity.core.models import Department, OrgUnit, User
from qcity.enterprises.models import Enterprise
from qcity.inspections.choices import InspectionOutcome
from qcity.inspections.models import (
    Draw,
    DrawnTarget,
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    Inspector,
    InspectorConflict,
    PoolSnapshot,
    TargetPool,
)


class InspectionItemSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True, default=None)

    class Meta:
        model = InspectionItem
        fields = ["id", "code", "name", "legal_basis", "org_unit", "org_unit_name", "department", "department_code",
                  "method", "industry_codes", "published", "published_on"]


class InspectionItemInputSerializer(serializers.Serializer):
    code = CleanTextField(max_length=40)
    name = CleanTextField(max_length=200)
    legal_basis = serializers.CharField()
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all(), required=False,
                                              allow_null=True)
    method = CleanTextField(max_length=100, required=False, allow_blank=True)
    industry_codes = serializers.ListField(child=serializers.CharField(max_length=5), required=False, max_length=50)


class InspectionItemUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    legal_basis = serializers.CharField(required=False)
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all(), required=False,
                                              allow_null=True)
    method = serializers.CharField(max_length=100, required=False, allow_blank=True)
    industry_codes = serializers.ListField(child=serializers.CharField(max_length=5), required=False, max_length=50)


class InspectorSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    qualification_codes = serializers.SerializerMethodField()
    conflict_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Inspector
        fields = ["id", "user", "username", "full_name", "badge_number", "org_unit", "org_unit_name",
                  "qualification_codes", "active", "conflict_count"]

    def get_qualification_codes(self, inspector) -> list[str]:
        return sorted(i.code for i in inspector.qualifications.all())


class InspectorInputSerializer(serializers.Serializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all())
    badge_number = CleanTextField(max_length=40)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    qualifications = serializers.SlugRelatedField(slug_field="code", queryset=InspectionItem.objects.all(), many=True,
                                                  required=False)


class InspectorUpdateSerializer(serializers.Serializer):
    active = serializers.BooleanField(required=False)
    qualifications = serializers.SlugRelatedField(slug_field="code", queryset=InspectionItem.objects.all(), many=True,
                                                  required=False)


class InspectorConflictSerializer(serializers.ModelSerializer):
    badge_number = serializers.CharField(source="inspector.badge_number", read_only=True)
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = InspectorConflict
        fields = ["id", "inspector", "badge_number", "enterprise", "enterprise_uscc", "enterprise_name", "reason",
                  "declared_on"]


class InspectorConflictInputSerializer(serializers.Serializer):
    inspector = IdField()
    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all())
    reason = serializers.CharField(max_length=200)


class PoolSnapshotSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = PoolSnapshot
        fields = ["id", "built_at", "size", "stratum_sizes", "format_version", "sha256", "download_url"]

    def get_download_url(self, snapshot) -> str:
        return f"/api/pool-snapshots/{snapshot.pk}/download/"


class TargetPoolSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    latest_snapshot = serializers.SerializerMethodField()

    class Meta:
        model = TargetPool
        fields = ["id", "name", "org_unit", "org_unit_name", "filter_org_units", "industry_codes", "entity_types",
                  "statuses", "created_at", "latest_snapshot"]

    def get_latest_snapshot(self, pool) -> PoolSnapshotSerializer(allow_null=True):
        snapshot = pool.snapshots.defer("data").order_by("-id").first()
        return PoolSnapshotSerializer(snapshot).data if snapshot else None


class TargetPoolInputSerializer(serializers.Serializer):
    name = CleanTextField(max_length=100)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    filter_org_units = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), many=True, required=False)
    industry_codes = serializers.ListField(child=serializers.CharField(max_length=5), required=False)
    entity_types = serializers.ListField(child=serializers.CharField(max_length=30), required=False,
                                         help_text="enterprise entity types (values of EntityType)")
    statuses = serializers.ListField(child=serializers.CharField(max_length=20), required=False,
                                     help_text="registration statuses (values of EnterpriseStatus)")


class PlanItemInputSerializer(serializers.Serializer):
    item = serializers.SlugRelatedField(slug_field="code", queryset=InspectionItem.objects.all())
    ratio = BoundedDecimalField(max_digits=5, decimal_places=2, default=100)


class InspectionPlanSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    items = serializers.SerializerMethodField()
    draw_id = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPlan
        fields = ["id", "name", "org_unit", "org_unit_name", "year", "period_start", "period_end", "pool",
                  "ratio_a", "ratio_b", "ratio_c", "ratio_d", "count_a", "count_b", "count_c", "count_d",
                  "inspectors_per_target", "status", "items", "draw_id"]

    def get_items(self, plan) -> list[dict]:
        return [{"code": pi.item.code, "name": pi.item.name, "ratio": str(pi.ratio)} for pi in plan.plan_items.all()]

    def get_draw_id(self, plan) -> int | None:
        draw = getattr(plan, "draw", None) if hasattr(plan, "draw") else None
        return draw.pk if draw else None


class InspectionPlanInputSerializer(serializers.Serializer):
    name = CleanTextField(max_length=200)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    year = BoundedIntegerField(min_value=2000, max_value=2100)
    period_start = BoundedDateField()
    period_end = BoundedDateField()
    pool = IdField()
    items = PlanItemInputSerializer(many=True)
    ratios = serializers.DictField(child=BoundedDecimalField(max_digits=5, decimal_places=2), required=False,
                                   help_text="per credit class a…d, percent")
    counts = serializers.DictField(child=BoundedIntegerField(min_value=0), required=False,
                                   help_text="per credit class a…d, a fixed number (overrides the ratio)")
    inspectors_per_target = BoundedIntegerField(required=False, default=2)

    def validate(self, data):
        for name in ("ratios", "counts"):
            unknown = set(data.get(name, {})) - {"a", "b", "c", "d"}
            if unknown:
                raise serializers.ValidationError({name: [_("未知的信用风险分类：%(unknown)s") % {"unknown": ', '.join(sorted(unknown))}]})
        return data


class AssignmentOutSerializer(serializers.Serializer):
    inspector = serializers.IntegerField(source="inspector_id")
    badge_number = serializers.CharField(source="inspector.badge_number")
    full_name = serializers.CharField(source="inspector.user.full_name")


class DrawnTargetSerializer(serializers.ModelSerializer):
    """Internal (officers, inspectors): includes the stratum, i.e. the credit class at draw time."""

    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    org_unit_name = serializers.CharField(source="enterprise.org_unit.name", read_only=True)
    plan = serializers.IntegerField(source="draw.plan_id", read_only=True)
    inspectors = AssignmentOutSerializer(source="assignments", many=True, read_only=True)

    class Meta:
        model = DrawnTarget
        fields = ["id", "plan", "enterprise", "enterprise_uscc", "enterprise_name", "org_unit_name", "stratum",
                  "position", "item_ids", "inspectors"]


class DrawSerializer(serializers.ModelSerializer):
    plan_name = serializers.CharField(source="plan.name", read_only=True)

    class Meta:
        model = Draw
        fields = ["id", "plan", "plan_name", "seed", "algorithm_version", "snapshot", "snapshot_sha256",
                  "stratum_sizes", "sample_sizes", "item_ratios", "inspectors_per_target", "inspector_snapshot_sha256",
                  "drawn_at", "published_on"]


class InspectionResultSerializer(serializers.ModelSerializer):
    publish_by_provisional = ProvisionalField("publish_by")
    plan = serializers.IntegerField(source="target.draw.plan_id", read_only=True)
    enterprise = serializers.IntegerField(source="target.enterprise_id", read_only=True)
    enterprise_uscc = serializers.CharField(source="target.enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="target.enterprise.name", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = InspectionResult
        fields = ["id", "plan", "target", "enterprise", "enterprise_uscc", "enterprise_name", "item", "item_code",
                  "outcome", "findings", "inspected_on", "publish_by", "publish_by_provisional", "publish_by_provisional_year", "published_on", "is_overdue", "is_case_lead",
                  "case_lead_note", "entered_at"]

    def get_is_overdue(self, result) -> bool:
        return result.is_overdue(self.context["today"])


class InspectionResultInputSerializer(serializers.Serializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all())
    item = serializers.SlugRelatedField(slug_field="code", queryset=InspectionItem.objects.all())
    outcome = serializers.ChoiceField(choices=InspectionOutcome.choices)
    findings = serializers.CharField(required=False, allow_blank=True)
    inspected_on = BoundedDateField()
    is_case_lead = serializers.BooleanField(required=False, default=False)
    case_lead_note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class CaseLeadInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class InspectionPublishInputSerializer(serializers.Serializer):
    published_on = BoundedDateField(required=False)


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checks = serializers.ListField(child=serializers.DictField())


# --- public ------------------------------------------------------------------------------------------------


class PublicInspectionResultSerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="target.enterprise.uscc")
    enterprise_name = serializers.CharField(source="target.enterprise.name")
    org_unit = serializers.CharField(source="target.draw.plan.org_unit.name")
    plan_name = serializers.CharField(source="target.draw.plan.name")
    item_code = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")
    outcome_label = serializers.CharField(source="get_outcome_display")

    class Meta:
        model = InspectionResult
        fields = ["id", "enterprise_uscc", "enterprise_name", "org_unit", "plan_name", "item_code", "item_name",
                  "outcome", "outcome_label", "inspected_on", "published_on"]


class PublicDrawSerializer(serializers.ModelSerializer):
    """A published draw record without its selection (the detail endpoint has it)."""

    plan_name = serializers.CharField(source="plan.name")
    org_unit = serializers.CharField(source="plan.org_unit.name")
    year = serializers.IntegerField(source="plan.year")

    class Meta:
        model = Draw
        fields = ["id", "plan_name", "org_unit", "year", "seed", "algorithm_version", "snapshot_sha256",
                  "stratum_sizes", "sample_sizes", "drawn_at", "published_on"]
