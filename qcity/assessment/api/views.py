from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.assessment import selectors, services
from qcity.assessment.filters import AssessmentResultFilter, QualityIndexFilter
from qcity.assessment.views import index_years
from qcity.core.filters import query_parameters
from qcity.core.models import OrgUnit
from qcity.core.permissions import HasRole
from qcity.core.roles import OFFICE, PROGRAMME
from qcity.core.selectors import org_root_and_children
from qcity.indicators.quality_index import quality_index

from .serializers import (
    AssessmentResultSerializer,
    AssessmentSchemeCreateSerializer,
    AssessmentSchemeDetailSerializer,
    AssessmentSchemeSerializer,
    QualityIndexRowSerializer,
    SchemeWeightsSerializer,
)


class AssessmentSchemeListApi(generics.ListAPIView):
    """Assessment schemes: every one for the office, the published ones for districts and departments."""

    permission_classes = [HasRole]
    serializer_class = AssessmentSchemeSerializer

    @property
    def required_roles(self):
        return OFFICE if self.request.method == "POST" else PROGRAMME

    def get_queryset(self):
        return selectors.scheme_list(user=self.request.user)

    @extend_schema(request=AssessmentSchemeCreateSerializer, responses={201: AssessmentSchemeDetailSerializer})
    def post(self, request):
        """Create the default scheme of a year (items from the plans covering it)."""
        data = AssessmentSchemeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scheme = services.scheme_create_default(by=request.user, **data.validated_data)
        return Response(AssessmentSchemeDetailSerializer(scheme).data, status=status.HTTP_201_CREATED)


class AssessmentSchemeDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = PROGRAMME
    serializer_class = AssessmentSchemeDetailSerializer

    def get_object(self):
        return selectors.scheme_get(user=self.request.user, pk=self.kwargs["pk"])


class AssessmentSchemeRunApi(APIView):
    """Run the assessment now; answers with the new ranking (results of the previous run are replaced)."""

    permission_classes = [HasRole]
    required_roles = OFFICE

    @extend_schema(request=None, responses={200: AssessmentResultSerializer(many=True)})
    def post(self, request, pk):
        scheme = selectors.scheme_get(user=request.user, pk=pk)
        results = services.assessment_run(scheme=scheme, by=request.user)
        return Response(AssessmentResultSerializer(results, many=True).data)


class AssessmentSchemeWeightsApi(APIView):
    """Save group weights, items' own points (null or "" for an equal share) and rules of a draft scheme, all
    or nothing; groups that do not add up to 100 are refused with a 400 naming them and their total."""

    permission_classes = [HasRole]
    required_roles = OFFICE

    @extend_schema(request=SchemeWeightsSerializer, responses={200: AssessmentSchemeDetailSerializer})
    def post(self, request, pk):
        scheme = selectors.scheme_get(user=request.user, pk=pk)
        data = SchemeWeightsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.scheme_items_update(scheme=scheme, by=request.user, groups=data.validated_data["groups"],
                                     weights=data.validated_data["items"], rules=data.validated_data["rules"],
                                     moves=data.validated_data["moves"])
        return Response(AssessmentSchemeDetailSerializer(selectors.scheme_get(user=request.user, pk=pk)).data)


class AssessmentResultListApi(generics.ListAPIView):
    """Ranking rows; `?scheme=<id>` narrows to one scheme. Breakdowns only for the caller's own subject."""

    permission_classes = [HasRole]
    required_roles = PROGRAMME
    serializer_class = AssessmentResultSerializer
    filterset_class = AssessmentResultFilter

    def get_queryset(self):
        return selectors.result_list(user=self.request.user)


class AssessmentResultDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = PROGRAMME
    serializer_class = AssessmentResultSerializer

    def get_object(self):
        return selectors.result_get(user=self.request.user, pk=self.kwargs["pk"])


class QualityIndexApi(APIView):
    """The composite quality index of the city and every district for `?year=` (default: latest year)."""

    permission_classes = [HasRole]
    required_roles = PROGRAMME

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=QualityIndexRowSerializer(many=True))
    def get(self, request):
        year = query_parameters(QualityIndexFilter, request.query_params, queryset=OrgUnit.objects.none()).get("year")
        if year is None:
            years = index_years()
            year = years[-1] if years else 0
        city, children = org_root_and_children()
        units = [city, *children]
        rows = quality_index(year=year, org_units=units)
        return Response(QualityIndexRowSerializer(rows, many=True).data)
