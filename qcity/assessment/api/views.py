from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.assessment import selectors, services
from qcity.assessment.selectors import MANAGER_ROLES, VIEWER_ROLES
from qcity.assessment.views import INDEX_VIEWER_ROLES, index_years
from qcity.core.fields import query_int, query_year
from qcity.core.models import OrgUnit
from qcity.core.permissions import HasRole
from qcity.indicators.quality_index import quality_index

from .serializers import (
    QualityIndexRowSerializer,
    ResultSerializer,
    SchemeCreateSerializer,
    SchemeDetailSerializer,
    SchemeSerializer,
)


class SchemeListApi(generics.ListAPIView):
    """Assessment schemes: every one for the office, the published ones for districts and departments."""

    permission_classes = [HasRole]
    serializer_class = SchemeSerializer

    @property
    def required_roles(self):
        return MANAGER_ROLES if self.request.method == "POST" else VIEWER_ROLES

    def get_queryset(self):
        return selectors.scheme_list(user=self.request.user)

    @extend_schema(request=SchemeCreateSerializer, responses={201: SchemeDetailSerializer})
    def post(self, request):
        """Create the default scheme of a year (items from the plans covering it)."""
        data = SchemeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scheme = services.scheme_create_default(by=request.user, **data.validated_data)
        return Response(SchemeDetailSerializer(scheme).data, status=status.HTTP_201_CREATED)


class SchemeDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = VIEWER_ROLES
    serializer_class = SchemeDetailSerializer

    def get_object(self):
        return selectors.scheme_get(user=self.request.user, pk=self.kwargs["pk"])


class SchemeRunApi(APIView):
    """Run the assessment now; answers with the new ranking (results of the previous run are replaced)."""

    permission_classes = [HasRole]
    required_roles = MANAGER_ROLES

    @extend_schema(request=None, responses={200: ResultSerializer(many=True)})
    def post(self, request, pk):
        scheme = selectors.scheme_get(user=request.user, pk=pk)
        results = services.assessment_run(scheme=scheme, by=request.user)
        return Response(ResultSerializer(results, many=True).data)


class ResultListApi(generics.ListAPIView):
    """Ranking rows; `?scheme=<id>` narrows to one scheme. Breakdowns only for the caller's own subject."""

    permission_classes = [HasRole]
    required_roles = VIEWER_ROLES
    serializer_class = ResultSerializer

    def get_queryset(self):
        scheme = query_int(self.request.query_params, "scheme")
        qs = selectors.result_list(user=self.request.user)
        if scheme is not None:
            qs = qs.filter(scheme_id=scheme)
        return qs

    @extend_schema(parameters=[OpenApiParameter("scheme", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ResultDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = VIEWER_ROLES
    serializer_class = ResultSerializer

    def get_object(self):
        return selectors.result_get(user=self.request.user, pk=self.kwargs["pk"])


class QualityIndexApi(APIView):
    """The composite quality index of the city and every district for `?year=` (default: latest year)."""

    permission_classes = [HasRole]
    required_roles = INDEX_VIEWER_ROLES

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=QualityIndexRowSerializer(many=True))
    def get(self, request):
        year = query_year(request.query_params)
        if year is None:
            years = index_years()
            year = years[-1] if years else 0
        city = OrgUnit.objects.get(parent__isnull=True)
        units = [city, *OrgUnit.objects.filter(parent=city).order_by("sort_order", "pk")]
        rows = quality_index(year=year, org_units=units)
        return Response(QualityIndexRowSerializer(rows, many=True).data)
