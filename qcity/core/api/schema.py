"""The OpenAPI schema class of every endpoint: drf-spectacular's, plus the Idempotency-Key header on each
write (POST, PUT, PATCH, DELETE), which the idempotency middleware honours for all of them."""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter

from qcity.core.idempotency import HEADER, REPLAYED_HEADER, TTL, UNSAFE_METHODS

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER, required=False,
    description=(
        f"A client-chosen unique key (1–255 printable ASCII characters, e.g. a UUID) that makes this write "
        f"safe to retry. The same key, user, method, path and body within {int(TTL.total_seconds() // 3600)} "
        f"hours answers the first successful response again, with the header `{REPLAYED_HEADER}: true`, "
        f"instead of executing twice. The same key with another request answers 409; a retry while the first "
        f"request is still running waits for it, or answers 409 with Retry-After. Error responses are not "
        f"kept: after a 4xx the key may be used again."
    ),
)


class AutoSchema(openapi.AutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method.upper() in UNSAFE_METHODS:
            parameters = [*parameters, IDEMPOTENCY_KEY]
        return parameters
