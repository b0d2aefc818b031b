"""GET /api/traces/?gtin=&lot= (or ?epc=): the computed trace of a lot or identifier, backward to its origins and
forward to its holders (`trace.tracing`), with the master data's names. Market officers only."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.permissions import HasRole
from qcity.core.roles import MARKET_OFFICERS

from .. import selectors
from ..forms import TraceForm


class TraceStepSerializer(serializers.Serializer):
    event_id = serializers.IntegerField()
    event_time = serializers.DateTimeField()
    event_type = serializers.CharField()
    action = serializers.CharField()
    biz_step = serializers.CharField()
    epc = serializers.CharField()
    role = serializers.CharField()
    biz_location = serializers.CharField()
    source_party = serializers.CharField()
    destination_party = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, allow_null=True)
    uom = serializers.CharField()


class TraceHolderSerializer(serializers.Serializer):
    party = serializers.CharField()
    quantity_received = serializers.DecimalField(max_digits=18, decimal_places=3)
    quantity_shipped = serializers.DecimalField(max_digits=18, decimal_places=3)
    quantity_held = serializers.DecimalField(max_digits=18, decimal_places=3)
    uom = serializers.CharField()
    last_location = serializers.CharField()
    last_seen_at = serializers.DateTimeField(allow_null=True)


class TraceSerializer(serializers.Serializer):
    root = serializers.CharField()
    identifiers = serializers.ListField(child=serializers.CharField())
    backward = TraceStepSerializer(many=True)
    forward = TraceStepSerializer(many=True)
    origins = serializers.ListField(child=serializers.CharField())
    suppliers = serializers.ListField(child=serializers.CharField())
    holders = TraceHolderSerializer(many=True)
    truncated = serializers.BooleanField()
    names = serializers.DictField(child=serializers.CharField(), help_text="URI -> name in the master data")


class TraceApi(APIView):
    """The trace of `epc`, or of the lot `gtin` + `lot` (a wrong GTIN check digit is a 400 naming `gtin`)."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(parameters=[OpenApiParameter("gtin", str), OpenApiParameter("lot", str),
                               OpenApiParameter("epc", str, description="EPC URN or GS1 Digital Link")],
                   responses=TraceSerializer)
    def get(self, request):
        form = TraceForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({name if name != "__all__" else "epc": errors
                                   for name, errors in form.errors.items()})
        view = selectors.trace_view(epc=form.cleaned_data["root"])
        result = view.trace
        data = {"root": result.root, "identifiers": result.identifiers, "backward": result.backward,
                "forward": result.forward, "origins": result.origins, "suppliers": result.suppliers,
                "holders": result.holders, "truncated": result.truncated, "names": view.names}
        return Response(TraceSerializer(data).data)


urlpatterns = [
    path("traces/", TraceApi.as_view(), name="api-traces"),
]
