from .request_context import RequestContext, acting_as


def client_ip(request) -> str | None:
    # Behind the reverse proxy REMOTE_ADDR is the proxy; it sets X-Real-IP to the client address.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        with acting_as(RequestContext(source_ip=client_ip(request), channel=channel)):
            return self.get_response(request)


class ChineseByDefaultMiddleware:
    """The interface is Chinese unless the user picked English with the language switch (a cookie).

    The browser's Accept-Language is ignored: officials on English-language systems still expect the
    Chinese interface the rest of the government uses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
