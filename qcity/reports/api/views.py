from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.document_kinds import DocumentRequestError, document_kind
from qcity.core.downloads import attachment_response
from qcity.core.filters import query_parameters
from qcity.core.permissions import HasRole
from qcity.core.roles import OFFICE, PROGRAMME
from qcity.indicators.models import Plan
from qcity.reports import selectors, services
from qcity.reports.api.serializers import GeneratedDocumentRequestSerializer, GeneratedDocumentSerializer
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

    @extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("plan", str),
                               OpenApiParameter("org_unit", int)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        params = query_parameters(CockpitFilter, request.query_params, queryset=Plan.objects.none())
        try:
            data = selectors.cockpit(user=request.user, year=params.get("year"), plan_code=params.get("plan") or None,
                                     org_unit=params.get("org_unit"))
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


class GeneratedDocumentCreateApi(APIView):
    """Ask for a document to be generated in the background: 202 with the job (a job already queued or running
    for the same document is returned instead of a second one). Poll `generated-documents/<id>/`; when its
    status is `done`, `download` gives the file. Kinds: `white-paper` (`year`, format docx or pdf) and
    `assessment-results` (`object`: the scheme, docx). Leadership office; audited."""

    permission_classes = [HasRole]
    required_roles = OFFICE

    @extend_schema(request=GeneratedDocumentRequestSerializer, responses={202: GeneratedDocumentSerializer})
    def post(self, request):
        serializer = GeneratedDocumentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            params = services.document_request_parse({"kind": data["kind"], "format": data.get("format") or ""})
            document, _created = services.document_request(
                kind=params["kind"], year=data.get("year"), object_id=data.get("object"), fmt=params["fmt"],
                by=request.user)
        except DocumentRequestError as exc:
            return _bad(str(exc))
        document.refresh_from_db()  # an eager run has finished it already
        return Response(GeneratedDocumentSerializer(document).data, status=status.HTTP_202_ACCEPTED)


class GeneratedDocumentDetailApi(APIView):
    """A generation job: status (queued, running, done, failed), progress 0–100, the error of a failure."""

    permission_classes = [HasRole]
    required_roles = OFFICE

    @extend_schema(responses=GeneratedDocumentSerializer)
    def get(self, request, pk: int):
        document = selectors.generated_document_get(user=request.user, pk=pk)
        return Response(GeneratedDocumentSerializer(document).data)


class GeneratedDocumentDownloadApi(APIView):
    """The generated file (audited as an export); 400 while the job is not done."""

    permission_classes = [HasRole]
    required_roles = OFFICE
    content_negotiation_class = FirstRenderer

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        document = selectors.generated_document_get(user=request.user, pk=pk)
        try:
            services.generated_document_download(document=document, by=request.user)
        except DocumentRequestError as exc:
            return _bad(str(exc))
        content_type = document_kind(document.kind).content_types[document.format]
        return attachment_response(document.file, document.download_name, content_type=content_type)
