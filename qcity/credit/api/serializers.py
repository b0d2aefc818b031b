from django.urls import reverse
from rest_framework import serializers

from qcity.core.api.serializers import ProvisionalField
from qcity.core.fields import BoundedDateField, CleanTextField, IdField
from qcity.credit.choices import CreditEventKind, CreditListEntryReason, CreditListKind, CreditRepairKind
from qcity.credit.models import (
    CreditAttachment,
    CreditClassChange,
    CreditClassification,
    CreditEvent,
    CreditListEntry,
    CreditObjection,
    CreditRepair,
    ScoringModel,
)
from qcity.credit.scoring import contributions
from qcity.enterprises.models import Enterprise


class CreditEventSerializer(serializers.ModelSerializer):
    publication_due_on_provisional = ProvisionalField("publication_due_on")
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    is_public = serializers.SerializerMethodField()
    is_publication_overdue = serializers.SerializerMethodField()
    not_published_reason = serializers.CharField(
        read_only=True, help_text="why a recorded item is never published (formed before any publication rule); "
                                  "empty otherwise")

    class Meta:
        model = CreditEvent
        fields = ["id", "enterprise", "enterprise_uscc", "kind", "occurred_on", "source_authority", "summary",
                  "public_summary", "confirmed_names", "decision_number", "source_ref", "minor_penalty", "publication_due_on", "publication_due_on_provisional", "publication_due_on_provisional_year", "published_on", "publication_ends_on",
                  "status", "withdrawn_on", "withdrawal_reason", "not_published_reason", "is_public",
                  "is_publication_overdue"]

    def get_is_public(self, event) -> bool:
        return event.is_public_on(self.context["today"])

    def to_representation(self, event):
        """The enterprise itself reads the public text, masked: the officers' summary and an unchecked draft
        may name a complainant or reporter, whose identity stays confidential (DOMAIN §9)."""
        data = super().to_representation(event)
        if not self.context.get("officer"):
            data["summary"] = data["public_summary"] = event.public_text
            data["confirmed_names"] = []
        return data

    def get_is_publication_overdue(self, event) -> bool:
        return event.is_publication_overdue(self.context["today"])


class CreditEventInputSerializer(serializers.Serializer):
    enterprise = IdField()
    kind = serializers.ChoiceField(choices=CreditEventKind.choices)
    occurred_on = BoundedDateField()
    source_authority = CleanTextField(max_length=100)
    summary = serializers.CharField()
    public_summary = serializers.CharField(required=False, allow_blank=True, default="",
                                           help_text="what the public reads; empty: the summary is the draft. "
                                                     "Checked for personal data when published")
    decision_number = CleanTextField(max_length=100, required=False, allow_blank=True, default="",
                                     help_text="penalty decision number; unique per enterprise")
    source_ref = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    minor_penalty = serializers.BooleanField(required=False, default=False)
    published_on = BoundedDateField(required=False, allow_null=True, default=None)
    confirm_names = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list,
                                          help_text="legal representative's name confirmed for publication")


class CreditPublishInputSerializer(serializers.Serializer):
    published_on = BoundedDateField()


class CreditEventPublishInputSerializer(CreditPublishInputSerializer):
    public_summary = serializers.CharField(required=False, allow_blank=True, default="",
                                           help_text="replaces the public summary before publication")
    confirm_names = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list,
        help_text="names the public summary may show as written: only a penalised enterprise's legal "
                  "representative; ID numbers, phones, cards and e-mail addresses can never be confirmed")


class CreditWithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class CreditListEntrySerializer(serializers.ModelSerializer):
    publication_due_on_provisional = ProvisionalField("publication_due_on")
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = CreditListEntry
        fields = ["id", "enterprise", "enterprise_uscc", "enterprise_name", "list_kind", "reason", "detail",
                  "decided_on", "decision_authority", "decision_number", "penalty_event", "escalated_from",
                  "publication_due_on", "publication_due_on_provisional", "publication_due_on_provisional_year", "published_on", "earliest_repair_on", "ends_on", "status", "removed_on",
                  "removal_reason", "removal_note"]


class CreditListEntryInputSerializer(serializers.Serializer):
    list_kind = serializers.ChoiceField(choices=CreditListKind.choices)
    enterprise = IdField()
    reason = serializers.ChoiceField(choices=CreditListEntryReason.choices, required=False)
    decided_on = BoundedDateField()
    decision_authority = CleanTextField(max_length=100)
    decision_number = CleanTextField(max_length=100, required=False, allow_blank=True, default="")
    detail = serializers.CharField(required=False, allow_blank=True, default="")
    penalty_event = IdField(required=False, allow_null=True, default=None,
                            help_text="serious-violation list: the heavier penalty event")


class CreditListRemoveInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300)


class CreditAttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = CreditAttachment
        fields = ["id", "kind", "original_name", "uploaded_at", "download"]

    def get_download(self, attachment) -> str:
        return reverse("api-credit-attachment-download", args=[attachment.pk])


class CreditRepairSerializer(serializers.ModelSerializer):
    acceptance_due_on_provisional = ProvisionalField("acceptance_due_on")
    decision_due_on_provisional = ProvisionalField("decision_due_on")
    attachments = CreditAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = CreditRepair
        fields = ["id", "enterprise", "kind", "list_entry", "credit_event", "compliance_proof", "commitment_letter",
                  "submitted_on", "acceptance_due_on", "acceptance_due_on_provisional", "acceptance_due_on_provisional_year", "accepted_on", "decision_due_on", "decision_due_on_provisional", "decision_due_on_provisional_year", "decided_on", "status",
                  "decision_note", "attachments"]


# The documents are checked (type by content, size, required) by the service, which names the field.
_DOCUMENT = {"required": False, "allow_null": True, "default": None, "allow_empty_file": True,
             "help_text": "multipart: PDF, JPEG or PNG"}


class CreditRepairInputSerializer(serializers.Serializer):
    """multipart/form-data: both documents are required (proof of compliance, signed commitment letter)."""

    kind = serializers.ChoiceField(choices=CreditRepairKind.choices)
    list_entry = IdField(required=False, allow_null=True, default=None)
    credit_event = IdField(required=False, allow_null=True, default=None)
    compliance_proof = serializers.CharField(allow_blank=True)
    commitment_letter = serializers.CharField(allow_blank=True)
    compliance_proof_file = serializers.FileField(**_DOCUMENT)
    commitment_letter_file = serializers.FileField(**_DOCUMENT)


class CreditRepairAcceptInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CreditRepairDecideInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CreditObjectionSerializer(serializers.ModelSerializer):
    reply_due_on_provisional = ProvisionalField("reply_due_on")
    attachments = CreditAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = CreditObjection
        fields = ["id", "enterprise", "credit_event", "list_entry", "grounds", "evidence", "submitted_on",
                  "reply_due_on", "reply_due_on_provisional", "reply_due_on_provisional_year", "status", "decision_note", "decided_on",
                  "attachments"]


class CreditObjectionInputSerializer(serializers.Serializer):
    credit_event = IdField(required=False, allow_null=True, default=None)
    list_entry = IdField(required=False, allow_null=True, default=None)
    grounds = serializers.CharField(allow_blank=True)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_file = serializers.FileField(**_DOCUMENT)


class CreditObjectionDecideInputSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    note = serializers.CharField(max_length=500, allow_blank=True)


class ScoringModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringModel
        fields = ["version", "parameters", "note", "created_at"]


class ScoringModelInputSerializer(serializers.Serializer):
    parameters = serializers.JSONField()
    note = serializers.CharField(max_length=300)


class CreditContributionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField(allow_null=True)


class CreditClassificationSerializer(serializers.ModelSerializer):
    contributions = serializers.SerializerMethodField()

    class Meta:
        model = CreditClassification
        fields = ["risk_class", "score", "reasons", "contributions", "model_version", "classified_at"]

    def get_contributions(self, row) -> list[dict]:
        return CreditContributionSerializer(contributions(row.reasons, self.context["parameters"]), many=True).data


class CreditClassChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditClassChange
        fields = ["from_class", "to_class", "score", "model_version", "changed_at"]


class CreditFileEnterpriseSerializer(serializers.ModelSerializer):
    risk_class = serializers.CharField(read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name", "org_unit", "status", "risk_class"]


class CreditFileSerializer(serializers.Serializer):
    """An enterprise's credit file. `classification` and `class_history` are null for enterprise users."""

    enterprise = CreditFileEnterpriseSerializer()
    classification = CreditClassificationSerializer(allow_null=True)
    class_history = CreditClassChangeSerializer(many=True, allow_null=True)
    events = CreditEventSerializer(many=True)
    list_entries = CreditListEntrySerializer(many=True)
    repairs = CreditRepairSerializer(many=True)
    objections = CreditObjectionSerializer(many=True)


class ReclassifyOutcomeSerializer(serializers.Serializer):
    enterprises = serializers.IntegerField()
    changed = serializers.IntegerField()
    model_version = serializers.IntegerField()
    seconds = serializers.FloatField()


# Public (no login): published items only, no risk class.

class PublicCreditEventSerializer(serializers.ModelSerializer):
    """The public summary with personal data masked; the internal `summary` is never serialised here."""

    public_summary = serializers.CharField(source="public_text", read_only=True)

    class Meta:
        model = CreditEvent
        fields = ["kind", "occurred_on", "source_authority", "decision_number", "public_summary", "published_on",
                  "publication_ends_on"]


class PublicCreditListEntrySerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")

    class Meta:
        model = CreditListEntry
        fields = ["list_kind", "enterprise_uscc", "enterprise_name", "reason", "decided_on", "decision_authority",
                  "published_on"]


class PublicCreditFileSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()
    legal_representative = serializers.CharField(help_text="masked, e.g. 张*明")  # i18n-ignore: API schema, English
    org_unit = serializers.CharField()
    status = serializers.CharField()
    events = PublicCreditEventSerializer(many=True)
    list_entries = PublicCreditListEntrySerializer(many=True)
