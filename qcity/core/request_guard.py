"""Input no view can use is refused before the view runs, in one place for pages and the API.

- Path ids: `<int:pk>` matches any run of digits, and a lookup of 99999999999999999999 on a foreign key
  overflows the database driver (a 500) instead of finding nothing. Django deprecates overriding the
  built-in `int` converter, so this middleware checks every integer the URL resolver hands to a view
  and answers 404 past BIGINT_MAX.
- NUL characters: PostgreSQL text cannot hold U+0000, so a NUL in a query parameter or a form field
  that reaches a lookup (a USCC, a search box) is a DataError. No text of the platform contains one;
  the request is a 400. JSON and multipart bodies of the API are checked by its parsers
  (qcity/core/parsers.py); uploaded files are bytes and are not looked at.
"""

from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from .fields import BIGINT_MAX


def nul_character_message() -> str:
    return _("请求中含有 NUL 字符（U+0000），无法处理")


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Multipart bodies are left to the views (upload size limits come first; the API's parser checks them).
        form = request.content_type == "application/x-www-form-urlencoded"
        if has_nul(request.GET) or (form and has_nul(request.POST)):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": nul_character_message(), "code": "nul_character"}, status=400)
            return HttpResponseBadRequest(nul_character_message(), content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= BIGINT_MAX:
                raise Http404
        return None


def has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())
