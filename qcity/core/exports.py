"""xlsx export helpers shared by every module's list exports."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(sheet_name: str, headings: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.append(list(headings))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_export(*, by, name: str, sheet: str, headings: Sequence[str], rows: Iterable[Sequence],
                object_type: str) -> HttpResponse:
    """A list's xlsx download, `<name>-<date>.xlsx`, recorded in the audit log (who took which list out)."""
    from django.utils import timezone

    from .audit import audit_record
    from .choices import AuditAction

    content = xlsx_bytes(sheet, headings, rows)
    audit_record(action=AuditAction.EXPORT, by=by, object_type=object_type, object_repr=sheet,
                 message=f"exported {name}")
    return xlsx_response(content, f"{name}-{timezone.localdate():%Y%m%d}.xlsx")
