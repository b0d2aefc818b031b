"""Recalls (召回) over the API: the list (RecallFilter) and opening one (POST, idempotent: an open recall of the
lot is answered 200 as it is), one recall with its holders, a holder's next status, closing a recall."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.permissions import HasRole
from qcity.core.roles import MARKET_MANAGERS, MARKET_OFFICERS

from .. import identifiers, selectors
from ..choices import RecallHolderStatus, RecallKind
from ..filters import RecallFilter
from ..forms import lot_find
from ..models import Recall, RecallHolder
from ..services import recalls as services


class RecallHolderSerializer(serializers.ModelSerializer):
    party_gln = serializers.CharField(source="party.gln", read_only=True)
    party_name = serializers.CharField(source="party.name", read_only=True)
    last_location = serializers.SerializerMethodField()
    next_statuses = serializers.SerializerMethodField()

    class Meta:
        model = RecallHolder
        fields = ["id", "party_gln", "party_name", "last_location", "quantity_received", "quantity_held", "uom",
                  "last_seen_at", "status", "status_changed_at", "note", "next_statuses"]

    def get_last_location(self, holder) -> str:
        return holder.last_location.uri if holder.last_location_id else ""

    def get_next_statuses(self, holder) -> list[str]:
        return [value for value, _label in selectors.recall_holder_next_statuses(holder=holder)]


class RecallSerializer(serializers.ModelSerializer):
    gtin = serializers.CharField(source="lot.product.gtin", read_only=True)
    product = serializers.CharField(source="lot.product.name", read_only=True)
    lot_number = serializers.CharField(source="lot.lot_number", read_only=True)
    lot_uri = serializers.CharField(source="lot.uri", read_only=True)
    org_unit = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = Recall
        fields = ["id", "gtin", "product", "lot_number", "lot_uri", "kind", "status", "reason", "org_unit",
                  "opened_at", "closed_at", "published"]


class RecallDetailSerializer(RecallSerializer):
    holders = serializers.SerializerMethodField()

    class Meta(RecallSerializer.Meta):
        fields = [*RecallSerializer.Meta.fields, "holders"]

    @extend_schema(responses=RecallHolderSerializer(many=True))
    def get_holders(self, recall) -> list[dict]:
        holders = list(selectors.recall_holder_list(recall=recall))
        for holder in holders:
            holder.recall = recall
        return RecallHolderSerializer(holders, many=True).data


class RecallInputSerializer(serializers.Serializer):
    gtin = serializers.CharField(max_length=14)
    lot = serializers.CharField(max_length=20)
    kind = serializers.ChoiceField(choices=RecallKind.choices)
    reason = serializers.CharField(max_length=2000)

    def validate_gtin(self, value):
        try:
            return identifiers.gtin_clean(value)
        except identifiers.IdentifierError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class RecallHolderAdvanceInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RecallHolderStatus.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RecallCloseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def _detail(recall, *, user, code=status.HTTP_200_OK) -> Response:
    return Response(RecallDetailSerializer(selectors.recall_get(user=user, pk=recall.pk)).data, status=code)


class RecallListApi(generics.ListAPIView):
    """GET: recalls in the caller's units. POST: open the recall of a lot (market managers); 201 when opened,
    200 with the recall already open for that lot."""

    permission_classes = [HasRole]
    serializer_class = RecallSerializer
    filterset_class = RecallFilter

    @property
    def required_roles(self):
        return MARKET_OFFICERS if self.request.method in ("GET", "HEAD", "OPTIONS") else MARKET_MANAGERS

    def get_queryset(self):
        return selectors.recall_list(user=self.request.user)

    @extend_schema(request=RecallInputSerializer, responses={201: RecallDetailSerializer, 200: RecallDetailSerializer})
    def post(self, request):
        data = RecallInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lot = lot_find(values["gtin"], values["lot"])
        if lot is None:
            raise ValidationError({"lot": [_("该产品没有登记这个批号")]})
        recall, created = services.recall_open_or_get(lot=lot, kind=values["kind"], reason=values["reason"],
                                                      by=request.user)
        return _detail(recall, user=request.user, code=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class RecallDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = RecallDetailSerializer

    def get_object(self):
        return selectors.recall_get(user=self.request.user, pk=self.kwargs["pk"])


class RecallCloseApi(APIView):
    """Close the recall: every holder returned or destroyed, or a `reason` for closing earlier."""

    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS

    @extend_schema(request=RecallCloseInputSerializer, responses=RecallDetailSerializer)
    def post(self, request, pk):
        recall = selectors.recall_get(user=request.user, pk=pk)
        data = RecallCloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recall = services.recall_close(recall=recall, by=request.user, reason=data.validated_data["reason"])
        return _detail(recall, user=request.user)


class RecallHolderAdvanceApi(APIView):
    """Move a holder to its next status (pending → notified → confirmed → returned | destroyed)."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(request=RecallHolderAdvanceInputSerializer, responses=RecallHolderSerializer)
    def post(self, request, pk):
        holder = selectors.recall_holder_get(user=request.user, pk=pk)
        data = RecallHolderAdvanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        holder = services.recall_holder_advance(holder=holder, by=request.user, **data.validated_data)
        return Response(RecallHolderSerializer(holder).data)


urlpatterns = [
    path("recalls/", RecallListApi.as_view(), name="api-recalls"),
    path("recalls/<int:pk>/", RecallDetailApi.as_view(), name="api-recall-detail"),
    path("recalls/<int:pk>/close/", RecallCloseApi.as_view(), name="api-recall-close"),
    path("recall-holders/<int:pk>/advance/", RecallHolderAdvanceApi.as_view(), name="api-recall-holder-advance"),
]
