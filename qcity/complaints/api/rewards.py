"""GET /api/rewards/: the rewards for reports (有奖举报) in the caller's scope, read-only, with the reward list's
filters (a bad value is a 400 naming the parameter). No reporter's identity: only the report's number."""

from rest_framework import generics, serializers

from qcity.complaints import selectors
from qcity.complaints.filters import RewardFilter
from qcity.complaints.models import Reward
from qcity.core.permissions import HasRole
from qcity.core.roles import COMPLAINT_HANDLERS


class RewardSerializer(serializers.ModelSerializer):
    tracking_number = serializers.CharField(source="complaint.tracking_number", read_only=True)
    org_unit = serializers.IntegerField(source="complaint.org_unit_id", read_only=True)

    class Meta:
        model = Reward
        fields = ["id", "complaint", "tracking_number", "org_unit", "status", "grade", "fine_amount",
                  "penalty_decision_number", "amount", "proposed_on", "decided_on", "decision_note", "paid_on",
                  "payment_ref", "reporter_notified_at"]
        read_only_fields = fields


class RewardListApi(generics.ListAPIView):
    """Rewards of the reports in the caller's units (the office: all), newest proposal first."""

    permission_classes = [HasRole]
    required_roles = COMPLAINT_HANDLERS
    serializer_class = RewardSerializer
    filterset_class = RewardFilter

    def get_queryset(self):
        return selectors.reward_list(user=self.request.user)
