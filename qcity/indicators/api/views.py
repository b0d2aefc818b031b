from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core import access
from qcity.core.parsers import NulCheckingMultiPartParser
from qcity.core.permissions import HasRole
from qcity.core.roles import OFFICE, PROGRAMME, STAFF
from qcity.core.uploads import request_too_large
from qcity.indicators import selectors, services
from qcity.indicators.documents import PlanDocumentError
from qcity.indicators.filters import (
    IndicatorFilter,
    IndicatorStatusFilter,
    ReportedValueFilter,
    TargetDecompositionFilter,
)
from qcity.indicators.models import Plan, PlanImport
from qcity.indicators.services.decomposition import UnitTargetInput
from qcity.indicators.services.values import Period

from .serializers import (
    IndicatorDecompositionInputSerializer,
    IndicatorSerializer,
    IndicatorStatusSerializer,
    PlanAcceptSerializer,
    PlanImportSerializer,
    PlanSerializer,
    ReasonSerializer,
    ReportedValueInputSerializer,
    ReportedValueSerializer,
    TargetDecompositionInputSerializer,
    TargetDecompositionSavedSerializer,
    TargetDecompositionSerializer,
)


class PlanListApi(generics.ListAPIView):
    permission_classes = [HasRole]
    required_roles = STAFF
    serializer_class = PlanSerializer

    def get_queryset(self):
        return selectors.plan_list()


class PlanDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = STAFF
    serializer_class = PlanSerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.plan_list()


class IndicatorListApi(generics.ListAPIView):
    """Indicators with their targets; `plan` (code) and `domain` filter (`IndicatorFilter`)."""

    permission_classes = [HasRole]
    required_roles = STAFF
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter

    def get_queryset(self):
        return selectors.indicator_list()


class IndicatorDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = STAFF
    serializer_class = IndicatorSerializer

    def get_queryset(self):
        return selectors.indicator_list()


class ReportedValueListApi(generics.ListAPIView):
    """Values in the caller's org-unit scope; POST reports one (a second report for the same period
    updates it — 200 instead of 201 — and is audited)."""

    permission_classes = [HasRole]
    serializer_class = ReportedValueSerializer
    required_roles = PROGRAMME

    filterset_class = ReportedValueFilter

    def get_queryset(self):
        return selectors.reported_value_list(user=self.request.user).order_by("-submitted_at", "pk")

    @extend_schema(request=ReportedValueInputSerializer, responses={201: ReportedValueSerializer,
                                                                    200: ReportedValueSerializer})
    def post(self, request):
        data = ReportedValueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        period = Period(d["period_kind"], d["year"], d["period_number"])
        # 201 only when this report created the row: an existence check before the write raced with twins
        value, created = services.reported_value_report(indicator=d["indicator"], org_unit=d["org_unit"],
                                                        value=d["value"], note=d["note"], period=period,
                                                        by=request.user)
        return Response(ReportedValueSerializer(value).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


_TRANSITIONS = {
    "review": services.reported_value_review,
    "approve": services.reported_value_approve,
    "return": services.reported_value_return,
    "reopen": services.reported_value_reopen,
}


class ReportedValueTransitionApi(APIView):
    """review, approve, return (reason) or reopen (reason) a value — leadership office only."""

    permission_classes = [HasRole]
    required_roles = OFFICE

    @extend_schema(request=ReasonSerializer, responses=ReportedValueSerializer,
                   operation_id="reported_values_transition")
    def post(self, request, pk, action):
        value = get_object_or_404(selectors.reported_value_list(user=request.user), pk=pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kwargs = {"reason": data.validated_data["reason"]} if action in ("return", "reopen") else {}
        value = _TRANSITIONS[action](value=value, by=request.user, **kwargs)
        return Response(ReportedValueSerializer(value).data)


class ReportedValueImportApi(APIView):
    """Import values from an xlsx (multipart: plan code, file); all rows or none, bad rows listed."""

    permission_classes = [HasRole]
    required_roles = PROGRAMME
    parser_classes = [NulCheckingMultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "plan": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}},
        responses={code: {"type": "object", "properties": {"imported": {"type": "integer"},
                                                           "created": {"type": "integer"}}} for code in (201, 200)})
    def post(self, request):
        if too_big := request_too_large(request):
            return Response({"file": [too_big]}, status=status.HTTP_400_BAD_REQUEST)
        plan = Plan.objects.filter(code=request.data.get("plan", "")).first()
        if plan is None:
            return Response({"plan": [_("未知规划代码")]}, status=status.HTTP_400_BAD_REQUEST)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [_("请上传文件")]}, status=status.HTTP_400_BAD_REQUEST)
        count, created = services.reported_values_import_report(plan=plan, data=upload.read(), by=request.user,
                                                                name=upload.name)
        return Response({"imported": count, "created": created},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ReportedValueEvidenceApi(APIView):
    """Attach a supporting document to a value (multipart `file`) before it is approved."""

    permission_classes = [HasRole]
    required_roles = PROGRAMME
    parser_classes = [NulCheckingMultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}},
        responses={201: {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}})
    def post(self, request, pk):
        if too_big := request_too_large(request):
            return Response({"file": [too_big]}, status=status.HTTP_400_BAD_REQUEST)
        value = get_object_or_404(selectors.reported_value_list(user=request.user), pk=pk)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [_("请上传文件")]}, status=status.HTTP_400_BAD_REQUEST)
        evidence = services.reported_value_evidence_attach(value=value, file=upload, by=request.user)
        return Response({"id": evidence.pk, "name": evidence.original_name}, status=status.HTTP_201_CREATED)


class IndicatorStatusApi(APIView):
    """Target status of a plan's indicators for a year, for one org unit or every unit in scope."""

    permission_classes = [HasRole]
    required_roles = STAFF

    @extend_schema(parameters=[OpenApiParameter("plan", str, required=True), OpenApiParameter("year", int, required=True),
                               OpenApiParameter("org_unit", int), OpenApiParameter("status", str),
                               OpenApiParameter("domain", str), OpenApiParameter("q", str)],
                   responses=IndicatorStatusSerializer(many=True))
    def get(self, request):
        filterset = IndicatorStatusFilter(request.query_params, queryset=selectors.indicator_list())
        errors = {name: list(messages) for name, messages in filterset.errors.items()}
        params = filterset.form.cleaned_data
        plan = Plan.objects.filter(code=params.get("plan") or "").first()
        if plan is None:
            errors["plan"] = [_("未知规划代码")]
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        units = list(access.covered_org_units(request.user, PROGRAMME))
        if params.get("org_unit"):
            units = [u for u in units if u.pk == params["org_unit"]]
            if not units:
                return Response({"org_unit": [_("不在您的管辖范围内或不存在")]}, status=status.HTTP_400_BAD_REQUEST)
        statuses = selectors.indicator_statuses(indicators=filterset.qs, org_units=units, year=params["year"])
        if params.get("status"):
            statuses = [s for s in statuses if s.status == params["status"]]
        return Response(IndicatorStatusSerializer(statuses, many=True).data)


class PlanImportApi(APIView):
    """Upload a plan document (.txt/.md/.docx); answers the proposed targets for review."""

    permission_classes = [HasRole]
    required_roles = OFFICE
    parser_classes = [NulCheckingMultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "title": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}},
        responses={201: PlanImportSerializer})
    def post(self, request):
        if too_big := request_too_large(request):
            return Response({"file": [too_big]}, status=status.HTTP_400_BAD_REQUEST)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [_("请上传文件")]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            record = services.plan_import_create(name=upload.name, data=upload.read(),
                                                 title=request.data.get("title", ""), by=request.user)
        except PlanDocumentError as exc:
            return Response({"file": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(PlanImportSerializer(record).data, status=status.HTTP_201_CREATED)


class PlanImportAcceptApi(APIView):
    """Create a plan from the reviewed proposals of an import."""

    permission_classes = [HasRole]
    required_roles = OFFICE

    @extend_schema(request=PlanAcceptSerializer, responses={201: PlanSerializer})
    def post(self, request, pk):
        record = get_object_or_404(PlanImport, pk=pk)
        data = PlanAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_create_from_import(plan_import=record, by=request.user, **data.validated_data)
        return Response(PlanSerializer(selectors.plan_list().get(pk=plan.pk)).data, status=status.HTTP_201_CREATED)


class TargetDecompositionListApi(generics.ListAPIView):
    """The decompositions (指标分解) of a plan (`plan` code) and target year (`year`); POST sets one
    indicator's unit targets for a year — saved as a draft, with the remainder as `warnings` when the
    split does not add up (201 when created, 200 otherwise; the same set again changes nothing)."""

    permission_classes = [HasRole]
    required_roles = OFFICE
    serializer_class = TargetDecompositionSerializer
    filterset_class = TargetDecompositionFilter

    def get_queryset(self):
        return selectors.target_decomposition_list()

    @extend_schema(request=TargetDecompositionInputSerializer,
                   responses={201: TargetDecompositionSavedSerializer, 200: TargetDecompositionSavedSerializer})
    def post(self, request):
        data = TargetDecompositionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        targets = [UnitTargetInput(value=t["value"], org_unit=t["org_unit"], department=t["department"])
                   for t in d["targets"]]
        saved = services.target_decomposition_save(indicator=d["indicator"], year=d["year"], targets=targets,
                                                   note=d["note"], by=request.user)
        body = TargetDecompositionSavedSerializer({
            "decomposition": selectors.target_decomposition_list().get(pk=saved.decomposition.pk),
            "changed": saved.changed, "warnings": saved.warnings}).data
        return Response(body, status=status.HTTP_201_CREATED if saved.created else status.HTTP_200_OK)


class TargetDecompositionConfirmApi(APIView):
    """Confirm a decomposition; 400 while it does not add up to the city target."""

    permission_classes = [HasRole]
    required_roles = OFFICE

    @extend_schema(request=None, responses=TargetDecompositionSerializer)
    def post(self, request, pk):
        decomposition = get_object_or_404(selectors.target_decomposition_list(), pk=pk)
        services.target_decomposition_confirm(decomposition=decomposition, by=request.user)
        return Response(TargetDecompositionSerializer(selectors.target_decomposition_list().get(pk=pk)).data)


class TargetDecompositionImportApi(APIView):
    """Import the decomposition table (multipart: plan code, file) in the layout of its xlsx export; a bad
    row (negative or non-numeric target…) → 400 listing the rows, nothing written."""

    permission_classes = [HasRole]
    required_roles = OFFICE
    parser_classes = [NulCheckingMultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "plan": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}},
        responses={200: TargetDecompositionSavedSerializer(many=True)})
    def post(self, request):
        if too_big := request_too_large(request):
            return Response({"file": [too_big]}, status=status.HTTP_400_BAD_REQUEST)
        plan = Plan.objects.filter(code=request.data.get("plan", "")).first()
        if plan is None:
            return Response({"plan": [_("未知规划代码")]}, status=status.HTTP_400_BAD_REQUEST)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [_("请上传文件")]}, status=status.HTTP_400_BAD_REQUEST)
        saved = services.target_decompositions_import(plan=plan, data=upload.read(), by=request.user, name=upload.name)
        read = selectors.target_decomposition_list().in_bulk([s.decomposition.pk for s in saved])
        return Response(TargetDecompositionSavedSerializer(
            [{"decomposition": read[s.decomposition.pk], "changed": s.changed, "warnings": s.warnings} for s in saved],
            many=True).data)


class IndicatorDecompositionApi(APIView):
    """Set how an indicator is decomposed (uniform, split, city_only); its decompositions go back to draft."""

    permission_classes = [HasRole]
    required_roles = OFFICE

    @extend_schema(request=IndicatorDecompositionInputSerializer, responses=IndicatorSerializer)
    def post(self, request, pk):
        indicator = get_object_or_404(selectors.indicator_list(), pk=pk)
        data = IndicatorDecompositionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.indicator_decomposition_set(indicator=indicator, kind=data.validated_data["decomposition"],
                                             by=request.user)
        return Response(IndicatorSerializer(selectors.indicator_list().get(pk=pk)).data)
