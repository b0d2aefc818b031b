"""Stored files go out only as attachments, after the calling view has checked the owning object's scope.

Uploaded files are never served from a public /media/ URL. Even a file that slipped past the type check
(or was stored before it existed) cannot run in the app's origin: it is an attachment, the browser may
not sniff another type, and the sandbox CSP gives a document opened anyway no scripts and no origin.
"""

from __future__ import annotations

import io
import mimetypes

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

# Types a browser will not execute; anything else is sent as application/octet-stream.
_SAFE_TYPES = {
    "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv",
    "application/json", "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
SANDBOX_CSP = "sandbox; default-src 'none'"


def attachment_response(file, filename: str, *, content_type: str | None = None) -> FileResponse:
    """`file` (an open file, a FieldFile, or bytes) as a download named `filename` (RFC 6266/5987 via
    FileResponse, so Chinese names survive), with nosniff and a sandboxing CSP."""
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    elif isinstance(file, FieldFile):
        file = file.open("rb")
    if content_type is None:
        guessed = mimetypes.guess_type(filename)[0]
        content_type = guessed if guessed in _SAFE_TYPES else "application/octet-stream"
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response
