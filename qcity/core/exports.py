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
from .masking import mask_text

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


# the system administrator's failed and long-pending deliveries, as on the page: the address masked, the
# message by kind and number only (its title may name a person)
NOTIFICATION_DELIVERIES = XlsxColumns(
    name="notification-deliveries", sheet=gettext_lazy("发送失败的消息"), object_type="core.notificationdelivery",
    headings=[gettext_lazy("创建时间"), gettext_lazy("渠道"), gettext_lazy("地址"), gettext_lazy("消息"),
              gettext_lazy("状态"), gettext_lazy("尝试次数"), gettext_lazy("最后错误")],
    row=lambda d: [timezone.localtime(d.created_at).replace(tzinfo=None), d.get_channel_display(),
                   mask_text(d.address), f"{d.notification.get_kind_display()} #{d.notification_id}",
                   d.get_status_display(), d.attempts, d.last_error])


# --- back-office lists (core/views/__init__.py), as on their pages


def _yes(value: bool) -> str:
    return _("是") if value else ""


def _local(moment):
    """A timestamp as the city reads it (xlsx cells hold no time zone)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


ORG_UNITS = XlsxColumns(
    name="org-units", sheet=gettext_lazy("行政区划"), object_type="core.orgunit",
    headings=[gettext_lazy("名称"), gettext_lazy("简称"), gettext_lazy("类别"), gettext_lazy("行政区划代码"),
              gettext_lazy("上级")],
    row=lambda u: [u.name, u.short_name, u.get_kind_display(), u.division_code or "",
                   u.parent.name if u.parent else ""])

DEPARTMENTS = XlsxColumns(
    name="departments", sheet=gettext_lazy("成员单位"), object_type="core.department",
    headings=[gettext_lazy("名称"), gettext_lazy("简称"), gettext_lazy("代码"), gettext_lazy("所属行政单元"),
              gettext_lazy("领导小组成员单位")],
    row=lambda d: [d.name, d.short_name, d.code, d.org_unit.name, _yes(d.is_member_unit)])

LEGAL_DURATIONS = XlsxColumns(
    name="legal-durations", sheet=gettext_lazy("法定期限"), object_type="core.legalduration",
    headings=[gettext_lazy("代码"), gettext_lazy("名称"), gettext_lazy("数值"), gettext_lazy("单位"),
              gettext_lazy("法律依据"), gettext_lazy("生效日期"), gettext_lazy("失效日期"), gettext_lazy("已核实")],
    row=lambda d: [d.code, d.name, d.value, d.get_unit_display(), d.legal_source, d.effective_from,
                   d.effective_to, _yes(d.confirmed)])

DEADLINE_CHANGES = XlsxColumns(
    name="deadline-changes", sheet=gettext_lazy("期限变动"), object_type="core.deadlinechange",
    headings=[gettext_lazy("事项"), gettext_lazy("期限"), gettext_lazy("行政单元"), gettext_lazy("原期限"),
              gettext_lazy("原暂定依据年度"), gettext_lazy("新期限"), gettext_lazy("新暂定依据年度"),
              gettext_lazy("起因"), gettext_lazy("开始时间")],
    row=lambda c: [c.object_repr, c.field_label, c.org_unit.name if c.org_unit else "", c.old_on,
                   c.old_provisional_year, c.new_on, c.new_provisional_year, c.recomputation.trigger,
                   _local(c.recomputation.started_at)])

# no password, phone or login data: who holds which role over which unit
USERS = XlsxColumns(
    name="users", sheet=gettext_lazy("用户"), object_type="core.user",
    headings=[gettext_lazy("用户名"), gettext_lazy("姓名"), gettext_lazy("所属行政单元"), gettext_lazy("所属部门"),
              gettext_lazy("角色"), gettext_lazy("须修改密码")],
    row=lambda u: [u.username, u.full_name, u.org_unit.name if u.org_unit else "",
                   u.department.short_name if u.department else "",
                   "；".join(f"{a.get_role_display()} · {a.org_unit.short_name or a.org_unit.name}"
                            for a in u.role_assignments.all()),
                   _yes(u.must_change_password)])
