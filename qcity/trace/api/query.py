"""The EPCIS 2.0 REST binding's query interface: GET /api/epcis/events with the SimpleEventQuery's common
parameters (see `trace.query`), answered with an EPCIS query document, a page at a time. The next page's
address is in the `Link: <…>; rel="next"` header and its token in `GS1-Next-Page-Token`.

POST on the same resource captures an event (the capture interface, `api/capture.py`): the view below is
that view with GET added, so one URL serves both methods.
"""

from __future__ import annotations

from django.http import QueryDict
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .. import query
from .capture import EventCaptureApi

NEXT_PAGE_HEADER = "GS1-Next-Page-Token"


def _next_link(request, token: str) -> str:
    params: QueryDict = request.query_params.copy()
    params[query.TOKEN_PARAMETER] = token
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


QUERY_PARAMETERS = [
    OpenApiParameter("eventType", str, description="ObjectEvent,AggregationEvent,…"),
    *(OpenApiParameter(name, OpenApiTypes.DATETIME) for name in query.TIME_PARAMETERS),
    *(OpenApiParameter(name, str, description="URN / Digital Link, comma-separated") for name in query.MATCH_EPC_ROLE),
    *(OpenApiParameter(name, str) for name in query.EQ_FIELDS),
    OpenApiParameter("EQ_action", str),
    OpenApiParameter(query.PER_PAGE_PARAMETER, int),
    OpenApiParameter(query.TOKEN_PARAMETER, str),
]


class EventsApi(EventCaptureApi):
    """GET: the events matching the query (market officers: all; an enterprise user: its enterprise's)."""

    @extend_schema(parameters=QUERY_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        try:
            page = query.event_page(params=request.query_params, user=request.user)
        except query.QueryError as exc:
            raise ValidationError({exc.parameter: [exc.message]}) from exc
        response = Response(query.query_document(page.events))
        if page.next_token:
            response["Link"] = f'<{_next_link(request, page.next_token)}>; rel="next"'
            response[NEXT_PAGE_HEADER] = page.next_token
        return response


urlpatterns = [
    path("epcis/events", EventsApi.as_view(), name="api-epcis-event-query"),
]
