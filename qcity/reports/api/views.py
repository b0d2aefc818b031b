from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.downloads import attachment_response
from qcity.core.filters import query_parameters
from qcity.core.permissions import HasRole
from qcity.core.roles import OFFICE, PROGRAMME
from qcity.indicators.models import Plan
from qcity.reports import selectors, services
from qcity.reports.filters import CockpitFilter
from qcity.reports.selectors import CockpitError

FORMAT_PARAM = OpenApiParameter("format", str, enum=list(services.FORMATS), default="docx")


class FirstRenderer(DefaultContentNegotiation):
    """`format` is the report's file format here, not DRF's renderer override: always answer JSON for
    errors and the file itself otherwise."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _bad(message: str) -> Response:
    field, _, text = message.partition(": ")
    return Response({field: [text or message]}, status=status.HTTP_400_BAD_REQUEST)


class CockpitApi(APIView):
    """The cockpit's figures (same data and roles as the page); `year` defaults to the latest year with
    approved values, `plan` to the current programme."""

    permission_classes = [HasRole]
    required_roles = PROGRAMME

    @extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("plan", str)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        params = query_parameters(CockpitFilter, request.query_params, queryset=Plan.objects.none())
        try:
            data = selectors.cockpit(user=request.user, year=params.get("year"), plan_code=params.get("plan") or None)
        except CockpitError as exc:
            return _bad(str(exc))
        return Response(data)


def _file(content: bytes, fmt: str, name: str) -> FileResponse:
    return attachment_response(content, f"{name}.{fmt}", content_type=services.CONTENT_TYPES[fmt])


class WhitePaperApi(APIView):
    """The annual quality white paper as DOCX or PDF (leadership office; audited as an export)."""

    permission_classes = [HasRole]
    required_roles = OFFICE
    content_negotiation_class = FirstRenderer

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True), FORMAT_PARAM],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request):
        fmt = request.query_params.get("format", "docx")
        try:
            year = services.parse_year(request.query_params.get("year"))
            content = services.white_paper_build(year=year, fmt=fmt, by=request.user)
        except services.ReportError as exc:
            return _bad(str(exc))
        return _file(content, fmt, f"white-paper-{year}")


class MidtermEvaluationApi(APIView):
    """The mid-term evaluation of a plan as DOCX or PDF (leadership office; audited as an export)."""

    permission_classes = [HasRole]
    required_roles = OFFICE
    content_negotiation_class = FirstRenderer

    @extend_schema(parameters=[OpenApiParameter("plan", str, required=True), OpenApiParameter("year", int),
                               FORMAT_PARAM],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request):
        fmt = request.query_params.get("format", "docx")
        try:
            plan, year = services.parse_plan_year(request.query_params.get("plan"), request.query_params.get("year"))
            content = services.midterm_evaluation_build(plan=plan, year=year, fmt=fmt, by=request.user)
        except services.ReportError as exc:
            return _bad(str(exc))
        return _file(content, fmt, f"midterm-evaluation-{plan.code}-{year}")
