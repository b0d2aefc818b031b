"""A run's results as files for the leadership group's meeting: xlsx (ranking + breakdown) and DOCX."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from qcity.core.exports import XlsxColumns

from .choices import AssessmentGrade, AssessmentSubjectKind
from .models import AssessmentResult, AssessmentScheme

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RANKING_HEADINGS = [gettext_lazy("类别"), gettext_lazy("排名"), gettext_lazy("考核对象"), gettext_lazy("得分"),
                    gettext_lazy("等次"), gettext_lazy("一票否决")]
BREAKDOWN_HEADINGS = [gettext_lazy("考核对象"), gettext_lazy("考核项"), gettext_lazy("类别"), gettext_lazy("评分规则"),
                      gettext_lazy("满分"), gettext_lazy("得分"), gettext_lazy("实际值"), gettext_lazy("目标"),
                      gettext_lazy("状态"), gettext_lazy("说明")]
RULE_LABELS = {"full_or_nothing": gettext_lazy("达标得满分"), "proportional": gettext_lazy("按完成程度")}
KIND_LABELS = {"indicator": gettext_lazy("指标"), "tasks": gettext_lazy("重点任务"), "bonus": gettext_lazy("加分项"),
               "veto": gettext_lazy("一票否决"), "none": "", "rescale": gettext_lazy("折算说明")}


def _ordered(results: list[AssessmentResult]) -> list[AssessmentResult]:
    kinds = [AssessmentSubjectKind.DISTRICT, AssessmentSubjectKind.DEPARTMENT]
    return sorted(results, key=lambda r: (kinds.index(r.subject_kind), r.rank, str(r.subject)))


def ranking_rows(results: list[AssessmentResult]) -> list[list]:
    return [[r.get_subject_kind_display(), r.rank, str(r.subject),
             None if r.grade == AssessmentGrade.NOT_ASSESSED else Decimal(r.score), r.get_grade_display(),
             _("是") if r.vetoed else ""] for r in _ordered(results)]


def breakdown_rows(result: AssessmentResult) -> list[list]:
    return [[str(result.subject), line["name"], str(KIND_LABELS.get(line["kind"], line["kind"])),
             str(RULE_LABELS.get(line["rule"], "")) if line["kind"] == "indicator" else "",
             Decimal(line["max"]), Decimal(line["points"]), line.get("value") or "", line.get("target") or "",
             line.get("status_label", ""), line.get("note", "")] for line in result.breakdown]


def results_xlsx(scheme: AssessmentScheme, results: list[AssessmentResult]) -> bytes:
    workbook = Workbook()
    ranking = workbook.active
    ranking.title = _("排名")
    ranking.append([_("%(name)s（%(year)s年）") % {"name": scheme.name, "year": scheme.year}])
    ranking["A1"].font = Font(bold=True, size=14)
    ranking.append([str(h) for h in RANKING_HEADINGS])
    for row in ranking_rows(results):
        ranking.append(row)
    ranking.column_dimensions["C"].width = 36
    detail = workbook.create_sheet(_("得分明细"))
    detail.append([str(h) for h in BREAKDOWN_HEADINGS])
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
        cell.text = str(heading)
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def results_docx(scheme: AssessmentScheme, results: list[AssessmentResult]) -> bytes:
    """The ranking table, then one section per subject with the line-by-line breakdown of its score."""
    document = Document()
    _cjk(document)
    title = document.add_heading(_("%(name)s考核结果") % {"name": scheme.name}, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        _("考核年度：%(year)s　等次：优秀 ≥ %(excellent_from)s，良好 ≥ %(good_from)s，合格 ≥ %(pass_from)s，"
          "其余为不合格；发生一票否决事项的评为不合格。")
        % {"year": scheme.year, "excellent_from": scheme.excellent_from, "good_from": scheme.good_from,
           "pass_from": scheme.pass_from})
    document.add_heading(_("一、排名"), level=1)
    _table(document, RANKING_HEADINGS, ranking_rows(results))
    document.add_heading(_("二、得分明细"), level=1)
    for result in _ordered(results):
        document.add_heading(_("%(subject)s：%(score)s 分，%(grade)s，第 %(rank)s 名")
                             % {"subject": result.subject, "score": result.score,
                                "grade": result.get_grade_display(), "rank": result.rank}, level=2)
        rows = [row[1:] for row in breakdown_rows(result)]
        _table(document, BREAKDOWN_HEADINGS[1:], rows)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _index_value(value):
    return float(value) if value is not None else None


# the quality-index page's rows (`quality_index.QualityIndexRow`), exported with ?export=xlsx
QUALITY_INDEX = XlsxColumns(
    name="quality-index", sheet=gettext_lazy("大质量指数"), object_type="indicators.qualityindex",
    headings=[gettext_lazy("年度"), gettext_lazy("单位"), gettext_lazy("总指数"), gettext_lazy("产品质量"),
              gettext_lazy("工程质量"), gettext_lazy("服务质量"), gettext_lazy("环境质量")],
    row=lambda r: [r.year, r.org_unit.name, *(_index_value(getattr(r, key)) for key in
                                              ("total", "product", "engineering", "service", "environment"))])
