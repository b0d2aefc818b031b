"""Read shapes of complaints for the API. The person is masked in the list always and in the detail outside
the handling scope (`selectors.person_shown`), as on the pages; the evidence files are listed to the handling
scope only."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qcity.complaints import selectors
from qcity.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from qcity.core.api.serializers import ProvisionalField


class PersonSerializer(serializers.Serializer):
    """The complainant or reporter as the caller may see them; all empty for an anonymous report."""

    name = serializers.CharField()
    phone = serializers.CharField()
    id_number = serializers.CharField()
    address = serializers.CharField()


class ComplaintSerializer(serializers.ModelSerializer):
    """A list row: the person always masked."""

    person = serializers.SerializerMethodField()
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True, allow_null=True, default=None)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    problem_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handler = serializers.SerializerMethodField()
    current_deadline = serializers.DateField(read_only=True, allow_null=True,
                                             help_text="the deadline the complaint works against now")
    current_deadline_field = serializers.CharField(read_only=True, allow_null=True,
                                                   help_text="which deadline it is (e.g. acceptance_deadline)")
    current_deadline_provisional = ProvisionalField("current_deadline")
    current_deadline_provisional_year = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Complaint
        fields = ["id", "tracking_number", "kind", "channel", "status", "received_on", "subject", "respondent",
                  "respondent_name", "respondent_uscc", "anonymous", "person", "org_unit", "org_unit_name", "handler",
                  "category", "problem_type", "classification_confirmed", "current_deadline", "current_deadline_field",
                  "current_deadline_provisional", "current_deadline_provisional_year", "accepted_on", "closed_on",
                  "closed_late"]

    @extend_schema_field(PersonSerializer)
    def get_person(self, complaint) -> dict:
        return selectors.person_masked(complaint)

    def get_handler(self, complaint) -> str | None:
        """The handling officer's username, for the handling scope (an enterprise is not told who)."""
        user = self.context["request"].user
        return complaint.handler.username if complaint.handler and selectors.is_handler(user) else None


class ComplaintEventSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()
    from_unit_name = serializers.CharField(source="from_unit.name", read_only=True, allow_null=True, default=None)
    to_unit_name = serializers.CharField(source="to_unit.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ComplaintEvent
        fields = ["id", "complaint", "kind", "at", "by", "from_unit", "from_unit_name", "to_unit", "to_unit_name",
                  "note", "public"]

    def get_by(self, event) -> str | None:
        """The officer's name, for the handling scope; an enterprise sees what was done, not by whom."""
        user = self.context["request"].user
        return event.by.display_name if event.by and selectors.is_handler(user) else None


class ComplaintAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplaintAttachment
        fields = ["id", "original_name", "size", "uploaded_at"]


class ComplaintDetailSerializer(ComplaintSerializer):
    """One complaint: the person per the caller's scope, every deadline, the history, the evidence files."""

    suggested_category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    suggested_problem_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    settlement_deadline_provisional = ProvisionalField("settlement_deadline")
    acceptance_deadline_provisional = ProvisionalField("acceptance_deadline")
    mediation_deadline_provisional = ProvisionalField("mediation_deadline")
    clue_verification_deadline_provisional = ProvisionalField("clue_verification_deadline")
    reporter_notice_deadline_provisional = ProvisionalField("reporter_notice_deadline")
    events = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    escalated_at = serializers.DateTimeField(source="escalation.escalated_at", read_only=True, allow_null=True,
                                             default=None)

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "source_ref", "split_from", "received_at", "reporter_channel",
                  "respondent_address", "platform", "platform_name", "facts", "request", "product", "amount",
                  "harm_known_on", "suggested_category", "suggested_problem_type", "routing_method", "routing_note",
                  "settlement_started_on", "settlement_deadline", "settlement_deadline_provisional",
                  "settlement_answer", "settlement_note", "acceptance_clock_from", "acceptance_deadline",
                  "acceptance_deadline_provisional", "decline_ground", "decision_note", "mediation_deadline",
                  "mediation_deadline_provisional", "mediation_mode", "suspended_since", "suspension_reason",
                  "suspended_working_days", "extended_working_days", "extension_reason", "clue_found_on",
                  "clue_verified_on", "clue_verification_deadline", "clue_verification_deadline_provisional",
                  "tip_decision", "tip_decided_on", "case_number", "reporter_notice_deadline",
                  "reporter_notice_deadline_provisional", "reporter_notified_on", "outcome", "remedy",
                  "amount_recovered", "termination_ground", "substantiated", "escalated_at", "satisfaction",
                  "events", "attachments"]

    @extend_schema_field(PersonSerializer)
    def get_person(self, complaint) -> dict:
        return selectors.person_shown(user=self.context["request"].user, complaint=complaint)

    def to_representation(self, complaint):
        """Outside the handling scope (the respondent): no internal notes or investigation steps, and the
        complainant's text masked."""
        data = super().to_representation(complaint)
        user = self.context["request"].user
        if not selectors.personal_data_visible(user=user, complaint=complaint):
            for field in selectors.INTERNAL_FIELDS:
                data.pop(field, None)
            for field in ("facts", "request"):
                data[field] = selectors.text_shown(user=user, complaint=complaint, text=data[field])
        return data

    @extend_schema_field(ComplaintEventSerializer(many=True))
    def get_events(self, complaint) -> list[dict]:
        events = selectors.complaint_event_list(user=self.context["request"].user, complaint=complaint)
        return ComplaintEventSerializer(events, many=True, context=self.context).data

    @extend_schema_field(ComplaintAttachmentSerializer(many=True))
    def get_attachments(self, complaint) -> list[dict]:
        if not selectors.personal_data_visible(user=self.context["request"].user, complaint=complaint):
            return []
        return ComplaintAttachmentSerializer(complaint.attachments.all(), many=True).data
