from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qcity.core.api.serializers import ProvisionalField
from qcity.core.fields import (
    BoundedDateField,
    BoundedDecimalField,
    BoundedIntegerField,
    CleanTextField,
    IdField,
)
from qcity.core.models import User
from qcity.core.uploads import UploadValidator
from qcity.enterprises.models import Enterprise
from qcity.sampling import selectors
from qcity.sampling.choices import PassRateGroup, SamplingConclusion, SamplingPlace, SamplingPlanLevel
from qcity.sampling.models import (
    Followup,
    ProductCategory,
    Sample,
    SamplingObjection,
    SamplingObjectionEvidence,
    SamplingPlan,
    TestItemResult,
)
from qcity.sampling.services.retests import EVIDENCE_TYPES


class ProductCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ["id", "code", "name", "kind"]


class SamplingPlanSerializer(serializers.ModelSerializer):
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    sample_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SamplingPlan
        fields = ["id", "title", "level", "org_unit", "org_unit_name", "period_start", "period_end", "categories",
                  "planned_batches", "sample_count", "created_at"]


class SamplingPlanInputSerializer(serializers.Serializer):
    title = CleanTextField(max_length=200)
    level = serializers.ChoiceField(choices=SamplingPlanLevel.choices)
    org_unit = IdField(help_text="org unit id; the caller must cover it")
    period_start = BoundedDateField()
    period_end = BoundedDateField()
    categories = serializers.SlugRelatedField(slug_field="code", many=True, queryset=ProductCategory.objects.all())
    planned_batches = BoundedIntegerField(min_value=1)


class TestItemResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = TestItemResult
        fields = ["id", "item_name", "standard", "limit_min", "limit_max", "limit_text", "measured_value",
                  "measured_text", "unit", "conforming"]


class SamplingObjectionEvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = SamplingObjectionEvidence
        fields = ["id", "original_name", "uploaded_at", "download_url"]

    def get_download_url(self, evidence) -> str:
        return reverse("api-sampling-objection-evidence-download", args=[evidence.pk])


class SamplingObjectionSerializer(serializers.ModelSerializer):
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = SamplingObjection
        fields = ["applied_on", "applicant", "reason", "retested_on", "retest_agency", "retest_report_number",
                  "retest_conclusion", "outcome", "evidence"]

    @extend_schema_field(SamplingObjectionEvidenceSerializer(many=True))
    def get_evidence(self, objection) -> list[dict]:
        """Only the files the caller may download (an enterprise user: its own enterprise's)."""
        files = selectors.objection_evidence_list(user=self.context["request"].user, sample=objection.sample)
        return SamplingObjectionEvidenceSerializer(files, many=True).data


class ServiceProofSerializer(serializers.Serializer):
    """Proof of service per recipient account: message-centre delivery, SMS sending, reading."""

    recipient = serializers.CharField()
    delivered_at = serializers.DateTimeField()
    sms_status = serializers.CharField()
    sms_sent_at = serializers.DateTimeField(allow_null=True)
    read_at = serializers.DateTimeField(allow_null=True)


class FollowupSerializer(serializers.ModelSerializer):
    sample_number = serializers.CharField(source="sample.number", read_only=True)
    enterprise_name = serializers.CharField(source="sample.enterprise.name", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Followup
        fields = ["id", "sample", "sample_number", "enterprise_name", "status", "ordered_on", "rectification_deadline",
                  "is_overdue", "report_received_on", "report_text", "reinspected_on", "reinspection_conforming",
                  "reinspection_note", "announced_on", "transferred_on", "transferred_to", "case_number"]

    def get_is_overdue(self, followup) -> bool:
        return followup.is_overdue(self.context["today"])


class SampleSerializer(serializers.ModelSerializer):
    retest_deadline_provisional = ProvisionalField("retest_deadline")
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    producer_name = serializers.CharField(read_only=True)

    class Meta:
        model = Sample
        fields = ["id", "number", "plan", "plan_title", "category", "category_name", "enterprise", "enterprise_uscc",
                  "enterprise_name", "org_unit", "producer_name", "product_name", "brand", "specification",
                  "batch_number", "production_date", "sampling_date", "sampling_place", "quantity", "backup_quantity",
                  "quantity_unit", "backup_sealed", "status", "test_agency", "test_report_number",
                  "initial_conclusion", "conclusion", "concluded_on", "served_on", "retest_deadline", "retest_deadline_provisional", "retest_deadline_provisional_year", "published_on"]


class SampleDetailSerializer(SampleSerializer):
    items = TestItemResultSerializer(many=True, read_only=True)
    samplers = serializers.SerializerMethodField()
    objection = serializers.SerializerMethodField()
    followup = serializers.SerializerMethodField()
    service_proof = serializers.SerializerMethodField()

    class Meta(SampleSerializer.Meta):
        fields = [*SampleSerializer.Meta.fields, "samplers", "items", "objection", "followup", "service_proof"]

    @extend_schema_field(ServiceProofSerializer(many=True))
    def get_service_proof(self, sample) -> list[dict]:
        user = self.context["request"].user
        rows = selectors.sample_service_proof(sample=sample, user=user) if sample.served_on else []
        return ServiceProofSerializer(rows, many=True).data

    def get_samplers(self, sample) -> list[str]:
        return [u.username for u in sample.samplers.all()]

    def get_objection(self, sample) -> dict | None:
        objection = getattr(sample, "objection", None)
        return SamplingObjectionSerializer(objection, context=self.context).data if objection else None

    def get_followup(self, sample) -> dict | None:
        followup = getattr(sample, "followup", None)
        return FollowupSerializer(followup, context=self.context).data if followup else None


class SampleInputSerializer(serializers.Serializer):
    """Input shape only; the sampling rules (samplers, plan scope, duplicates, no fee) are the service's."""

    number = CleanTextField(max_length=40, required=False, allow_blank=True)
    plan = IdField()
    category = serializers.SlugRelatedField(slug_field="code", queryset=ProductCategory.objects.all())
    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all(),
                                              help_text="the sampled party's unified social credit code")
    manufacturer = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all(), required=False,
                                                allow_null=True)
    manufacturer_name = CleanTextField(max_length=200, required=False, allow_blank=True)
    product_name = CleanTextField(max_length=200)
    brand = CleanTextField(max_length=100, required=False, allow_blank=True)
    specification = CleanTextField(max_length=100, required=False, allow_blank=True)
    batch_number = CleanTextField(max_length=100)
    production_date = BoundedDateField(required=False, allow_null=True)
    sampling_date = BoundedDateField()
    sampling_place = serializers.ChoiceField(choices=SamplingPlace.choices)
    samplers = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all(), many=True)
    quantity = BoundedIntegerField(min_value=1)
    backup_quantity = BoundedIntegerField(min_value=0)
    quantity_unit = CleanTextField(max_length=20, required=False)
    backup_sealed = serializers.BooleanField(required=False, default=True)
    fee_charged = serializers.BooleanField(required=False, default=False)


class TestItemInputSerializer(serializers.Serializer):
    item_name = CleanTextField(max_length=200)
    standard = CleanTextField(max_length=200, required=False, allow_blank=True)
    limit_min = BoundedDecimalField(max_digits=16, decimal_places=6, required=False, allow_null=True)
    limit_max = BoundedDecimalField(max_digits=16, decimal_places=6, required=False, allow_null=True)
    limit_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    measured_value = BoundedDecimalField(max_digits=16, decimal_places=6, required=False, allow_null=True)
    measured_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    unit = CleanTextField(max_length=30, required=False, allow_blank=True)
    conforming = serializers.BooleanField(required=False, allow_null=True, default=None)


class TestResultsInputSerializer(serializers.Serializer):
    sample = IdField()
    items = TestItemInputSerializer(many=True, allow_empty=False)


class ConcludeInputSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=SamplingConclusion.choices,
                                         help_text="must equal the conclusion the items give (the confirm step)")
    test_report_number = CleanTextField(max_length=60)
    test_agency = CleanTextField(max_length=200, required=False, allow_blank=True)
    concluded_on = BoundedDateField(required=False)


class ServeInputSerializer(serializers.Serializer):
    served_on = BoundedDateField()


class SamplingObjectionInputSerializer(serializers.Serializer):
    applied_on = BoundedDateField()
    reason = serializers.CharField()
    applicant = CleanTextField(max_length=200, required=False, allow_blank=True)
    evidence = serializers.ListField(child=serializers.FileField(validators=[UploadValidator(EVIDENCE_TYPES)]),
                                     required=False, max_length=10,
                                     help_text="PDF/JPEG/PNG files, multipart/form-data")


class RetestInputSerializer(serializers.Serializer):
    retest_conclusion = serializers.ChoiceField(choices=SamplingConclusion.choices)
    retest_report_number = CleanTextField(max_length=60)
    retest_agency = CleanTextField(max_length=200, required=False, allow_blank=True)
    retested_on = BoundedDateField()


class PublishInputSerializer(serializers.Serializer):
    published_on = BoundedDateField(required=False)


class FollowupOrderInputSerializer(serializers.Serializer):
    ordered_on = BoundedDateField()
    rectification_deadline = BoundedDateField()


class FollowupReportInputSerializer(serializers.Serializer):
    received_on = BoundedDateField()
    text = serializers.CharField()


class FollowupReinspectInputSerializer(serializers.Serializer):
    reinspected_on = BoundedDateField()
    conforming = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class FollowupAnnounceInputSerializer(serializers.Serializer):
    announced_on = BoundedDateField()


class FollowupTransferInputSerializer(serializers.Serializer):
    transferred_on = BoundedDateField()
    transferred_to = CleanTextField(max_length=200)
    case_number = CleanTextField(max_length=60, required=False, allow_blank=True)


class PassRateQuerySerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=PassRateGroup.choices, required=False, default=PassRateGroup.CATEGORY)
    date_from = BoundedDateField(required=False)
    date_to = BoundedDateField(required=False)


class PassRateSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    pass_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    failure_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class PublicTestItemResultSerializer(serializers.ModelSerializer):
    limit = serializers.CharField(source="limit_display")
    measured = serializers.CharField(source="measured_display")

    class Meta:
        model = TestItemResult
        fields = ["item_name", "standard", "limit", "measured", "unit", "conforming"]


class PublicSampleSerializer(serializers.ModelSerializer):
    """Published results only; no samplers, no internal workflow data."""

    enterprise_name = serializers.CharField(source="enterprise.name")
    enterprise_uscc = serializers.CharField(source="enterprise.uscc")
    producer_name = serializers.CharField()
    category_name = serializers.CharField(source="category.name")
    failed_items = serializers.SerializerMethodField()

    class Meta:
        model = Sample
        fields = ["id", "number", "enterprise_name", "enterprise_uscc", "producer_name", "product_name", "brand",
                  "specification", "batch_number", "production_date", "sampling_date", "category_name",
                  "conclusion", "test_agency", "published_on", "failed_items"]

    def get_failed_items(self, sample) -> list[dict]:
        if sample.conclusion != SamplingConclusion.FAIL:
            return []
        return PublicTestItemResultSerializer([i for i in sample.items.all() if not i.conforming], many=True).data
