"""Idempotent writes: an API request with an `Idempotency-Key` header, or a page form with its one-time
token, is executed once; a repeat is answered with the first answer.

Why: a client retrying after a timeout, 20 parallel identical calls or a double-click on a page must not
record two penalties or two samples. The first request claims (user, key) by inserting an
`IdempotencyRecord` before the view runs; the unique constraint is the lock, on SQLite and PostgreSQL
alike. Then the view runs and its answer is stored. A repeat within `TTL` with the same method, path and
body gets the stored answer with `Idempotent-Replayed: true`; the same key with another request gets 409;
a twin arriving while the first still runs waits up to `WAIT_SECONDS` for its answer, then gets 409.

Only answers that did something are kept (2xx, and 3xx for pages): after an error the key is freed so
the corrected request can be sent again under it (the services write all or nothing). An answer marked
`Cache-Control: no-store` (a one-time password) is never kept either.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import secrets
import time

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from .models import IdempotencyRecord
from .parsers import json_loads
from .request_guard import has_nul, nul_character_message
from .uploads import request_too_large

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
FORM_FIELD = "form_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
API_PREFIX = "/api/"

TTL = datetime.timedelta(hours=24)  # a key answers the same for 24 hours, then the purge task forgets it
ABANDONED_AFTER = datetime.timedelta(minutes=10)  # a claim never answered (a killed worker) is taken over
WAIT_SECONDS = 10.0  # how long a twin waits for the first request's answer before a 409
POLL_SECONDS = 0.05

# Headers a replay repeats; never Set-Cookie (no session cookies in the table).
KEPT_HEADERS = ("Content-Type", "Location", "Content-Disposition", "HX-Redirect", "HX-Location", "HX-Refresh",
                "HX-Trigger", "HX-Retarget", "HX-Reswap")
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, as the IETF draft's examples

CLAIMED, REPLAY, MISMATCH, RUNNING = "claimed", "replay", "mismatch", "running"
# A body Django refuses to read (too large, too many fields, broken multipart): the view answers that.
UNREADABLE = (RawPostDataException, MultiPartParserError, SuspiciousOperation, OSError, ValueError)


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def request_fingerprint(request, *, ignore: tuple[str, ...] = ()) -> str:
    """SHA-256 of what the request asks for. Form posts hash their fields and files (the multipart boundary
    differs on every retry); JSON is hashed in a canonical form, so key order and spacing do not matter."""
    digest = hashlib.sha256()
    # Django parses form bodies into request.POST for POST only; a PUT/PATCH form is hashed as its raw body.
    if request.method == "POST" and request.content_type in FORM_TYPES:
        for name in sorted(request.POST):
            if name not in ignore:
                digest.update(json.dumps([name, request.POST.getlist(name)], ensure_ascii=False).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(json.dumps(["file", name, upload.name, upload.size], ensure_ascii=False).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
        return digest.hexdigest()
    body = request.body
    if body and "json" in (request.content_type or ""):
        try:
            body = json.dumps(json_loads(body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            pass  # not JSON after all: the raw bytes
    digest.update(body)
    return digest.hexdigest()


def idempotency_claim(*, user, key: str, method: str, path: str, request_hash: str,
                      wait: float | None = None) -> tuple[str, IdempotencyRecord | None]:
    """Claim `key` for this request, or say why not: (CLAIMED, record) — run the view, then call
    `idempotency_complete`; (REPLAY, record) — answer with `replay_response(record)`; (MISMATCH, record) —
    the key was used for another request; (RUNNING, record) — the first is still running after `wait`."""
    wait = WAIT_SECONDS if wait is None else wait
    give_up_at = time.monotonic() + wait
    while True:
        now = timezone.now()
        try:
            with transaction.atomic():  # a savepoint when the caller holds a transaction
                return CLAIMED, IdempotencyRecord.objects.create(
                    user=user, key=key, method=method, path=path, request_hash=request_hash, created_at=now)
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None:  # the first request failed and freed the key meanwhile: claim it again
            continue
        expired = record.created_at < now - TTL
        abandoned = record.status_code is None and record.created_at < now - ABANDONED_AFTER
        if expired or abandoned:
            # Take it over, unless another twin did first (then its created_at changed).
            taken = IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).update(
                method=method, path=path, request_hash=request_hash, status_code=None, response_headers={},
                response_body=b"", created_at=now, completed_at=None)
            if taken:
                return CLAIMED, IdempotencyRecord.objects.get(pk=record.pk)
            continue
        if (record.method, record.path, record.request_hash) != (method, path, request_hash):
            return MISMATCH, record
        if record.status_code is not None:
            return REPLAY, record
        if time.monotonic() >= give_up_at:
            return RUNNING, record
        time.sleep(POLL_SECONDS)


def _keeps(response, *, page: bool) -> bool:
    # A `no-store` answer (a one-time password, add_never_cache_headers) must not sit in the table either:
    # the key is freed, and a repeat runs again and shows its own answer.
    if getattr(response, "streaming", False) or "no-store" in response.get("Cache-Control", ""):
        return False
    return 200 <= response.status_code < (400 if page else 300)


def idempotency_complete(record: IdempotencyRecord, response, *, page: bool = False) -> None:
    """Store the answer of a claimed request, or free the key when the request did nothing lasting."""
    if not _keeps(response, page=page):
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=response.status_code, response_headers=headers, response_body=response.content,
        completed_at=timezone.now())


def replay_response(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.response_body), status=record.status_code)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def idempotency_records_purge(*, now: datetime.datetime | None = None) -> int:
    """Forget keys older than `TTL` (a client may reuse them after that); returns how many were deleted."""
    now = now or timezone.now()
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=now - TTL).delete()
    return deleted


# --- the middleware --------------------------------------------------------------------------------

def _api_user(request, view_func):
    """The caller as the DRF view will see it (token or session), or None when it is not authenticated;
    the view itself then answers 401/403."""
    view_class = getattr(view_func, "cls", None)
    if view_class is None:
        user = getattr(request, "user", None)
    else:
        drf_request = Request(request, authenticators=[auth() for auth in view_class.authentication_classes])
        try:
            user = drf_request.user
        except APIException:
            return None
    return user if user is not None and user.is_authenticated else None


def _api_error(message: str, status: int = 409, **headers) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status, headers=headers or None,
                        json_dumps_params={"ensure_ascii": False})


class IdempotencyMiddleware:
    """API: honours `Idempotency-Key` on POST/PUT/PATCH/DELETE under /api/. Pages: a POST carrying the
    one-time `form_token` (rendered by `{% form_token %}` beside `{% csrf_token %}`) runs once.

    It sits after the authentication, CSRF and message middleware: it needs the user, must not claim a
    key for a forged request, and tells a page user that a repeat was not processed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claimed = getattr(request, "_idempotency_claim", None)
        if claimed is not None:
            record, page = claimed
            idempotency_complete(record, response, page=page)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in UNSAFE_METHODS or request_too_large(request):
            return None
        if request.path.startswith(API_PREFIX):
            return self._api(request, view_func)
        if request.method == "POST":
            return self._page(request)
        return None

    def _api(self, request, view_func):
        key = request.headers.get(HEADER)
        if key is None:
            return None
        if not KEY_PATTERN.match(key):
            return _api_error(_("Idempotency-Key 须为 1–255 个可打印 ASCII 字符"), status=400)
        user = _api_user(request, view_func)
        if user is None:
            return None
        try:
            fingerprint = request_fingerprint(request)
        except UNREADABLE:
            return None
        if request.method == "POST" and request.content_type in FORM_TYPES and has_nul(request.POST):
            # DRF now takes the form Django parsed here instead of running its (NUL-checking) parser
            return JsonResponse({"detail": nul_character_message(), "code": "nul_character"}, status=400)
        outcome, record = idempotency_claim(user=user, key=key, method=request.method,
                                            path=request.get_full_path()[:2000], request_hash=fingerprint)
        if outcome == CLAIMED:
            request._idempotency_claim = (record, False)
            return None
        if outcome == REPLAY:
            return replay_response(record)
        if outcome == MISMATCH:
            return _api_error(_("该 Idempotency-Key 已用于另一个请求（方法、路径或请求内容不同）。"
                                "新的请求请使用新的 Idempotency-Key。"))
        return _api_error(_("使用该 Idempotency-Key 的请求仍在处理中，请稍后以同一个键重试。"), **{"Retry-After": "1"})

    def _page(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # login and other anonymous forms: nothing to record twice
        try:
            token = request.POST.get(FORM_FIELD, "").strip()
            if not token or not KEY_PATTERN.match(token):
                return None  # HTMX buttons and other posts without a form
            fingerprint = request_fingerprint(request, ignore=("csrfmiddlewaretoken", FORM_FIELD))
        except UNREADABLE:
            return None
        outcome, record = idempotency_claim(user=user, key=token, method=request.method,
                                            path=request.get_full_path()[:2000], request_hash=fingerprint)
        if outcome == CLAIMED:
            request._idempotency_claim = (record, True)
            return None
        if outcome == REPLAY and "Location" not in record.response_headers:
            return replay_response(record)  # a result page or an HTMX partial: the same again
        if outcome == REPLAY:
            messages.info(request, _("该表单已经提交并处理过，未重复提交。"))
        elif outcome == MISMATCH:
            messages.warning(request, _("该表单已经提交过一次，本次提交未处理。每张表单只能提交一次，"
                                        "请在新打开的页面上重新填写。"))
        else:
            messages.warning(request, _("该表单的上一次提交仍在处理中，本次提交未处理。请稍后刷新页面查看结果。"))
        return HttpResponseRedirect(self._back(request, record))

    @staticmethod
    def _back(request, record) -> str:
        """Where the first submission led, else the page the form was on."""
        location = record.response_headers.get("Location")
        if location:
            return location
        referer = request.headers.get("Referer", "")
        if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                       require_https=request.is_secure()):
            return referer
        return "/"
