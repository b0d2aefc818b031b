"""通报: criticism of overdue tasks and commendation of tasks done on time, issued as DOCX documents."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from qcity.core import access
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.models import User
from qcity.core.roles import OFFICE

from ..choices import NoticeKind
from ..models import Notice, PlanTask

ISSUING_BODY = gettext_lazy("郑州市质量强市工作领导小组办公室")
NUMBER_PREFIX = "郑质强办通"  # i18n-ignore: part of the stored document number
BODY_FONT = "仿宋"  # i18n-ignore: font family name (GB/T 9704)
TITLE_FONT = "黑体"  # i18n-ignore: font family name (GB/T 9704)


def _eligibility_errors(kind: str, tasks: list[PlanTask], today: datetime.date) -> list[str]:
    """A criticism names only late tasks, a commendation only tasks done on time: a notice is an
    official finding, so a task that does not fit it is refused rather than silently included."""
    wrong = []
    for task in tasks:
        late = task.is_overdue(today) or (not task.is_open and task.days_late(today) > 0)
        on_time = not task.is_open and task.days_late(today) == 0
        if (kind == NoticeKind.CRITICISM and not late) or (kind == NoticeKind.COMMENDATION and not on_time):
            wrong.append(task.code)
    if not wrong:
        return []
    if kind == NoticeKind.CRITICISM:
        return [_("以下任务不是逾期未完成或逾期完成的任务：%(codes)s") % {"codes": "、".join(wrong)}]
    return [_("以下任务不是按期完成的任务：%(codes)s") % {"codes": "、".join(wrong)}]


def _state(task: PlanTask, today: datetime.date) -> str:
    late = task.days_late(today)
    if task.is_open:
        return _("未完成，已逾期%(days)s天（进度%(progress)s%%）") % {"days": late, "progress": task.progress}
    done = f"{timezone.localdate(task.completed_at):%Y-%m-%d}"
    if late:
        return _("%(date)s完成，逾期%(days)s天") % {"date": done, "days": late}
    return _("%(date)s完成，按期完成") % {"date": done}


def _default_title(kind: str, year: int) -> str:
    if kind == NoticeKind.CRITICISM:
        return _("关于%(year)s年质量强市重点任务逾期未完成情况的通报") % {"year": year}
    return _("关于%(year)s年质量强市重点任务按期完成情况的通报") % {"year": year}


def _default_body(kind: str, tasks: list[PlanTask], today: datetime.date) -> str:
    departments = _("、").join(dict.fromkeys(t.lead_department.short_name for t in tasks))
    values = {"date": _("%(year)s年%(month)02d月%(day)02d日") % {"year": today.year, "month": today.month, "day": today.day},
              "count": len(tasks), "departments": departments}
    if kind == NoticeKind.CRITICISM:
        return _("截至%(date)s，质量强市重点工作任务中有%(count)s项未按规定时限完成，"
                 "涉及牵头单位：%(departments)s。现予以通报批评。请相关单位认真分析原因，制定整改措施，"
                 "明确完成时限，于5个工作日内将整改情况书面报送领导小组办公室。") % values
    return _("截至%(date)s，%(departments)s等单位牵头的%(count)s项质量强市重点工作任务按期保质完成，"
             "成效明显。现予以通报表扬，希望受表扬单位再接再厉，各成员单位学习借鉴，推动质量强市建设各项任务落到实处。") % values


def _set_font(run, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _paragraph(document, text: str, *, font=BODY_FONT, size=16, bold=False, align=None, color=None, indent=False):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _set_font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def notice_docx(*, notice_number: str, title: str, body: str, tasks: list[PlanTask], today: datetime.date,
                issued_on: datetime.date) -> bytes:
    """The document as circulated: red-letter header, number, title, body, the task table, signature."""
    document = Document()
    _paragraph(document, str(ISSUING_BODY), font=TITLE_FONT, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               color=RGBColor(0xC0, 0x00, 0x00))
    _paragraph(document, notice_number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, title, font=TITLE_FONT, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, _("各成员单位、各区县（市）人民政府、各开发区管委会："))
    for text in body.splitlines():
        if text.strip():
            _paragraph(document, text.strip(), indent=True)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    headings = [_("序号"), _("任务"), _("牵头单位"), _("配合单位"), _("完成时限"), _("完成情况")]
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = ""
        _set_font(cell.paragraphs[0].add_run(heading), TITLE_FONT, 11, bold=True)
    for number, task in enumerate(tasks, start=1):
        values = [str(number), f"{task.code} {task.title}",
                  task.lead_department.short_name + (f"（{task.org_unit.name}）" if task.org_unit_id else ""),
                  _("、").join(d.short_name for d in task.supporting_departments.all()) or "—",
                  f"{task.deadline:%Y-%m-%d}", _state(task, today)]
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _set_font(cell.paragraphs[0].add_run(value), BODY_FONT, 11)
    _paragraph(document, "")
    _paragraph(document, str(ISSUING_BODY), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, _("%(year)s年%(month)s月%(day)s日") % {"year": issued_on.year, "month": issued_on.month,
                                                            "day": issued_on.day}, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _next_number(year: int) -> tuple[str, int]:
    serial = Notice.objects.filter(year=year).count() + 1
    return f"{NUMBER_PREFIX}〔{year}〕{serial}号", serial  # i18n-ignore: the stored document number


def notice_issue(*, kind: str, tasks: Iterable[PlanTask], by: User | None, title: str = "", body: str = "",
                 year: int | None = None, today: datetime.date | None = None) -> Notice:
    """Generate the notice document for `tasks`, store it and record who issued it."""
    access.require_role(by, *OFFICE, action="issue notice")
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": [_("通报类别须为通报批评或通报表扬")]})
    tasks = sorted({t.pk: t for t in tasks}.values(), key=lambda t: (t.deadline, t.code))
    if not tasks:
        raise ValidationError({"tasks": [_("请至少选择一项任务")]})
    today = today or timezone.localdate()
    errors = _eligibility_errors(kind, tasks, today)
    if errors:
        raise ValidationError({"tasks": errors})
    year = year or today.year
    title = (title or "").strip() or _default_title(kind, year)
    body = (body or "").strip() or _default_body(kind, tasks, today)
    issued_at = timezone.now() if today == timezone.localdate() else timezone.make_aware(
        datetime.datetime.combine(today, datetime.time(10)))
    number, serial = _next_number(year)
    content = notice_docx(notice_number=number, title=title, body=body, tasks=tasks, today=today,
                          issued_on=timezone.localdate(issued_at))
    try:
        with transaction.atomic():
            notice = Notice.objects.create(kind=kind, number=number, title=title[:200], year=year, body=body,
                                           issued_by=by, issued_at=issued_at)
            notice.tasks.set(tasks)
            notice.file.save(f"notice-{year}-{serial:03d}.docx", ContentFile(content), save=True)
            audit_record(action=AuditAction.CREATE, by=by, obj=notice,
                         message=f"{NoticeKind(kind).label} {number}: {len(tasks)} tasks "
                                 f"({', '.join(t.code for t in tasks)})"[:500])
    except IntegrityError as exc:  # another notice took the number at the same moment
        raise ValidationError({"number": [_("文号冲突，请重试")]}) from exc
    return notice
