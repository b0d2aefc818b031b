"""Refuse an oversized upload from its Content-Length, before Django reads it to a temporary file."""

from django.conf import settings

# multipart framing and the other form fields around the file
_ENVELOPE_BYTES = 64 * 1024


def request_too_large(request) -> str:
    """An error message when the request body is over the upload limit, else an empty string."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return ""
    if length > settings.QCITY_MAX_UPLOAD_BYTES + _ENVELOPE_BYTES:
        return f"文件过大：上限 {settings.QCITY_MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
    return ""
