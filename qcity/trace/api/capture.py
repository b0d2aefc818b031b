"""The EPCIS 2.0 REST binding's capture interface (EPCIS 2.0 §12, openapi.yaml of GS1):

- POST /api/epcis/capture: an EPCIS document (JSON / JSON-LD 2.0, or 1.2 XML) -> 202 Accepted, `Location` of its
  capture job; a document that cannot be captured -> 400 naming the JSON path (or XML line) of each problem.
- GET /api/epcis/capture/<captureID>: the job (running / success, errors); GET /api/epcis/capture: the caller's.
- POST /api/epcis/events: one event, or a document, captured the same way.

Resending a document is harmless (duplicates are recognised by their event hash), so clients may retry freely;
an `Idempotency-Key` header replays the first answer as on every create endpoint.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.parsers import RawDocumentParser
from qcity.core.permissions import HasRole
from qcity.core.roles import MARKET_OFFICERS_AND_ENTERPRISES

from .. import selectors
from ..choices import CaptureJobStatus
from ..models import CaptureJob
from ..services.capture import CaptureError, epcis_capture


def max_document_bytes() -> int:
    """The largest document accepted in one request (the upload limit, 50 MB unless configured)."""
    return getattr(settings, "QCITY_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)


class DocumentTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "document_too_large"


class EpcisDocumentParser(RawDocumentParser):
    """The raw bytes of an EPCIS document: the capture service reads and validates them itself (it reports
    JSON paths and XML lines, which a generic parser would not). Read directly from the stream, so that a
    document larger than DATA_UPLOAD_MAX_MEMORY_SIZE but within the limit is accepted."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        limit = max_document_bytes()
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise DocumentTooLarge(_("文档过大：上限 %(mb)d MB") % {"mb": limit // (1024 * 1024)})
        return body


class EpcisJsonLdParser(EpcisDocumentParser):
    media_type = "application/ld+json"


class EpcisXmlParser(EpcisDocumentParser):
    media_type = "application/xml"


class EpcisTextXmlParser(EpcisDocumentParser):
    media_type = "text/xml"


PARSERS = [EpcisDocumentParser, EpcisJsonLdParser, EpcisXmlParser, EpcisTextXmlParser]


class CaptureJobSerializer(serializers.ModelSerializer):
    """A capture job in the binding's shape (captureID, running, success, captureErrorBehaviour, errors), with
    qcity's counts."""

    captureID = serializers.UUIDField(source="id", read_only=True)  # noqa: N815 - the binding's field names
    createdAt = serializers.DateTimeField(source="received_at", read_only=True)  # noqa: N815
    finishedAt = serializers.DateTimeField(source="finished_at", read_only=True)  # noqa: N815
    running = serializers.SerializerMethodField()
    success = serializers.SerializerMethodField()
    captureErrorBehaviour = serializers.SerializerMethodField()  # noqa: N815
    eventCount = serializers.IntegerField(source="event_count", read_only=True)  # noqa: N815
    capturedCount = serializers.IntegerField(source="captured_count", read_only=True)  # noqa: N815
    duplicateCount = serializers.IntegerField(source="duplicate_count", read_only=True)  # noqa: N815
    errors = serializers.JSONField(read_only=True)

    class Meta:
        model = CaptureJob
        fields = ["captureID", "createdAt", "finishedAt", "running", "success", "captureErrorBehaviour",
                  "eventCount", "capturedCount", "duplicateCount", "errors"]

    def get_running(self, job: CaptureJob) -> bool:
        return job.status == CaptureJobStatus.RUNNING

    def get_success(self, job: CaptureJob) -> bool:
        return job.status == CaptureJobStatus.SUCCESS

    def get_captureErrorBehaviour(self, job: CaptureJob) -> str:  # noqa: N802
        return "rollback"


class CaptureErrorSerializer(serializers.Serializer):
    """400: the first problem (`detail`, `path`) and all of them (`errors`)."""

    detail = serializers.CharField()
    path = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField())


def _capture(request, *, single_event: bool) -> Response:
    body = request.data if isinstance(request.data, bytes) else b""
    try:
        job = epcis_capture(body=body, media_type=request.content_type, by=request.user, single_event=single_event)
    except CaptureError as exc:
        return Response({"detail": exc.message, "path": exc.path, "errors": exc.as_list()},
                        status=status.HTTP_400_BAD_REQUEST)
    location = f"/api/epcis/capture/{job.pk}"
    return Response(CaptureJobSerializer(job).data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


CAPTURE_RESPONSES = {
    202: CaptureJobSerializer,
    400: OpenApiResponse(CaptureErrorSerializer, description=_("文档无法接收，path 指明出错位置")),
    403: OpenApiResponse(description=_("事件地点不属于本企业")),
    413: OpenApiResponse(description=_("文档过大")),
}


class CaptureApi(generics.ListAPIView):
    """GET: the caller's own capture jobs, newest first. POST: capture a document."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES
    serializer_class = CaptureJobSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator, without a user
            return CaptureJob.objects.none()
        return selectors.capture_job_list_own(user=self.request.user)

    @extend_schema(request={"application/json": OpenApiTypes.OBJECT, "application/ld+json": OpenApiTypes.OBJECT,
                            "application/xml": OpenApiTypes.STR}, responses=CAPTURE_RESPONSES)
    def post(self, request):
        return _capture(request, single_event=False)


class CaptureDetailApi(APIView):
    """One capture job: only its submitter and market officers see it."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES

    @extend_schema(responses=CaptureJobSerializer)
    def get(self, request, capture_id):
        job = get_object_or_404(selectors.capture_job_list(user=request.user), pk=capture_id)
        return Response(CaptureJobSerializer(job).data)


class EventCaptureApi(APIView):
    """POST one event (or a document) to the event resource; captured like a document. The resource's URL is
    routed in api/query.py, whose view (GET, the event query) extends this one."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES
    parser_classes = PARSERS

    @extend_schema(request={"application/json": OpenApiTypes.OBJECT, "application/ld+json": OpenApiTypes.OBJECT},
                   responses=CAPTURE_RESPONSES)
    def post(self, request):
        return _capture(request, single_event=True)


urlpatterns = [
    path("epcis/capture", CaptureApi.as_view(), name="api-epcis-capture"),
    path("epcis/capture/<uuid:capture_id>", CaptureDetailApi.as_view(), name="api-epcis-capture-detail"),
    # POST epcis/events: EventCaptureApi, through query.EventsApi (one URL, GET and POST)
]
