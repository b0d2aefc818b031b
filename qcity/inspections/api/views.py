"""The inspections API: the same selectors, services and roles as the pages."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.downloads import attachment_response
from qcity.core.permissions import HasRole
from qcity.core.roles import (
    MARKET_MANAGERS,
    MARKET_MANAGERS_AND_AUDITOR,
    MARKET_OFFICERS,
    MARKET_OFFICERS_AND_AUDITOR,
)
from qcity.inspections import selectors, services
from qcity.inspections.draw import canonical_bytes
from qcity.inspections.filters import (
    DrawnTargetFilter,
    InspectionItemFilter,
    InspectionPlanFilter,
    InspectionResultFilter,
    MyAssignmentFilter,
    PublicResultFilter,
)
from qcity.inspections.models import (
    DrawnTarget,
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    InspectorConflict,
    PoolSnapshot,
)
from qcity.inspections.records import draw_record, draw_verify

from . import serializers as s


class _ReadViewersWriteManagers:
    permission_classes = [HasRole]
    read_roles = MARKET_OFFICERS

    @property
    def required_roles(self):
        return self.read_roles if self.request.method in ("GET", "HEAD", "OPTIONS") else MARKET_MANAGERS


def _today_context(view):
    return {**generics.GenericAPIView.get_serializer_context(view), "today": timezone.localdate()}


# --- items ------------------------------------------------------------------------------------------------


class InspectionItemListApi(_ReadViewersWriteManagers, generics.ListAPIView):
    """The inspection item list (抽查事项清单); POST adds an item (officers of its unit). Filters: q (code or
    name), published (the page's filter)."""

    serializer_class = s.InspectionItemSerializer
    filterset_class = InspectionItemFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectionItem.objects.none()
        return selectors.item_list(user=self.request.user)

    @extend_schema(request=s.InspectionItemInputSerializer, responses={201: s.InspectionItemSerializer})
    def post(self, request):
        data = s.InspectionItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_create(by=request.user, **data.validated_data)
        return Response(s.InspectionItemSerializer(item).data, status=status.HTTP_201_CREATED)


class InspectionItemDetailApi(_ReadViewersWriteManagers, generics.RetrieveAPIView):
    serializer_class = s.InspectionItemSerializer

    def get_object(self):
        return selectors.item_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=s.InspectionItemUpdateSerializer, responses=s.InspectionItemSerializer)
    def patch(self, request, pk):
        data = s.InspectionItemUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_update(item=self.get_object(), by=request.user, **data.validated_data)
        return Response(s.InspectionItemSerializer(item).data)


class InspectionItemPublishApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS

    @extend_schema(request=None, responses=s.InspectionItemSerializer)
    def post(self, request, pk):
        item = services.item_publish(item=selectors.item_get(user=request.user, pk=pk), by=request.user)
        return Response(s.InspectionItemSerializer(item).data)


# --- inspectors and conflicts --------------------------------------------------------------------------------


class InspectorListApi(_ReadViewersWriteManagers, generics.ListAPIView):
    """The inspector directory (执法检查人员名录库) of the caller's units."""

    read_roles = MARKET_MANAGERS
    serializer_class = s.InspectorSerializer

    def get_queryset(self):
        return selectors.inspector_list(user=self.request.user)

    @extend_schema(request=s.InspectorInputSerializer, responses={201: s.InspectorSerializer})
    def post(self, request):
        data = s.InspectorInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inspector = services.inspector_create(by=request.user, **data.validated_data)
        return Response(s.InspectorSerializer(selectors.inspector_list().get(pk=inspector.pk)).data,
                        status=status.HTTP_201_CREATED)


class InspectorDetailApi(_ReadViewersWriteManagers, generics.RetrieveAPIView):
    read_roles = MARKET_MANAGERS
    serializer_class = s.InspectorSerializer

    def get_object(self):
        return selectors.inspector_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=s.InspectorUpdateSerializer, responses=s.InspectorSerializer)
    def patch(self, request, pk):
        data = s.InspectorUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspector_update(inspector=self.get_object(), by=request.user, **data.validated_data)
        return Response(s.InspectorSerializer(self.get_object()).data)


class InspectorConflictListApi(generics.ListAPIView):
    """Declared conflicts (回避); POST declares one: the inspector themself or an officer of their unit."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = s.InspectorConflictSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectorConflict.objects.none()
        queryset = selectors.conflict_list(user=self.request.user)
        own = selectors.conflict_list().filter(inspector__user=self.request.user)
        return (queryset | own).distinct()

    @extend_schema(request=s.InspectorConflictInputSerializer, responses={201: s.InspectorConflictSerializer})
    def post(self, request):
        data = s.InspectorConflictInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        inspector = (selectors.inspector_list(user=request.user).filter(pk=values["inspector"]).first()
                     or selectors.inspector_list().filter(pk=values["inspector"], user=request.user).first())
        if inspector is None:
            raise ValidationError({"inspector": [_("执法检查人员不存在")]})
        conflict = services.conflict_declare(inspector=inspector, enterprise=values["enterprise"],
                                             reason=values["reason"], by=request.user)
        return Response(s.InspectorConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)


class InspectorConflictDetailApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        conflict = get_object_or_404(selectors.conflict_list(user=request.user), pk=pk)
        services.conflict_withdraw(conflict=conflict, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- pools --------------------------------------------------------------------------------------------------


class TargetPoolListApi(_ReadViewersWriteManagers, generics.ListAPIView):
    """Target pools (检查对象名录库) built from the enterprise registry by filters."""

    read_roles = MARKET_MANAGERS
    serializer_class = s.TargetPoolSerializer

    def get_queryset(self):
        return selectors.pool_list(user=self.request.user)

    @extend_schema(request=s.TargetPoolInputSerializer, responses={201: s.TargetPoolSerializer})
    def post(self, request):
        data = s.TargetPoolInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pool = services.pool_create(by=request.user, **data.validated_data)
        return Response(s.TargetPoolSerializer(pool).data, status=status.HTTP_201_CREATED)


class TargetPoolDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS
    serializer_class = s.TargetPoolSerializer

    def get_object(self):
        return selectors.pool_get(user=self.request.user, pk=self.kwargs["pk"])


class TargetPoolBuildApi(APIView):
    """Freeze the pool's members and their credit classes into a new snapshot (what draws use)."""

    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS

    @extend_schema(request=None, responses={201: s.PoolSnapshotSerializer})
    def post(self, request, pk):
        snapshot = services.pool_snapshot_build(pool=selectors.pool_get(user=request.user, pk=pk), by=request.user)
        return Response(s.PoolSnapshotSerializer(snapshot).data, status=status.HTTP_201_CREATED)


class PoolSnapshotDownloadApi(APIView):
    """The canonical snapshot file (qcity-pool/1). It reveals credit risk classes (internal, DOMAIN §3):
    officers of the pool's unit and the audit administrator only."""

    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS_AND_AUDITOR

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        queryset = access.scope_filter(PoolSnapshot.objects.all(), user=request.user,
                                       roles=MARKET_MANAGERS_AND_AUDITOR, field="pool__org_unit")
        snapshot = get_object_or_404(queryset, pk=pk)
        return attachment_response(canonical_bytes(bytes(snapshot.data)), f"pool-snapshot-{snapshot.sha256[:16]}.bin")


# --- plans and draws ------------------------------------------------------------------------------------------


class InspectionPlanListApi(_ReadViewersWriteManagers, generics.ListAPIView):
    """Inspection plans in the caller's units; POST creates one (officers). Filters: year, status, org_unit
    (the page's filter)."""

    serializer_class = s.InspectionPlanSerializer
    filterset_class = InspectionPlanFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectionPlan.objects.none()
        return selectors.inspection_plan_list(user=self.request.user)

    @extend_schema(request=s.InspectionPlanInputSerializer, responses={201: s.InspectionPlanSerializer})
    def post(self, request):
        data = s.InspectionPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        pool = selectors.pool_list(user=request.user).filter(pk=values.pop("pool")).first()
        if pool is None:
            raise ValidationError({"pool": [_("名录库不存在")]})
        items = [(row["item"], row["ratio"]) for row in values.pop("items")]
        plan = services.inspection_plan_create(by=request.user, pool=pool, items=items, **values)
        return Response(s.InspectionPlanSerializer(selectors.inspection_plan_list().get(pk=plan.pk)).data,
                        status=status.HTTP_201_CREATED)


class InspectionPlanDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = s.InspectionPlanSerializer

    def get_object(self):
        return selectors.inspection_plan_get(user=self.request.user, pk=self.kwargs["pk"])


class InspectionPlanDrawApi(APIView):
    """Draw the plan's targets, items and inspectors (once; a concurrent second draw gets 400)."""

    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS

    @extend_schema(request=None, responses={201: s.DrawSerializer})
    def post(self, request, pk):
        draw = services.draw_run(plan=selectors.inspection_plan_get(user=request.user, pk=pk), by=request.user)
        return Response(s.DrawSerializer(draw).data, status=status.HTTP_201_CREATED)


class InspectionPlanTargetsApi(generics.ListAPIView):
    """The plan's drawn targets with their inspectors (an inspector sees the ones assigned to them). Filters:
    q (an enterprise's name or credit code), org_unit (the page's filter)."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = s.DrawnTargetSerializer
    filterset_class = DrawnTargetFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DrawnTarget.objects.none()
        plan = selectors.inspection_plan_get(user=self.request.user, pk=self.kwargs["pk"])  # 404 as on the page
        return selectors.target_list(user=self.request.user).filter(draw__plan=plan)


class InspectionPlanResultsApi(generics.ListAPIView):
    """The plan's results; POST enters one for a drawn enterprise (by credit code) and item (by code)."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = s.InspectionResultSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectionResult.objects.none()
        return selectors.result_list(user=self.request.user).filter(target__draw__plan_id=self.kwargs.get("pk"))

    def get_serializer_context(self):
        return _today_context(self)

    @extend_schema(request=s.InspectionResultInputSerializer, responses={201: s.InspectionResultSerializer})
    def post(self, request, pk):
        plan = selectors.inspection_plan_get(user=request.user, pk=pk) if selectors.inspection_plan_list(user=request.user).filter(
            pk=pk).exists() else _assigned_plan(request.user, pk)
        data = s.InspectionResultInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.result_enter(plan=plan, by=request.user, **data.validated_data)
        return Response(s.InspectionResultSerializer(result, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


def _assigned_plan(user, pk):
    """An inspector of another unit drawn for a target of this plan may still enter its results."""
    target = selectors.target_list(user=user).filter(draw__plan_id=pk).select_related("draw__plan").first()
    if target is None:
        raise Http404
    return target.draw.plan


class InspectionPlanPublishResultsApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS

    @extend_schema(request=s.InspectionPublishInputSerializer,
                   responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        data = s.InspectionPublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.plan_results_publish(plan=selectors.inspection_plan_get(user=request.user, pk=pk), by=request.user,
                                              on=data.validated_data.get("published_on"))
        return Response({"published": count})


class DrawDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = s.DrawSerializer

    def get_object(self):
        return selectors.draw_get(user=self.request.user, pk=self.kwargs["pk"])


class DrawRecordApi(APIView):
    """The full draw record (draw order per stratum, inspector snapshot with declared conflicts):
    officers in scope and the audit administrator; `?public=1` gives the public form."""

    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS_AND_AUDITOR

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        draw = selectors.draw_get(user=request.user, pk=pk, roles=MARKET_MANAGERS_AND_AUDITOR)
        return Response(draw_record(draw, full=request.query_params.get("public") != "1"))


class DrawVerifyApi(APIView):
    """Re-run the draw from its stored record and snapshot and compare (the record's own check)."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_AUDITOR

    @extend_schema(responses=s.VerificationSerializer)
    def get(self, request, pk):
        draw = selectors.draw_get(user=request.user, pk=pk, roles=self.required_roles)
        return Response(draw_verify(draw).as_dict())


class DrawPublishApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS

    @extend_schema(request=s.InspectionPublishInputSerializer, responses=s.DrawSerializer)
    def post(self, request, pk):
        data = s.InspectionPublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draw = services.draw_publish(draw=selectors.draw_get(user=request.user, pk=pk), by=request.user,
                                     on=data.validated_data.get("published_on"))
        return Response(s.DrawSerializer(draw).data)


# --- results ------------------------------------------------------------------------------------------------


class InspectionResultListApi(generics.ListAPIView):
    """Results in scope. Filters: plan, outcome, published=yes|no, overdue=yes|no, case_lead=yes|no."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = s.InspectionResultSerializer
    filterset_class = InspectionResultFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectionResult.objects.none()
        return selectors.result_list(user=self.request.user)

    def get_serializer_context(self):
        return _today_context(self)


class _ResultAction(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS

    def get_result(self, pk):
        return get_object_or_404(selectors.result_list(user=self.request.user), pk=pk)


class InspectionResultPublishApi(_ResultAction):
    @extend_schema(request=s.InspectionPublishInputSerializer, responses=s.InspectionResultSerializer)
    def post(self, request, pk):
        data = s.InspectionPublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.result_publish(result=self.get_result(pk), by=request.user,
                                         on=data.validated_data.get("published_on"))
        return Response(s.InspectionResultSerializer(result, context={"today": timezone.localdate()}).data)


class InspectionResultCaseLeadApi(_ResultAction):
    @extend_schema(request=s.CaseLeadInputSerializer, responses=s.InspectionResultSerializer)
    def post(self, request, pk):
        data = s.CaseLeadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.result_mark_case_lead(result=self.get_result(pk), by=request.user,
                                                note=data.validated_data.get("note", ""))
        return Response(s.InspectionResultSerializer(result, context={"today": timezone.localdate()}).data)


class MyAssignmentsApi(generics.ListAPIView):
    """The targets the calling inspector was drawn for. Filters: plan, status=open|done (the page's filter)."""

    permission_classes = [HasRole]
    required_roles = (Role.INSPECTOR,)
    serializer_class = s.DrawnTargetSerializer
    filterset_class = MyAssignmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DrawnTarget.objects.none()
        return selectors.my_assignments(user=self.request.user)


# --- public (no login): published data only --------------------------------------------------------------


class PublicInspectionResultListApi(generics.ListAPIView):
    """Published inspection results. Filters: q (credit code or name), outcome, year."""

    permission_classes = [AllowAny]
    is_public = True
    authentication_classes = []
    serializer_class = s.PublicInspectionResultSerializer
    filterset_class = PublicResultFilter

    def get_queryset(self):
        return selectors.result_published_list()


class PublicDrawListApi(generics.ListAPIView):
    """Published draw records (seed, hashes, stratum sizes); the selection is in the detail."""

    permission_classes = [AllowAny]
    is_public = True
    authentication_classes = []
    serializer_class = s.PublicDrawSerializer

    def get_queryset(self):
        return selectors.draw_published_list()


class PublicDrawRecordApi(APIView):
    """The public draw record: what to re-run the draw with (besides the internal pool snapshot)."""

    permission_classes = [AllowAny]
    is_public = True
    authentication_classes = []

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        return Response(draw_record(get_object_or_404(selectors.draw_published_list(), pk=pk), full=False))


class PublicDrawVerifyApi(APIView):
    """The server re-runs a published draw from its record and snapshot and reports each check."""

    permission_classes = [AllowAny]
    is_public = True
    authentication_classes = []

    @extend_schema(responses=s.VerificationSerializer)
    def get(self, request, pk):
        return Response(draw_verify(get_object_or_404(selectors.draw_published_list(), pk=pk)).as_dict())
