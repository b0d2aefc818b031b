"""The one way to take a list (or a results document) out of the system: capped, audited, an attachment.

A list page exports itself with `?export=xlsx` (not `?format=`, which DRF reads as its format suffix):
the view marks itself with `@export_view` and answers `xlsx_export(...)` when `wants_export(request)`.
An app's `exports.py` holds only its columns (`XlsxColumns`); the cap, the audit event (who, which
list, which filters, how many rows) and the download response live here. `tests/test_exports.py`
walks every export link and fails on an unmarked or unaudited one.

A list of more than `EXPORT_BACKGROUND_ROWS` rows is not built while the user waits: `xlsx_export` queues a
background job (`core.export_jobs`) and sends the user to its progress page, which offers the file, to them
alone, when it is ready. The job stores the list's URL, filters and the user, not the rows: the worker opens
the same view again as that user (so the same filters, selectors and scope apply) and the view's own
`xlsx_export` call, seeing the rebuilt request, answers with the built file. The download is the audited export.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from .audit import audit_record
from .choices import AuditAction
from .downloads import attachment_response

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_PARAM = "export"
# A city-wide list of every credit file (1.5 million rows) is not a spreadsheet: filter first.
EXPORT_LIMIT = 100_000
# Above this many rows the file is built by a background job (the user follows its progress), not in the request.
EXPORT_BACKGROUND_ROWS = 5_000
_NOT_FILTERS = (EXPORT_PARAM, "page")
# The attribute a background job sets on the request it rebuilds (an `ExportBuild`).
EXPORT_BUILD_ATTR = "export_build"


@dataclass(frozen=True)
class XlsxColumns:
    """An export's columns: `row(item)` gives one line under `headings`. `name` starts the file name
    (`<name>-<yyyymmdd>.xlsx`); `object_type` ("app.model") names the list in the audit log."""

    name: str
    sheet: str
    headings: Sequence[str]
    row: Callable[[Any], Sequence]
    object_type: str


def export_view(view):
    """Mark a view that answers with an export (checked by tests/test_exports.py)."""
    view.is_export = True
    return view


def wants_export(request: HttpRequest, fmt: str = "xlsx") -> bool:
    return request.method == "GET" and request.GET.get(EXPORT_PARAM) == fmt


def xlsx_bytes(sheet_name: str, headings: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A one-sheet workbook in openpyxl's write-only mode (rows streamed, not held as cells)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(sheet_name))
    sheet.append([str(heading) for heading in headings])  # headings are gettext_lazy: the reader's language
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _filters(request: HttpRequest) -> str:
    return export_filters(request.GET.urlencode())


def export_filters(query: str) -> str:
    """The filters of a list's query string: without the export switch and the page."""
    params = QueryDict(query, mutable=True)
    for key in _NOT_FILTERS:
        params.pop(key, None)
    return params.urlencode()


def export_record(*, by, what: str, object_type: str = "", obj: models.Model | None = None,
                  rows: int | None = None, filters: str = ""):
    """The audit event of an export: who took `what` out, how many rows, with which filters."""
    message = f"exported {what}" + (f", {rows} rows" if rows is not None else "")
    if filters:
        message += f" with filters {filters}"
    return audit_record(action=AuditAction.EXPORT, by=by, obj=obj, object_type=object_type, object_repr=what,
                        message=message[:500])


def export_response(request: HttpRequest, content: bytes, filename: str, *, what: str, object_type: str = "",
                    obj: models.Model | None = None, rows: int | None = None,
                    content_type: str | None = None) -> FileResponse:
    """Record who took `what` out, with which filters and how many rows, and send `content` as a download."""
    export_record(by=request.user, what=what, object_type=object_type, obj=obj, rows=rows, filters=_filters(request))
    return attachment_response(content, filename, content_type=content_type)


def _refused(request: HttpRequest, limit: int) -> HttpResponseRedirect:
    messages.error(request, _("该列表超过 %(limit)s 行，超出导出上限；请先筛选再导出。") % {"limit": limit})
    return HttpResponseRedirect(f"{request.path}?{_filters(request)}")


class ExportRefused(ValueError):
    """A list rebuilt by a background job is now over the cap (it grew since the request)."""


@dataclass(frozen=True)
class ExportBuild:
    """Set on the request a background job rebuilds: `xlsx_export` builds the file whatever its size and
    reports how far it is with `progress(percent)`."""

    progress: Callable[[int], None]


class BuiltExport(HttpResponse):
    """What `xlsx_export` answers to a background job: the file, its name and its row count (not audited:
    the job's download is)."""

    def __init__(self, content: bytes, *, filename: str, rows: int):
        super().__init__(content, content_type=XLSX_CONTENT_TYPE)
        self.filename, self.rows = filename, rows


def _progress_every(total: int) -> int:
    return max(500, total // 50)


def xlsx_export(request: HttpRequest, columns: XlsxColumns, items: Iterable, *,
                limit: int = EXPORT_LIMIT, background_rows: int | None = None) -> HttpResponse:
    """`items` (a queryset or a list) as `<name>-<date>.xlsx`, audited. Above `limit` rows nothing is
    exported: the user is sent back to the list with a message to filter first. Above `background_rows`
    (default `EXPORT_BACKGROUND_ROWS`) the file is built by a background job and the user is sent to its
    progress page; the job calls the view again, and this call then builds the file (`ExportBuild`)."""
    build: ExportBuild | None = getattr(request, EXPORT_BUILD_ATTR, None)
    if background_rows is None:
        background_rows = EXPORT_BACKGROUND_ROWS
    if isinstance(items, QuerySet):
        total = items[:limit + 1].count()
        items = items.iterator(chunk_size=2000)
    else:
        items = list(items)
        total = len(items)
    if total > limit:
        if build is not None:
            raise ExportRefused(_("该列表超过 %(limit)s 行，超出导出上限；请先筛选再导出。") % {"limit": limit})
        return _refused(request, limit)
    if build is None and total > background_rows:
        from .export_jobs import export_job_request  # cycle: export_jobs imports this module

        job, _created = export_job_request(request, what=str(columns.sheet), object_type=columns.object_type)
        return HttpResponseRedirect(reverse("core:export-job", args=[job.pk]))
    count, every = 0, _progress_every(total)

    def rows():
        nonlocal count
        for item in items:
            count += 1
            if build is not None and count % every == 0:
                build.progress(5 + 90 * count // max(total, 1))
            yield columns.row(item)

    content = xlsx_bytes(columns.sheet, columns.headings, rows())
    filename = f"{columns.name}-{timezone.localdate():%Y%m%d}.xlsx"
    if build is not None:
        return BuiltExport(content, filename=filename, rows=count)
    return export_response(request, content, filename, what=str(columns.sheet), object_type=columns.object_type,
                           rows=count, content_type=XLSX_CONTENT_TYPE)


# core's own list: the audit log (audit administrator), every column of each event
AUDIT_EVENTS = XlsxColumns(
    name="audit-log", sheet=gettext_lazy("审计日志"), object_type="core.auditevent",
    headings=[gettext_lazy("时间"), gettext_lazy("操作人"), gettext_lazy("来源地址"), gettext_lazy("渠道"),
              gettext_lazy("动作"), gettext_lazy("对象类型"), gettext_lazy("对象标识"), gettext_lazy("对象"),
              gettext_lazy("说明"), gettext_lazy("变更前"), gettext_lazy("变更后")],
    row=lambda e: [timezone.localtime(e.at).replace(tzinfo=None), e.actor_name, e.source_ip, e.channel,
                   e.get_action_display(), e.object_type, e.object_id, e.object_repr, e.message,
                   str(e.before) if e.before is not None else "", str(e.after) if e.after is not None else ""])
