"""A run's results as files for the leadership group's meeting: xlsx (ranking + breakdown) and DOCX."""

from __future__ import annotations

import io
from decimal import Decimal

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from .choices import SubjectKind
from .models import AssessmentResult, AssessmentScheme

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RANKING_HEADINGS = ["类别", "排名", "考核对象", "得分", "等次", "一票否决"]
BREAKDOWN_HEADINGS = ["考核对象", "考核项", "类别", "评分规则", "满分", "得分", "实际值", "目标", "状态", "说明"]
RULE_LABELS = {"full_or_nothing": "达标得满分", "proportional": "按完成程度"}
KIND_LABELS = {"indicator": "指标", "tasks": "重点任务", "bonus": "加分项", "veto": "一票否决", "none": ""}


def _ordered(results: list[AssessmentResult]) -> list[AssessmentResult]:
    kinds = [SubjectKind.DISTRICT, SubjectKind.DEPARTMENT]
    return sorted(results, key=lambda r: (kinds.index(r.subject_kind), r.rank, str(r.subject)))


def ranking_rows(results: list[AssessmentResult]) -> list[list]:
    return [[r.get_subject_kind_display(), r.rank, str(r.subject), Decimal(r.score), r.get_grade_display(),
             "是" if r.vetoed else ""] for r in _ordered(results)]


def breakdown_rows(result: AssessmentResult) -> list[list]:
    return [[str(result.subject), line["name"], KIND_LABELS.get(line["kind"], line["kind"]),
             RULE_LABELS.get(line["rule"], "") if line["kind"] == "indicator" else "",
             Decimal(line["max"]), Decimal(line["points"]), line.get("value") or "", line.get("target") or "",
             line.get("status_label", ""), line.get("note", "")] for line in result.breakdown]


def results_xlsx(scheme: AssessmentScheme, results: list[AssessmentResult]) -> bytes:
    workbook = Workbook()
    ranking = workbook.active
    ranking.title = "排名"
    ranking.append([f"{scheme.name}（{scheme.year}年）"])
    ranking["A1"].font = Font(bold=True, size=14)
    ranking.append(RANKING_HEADINGS)
    for row in ranking_rows(results):
        ranking.append(row)
    ranking.column_dimensions["C"].width = 36
    detail = workbook.create_sheet("得分明细")
    detail.append(BREAKDOWN_HEADINGS)
    for result in _ordered(results):
        for row in breakdown_rows(result):
            detail.append(row)
    detail.column_dimensions["A"].width = 30
    detail.column_dimensions["B"].width = 40
    detail.column_dimensions["J"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cjk(document: Document) -> None:
    style = document.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.font.size = Pt(10)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")


def _table(document: Document, headings: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def results_docx(scheme: AssessmentScheme, results: list[AssessmentResult]) -> bytes:
    """The ranking table, then one section per subject with the line-by-line breakdown of its score."""
    document = Document()
    _cjk(document)
    title = document.add_heading(f"{scheme.name}考核结果", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"考核年度：{scheme.year}　等次：优秀 ≥ {scheme.excellent_from}，良好 ≥ {scheme.good_from}，"
                           f"合格 ≥ {scheme.pass_from}，其余为不合格；发生一票否决事项的评为不合格。")
    document.add_heading("一、排名", level=1)
    _table(document, RANKING_HEADINGS, ranking_rows(results))
    document.add_heading("二、得分明细", level=1)
    for result in _ordered(results):
        document.add_heading(f"{result.subject}：{result.score} 分，{result.get_grade_display()}，第 {result.rank} 名",
                             level=2)
        rows = [row[1:] for row in breakdown_rows(result)]
        _table(document, BREAKDOWN_HEADINGS[1:], rows)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
