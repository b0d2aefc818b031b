"""Upload safety in one place: every uploaded file is checked here before it is stored or parsed.

* size: the request from its Content-Length before Django reads it, then the file (0 bytes refused);
* type: by content (magic bytes, via `filetype`) and by name, which must agree, against the field's
  allow-list; HTML, SVG, executables and anything unknown are refused, so nothing a browser would run
  is ever stored (downloads are also sent as attachments, see `qcity/core/downloads.py`);
* zip-based files (xlsx, docx, pptx, OFD): the members' uncompressed total, their count, each member's
  compression ratio and the real inflated size are checked before a reader (openpyxl, calamine,
  python-docx) opens them, because a 300 KB xlsx can inflate to gigabytes inside the reader.

Each refusal is a ValidationError naming the field and the limit, which pages and the API answer with 400.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext

MB = 1024 * 1024
# multipart framing and the other form fields around the file
_ENVELOPE_BYTES = 64 * 1024
# Small members (styles, relationships) compress far better than 100:1 and cannot hurt; the ratio is
# checked only on members that unpack to more than this.
_RATIO_FLOOR_BYTES = 1 * MB
_CHUNK = 64 * 1024
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: .doc, .xls, .ppt, WPS

# extension → the content it must have
_CONTENT = {
    ".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".gif": "gif", ".webp": "webp",
    ".pdf": "pdf",
    ".docx": "docx", ".xlsx": "xlsx", ".pptx": "pptx", ".ofd": "ofd",
    ".doc": "ole", ".xls": "ole", ".ppt": "ole", ".wps": "ole", ".et": "ole",
    ".txt": "text", ".md": "text", ".csv": "text", ".json": "text",
}
# the member that tells one OOXML/OFD package from another
_PACKAGE_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml",
                 "ofd": "OFD.xml"}

# Allow-lists per field.
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
PDF_TYPES = (".pdf",)
# Word/Excel/PowerPoint old and new, WPS (文字 .wps, 表格 .et), and OFD, the national e-document format.
OFFICE_TYPES = (".docx", ".xlsx", ".pptx", ".doc", ".xls", ".ppt", ".wps", ".et", ".ofd")
ATTACHMENT_TYPES = IMAGE_TYPES + PDF_TYPES + OFFICE_TYPES  # evidence, progress attachments
XLSX_TYPES = (".xlsx",)


def _(message: str) -> str:
    """gettext, or the Chinese message itself where Django is not configured (the bare plan-document reader)."""
    return gettext(message) if settings.configured else message


def _setting(name: str, default: int) -> int:
    return getattr(settings, name, default) if settings.configured else default


def request_too_large(request) -> str:
    """An error message when the request body is over the upload limit, else an empty string."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return ""
    if length > settings.QCITY_MAX_UPLOAD_BYTES + _ENVELOPE_BYTES:
        return _("文件过大：上限 %(mb)d MB") % {"mb": settings.QCITY_MAX_UPLOAD_BYTES // MB}
    return ""


def check_upload(upload, *, allowed: tuple[str, ...], label: str = "", max_bytes: int | None = None,
                 max_unpacked: int | None = None) -> str:
    """Refuse `upload` (a Django UploadedFile or a named file) unless it is a non-empty file of an allowed
    type whose content agrees with its name; return its extension. Leaves the file at position 0."""
    prefix = f"{label}：" if label else ""
    name = os.path.basename(getattr(upload, "name", "") or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in allowed:
        raise ValidationError(prefix + _("不接受“%(name)s”：只接受 %(types)s 文件")
                              % {"name": name[:80], "types": "、".join(allowed)}, code="file_type")
    size = _size(upload)
    if size == 0:
        raise ValidationError(prefix + _("文件为空（0 字节）"), code="empty")
    limit = settings.QCITY_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if size > limit:
        raise ValidationError(prefix + _("文件过大：上限 %(mb)s MB") % {"mb": _mb(limit)}, code="too_large")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    expected = _CONTENT[extension]
    if expected in _PACKAGE_PART:
        if head[:4] != b"PK\x03\x04":
            raise _mismatch(prefix, name, head)
        names = check_zip(upload, label=label, max_unpacked=max_unpacked)
        if _PACKAGE_PART[expected] not in names:
            raise _mismatch(prefix, name, head)
    elif expected == "ole":
        if not head.startswith(_OLE_SIGNATURE):
            raise _mismatch(prefix, name, head)
    elif expected == "text":
        if b"\x00" in head or filetype.guess(head) is not None:
            raise _mismatch(prefix, name, head)
    else:
        kind = filetype.guess(head)
        if kind is None or kind.extension != expected:
            raise _mismatch(prefix, name, head)
    return extension


def validate_upload(upload, *, field: str, allowed: tuple[str, ...], label: str = "", **limits) -> str:
    """`check_upload` for services: the refusal is keyed by the field, so the API names it."""
    try:
        return check_upload(upload, allowed=allowed, label=label, **limits)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@deconstructible
class UploadValidator:
    """`check_upload` as a validator of a form or serializer FileField: `validators=[UploadValidator(...)]`."""

    def __init__(self, allowed: tuple[str, ...], *, max_unpacked: int | None = None):
        self.allowed = tuple(allowed)
        self.max_unpacked = max_unpacked

    def __call__(self, upload) -> None:
        check_upload(upload, allowed=self.allowed, max_unpacked=self.max_unpacked)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.allowed, self.max_unpacked) == (
            other.allowed, other.max_unpacked)


def check_zip(upload, *, label: str = "", max_unpacked: int | None = None) -> set[str]:
    """Refuse a zip bomb before any reader inflates it; return the member names.

    The central directory is checked first (member count, declared uncompressed total, per-member
    ratio), then each member is inflated into a counter, 64 KB at a time, because the declared sizes can
    lie and readers other than Python's zipfile (calamine) do not stop at them.
    """
    prefix = f"{label}：" if label else ""
    max_unpacked = _setting("QCITY_UPLOAD_MAX_UNPACKED_BYTES", 200 * MB) if max_unpacked is None else max_unpacked
    max_members = _setting("QCITY_UPLOAD_MAX_ZIP_MEMBERS", 10_000)
    max_ratio = _setting("QCITY_UPLOAD_MAX_COMPRESSION_RATIO", 100)
    stream = io.BytesIO(upload) if isinstance(upload, bytes | bytearray) else upload
    broken = ValidationError(prefix + _("压缩包已损坏，无法读取"), code="bad_zip")
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise broken from None
    if len(members) > max_members:
        raise ValidationError(prefix + _("压缩包内文件过多：%(count)d 个，上限 %(limit)d 个")
                              % {"count": len(members), "limit": max_members}, code="zip_members")
    too_big = ValidationError(prefix + _("文件解压后过大：超过 %(mb)s MB 上限") % {"mb": _mb(max_unpacked)},
                              code="zip_size")
    if sum(m.file_size for m in members) > max_unpacked:
        raise too_big
    for member in members:
        if member.flag_bits & 0x1:
            raise ValidationError(prefix + _("压缩包内有加密文件，无法检查"), code="zip_encrypted")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ValidationError(prefix + _("压缩包使用了不支持的压缩方式"), code="zip_method")
        if member.file_size > _RATIO_FLOOR_BYTES and member.file_size > max_ratio * max(member.compress_size, 1):
            raise ValidationError(prefix + _("压缩比异常：%(name)s 为 %(ratio)d:1，上限 %(limit)d:1")
                                  % {"name": member.filename[:60], "ratio": member.file_size // max(member.compress_size, 1),
                                     "limit": max_ratio}, code="zip_ratio")
    total = 0
    try:
        for member in members:
            inflated = _inflated_size(stream, member, cap=min(member.file_size, max_unpacked - total))
            if inflated is None:
                raise ValidationError(prefix + _("压缩包内 %(name)s 的实际大小与声明不符")
                                      % {"name": member.filename[:60]}, code="zip_lie")
            total += inflated
    except (zlib.error, struct.error, EOFError, OSError):
        raise broken from None
    finally:
        stream.seek(0)
    return {m.filename for m in members}


def _inflated_size(stream, member: zipfile.ZipInfo, *, cap: int) -> int | None:
    """How many bytes `member` really inflates to, or None as soon as that passes `cap` or its declared size."""
    stream.seek(member.header_offset)
    header = stream.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    stream.seek(member.header_offset + 30 + name_length + extra_length)
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size if member.compress_size == member.file_size <= cap else None
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left, produced = member.compress_size, 0
    while left > 0 and not inflater.eof:
        pending = stream.read(min(_CHUNK, left))
        if not pending:
            raise EOFError
        left -= len(pending)
        while pending and not inflater.eof:
            produced += len(inflater.decompress(pending, _CHUNK))
            if produced > cap:
                return None
            pending = inflater.unconsumed_tail
    return produced if produced == member.file_size else None


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return size


def _mb(limit: int) -> str:
    return f"{limit / MB:g}"


def _mismatch(prefix: str, name: str, head: bytes) -> ValidationError:
    kind = filetype.guess(head)
    found = _("实际内容为 %(kind)s") % {"kind": kind.extension} if kind else _("内容无法识别")
    return ValidationError(prefix + _("文件“%(name)s”不是有效的 %(type)s 文件：内容与扩展名不符（%(found)s）")
                           % {"name": name[:80], "type": os.path.splitext(name)[1].lstrip(".").lower(),
                              "found": found}, code="file_content")
