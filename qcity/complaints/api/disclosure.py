"""GET /api/public/complaint-disclosures/<uscc>/: an enterprise's public complaint figures (no login; the
same figures as the public page, see `qcity.complaints.disclosure`)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.filters import query_parameters
from qcity.enterprises.models import Enterprise

from ..disclosure import complaint_disclosure, disclosure_enterprise_get
from ..filters import ComplaintDisclosureFilter


class ComplaintDisclosureRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class ComplaintDisclosureSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    enterprise_name = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    received = serializers.IntegerField()
    finished = serializers.IntegerField()
    outcomes = ComplaintDisclosureRowSerializer(many=True)
    categories = ComplaintDisclosureRowSerializer(many=True)
    problem_types = ComplaintDisclosureRowSerializer(many=True)
    months = ComplaintDisclosureRowSerializer(many=True)
    direct_settlement_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class PublicComplaintDisclosureApi(APIView):
    """Complaints only (never reports), counts and reference labels only: no person, no free text."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    is_public = True

    @extend_schema(responses=ComplaintDisclosureSerializer, operation_id="public_complaint_disclosure_retrieve",
                   parameters=[OpenApiParameter("year", int, description="a calendar year; absent: the last 12 months")])  # i18n-ignore: API schema, English
    def get(self, request, uscc):
        year = query_parameters(ComplaintDisclosureFilter, request.query_params,
                                queryset=Enterprise.objects.none()).get("year")
        enterprise = disclosure_enterprise_get(uscc)
        disclosure = complaint_disclosure(enterprise=enterprise, today=timezone.localdate(), year=year)
        return Response(ComplaintDisclosureSerializer(disclosure).data)
