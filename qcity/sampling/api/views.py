from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.downloads import attachment_response
from qcity.core.models import OrgUnit
from qcity.core.permissions import HasRole
from qcity.core.roles import MARKET_OFFICERS, MARKET_OFFICERS_AND_ENTERPRISES
from qcity.sampling import selectors, services
from qcity.sampling.filters import FollowupFilter, PublishedSampleFilter, SampleFilter, SamplingPlanFilter
from qcity.sampling.pass_rates import pass_rates

from .serializers import (
    ConcludeInputSerializer,
    FollowupAnnounceInputSerializer,
    FollowupOrderInputSerializer,
    FollowupReinspectInputSerializer,
    FollowupReportInputSerializer,
    FollowupSerializer,
    FollowupTransferInputSerializer,
    PassRateQuerySerializer,
    PassRateSerializer,
    ProductCategorySerializer,
    PublicSampleSerializer,
    PublishInputSerializer,
    RetestInputSerializer,
    SampleDetailSerializer,
    SampleInputSerializer,
    SampleSerializer,
    SamplingObjectionInputSerializer,
    SamplingPlanInputSerializer,
    SamplingPlanSerializer,
    ServeInputSerializer,
    TestItemResultSerializer,
    TestResultsInputSerializer,
)


def _context(view):
    return {"request": view.request, "view": view, "today": timezone.localdate()}


class ProductCategoryListApi(generics.ListAPIView):
    """The product-category catalogue; `kind` decides the pass-rate indicator a category feeds."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES
    serializer_class = ProductCategorySerializer
    pagination_class = None
    queryset = selectors.product_category_list()


class SamplingPlanListApi(generics.ListAPIView):
    """Plans of the caller's units and the units above them; POST creates one (officers, in their units)."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = SamplingPlanSerializer
    filterset_class = SamplingPlanFilter

    def get_queryset(self):
        return selectors.sampling_plan_list(user=self.request.user)

    @extend_schema(request=SamplingPlanInputSerializer, responses={201: SamplingPlanSerializer})
    def post(self, request):
        data = SamplingPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        org_unit = OrgUnit.objects.filter(pk=values.pop("org_unit")).first()
        if org_unit is None:
            raise ValidationError({"org_unit": [_("行政单元不存在")]})
        plan = services.sampling_plan_create(by=request.user, org_unit=org_unit, **values)
        plan = selectors.sampling_plan_get(user=request.user, pk=plan.pk)
        return Response(SamplingPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class SamplingPlanDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = SamplingPlanSerializer

    def get_object(self):
        return selectors.sampling_plan_get(user=self.request.user, pk=self.kwargs["pk"])


class SampleListApi(generics.ListAPIView):
    """Samples in the caller's scope (an enterprise user: its own, once served); POST records a sampling."""

    permission_classes = [HasRole]
    serializer_class = SampleSerializer
    filterset_class = SampleFilter

    @property
    def required_roles(self):
        return MARKET_OFFICERS_AND_ENTERPRISES if self.request.method in ("GET", "HEAD", "OPTIONS") else MARKET_OFFICERS

    def get_queryset(self):
        return selectors.sample_list(user=self.request.user)

    @extend_schema(request=SampleInputSerializer, responses={201: SampleDetailSerializer})
    def post(self, request):
        data = SampleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        plan = selectors.sampling_plan_list(user=request.user).filter(pk=values.pop("plan")).first()
        if plan is None:
            raise ValidationError({"plan": [_("抽检计划不存在")]})
        sample = services.sample_create(by=request.user, plan=plan, **values)
        sample = selectors.sample_get(user=request.user, pk=sample.pk)
        return Response(SampleDetailSerializer(sample, context=_context(self)).data, status=status.HTTP_201_CREATED)


class SampleDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES
    serializer_class = SampleDetailSerializer

    def get_object(self):
        return selectors.sample_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_context(self):
        return _context(self)


class TestItemResultsApi(APIView):
    """Record test items of a sample not yet concluded (replacing items of the same name); all or none."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(request=TestResultsInputSerializer, responses={201: TestItemResultSerializer(many=True),
                                                                  200: TestItemResultSerializer(many=True)})
    def post(self, request):
        data = TestResultsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sample = selectors.sample_list(user=request.user).filter(pk=data.validated_data["sample"]).first()
        if sample is None:
            raise ValidationError({"sample": [_("样品不存在")]})
        items, any_new = services.test_results_enter(sample=sample, items=data.validated_data["items"], by=request.user)
        return Response(TestItemResultSerializer(items, many=True).data,
                        status=status.HTTP_201_CREATED if any_new else status.HTTP_200_OK)


class _SampleAction(APIView):
    """A workflow step on one sample: parse, call its service, answer with the sample."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    input_serializer = None

    def sample(self, pk):
        return get_object_or_404(selectors.sample_list(user=self.request.user), pk=pk)

    def values(self):
        data = self.input_serializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def answer(self, sample):
        sample = selectors.sample_get(user=self.request.user, pk=sample.pk)
        return Response(SampleDetailSerializer(sample, context=_context(self)).data)


class SampleConcludeApi(_SampleAction):
    input_serializer = ConcludeInputSerializer

    @extend_schema(request=ConcludeInputSerializer, responses=SampleDetailSerializer)
    def post(self, request, pk):
        """Confirm the conclusion the items give; records the credit event and refreshes the pass rates."""
        sample = self.sample(pk)
        return self.answer(services.sample_conclude(sample=sample, by=request.user, **self.values()))


class SampleServeApi(_SampleAction):
    input_serializer = ServeInputSerializer

    @extend_schema(request=ServeInputSerializer, responses=SampleDetailSerializer)
    def post(self, request, pk):
        """Serve the result on the sampled party; the retest window runs from `served_on`."""
        sample = self.sample(pk)
        return self.answer(services.sample_serve(sample=sample, by=request.user, **self.values()))


class SampleObjectionApi(_SampleAction):
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES  # the sampled enterprise applies itself; the service checks whose sample
    input_serializer = SamplingObjectionInputSerializer

    @extend_schema(request=SamplingObjectionInputSerializer, responses=SampleDetailSerializer)
    def post(self, request, pk):
        """Apply for a retest within 15 natural days of service (产品质量法 art. 15)."""
        sample = self.sample(pk)
        services.sampling_objection_apply(sample=sample, by=request.user, **self.values())
        return self.answer(sample)


class SampleRetestApi(_SampleAction):
    input_serializer = RetestInputSerializer

    @extend_schema(request=RetestInputSerializer, responses=SampleDetailSerializer)
    def post(self, request, pk):
        """Record the retest result on the backup sample: a pass overturns the failure."""
        sample = self.sample(pk)
        services.retest_conclude(sample=sample, by=request.user, **self.values())
        return self.answer(sample)


class SamplePublishApi(_SampleAction):
    input_serializer = PublishInputSerializer

    @extend_schema(request=PublishInputSerializer, responses=SampleDetailSerializer)
    def post(self, request, pk):
        """Publish a final conclusion."""
        sample = self.sample(pk)
        return self.answer(services.sample_publish(sample=sample, by=request.user, **self.values()))


class SampleFollowupApi(_SampleAction):
    input_serializer = FollowupOrderInputSerializer

    @extend_schema(request=FollowupOrderInputSerializer, responses={201: FollowupSerializer})
    def post(self, request, pk):
        """Order rectification of a final failure by a deadline (产品质量法 art. 17)."""
        followup = services.followup_order(sample=self.sample(pk), by=request.user, **self.values())
        return Response(FollowupSerializer(followup, context=_context(self)).data, status=status.HTTP_201_CREATED)


class SamplingObjectionEvidenceDownloadApi(APIView):
    """An objection's evidence file: officers covering the sample, and the enterprise that uploaded it
    (the other party of the sample and everyone else get 404)."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        evidence = selectors.objection_evidence_get(user=request.user, pk=pk)
        return attachment_response(evidence.file, evidence.original_name)


class FollowupListApi(generics.ListAPIView):
    """Follow-ups of failing samples in the caller's scope; `overdue=yes` lists rectifications past due."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    serializer_class = FollowupSerializer
    filterset_class = FollowupFilter

    def get_queryset(self):
        return selectors.followup_list(user=self.request.user)

    def get_serializer_context(self):
        return _context(self)


class _FollowupStep(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    input_serializer = None
    service = None

    def run(self, request, pk):
        followup = get_object_or_404(selectors.followup_list(user=request.user), pk=pk)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        followup = type(self).service(followup=followup, by=request.user, **data.validated_data)
        return Response(FollowupSerializer(followup, context=_context(self)).data)


class FollowupReportApi(_FollowupStep):
    input_serializer, service = FollowupReportInputSerializer, services.followup_report

    @extend_schema(request=FollowupReportInputSerializer, responses=FollowupSerializer)
    def post(self, request, pk):
        return self.run(request, pk)


class FollowupReinspectApi(_FollowupStep):
    input_serializer, service = FollowupReinspectInputSerializer, services.followup_reinspect

    @extend_schema(request=FollowupReinspectInputSerializer, responses=FollowupSerializer)
    def post(self, request, pk):
        return self.run(request, pk)


class FollowupAnnounceApi(_FollowupStep):
    input_serializer, service = FollowupAnnounceInputSerializer, services.followup_announce

    @extend_schema(request=FollowupAnnounceInputSerializer, responses=FollowupSerializer)
    def post(self, request, pk):
        return self.run(request, pk)


class FollowupTransferApi(_FollowupStep):
    input_serializer, service = FollowupTransferInputSerializer, services.followup_transfer

    @extend_schema(request=FollowupTransferInputSerializer, responses=FollowupSerializer)
    def post(self, request, pk):
        return self.run(request, pk)


class PassRateApi(APIView):
    """Pass rates of the samples in the caller's scope, grouped by category, product kind or district."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(parameters=[PassRateQuerySerializer], responses=PassRateSerializer(many=True))
    def get(self, request):
        query = PassRateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = pass_rates(samples=selectors.sample_list(user=request.user), **query.validated_data)
        return Response(PassRateSerializer(rows, many=True).data)


class PublicSampleListApi(generics.ListAPIView):
    """Published sampling results (no login). Filters: enterprise (name or credit code), product, category,
    conclusion."""

    permission_classes = [AllowAny]
    authentication_classes = []
    is_public = True
    serializer_class = PublicSampleSerializer
    filterset_class = PublishedSampleFilter

    def get_queryset(self):
        return selectors.sample_published_list().prefetch_related("items")


class PublicSampleDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    is_public = True
    serializer_class = PublicSampleSerializer

    def get_object(self):
        return selectors.sample_published_get(pk=self.kwargs["pk"])
